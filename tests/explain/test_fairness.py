"""Fairness by group: rates by hand, the planted loan gap, small groups, proxies and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from explain import Bundle, BundleError, ExplainError
from explain.attribution._shap import shap_values
from explain.evaluation._fairness import FairnessResult, group_fairness
from sample_models.loan import GROUND_TRUTH


@pytest.fixture(scope="module")
def loan_fairness(loan: Bundle) -> FairnessResult:
    return group_fairness(loan)


def _proxy_bundle(favorable: str = "below", tiny_group: bool = False) -> Bundle:
    """Group 'g' is not an input; 'proxy' is g plus noise, 'free' is independent of it."""
    rng = np.random.default_rng(5)
    n = 3000
    g = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2]).astype(object)
    if tiny_group:
        g[:12] = "tiny"
    code = pd.Series(g).map({"a": 0.0, "b": 1.0, "c": 2.0, "tiny": 3.0}).to_numpy()
    x = pd.DataFrame({"proxy": code + rng.normal(0, 0.4, n), "free": rng.normal(size=n)})
    y = (rng.random(n) < 1 / (1 + np.exp(-(x.proxy - 1 + x.free)))).astype(int)
    model = LogisticRegression().fit(x, y)
    ref = x.assign(group=g, y=y)
    spec = {
        "favorable": favorable,
        "decision": {"threshold": 0.4, "above": "Flagged", "below": "Cleared"},
        "columns": {"group": {"label": "Group", "sensitive": True}},
    }
    return Bundle.from_estimator(model, ref.iloc[:100], outcome_column="y", reference=ref, spec=spec)


def test_loan_selection_ratio_equals_hand_computation(loan: Bundle, loan_fairness: FairnessResult) -> None:
    column, group = GROUND_TRUTH.group_gap["column"], GROUND_TRUTH.group_gap["group"]
    ref = loan.reference
    scores = loan.model.predict_score(ref)
    assert loan.spec.favorable == "below"
    selected = pd.Series(scores < loan.spec.decision.threshold, index=ref.index)
    rates = selected.groupby(ref[column].astype(str)).mean()
    by_hand = rates[group] / rates.max()
    result = loan_fairness.column(column)
    i = result.groups.index(group)
    assert result.selection_rate[i] == pytest.approx(rates[group], abs=1e-12)
    assert abs(result.selection_ratio[i] - by_hand) < 1e-9
    assert result.selection_ratio[i] < GROUND_TRUTH.group_gap["ratio_below"]
    assert group in result.flagged_groups and result.reference_group == rates.idxmax()
    assert result.min_selection_ratio == pytest.approx(rates.min() / rates.max(), abs=1e-12)
    assert loan_fairness.selected_verdict == loan.spec.decision.below


def test_error_rates_and_calibration_by_hand(loan: Bundle, loan_fairness: FairnessResult) -> None:
    ref = loan.reference
    flagged = loan.model.predict_score(ref) >= loan.spec.decision.threshold
    y = ref[loan.spec.outcome_column].to_numpy()
    result = loan_fairness.column("age_group")
    for i, group in enumerate(result.groups):
        member = (ref["age_group"] == group).to_numpy()
        assert result.true_positive_rate[i] == pytest.approx(flagged[member & (y == 1)].mean(), abs=1e-12)
        assert result.false_positive_rate[i] == pytest.approx(flagged[member & (y == 0)].mean(), abs=1e-12)
        assert result.precision[i] == pytest.approx(y[member & flagged].mean(), abs=1e-12)
        assert result.observed_rate[i] == pytest.approx(y[member].mean(), abs=1e-12)
    tpr, fpr = result.true_positive_rate, result.false_positive_rate
    assert result.equalized_odds_difference == pytest.approx(max(np.ptp(tpr), np.ptp(fpr)), abs=1e-12)
    frame = loan_fairness.to_frame()
    assert list(frame.columns[:3]) == ["column", "column_label", "group"] and len(frame) == 4
    assert set(result.summary_frame()["metric"]) >= {"selection_rate", "true_positive_rate"}


def test_loan_proxies_find_credit_history(loan_fairness: FairnessResult) -> None:
    proxies = loan_fairness.column("age_group").proxies
    assert proxies is not None
    frame = proxies.to_frame()
    assert frame["feature"].iloc[0] == "credit_history_years" and frame["auc"].iloc[0] > 0.8
    assert frame.set_index("feature").loc["application_weekday", "auc"] < 0.6  # generated independently
    assert proxies.shap_share.sum() == pytest.approx(1.0)


def test_planted_proxy_and_its_shap_share() -> None:
    bundle = _proxy_bundle()
    result = group_fairness(bundle, shap_rows=500).column("group")
    proxies = result.proxies
    assert proxies is not None
    auc = dict(zip(proxies.features, proxies.auc, strict=True))
    assert auc["proxy"] > 0.85 and 0.4 < auc["free"] < 0.6
    assert list(proxies.strong) == [f == "proxy" for f in proxies.features]
    magnitude = np.abs(shap_values(bundle, data="reference", max_rows=500).values).mean(axis=0)
    expected = magnitude[bundle.features.index("proxy")] / magnitude.sum()
    assert proxies.strong_shap_share == pytest.approx(expected, abs=1e-12)


def test_favourable_above_selects_high_scores() -> None:
    bundle = _proxy_bundle(favorable="above")
    result = group_fairness(bundle, proxies=False)
    ref = bundle.reference
    selected = bundle.model.predict_score(ref) >= 0.4
    column = result.column("group")
    for i, group in enumerate(column.groups):
        assert column.selection_rate[i] == pytest.approx(selected[(ref["group"] == group).to_numpy()].mean())
    assert result.selected_verdict == "Flagged" and column.proxies is None


def test_small_groups_are_marked_not_judged() -> None:
    bundle = _proxy_bundle(tiny_group=True)
    column = group_fairness(bundle, min_group_size=50, proxies=False).column("group")
    i = column.groups.index("tiny")
    assert column.n[i] == 12 and column.small[i] and not column.four_fifths_flag[i]
    assert column.reference_group != "tiny"
    assert column.to_frame().set_index("group").loc["tiny", "small"]


def test_missing_sensitive_columns_are_explained(loan: Bundle) -> None:
    x = pd.DataFrame({"a": np.arange(40.0), "b": np.tile([0.0, 1.0], 20)})
    model = LogisticRegression().fit(x, np.arange(40) >= 20)
    plain = Bundle.from_estimator(model, x, outcome_column="y", reference=x.assign(y=np.arange(40) % 2))
    with pytest.raises(BundleError, match="sensitive = true"):
        group_fairness(plain)
    with pytest.raises(BundleError, match="'nope' is not in the reference data"):
        group_fairness(loan, columns=["nope"])
    with pytest.raises(ExplainError, match="proxy_auc"):
        group_fairness(loan, proxy_auc=0.3)
    with pytest.raises(ExplainError, match="no fairness result"):
        group_fairness(loan, proxies=False).column("channel")
