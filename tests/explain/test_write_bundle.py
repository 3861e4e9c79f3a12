"""write_bundle never loses work silently and always writes a bundle that loads again."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, explain_decisions, load_bundle, write_bundle
from explain.bundle._spec import DecisionRule
from explain.errors import BundleExistsError


def _rewrite(bundle: Bundle, target: Path, **changes: object) -> Path:
    return write_bundle(
        target,
        spec=replace(bundle.spec, **changes),  # type: ignore[arg-type]
        model=bundle.model.estimator,
        decisions=bundle.decisions,
        reference=bundle.reference,
        current=bundle.current,
    )


def test_a_loaded_bundle_written_again_explains_byte_for_byte_the_same(sample: Bundle, tmp_path: Path) -> None:
    again = load_bundle(_rewrite(sample, tmp_path / "again"))
    ids = list(sample.decisions.index[:50])
    before = explain_decisions(sample, ids)
    after = explain_decisions(again, ids)
    for a, b in zip(before, after, strict=True):
        assert a.prediction == b.prediction
        assert np.array_equal(a.contributions.raw, b.contributions.raw)
        assert [r.text for r in a.reasons] == [r.text for r in b.reasons]
    assert list(again.decisions.index) == list(sample.decisions.index)
    pd.testing.assert_frame_equal(again.decisions, sample.decisions)


def test_a_bundle_with_ids_in_its_index_round_trips(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)}, index=[f"c{i}" for i in range(80)])
    model = LogisticRegression().fit(frame, (frame.a > 0).astype(int))
    bundle = Bundle.from_estimator(model, frame)
    again = load_bundle(write_bundle(tmp_path / "m", spec=bundle.spec, model=model, decisions=bundle.decisions))
    assert list(again.decisions.index) == [f"c{i}" for i in range(80)]
    a, b = explain_decisions(bundle, ["c3"])[0], explain_decisions(again, ["c3"])[0]
    assert np.array_equal(a.contributions.raw, b.contributions.raw)


def test_writing_over_an_existing_bundle_without_overwrite_is_refused(loan: Bundle, tmp_path: Path) -> None:
    target = _rewrite(loan, tmp_path / "loan")
    with pytest.raises(BundleExistsError, match="already exists; pass overwrite=True"):
        _rewrite(loan, target, decision=DecisionRule(0.3, "Declined", "Approved"))
    assert tomllib.loads((target / "bundle.toml").read_text())["decision"]["threshold"] == 0.2
    write_bundle(
        target, spec=replace(loan.spec, decision=DecisionRule(0.3, "Declined", "Approved")),
        model=loan.model.estimator, decisions=loan.decisions, overwrite=True,
    )  # fmt: skip
    assert load_bundle(target).spec.decision.threshold == 0.3


@pytest.mark.parametrize("text", ["Loan\x7fs", "tab\tand\nnewline", 'quote " and \\ backslash', "\x00\x1b[31m"])
def test_control_characters_in_spec_text_are_written_so_toml_reads_them(
    loan: Bundle, tmp_path: Path, text: str
) -> None:
    label = dict(loan.spec.features)
    label["annual_income"] = replace(label["annual_income"], label=text)
    again = load_bundle(_rewrite(loan, tmp_path / "x", name=text, features=label))
    assert again.name == text and again.spec.label("annual_income") == text
