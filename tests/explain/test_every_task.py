"""Every task: the task read from the model, and exact contributions that add up, per class
(multiclass) and in the target's units (regression), against the model's own output
computed independently of the adapter."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from explain.errors import UnsupportedModelError
from explain.models import adapt_estimator, checked_contributions

TOLERANCE = 1e-6
GRADES = ("A", "B", "C", "D")


def _data(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Loan-like inputs, a grade A–D (0–3) and a yearly amount, with a categorical input."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "income": rng.lognormal(10.8, 0.4, n),
            "debt_to_income": rng.uniform(0, 60, n),
            "late_payments": rng.poisson(0.7, n).astype(float),
            "purpose": pd.Categorical(rng.choice(["car", "home", "debt"], n)),
        }
    )
    x.loc[rng.random(n) < 0.05, "debt_to_income"] = np.nan
    risk = 0.05 * np.nan_to_num(x["debt_to_income"], nan=30) + 0.8 * x["late_payments"] - np.log(x["income"] / 5e4)
    risk += (x["purpose"] == "debt").to_numpy() * 0.5 + rng.normal(0, 0.7, n)
    grade = np.digitize(risk, np.quantile(risk, [0.3, 0.6, 0.85]))
    amount = np.exp(7 + 0.3 * np.log(x["income"] / 5e4) - 0.1 * x["late_payments"] + rng.normal(0, 0.2, n))
    return x, grade, np.round(amount / 100)  # counts of hundreds, for a Poisson model


def _numeric(x: pd.DataFrame) -> pd.DataFrame:
    """The same inputs with the category as text, for scikit-learn pipelines."""
    out = x.copy()
    out["purpose"] = out["purpose"].astype(str)
    out["debt_to_income"] = out["debt_to_income"].fillna(30.0)
    return out


def _pipeline(final: object) -> Pipeline:
    columns = ["income", "debt_to_income", "late_payments"]
    steps = ColumnTransformer([("num", StandardScaler(), columns), ("cat", OneHotEncoder(), ["purpose"])])
    return Pipeline([("prep", steps), ("model", final)])


def _assert_adds_up(model: object, x: pd.DataFrame, expected_raw: np.ndarray, task: str) -> None:
    adapter = adapt_estimator(model)
    assert adapter.task == task
    rows = adapter.prepare(x.head(80))
    attribution, raw, residual = checked_contributions(adapter, rows, adapter.prepare(x.tail(200)), 0)
    expected = np.asarray(expected_raw, dtype=float)[:80]
    np.testing.assert_allclose(raw, expected, atol=1e-9)  # the adapter's output is the model's own
    total = attribution.base + attribution.values.sum(axis=1)
    assert np.max(np.abs(total - expected)) <= TOLERANCE
    assert residual <= TOLERANCE
    n_inputs = len(adapter.feature_names)
    if task == "multiclass":
        k = expected.shape[1]
        assert attribution.values.shape == (80, n_inputs, k) and attribution.base.shape == (80, k)
        assert len(adapter.classes) == k
    else:
        assert attribution.values.shape == (80, n_inputs) and attribution.base.shape == (80,)


@pytest.mark.parametrize("objective", ["multiclass", "multiclassova"])
def test_lightgbm_multiclass_adds_up_per_class(objective: str) -> None:
    x, grade, _ = _data()
    model = lgb.LGBMClassifier(objective=objective, n_estimators=30, num_leaves=8, verbose=-1).fit(x, grade)
    booster = model.booster_
    adapter = adapt_estimator(booster)
    assert adapter.output_space == ("margin" if objective == "multiclass" else "log-odds")
    _assert_adds_up(booster, x, booster.predict(x, raw_score=True), "multiclass")
    # the class probabilities come from the model's own transform of its margins
    np.testing.assert_allclose(adapter.predict_response(x.head(5)), booster.predict(x.head(5)), atol=1e-12)


def test_lightgbm_poisson_adds_up_in_the_link_space() -> None:
    x, _, counts = _data()
    booster = lgb.train({"objective": "poisson", "verbose": -1, "num_leaves": 8}, lgb.Dataset(x, counts), 30)
    adapter = adapt_estimator(booster)
    assert adapter.output_space == "log-target"
    _assert_adds_up(booster, x, booster.predict(x, raw_score=True), "regression")
    np.testing.assert_allclose(adapter.predict_response(x.head(5)), booster.predict(x.head(5)), rtol=1e-12)


def test_lightgbm_regression_adds_up_in_target_units() -> None:
    x, _, counts = _data()
    booster = lgb.train({"objective": "huber", "verbose": -1, "num_leaves": 8}, lgb.Dataset(x, counts * 100.0), 30)
    assert adapt_estimator(booster).output_space == "target"
    _assert_adds_up(booster, x, booster.predict(x), "regression")


def test_histgradientboosting_multiclass_adds_up_per_class() -> None:
    x, grade, _ = _data()
    data = _numeric(x).drop(columns="purpose")
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(data, np.array(GRADES)[grade])
    adapter = adapt_estimator(model)
    assert adapter.classes == GRADES
    _assert_adds_up(model, data, model.decision_function(data), "multiclass")


def test_multinomial_logistic_pipeline_adds_up_per_class() -> None:
    x, grade, _ = _data()
    data = _numeric(x)
    model = _pipeline(LogisticRegression(max_iter=500)).fit(data, np.array(GRADES)[grade])
    adapter = adapt_estimator(model)
    assert adapter.output_space == "margin" and adapter.feature_names == tuple(data.columns)
    _assert_adds_up(model, data, model.decision_function(data), "multiclass")


def test_random_forest_regressor_adds_up_in_target_units() -> None:
    x, _, counts = _data()
    data = _numeric(x).drop(columns="purpose")
    model = RandomForestRegressor(n_estimators=20, max_depth=6, random_state=0).fit(data, counts * 100.0)
    _assert_adds_up(model, data, model.predict(data), "regression")


def test_ridge_in_a_pipeline_adds_up_in_target_units() -> None:
    x, _, counts = _data()
    data = _numeric(x)
    model = _pipeline(Ridge(alpha=1.0)).fit(data, counts * 100.0)
    _assert_adds_up(model, data, model.predict(data), "regression")


def test_a_ranking_model_is_refused_with_what_it_is() -> None:
    x, grade, _ = _data()
    booster = lgb.train(
        {"objective": "lambdarank", "verbose": -1}, lgb.Dataset(x, grade, group=[100] * 6), num_boost_round=5
    )
    with pytest.raises(UnsupportedModelError, match="objective 'lambdarank'"):
        adapt_estimator(booster)
