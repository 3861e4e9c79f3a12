"""``explain init`` on a user's own files: what it infers, what it refuses, and the summary
``explain validate`` ends with."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from explain import BundleError, BundleExistsError, explain_decision, load_bundle, model_card
from explain.bundle._init import human_label, init_bundle
from explain.bundle._readiness import bundle_readiness
from tests.own_model import lightgbm_files, skops_pipeline_files


@pytest.fixture(scope="module")
def lgb_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return lightgbm_files(tmp_path_factory.mktemp("own-lgb"))


def test_labels_from_column_names() -> None:
    assert human_label("debt_to_income") == "Debt to income"
    assert human_label("annualIncome") == "Annual income"
    assert human_label("num-late.payments") == "Num late payments"


def test_init_infers_the_spec_of_a_lightgbm_model(lgb_files: dict[str, Path], tmp_path: Path) -> None:
    result = init_bundle(
        lgb_files["model"], lgb_files["decisions"], id_column="application_id", outcome_column="defaulted",
        reference_path=lgb_files["holdout"], out=tmp_path / "loans",
    )  # fmt: skip
    assert result.task == "binary" and result.inputs == ("debt_to_income", "annualIncome", "home_ownership")
    assert result.categorical == ("home_ownership",) and result.other_columns == ("branch",)
    bundle = load_bundle(result.path)
    spec = bundle.spec
    assert [spec.label(f) for f in bundle.features] == ["Debt to income", "Annual income", "Home ownership"]
    assert spec.label("branch") == "Branch" and spec.id_column == "application_id"
    assert spec.outcome_labels == {"1": "Defaulted", "0": "Not defaulted"} and spec.decision.threshold == 0.5
    assert all(spec.feature(f).unit == "" for f in bundle.features)  # never guessed
    assert spec.name == "Defaulted model" and spec.reference_split is None
    assert not spec.recourse and "actionable = true" in spec.recourse_off_reason
    text = (result.path / "bundle.toml").read_text()
    assert text.count('# expected_effect = ""') == 3 and "# Written by `explain init`" in text
    assert tomllib.loads(text)["features"]["annualIncome"] == {"label": "Annual income"}
    decision = explain_decision(bundle, "A00003")
    assert decision.prediction.verdict in ("Defaulted likely", "Defaulted unlikely")
    assert result.next_commands() == (f"explain validate {result.path}", f"explain serve {result.path}")


def test_init_refuses_to_overwrite_or_to_guess_a_reference(lgb_files: dict[str, Path], tmp_path: Path) -> None:
    args = {"id_column": "application_id", "outcome_column": "defaulted", "out": tmp_path / "b"}
    with pytest.raises(BundleError, match=r"no held-out reference data\. Pass --reference FILE"):
        init_bundle(lgb_files["model"], lgb_files["decisions"], **args)  # type: ignore[arg-type]
    assert not (tmp_path / "b").exists()
    init_bundle(lgb_files["model"], lgb_files["decisions"], reference_path=lgb_files["holdout"], **args)  # type: ignore[arg-type]
    with pytest.raises(BundleExistsError, match=r"already exists; pass --force to replace it"):
        init_bundle(lgb_files["model"], lgb_files["decisions"], reference_path=lgb_files["holdout"], **args)  # type: ignore[arg-type]
    forced = init_bundle(
        lgb_files["model"],
        lgb_files["decisions"],
        split_reference=0.3,
        force=True,
        **args,  # type: ignore[arg-type]
    )
    bundle = load_bundle(forced.path)
    assert bundle.spec.reference_split == 0.3 and 200 < len(bundle.reference) < 400  # type: ignore[arg-type]
    assert len(bundle.reference) + len(bundle.decisions) == 1_000  # type: ignore[arg-type]
    assert "drawn from the decisions file (30%)" in model_card(bundle).metrics_note
    warnings = bundle_readiness(bundle).warnings
    assert any("importance and performance may be optimistic" in w for w in warnings)


def test_init_names_what_is_missing(lgb_files: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    frame = __import__("pandas").read_csv(lgb_files["decisions"]).drop(columns="annualIncome")
    frame.to_csv(bad, index=False)
    with pytest.raises(BundleError, match=r"bad.csv lacks model inputs 'annualIncome'"):
        init_bundle(lgb_files["model"], bad, id_column="application_id", reference_path=lgb_files["holdout"],
                    out=tmp_path / "x")  # fmt: skip
    with pytest.raises(BundleError, match=r"--id: no column 'app_id' in decisions.csv"):
        init_bundle(lgb_files["model"], lgb_files["decisions"], id_column="app_id",
                    reference_path=lgb_files["holdout"], out=tmp_path / "x")  # fmt: skip
    assert not (tmp_path / "x").exists()


def test_init_on_a_skops_pipeline_infers_a_multiclass_task(tmp_path: Path) -> None:
    files = skops_pipeline_files(tmp_path / "files")
    result = init_bundle(
        files["model"], files["decisions"], id_column="application_id", outcome_column="risk_tier",
        reference_path=files["holdout"], out=tmp_path / "tiers",
    )  # fmt: skip
    bundle = load_bundle(result.path)
    assert result.task == "multiclass" and bundle.model.classes == ("high", "low", "medium")
    assert bundle.spec.classes.labels == {"high": "High", "low": "Low", "medium": "Medium"}
    assert bundle.spec.name == "Tiers" and result.categorical == ("home_ownership",)  # from the one-hot step
    assert explain_decision(bundle, str(bundle.decisions.index[0])).prediction.task == "multiclass"


def test_validate_summary_says_what_each_page_can_show(lgb_files: dict[str, Path], tmp_path: Path) -> None:
    result = init_bundle(
        lgb_files["model"], lgb_files["decisions"], id_column="application_id", outcome_column="defaulted",
        reference_path=lgb_files["holdout"], out=tmp_path / "loans",
    )  # fmt: skip
    readiness = bundle_readiness(load_bundle(result.path))
    pages = {p.page: p for p in readiness.pages}
    assert pages["Performance"].ready and pages["Performance"].note == "on 1,000 reference rows with outcomes"
    assert not pages["Fairness"].ready and not pages["What would change it"].ready
    assert pages["Drift"].note == "an uploaded batch against the reference"
    assert any(w.startswith("no input has reason statements") for w in readiness.warnings)
    assert any(w.startswith("no column is marked sensitive") for w in readiness.warnings)
