"""The catalogue of bad input: one parametrised test per family, each case refused with the
exact kind of error and a message naming what is wrong, or handled correctly.

Families elsewhere: damaged bundles and specs (``explain/test_bad_bundles.py``), damaged
LightGBM files at scale (``explain/test_model_fuzz.py``), hostile strings in every page
(``dashboard/test_app.py``, ``browser/``), spreadsheet formulas in exports
(``explain/test_csv_safety.py``), ``write_bundle`` (``explain/test_write_bundle.py``).
"""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from explain import Bundle, ExplainError, ModelLoadError, explain_decision, load_bundle, write_bundle
from explain.errors import BundleError, FeatureNotFoundError
from explain.evaluation._drift import MIN_BATCH_ROWS, batch_drift, read_batch
from explain.models._load import load_model


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("schema.json", "{}")
    return out.getvalue()


MODEL_FILES = [
    ("empty model.txt", "model.txt", b"", ModelLoadError, r"not a LightGBM text model"),
    ("empty model.skops", "model.skops", b"", ModelLoadError, r"not a skops file"),
    ("pickle named .txt", "model.txt", pickle.dumps([1, 2]), ModelLoadError, r"looks like a pickle"),
    ("gzip named .txt", "model.txt", b"\x1f\x8b\x08\x00abc", ModelLoadError, r"looks like a pickle, joblib or dill"),
    ("zip named .txt", "model.txt", _zip(), ModelLoadError, r"not a LightGBM text model"),
    ("text that is not a model", "model.txt", b"hello\nworld\n", ModelLoadError, r"should start with the line 'tree'"),
    ("Latin-1 garbage", "model.txt", b"tree\n\xe9\xe9\n", ModelLoadError, r"it is not UTF-8 text"),
    ("header only", "model.txt", b"tree\nversion=v4\n", ModelLoadError, r"'end of trees' is missing"),
    ("pickle named .skops", "model.skops", pickle.dumps({"a": 1}), ModelLoadError, r"looks like a pickle"),
    ("zip that is not skops", "model.skops", _zip(), ModelLoadError, r"skops file could not be (read|loaded)"),
    ("unknown extension", "model.pkl", b"data", ModelLoadError, r"unknown model format '.pkl'"),
]


@pytest.mark.parametrize(("case", "name", "data", "kind", "message"), MODEL_FILES, ids=[c[0] for c in MODEL_FILES])
def test_model_files(tmp_path: Path, case: str, name: str, data: bytes, kind: type, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(kind, match=message):
        load_model(path)


def _csv(frame: pd.DataFrame) -> str:
    return str(frame.to_csv(index=False))


def _doubled(good: pd.DataFrame) -> bytes:
    header, _, body = _csv(good).partition("\n")
    return (header + ",annual_income\n" + "\n".join(line + ",1" for line in body.splitlines()) + "\n").encode()


UPLOADS: list[tuple[str, str, object, type, str]] = [
    ("same column twice", "b.csv", _doubled, BundleError, r"has the column 'annual_income' more than once"),
    (
        "semicolons",
        "b.csv",
        lambda g: _csv(g).replace(",", ";").encode(),
        BundleError,
        r"separated by semicolons \(;\)",
    ),
    ("tabs", "b.csv", lambda g: _csv(g).replace(",", "\t").encode(), BundleError, r"separated by tabs"),
    ("not UTF-8", "b.csv", lambda g: "name\néé".encode("latin-1"), BundleError, r"not UTF-8 text"),
    ("empty file", "b.csv", lambda g: b"", BundleError, r"is empty"),
    ("header only", "b.csv", lambda g: _csv(g.head(0)).encode(), BundleError, r"has a header but no rows"),
    ("broken parquet", "b.parquet", lambda g: b"PAR1garbage", BundleError, r"could not be read as Parquet"),
    ("wrong extension", "b.xlsx", lambda g: b"x", BundleError, r"is not a CSV or Parquet file"),
    (
        "a column missing",
        "b.csv",
        lambda g: _csv(g.drop(columns="debt_to_income")).encode(),
        FeatureNotFoundError,
        r"lacks 1 of the model's inputs: 'debt_to_income'",
    ),
    (
        "text in a number",
        "b.csv",
        lambda g: _csv(g.assign(loan_amount=["12k", *g.loan_amount[1:].astype(str)])).encode(),
        BundleError,
        r"column 'loan_amount' .* must hold numbers, but the row with id '\w+' holds '12k'",
    ),
    (
        "unknown category",
        "b.csv",
        lambda g: _csv(g.assign(home_ownership=["castle", *g.home_ownership[1:].astype(str)])).encode(),
        BundleError,
        r"holds values the model does not know: 'castle' \(1 rows\)",
    ),
]


@pytest.mark.parametrize(("case", "name", "make", "kind", "message"), UPLOADS, ids=[c[0] for c in UPLOADS])
def test_uploads(loan: Bundle, case: str, name: str, make: object, kind: type, message: str) -> None:
    good = loan.current.reset_index().head(300)  # type: ignore[union-attr]
    with pytest.raises(kind, match=message):
        read_batch(make(good), name, loan)  # type: ignore[operator]


def test_a_tiny_batch_is_not_read_as_drift(loan: Bundle) -> None:
    batch = loan.current.head(MIN_BATCH_ROWS - 1)  # type: ignore[union-attr]
    assert not batch_drift(loan, batch=batch, with_shap=False).meaningful
    assert batch_drift(loan, with_shap=False).meaningful


def _spaced_model() -> tuple[lgb.Booster, pd.DataFrame]:
    rng = np.random.default_rng(1)
    n = 800
    frame = pd.DataFrame(
        {
            "credit amount": rng.normal(5000, 1000, n),
            "age": rng.integers(18, 80, n).astype(float),
            "home type": pd.Categorical(rng.choice(["rent", "own"], n), categories=["rent", "own"]),
        }
    )
    y = (frame["credit amount"] - 5000) / 1000 + (frame["home type"] == "rent") + rng.normal(0, 1, n) > 0.5
    params = {"objective": "binary", "num_leaves": 7, "verbose": -1, "seed": 0, "min_data_per_group": 10}
    return lgb.train(params, lgb.Dataset(frame, y.astype(int)), num_boost_round=20), frame


def test_names_lightgbm_rewrote_are_matched_to_the_users_columns(tmp_path: Path) -> None:
    booster, frame = _spaced_model()
    assert "credit_amount" in booster.feature_name()
    spec = {"features": {"credit amount": {"label": "Credit amount", "unit": "$"}}}
    bundle = Bundle.from_estimator(booster, frame, spec=spec)
    assert bundle.features == ("credit amount", "age", "home type")
    result = explain_decision(bundle, "3")
    assert result.contributions.labels[0] == "Credit amount" and result.contributions.value_texts[0].startswith("$")
    again = load_bundle(write_bundle(tmp_path / "b", spec=bundle.spec, model=booster, decisions=bundle.decisions))
    assert again.features == bundle.features
    assert np.array_equal(explain_decision(again, "3").contributions.raw, result.contributions.raw)


def test_a_table_with_both_spellings_of_a_name_is_refused() -> None:
    booster, frame = _spaced_model()
    with pytest.raises(ExplainError, match=r"the columns 'credit amount' and 'credit_amount' both match"):
        Bundle.from_estimator(booster, frame.assign(credit_amount=frame["credit amount"]))
