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


def _set_cell(column: str, value: object, row: int = 2) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(df: pd.DataFrame) -> pd.DataFrame:
        df[column] = df[column].astype(float)
        df.loc[row, column] = value
        return df

    return change


def _as_dates(df: pd.DataFrame) -> pd.DataFrame:
    df["months_at_address"] = pd.to_datetime("2020-01-01") + pd.to_timedelta(df["months_at_address"], unit="D")
    return df


def _text_amount(df: pd.DataFrame) -> pd.DataFrame:
    values = [f"{v:.0f}" for v in df["loan_amount"]]
    values[4] = "12k"
    return df.assign(loan_amount=pd.Series(values, dtype="string"))


def _latin1_spec(path: Path) -> None:
    toml = path / "bundle.toml"
    toml.write_bytes(toml.read_text().replace("Consumer loans", "Crédits à la consommation").encode("latin-1"))


def _bom_spec(path: Path) -> None:
    toml = path / "bundle.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())


def _symlink_outside(path: Path) -> None:
    outside = path.parent / "elsewhere.parquet"
    shutil.copy(path / "reference.parquet", outside)
    (path / "reference.parquet").unlink()
    (path / "reference.parquet").symlink_to(outside)


def _log1p_pipeline(path: Path) -> None:
    import skops.io as sio
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    df = pd.read_parquet(path / "reference.parquet")
    spec = (path / "bundle.toml").read_text()
    x = df[["annual_income", "loan_amount"]]
    model = make_pipeline(SimpleImputer(), FunctionTransformer(np.log1p), LogisticRegression()).fit(
        x, df["defaulted"].fillna(0)
    )
    sio.dump(model, path / "model.skops")
    (path / "model.txt").unlink()
    spec = spec.replace('model = "model.txt"', 'model = "model.skops"')
    spec = spec[: spec.index("[features.")] + spec[spec.index("[columns.") :]
    (path / "bundle.toml").write_text(spec)


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
        r"task = 'regression', but the model is a binary classifier \(LightGBM objective 'binary'\); "
        r"set task = 'binary'",
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
        "infinite value in the decisions",
        _edit_table("decisions", _set_cell("debt_to_income", np.inf)),
        r"decisions.parquet: column 'debt_to_income' holds infinite values \(the row with id 'L0100003'\)",
    ),
    (
        "infinite value in the reference",
        _edit_table("reference", _set_cell("annual_income", -np.inf, 0)),
        r"reference.parquet: column 'annual_income' holds infinite values",
    ),
    (
        "dates as a numeric input",
        _edit_table("decisions", _as_dates),
        r"decisions.parquet: column 'months_at_address' holds dates or durations \(datetime64",
    ),
    (
        "text in a numeric input",
        _edit_table("decisions", _text_amount),
        r"column 'loan_amount' should hold numbers, but the row with id 'L0100005' holds '12k'",
    ),
    ("empty decisions", _edit_table("decisions", lambda d: d.iloc[:0]), r"decisions.parquet: the table has no rows"),
    (
        "bundle.toml in Latin-1",
        _latin1_spec,
        r"bundle.toml: the file is not UTF-8 text .*save it again with the encoding UTF-8",
    ),
    ("bundle.toml with a BOM", _bom_spec, r"bundle.toml: the file starts with a byte-order mark \(BOM\).*without BOM"),
    (
        "model path outside the bundle",
        _edit_toml('model = "model.txt"', 'model = "/etc/passwd"'),
        r"model = '/etc/passwd' must name a file inside the bundle directory",
    ),
    (
        "table path with ..",
        _edit_toml('reference = "reference.parquet"', 'reference = "../loan/reference.parquet"'),
        r"reference = '../loan/reference.parquet' must name a file inside the bundle directory",
    ),
    (
        "symlink out of the bundle",
        _symlink_outside,
        r"reference = 'reference.parquet' leads outside the bundle directory",
    ),
    (
        "a pipeline that cannot be explained",
        _log1p_pipeline,
        r"the model's explanations fail on the decisions table: the pipeline's preprocessing cannot name its output",
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


def test_check_bundle_reports_a_spec_typo_and_a_wrong_id_column_together(loan_copy: Path) -> None:
    _edit_toml("threshold =", "threshhold =")(loan_copy)
    _edit_toml('id_column = "application_id"', 'id_column = "app_id"')(loan_copy)
    problems = check_bundle(loan_copy)
    assert any("unknown key 'threshhold'" in p for p in problems), problems
    assert any("the id column 'app_id'" in p for p in problems), problems


def test_nullable_integers_with_missing_values_are_ordinary_missing_values(loan_copy: Path) -> None:
    def nullable(df: pd.DataFrame) -> pd.DataFrame:
        df["delinquencies_2y"] = df["delinquencies_2y"].round().astype("Int64")
        df.loc[5, "delinquencies_2y"] = pd.NA
        return df

    _edit_table("decisions", nullable)(loan_copy)
    assert check_bundle(loan_copy) == []
    bundle = load_bundle(loan_copy)
    from explain import explain_decision

    result = explain_decision(bundle, bundle.decisions.index[5])
    assert "not provided" in result.contributions.value_texts[bundle.features.index("delinquencies_2y")]


def test_missing_values_a_model_cannot_take_are_refused(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    model = LogisticRegression().fit(frame, (frame.a > 0).astype(int))
    frame.loc[7, "b"] = np.nan
    with pytest.raises(ExplainError, match=r"leaves 'b' empty in the row with id '7', but the model cannot score"):
        Bundle.from_estimator(model, frame)


def test_check_bundle_reports_every_problem_at_once(loan_copy: Path) -> None:
    _edit_table("decisions", _duplicate_id)(loan_copy)
    _edit_table("reference", _outcome_two)(loan_copy)
    problems = check_bundle(loan_copy)
    assert len(problems) == 2
    assert "ids must be unique" in problems[0] and "must hold 0 and 1" in problems[1]


def test_good_bundle_has_no_problems(loan_copy: Path) -> None:
    assert check_bundle(loan_copy) == []


def test_many_models_are_checked_in_one_child_process(loan_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from explain.models import _safe_load
    from explain.models._load import load_models

    copies = []
    for i in range(3):
        copy = loan_copy / f"copy{i}.txt"
        copy.write_bytes((loan_copy / "model.txt").read_bytes())
        copies.append(copy)
    calls: list[object] = []
    real_run = subprocess.run
    monkeypatch.setattr(_safe_load.subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k))
    loaded = load_models(copies)
    assert len(calls) == 1 and all(not isinstance(m, Exception) for m in loaded)


def test_from_estimator_refuses_bad_ids_and_says_what_the_model_is() -> None:
    from sklearn.linear_model import LinearRegression, LogisticRegression

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    model = LogisticRegression().fit(x, (x.a > 0).astype(int))
    with pytest.raises(ExplainError, match="ids must be unique"):
        Bundle.from_estimator(model, x.assign(key=[1, 1, *list(range(2, 60))]), id_column="key")
    three = LogisticRegression().fit(x, np.digitize(x.a, [-0.5, 0.5]))
    assert Bundle.from_estimator(three, x).spec.task == "multiclass"  # unsaid, the task is the model's
    with pytest.raises(ExplainError, match=r"task = 'binary', but the model is a multiclass classifier with 3 classes"):
        Bundle.from_estimator(three, x, spec={"task": "binary"})
    with pytest.raises(
        ExplainError,
        match=r"task = 'multiclass', but the model is a regression model \(scikit-learn LinearRegression\)",
    ):
        Bundle.from_estimator(LinearRegression().fit(x, x.a), x, spec={"task": "multiclass"})
    unnamed = LogisticRegression().fit(x.to_numpy(), (x.a > 0).astype(int))
    with pytest.raises(ExplainError, match="fitted without column names"):
        Bundle.from_estimator(unnamed, x)


def test_model_load_error_is_a_value_error() -> None:
    assert issubclass(ModelLoadError, ValueError) and issubclass(ModelLoadError, ExplainError)
