"""Performance on the reference data and the cost-aware threshold, checked against oracles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    roc_auc_score,
)

from explain import Bundle, ExplainError, OutcomesMissingError
from explain.evaluation._cost import cost_threshold, expected_cost_curve
from explain.evaluation._performance import PerformanceResult, model_performance


@pytest.fixture(scope="module")
def loan_performance(loan: Bundle) -> PerformanceResult:
    return model_performance(loan)


def _calibrated_levels(n_levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores k/n on a grid, n rows per level of which exactly k have outcome 1: perfectly calibrated."""
    scores, outcomes = [], []
    for k in range(n_levels + 1):
        scores.append(np.full(n_levels, k / n_levels))
        outcomes.append(np.r_[np.ones(k), np.zeros(n_levels - k)])
    return np.concatenate(scores), np.concatenate(outcomes)


def _brute_force(
    scores: np.ndarray, outcomes: np.ndarray, cost_fp: float, cost_fn: float, capacity: float | None = None
) -> tuple[float, float]:
    """The cheapest threshold among all unique scores (and one above them all), by counting."""
    best_t, best_cost = np.nan, np.inf
    for t in [*np.unique(scores), np.inf]:
        flagged = scores >= t
        if capacity is not None and flagged.mean() > capacity / 1000:
            continue
        cost = (cost_fp * np.sum(flagged & (outcomes == 0)) + cost_fn * np.sum(~flagged & (outcomes == 1))) / len(
            scores
        )
        if cost < best_cost - 1e-15:
            best_t, best_cost = float(t), float(cost)
    return best_t, best_cost


def test_metrics_equal_scikit_learn(loan: Bundle, loan_performance: PerformanceResult) -> None:
    result = loan_performance
    y = loan.reference[loan.spec.outcome_column].to_numpy()
    p = loan.model.predict_score(loan.reference)
    assert result.n_rows == len(y) and result.ids == tuple(loan.reference.index)
    assert result.roc_auc == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert result.average_precision == pytest.approx(average_precision_score(y, p), abs=1e-12)
    assert result.brier_score == pytest.approx(brier_score_loss(y, p), abs=1e-12)
    assert result.log_loss == pytest.approx(log_loss(y, p), abs=1e-12)
    assert result.brier_baseline == pytest.approx(y.mean() * (1 - y.mean()), abs=1e-12)
    for threshold in (None, 0.05, 0.5):
        cut = loan.spec.decision.threshold if threshold is None else threshold
        tn, fp, fn, tp = confusion_matrix(y, p >= cut).ravel()
        m = result.at(threshold)
        assert (m.true_positives, m.false_positives, m.true_negatives, m.false_negatives) == (tp, fp, tn, fn)
        assert m.threshold == cut
        assert m.recall == pytest.approx(tp / (tp + fn)) and m.false_positive_rate == pytest.approx(fp / (fp + tn))
        assert m.precision == pytest.approx(tp / (tp + fp)) and m.flagged_share == pytest.approx((tp + fp) / len(y))
    assert result.at(1.0).flagged_share == 0 and np.isnan(result.at(1.0).precision)


def test_curves_and_calibration_bins(loan_performance: PerformanceResult) -> None:
    result = loan_performance
    assert result.roc_fpr[0] == 0 and result.roc_tpr[-1] == 1 and np.all(np.diff(result.roc_fpr) >= 0)
    assert np.trapezoid(result.roc_tpr, result.roc_fpr) == pytest.approx(result.roc_auc, abs=1e-9)
    assert len(result.pr_recall) == len(result.pr_precision) == len(result.pr_thresholds)
    counts = result.calibration_count
    assert counts.sum() == result.n_rows and len(counts) == 10
    # quantile bins: the lowest bin holds the lowest-scored rows
    order = np.argsort(result.scores, kind="stable")[: counts[0]]
    assert result.calibration_predicted[0] == pytest.approx(result.scores[order].mean())
    assert result.calibration_observed[0] == pytest.approx(result.outcomes[order].mean())
    frame = result.to_frame()
    frame.loc[0, "value"] = -1.0
    assert result.to_frame().loc[0, "value"] == result.n_rows


def test_row_cap_and_seed(fraud: Bundle) -> None:
    a = model_performance(fraud, max_rows=2000, random_state=1)
    b = model_performance(fraud, max_rows=2000, random_state=1)
    c = model_performance(fraud, max_rows=2000, random_state=2)
    assert a.n_rows == 2000 and a.ids == b.ids and a.ids != c.ids
    assert set(a.ids) <= set(fraud.reference.index)


