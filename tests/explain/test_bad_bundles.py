"""A table of broken bundles, each refused with a message naming the file and the field."""

from __future__ import annotations

import operator
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, ExplainError, ModelLoadError, check_bundle, load_bundle


def _edit_toml(old: str, new: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        toml = path / "bundle.toml"
        text = toml.read_text()
        assert old in text, f"{old!r} not in bundle.toml"
        toml.write_text(text.replace(old, new, 1))

    return edit


def _edit_table(name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        file = path / f"{name}.parquet"
        change(pd.read_parquet(file)).to_parquet(file, index=False)

    return edit


def _duplicate_id(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[1, "application_id"] = df.loc[0, "application_id"]
    return df


def _null_id(df: pd.DataFrame) -> pd.DataFrame:
    df["application_id"] = df["application_id"].astype(object)
    df.loc[3, "application_id"] = None
    return df


def _outcome_two(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "defaulted"] = 2
    return df


def _truncate_model(path: Path) -> None:
    model = path / "model.txt"
    data = model.read_bytes()
    model.write_bytes(data[: len(data) // 3])


def _skops_with_untrusted_type(path: Path) -> None:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    df = pd.read_parquet(path / "decisions.parquet")
    x = df[["annual_income", "loan_amount"]].fillna(0)
    model = make_pipeline(FunctionTransformer(operator.neg), LogisticRegression()).fit(x, df["defaulted"].fillna(0))
    sio.dump(model, path / "model.skops")
    (path / "model.txt").unlink()
    _edit_toml('model = "model.txt"', 'model = "model.skops"')(path)


def _pickle_named_skops(path: Path) -> None:
    (path / "model.skops").write_bytes(pickle.dumps({"not": "a model"}))
    (path / "model.txt").unlink()
    _edit_toml('model = "model.txt"', 'model = "model.skops"')(path)


BAD_BUNDLES: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "misspelt key",
        _edit_toml("threshold =", "threshhold ="),
        r"unknown key 'threshhold' in \[decision\]; did you mean 'threshold'\?",
    ),
    ("wrong type", _edit_toml("recourse = true", 'recourse = "yes"'), r"recourse must be true or false, got str 'yes'"),
    (
        "threshold outside (0, 1)",
        _edit_toml("threshold = 0.2", "threshold = 1.5"),
        r"decision.threshold must lie strictly between 0 and 1; got 1.5",
    ),
    ("not TOML", _edit_toml("recourse = true", "recourse = = true"), r"bundle.toml: not valid TOML"),
    (
        "unsupported task",
        _edit_toml('task = "binary"', 'task = "regression"'),
        r"task 'regression' is not supported yet",
    ),
    (
        "duplicate ids",
        _edit_table("decisions", _duplicate_id),
        r"decisions.parquet: ids must be unique, but 'L0100001' appears more than once",
    ),
    (
        "null ids",
        _edit_table("decisions", _null_id),
        r"decisions.parquet: 1 rows have no id in column 'application_id'",
    ),
    (
        "missing id column",
        _edit_toml('id_column = "application_id"', 'id_column = "app_id"'),
        r"the id column 'app_id' \(id_column in the spec\) is missing",
    ),
    (
        "non-binary outcome",
        _edit_table("reference", _outcome_two),
        r"reference.parquet: the outcome column 'defaulted' must hold 0 and 1",
    ),
    (
        "data missing a feature",
        _edit_table("decisions", lambda d: d.drop(columns=["debt_to_income"])),
        r"decisions.parquet: the model input 'debt_to_income' is missing",
    ),
    (
        "spec feature not in the model",
        _edit_toml("[features.loan_amount]", "[features.loan_amout]"),
        r"\[features.loan_amout\] is not an input of the model",
    ),
    (
        "sensitive column listed but absent",
        _edit_toml("[columns.channel]", "[columns.channels]"),
        r"the spec lists \[columns.channels\] but the data has no column 'channels'",
    ),
    ("missing data file", lambda p: (p / "reference.parquet").unlink(), r"reference.parquet does not exist"),
    ("truncated model.txt", _truncate_model, r"model.txt: the LightGBM model file is damaged or incomplete"),
    (
        "skops type outside the allow-list",
        _skops_with_untrusted_type,
        r"model.skops: the model contains types outside the allow-list: _operator.neg",
    ),
    (
        "pickle renamed .skops",
        _pickle_named_skops,
        r"model.skops: this looks like a pickle, joblib or dill file.*skops.io.dump",
    ),
]


@pytest.fixture
def loan_copy(samples_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "loan"
    shutil.copytree(samples_dir / "loan", target)
    return target


@pytest.mark.parametrize(("case", "damage", "message"), BAD_BUNDLES, ids=[c[0] for c in BAD_BUNDLES])
def test_bad_bundle_is_refused_with_its_message(
    loan_copy: Path, case: str, damage: Callable[[Path], None], message: str
) -> None:
    assert len(BAD_BUNDLES) >= 10
    load_bundle(loan_copy)  # the copy is good before the damage
    damage(loan_copy)
    with pytest.raises(ExplainError, match=message):
        load_bundle(loan_copy)
    assert any(__import__("re").search(message, p) for p in check_bundle(loan_copy))


def test_check_bundle_reports_every_problem_at_once(loan_copy: Path) -> None:
    _edit_table("decisions", _duplicate_id)(loan_copy)
    _edit_table("reference", _outcome_two)(loan_copy)
    problems = check_bundle(loan_copy)
    assert len(problems) == 2
    assert "ids must be unique" in problems[0] and "must hold 0 and 1" in problems[1]


def test_good_bundle_has_no_problems(loan_copy: Path) -> None:
    assert check_bundle(loan_copy) == []


def test_truncated_model_check_is_cached_per_file_hash(loan_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from explain import _safe_load

    load_bundle(loan_copy)  # the verdict for this file is now known
    calls: list[object] = []
    real_run = subprocess.run
    monkeypatch.setattr(_safe_load.subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k))
    load_bundle(loan_copy)
    assert calls == []


def test_from_estimator_refuses_bad_ids_and_multiclass() -> None:
    from sklearn.linear_model import LinearRegression, LogisticRegression

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    model = LogisticRegression().fit(x, (x.a > 0).astype(int))
    with pytest.raises(ExplainError, match="ids must be unique"):
        Bundle.from_estimator(model, x.assign(key=[1, 1, *list(range(2, 60))]), id_column="key")
    three = LogisticRegression().fit(x, np.digitize(x.a, [-0.5, 0.5]))
    with pytest.raises(ExplainError, match="predicts 3 classes; only binary classifiers"):
        Bundle.from_estimator(three, x)
    with pytest.raises(ExplainError, match="regression models are not supported yet"):
        Bundle.from_estimator(LinearRegression().fit(x, x.a), x)
    unnamed = LogisticRegression().fit(x.to_numpy(), (x.a > 0).astype(int))
    with pytest.raises(ExplainError, match="fitted without column names"):
        Bundle.from_estimator(unnamed, x)


def test_model_load_error_is_a_value_error() -> None:
    assert issubclass(ModelLoadError, ValueError) and issubclass(ModelLoadError, ExplainError)
