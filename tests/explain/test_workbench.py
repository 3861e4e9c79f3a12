"""The engineer's workbench, library side: model card, dependence, direction, quality, figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explain import Bundle
from explain.attribution._checks import direction_check, explanation_quality, rank_differences
from explain.attribution._dependence import EXACT, FALLBACK, dependence, partial_dependence
from explain.attribution._importance import permutation_importance, shap_importance
from explain.attribution._shap import shap_values
from explain.evaluation._model_card import model_card
from explain.figures._dependence import dependence_scatter, pdp_ice
from explain.figures._importance import importance_bars, shap_beeswarm


def _planted_interaction(categorical: bool) -> Bundle:
    """y depends on a × c (a has 10% missing values) plus noise inputs; optionally a category."""
    import lightgbm as lgb

    rng = np.random.default_rng(3)
    n = 6000
    frame = pd.DataFrame({name: rng.normal(size=n) for name in ["a", "b", "c", "d"]})
    frame.loc[rng.random(n) < 0.1, "a"] = np.nan
    a = frame["a"].fillna(0.0)
    logits = 1.5 * a * frame["c"] + 0.3 * frame["b"]
    if categorical:
        frame["kind"] = pd.Categorical(rng.choice(["x", "y", "z"], n), categories=["x", "y", "z"])
        logits = logits + 0.8 * (frame["kind"] == "x")
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    features = [c for c in frame.columns if c != "y"]
    params = {
        "objective": "binary",
        "verbose": -1,
        "seed": 0,
        "num_threads": 1,
        "deterministic": True,
        "num_leaves": 15,
        "min_data_per_group": 20,
        "cat_smooth": 1,
    }
    model = lgb.train(params, lgb.Dataset(frame.iloc[:4000][features], label=frame.iloc[:4000]["y"]), 150)
    return Bundle.from_estimator(model, frame.iloc[4000:5000], outcome_column="y", reference=frame.iloc[5000:])


@pytest.mark.parametrize(("categorical", "method"), [(False, EXACT), (True, FALLBACK)])
def test_planted_interaction_colours_c_by_a(categorical: bool, method: str) -> None:
    bundle = _planted_interaction(categorical)
    result = dependence(bundle, "c", max_rows=1000)
    assert result.ranking.method == method
    assert result.color_feature == "a", result.ranking.to_frame()
    assert result.values.shape == result.shap.shape == (1000,)


def test_fallback_used_on_loan_and_exact_on_churn(loan: Bundle, churn: Bundle) -> None:
    assert dependence(loan, "debt_to_income", max_rows=300).ranking.method == FALLBACK
    assert dependence(churn, "monthly_charges", max_rows=300).ranking.method == EXACT


def test_partial_dependence_equals_manual_average(churn: Bundle) -> None:
    pdp = partial_dependence(churn, "monthly_charges", grid_size=5, n_ice=10, max_rows=50)
    rows = churn.reference.sample(n=50, random_state=0)  # type: ignore[union-attr]
    edited = rows.copy()
    edited["monthly_charges"] = pdp.grid[2]
    assert pdp.average[2] == pytest.approx(churn.model.predict_score(edited).mean(), abs=1e-12)
    assert pdp.ice.shape == (10, len(pdp.grid))
    centred_avg, centred_ice = pdp.centered()
    assert centred_avg[0] == 0 and np.all(centred_ice[:, 0] == 0)
    categories = partial_dependence(churn, "contract", n_ice=5, max_rows=40)
    assert categories.categorical and set(categories.grid) == {"month-to-month", "one year", "two year"}
    fig = pdp_ice(categories, churn.spec)
    assert fig.data[0].type == "bar" and len(fig.data[0].x) == 3


def _violating_bundle(violate: bool) -> Bundle:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"debt": rng.normal(size=2000), "income": rng.normal(size=2000)})
    sign = -1.0 if violate else 1.0
    y = (rng.random(2000) < 1 / (1 + np.exp(-(sign * 1.5 * x.debt - x.income)))).astype(int)
    model = LogisticRegression().fit(x, y)
    spec = {"features": {"debt": {"expected_effect": "increases"}, "income": {"expected_effect": "decreases"}}}
    return Bundle.from_estimator(model, x.iloc[:100], reference=x.assign(y=y), outcome_column="y", spec=spec)


def test_direction_check_flags_a_planted_violation() -> None:
    bad = direction_check(_violating_bundle(True))
    assert bad.disagreements == ("debt",)
    assert dict(zip(bad.features, bad.observed, strict=True))["debt"] == "decreases"
    assert direction_check(_violating_bundle(False)).disagreements == ()


def test_direction_check_on_samples_agrees_with_ground_truth(sample: Bundle) -> None:
    assert direction_check(sample).disagreements == ()


def test_quality_and_model_card(loan: Bundle) -> None:
    shap_imp = shap_importance(loan, n_bootstrap=10)
    perm = permutation_importance(loan, n_repeats=2, n_bootstrap=10)
    quality = explanation_quality(loan, shap_imp, perm, n_resamples=20)
    assert quality.additivity_residual < 1e-9
    assert 0.5 < quality.rank_agreement <= 1.0 and 0 <= quality.top_five_stability <= 1
    assert len(quality.top_five) == 5 and "TreeSHAP" in quality.explainer
    card = model_card(loan)
    from sklearn.metrics import roc_auc_score

    ref = loan.reference
    assert ref is not None
    expected = roc_auc_score(ref["defaulted"], loan.model.predict_score(ref))
    assert card.metrics["ROC AUC"] == pytest.approx(expected, abs=1e-12)
    assert set(card.dictionary["column"]) == set(loan.features) | set(loan.spec.columns)
    assert card.dictionary.set_index("column").loc["age_group", "sensitive"] == "yes"
    flags = rank_differences(shap_imp, perm, gap=0)
    assert len(flags) >= 1 and (flags["difference"] >= 0).all()


def test_beeswarm_has_one_trace_per_feature_with_the_right_point_count(fraud: Bundle) -> None:
    result = shap_values(fraud, data="reference", max_rows=3000)
    rows = fraud.reference.loc[list(result.ids)]  # type: ignore[union-attr]
    fig = shap_beeswarm(result, rows, fraud.spec, categorical=fraud.model.categorical_features)
    by_input: dict[str, int] = {}
    for trace in fig.data:  # a number is one trace; a category one trace per category, in a legend group
        by_input[trace.legendgroup or trace.name] = by_input.get(trace.legendgroup or trace.name, 0) + len(trace.x)
    assert len(by_input) == len(fraud.features) and set(by_input.values()) == {2000}
    categories = [t for t in fig.data if t.legendgroup]
    assert categories and all(t.showlegend is not False for t in categories)
    assert {t.legendgroup for t in categories} == {fraud.spec.label(f) for f in fraud.model.categorical_features}
    small = shap_values(fraud, data="reference", max_rows=150)
    fig = shap_beeswarm(small, fraud.reference.loc[list(small.ids)], fraud.spec)  # type: ignore[union-attr]
    top = int(np.argmax(np.abs(small.values).mean(axis=0)))
    assert (fig.data[0].legendgroup or fig.data[0].name) == fraud.spec.label(fraud.features[top])


def test_importance_bars_and_dependence_figure(churn: Bundle) -> None:
    shap_imp = shap_importance(churn, n_bootstrap=5, max_rows=200)
    perm = permutation_importance(churn, n_repeats=1, n_bootstrap=5, max_rows=300)
    fig = importance_bars(shap_imp, perm)
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert list(fig.data[0].x) == sorted(fig.data[0].x, reverse=True)
    assert tuple(fig.data[0].y) == tuple(fig.data[1].y)
    dep = dependence(churn, "tenure_months", max_rows=200)
    fig = dependence_scatter(dep, churn.spec)
    assert sum(len(t.x) for t in fig.data) == 200