@pytest.mark.parametrize(("cost_fp", "cost_fn"), [(1.0, 4.0), (1.0, 1.0), (3.0, 1.0), (1.0, 19.0), (7.0, 3.0)])
def test_best_threshold_on_calibrated_scores(cost_fp: float, cost_fn: float) -> None:
    scores, outcomes = _calibrated_levels(200)
    result = expected_cost_curve(outcomes, scores, cost_fp=cost_fp, cost_fn=cost_fn, n_grid=201)
    resolution = 1 / 200
    assert result.calibrated_threshold == pytest.approx(cost_fp / (cost_fp + cost_fn))
    assert abs(result.best_threshold - cost_fp / (cost_fp + cost_fn)) <= resolution + 1e-12
    brute_t, brute_cost = _brute_force(scores, outcomes, cost_fp, cost_fn)
    assert result.best_cost == pytest.approx(brute_cost, abs=1e-12)
    assert abs(result.best_threshold - brute_t) <= resolution + 1e-12
    assert result.expected_cost.min() == pytest.approx(brute_cost, abs=1e-12)


def test_best_threshold_on_sampled_calibrated_scores() -> None:
    rng = np.random.default_rng(3)
    scores = np.round(rng.random(100_000), 2)
    outcomes = (rng.random(len(scores)) < scores).astype(float)
    result = expected_cost_curve(outcomes, scores, cost_fp=1.0, cost_fn=3.0, n_grid=101)
    assert abs(result.best_threshold - 0.25) <= 0.03
    brute_t, brute_cost = _brute_force(scores, outcomes, 1.0, 3.0)
    assert result.best_cost == pytest.approx(brute_cost, abs=1e-12)
    assert abs(result.best_threshold - brute_t) <= 0.01 + 1e-12


def test_review_capacity_limits_the_flagged_share() -> None:
    scores, outcomes = _calibrated_levels(100)
    free = expected_cost_curve(outcomes, scores, cost_fp=1.0, cost_fn=9.0, n_grid=101)
    assert free.best_threshold == pytest.approx(0.1, abs=0.01) and not free.capacity_binding
    capped = expected_cost_curve(outcomes, scores, cost_fp=1.0, cost_fn=9.0, review_capacity=300, n_grid=101)
    flagged = np.mean(scores >= capped.best_threshold)
    assert flagged <= 0.3 and capped.capacity_binding
    assert capped.unconstrained_threshold == free.best_threshold
    brute_t, brute_cost = _brute_force(scores, outcomes, 1.0, 9.0, capacity=300)
    assert capped.best_cost == pytest.approx(brute_cost, abs=1e-12)
    assert capped.best_threshold == pytest.approx(brute_t, abs=1e-12)
    assert not capped.feasible[0] and capped.feasible[-1]
    frame = capped.to_frame()
    assert list(frame.columns) == [
        "threshold",
        "expected_cost",
        "flagged_per_1000",
        "false_positives",
        "false_negatives",
        "feasible",
    ]
    assert frame["flagged_per_1000"].iloc[0] == 1000


def test_cost_threshold_on_a_bundle_prices_its_threshold(loan: Bundle, loan_performance: PerformanceResult) -> None:
    from_bundle = cost_threshold(loan, cost_fp=1.0, cost_fn=5.0)
    from_result = cost_threshold(loan_performance, cost_fp=1.0, cost_fn=5.0)
    np.testing.assert_array_equal(from_bundle.expected_cost, from_result.expected_cost)
    y = loan.reference[loan.spec.outcome_column].to_numpy()
    flagged = loan.model.predict_score(loan.reference) >= loan.spec.decision.threshold
    by_hand = (1.0 * np.sum(flagged & (y == 0)) + 5.0 * np.sum(~flagged & (y == 1))) / len(y)
    assert from_bundle.current_threshold == loan.spec.decision.threshold
    assert from_bundle.current_cost == pytest.approx(by_hand, abs=1e-12)
    assert from_bundle.saving is not None and from_bundle.saving >= 0


def test_bad_options_and_missing_outcomes_are_refused(loan_performance: PerformanceResult) -> None:
    with pytest.raises(ExplainError, match=r"cost_fp must be a number in \[0, inf\)"):
        cost_threshold(loan_performance, cost_fp=-1, cost_fn=1)
    with pytest.raises(ExplainError, match="cannot both be 0"):
        cost_threshold(loan_performance, cost_fp=0, cost_fn=0)
    with pytest.raises(ExplainError, match="cases per 1,000"):
        cost_threshold(loan_performance, cost_fp=1, cost_fn=1, review_capacity=0)
    with pytest.raises(ExplainError, match=r"threshold must be a number in \[0, 1\]; got 1.5"):
        loan_performance.at(1.5)
    x = pd.DataFrame({"a": np.arange(40.0), "b": np.tile([0.0, 1.0], 20)})
    model = LogisticRegression().fit(x, np.arange(40) >= 20)
    no_reference = Bundle.from_estimator(model, x)
    with pytest.raises(OutcomesMissingError, match="no reference data"):
        model_performance(no_reference)
    with pytest.raises(ExplainError, match="threshold must lie strictly between 0 and 1"):
        model_performance(no_reference, threshold=1.0)
    one_outcome = Bundle.from_estimator(model, x, outcome_column="y", reference=x.assign(y=0))
    with pytest.raises(ExplainError, match="both outcomes"):
        model_performance(one_outcome)


def test_progress_is_reported(loan: Bundle) -> None:
    seen: list[float] = []
    model_performance(loan, progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
