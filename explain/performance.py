"""How well the model separates and calibrates on held-out reference data, and where to cut.

Throughout, the *positive* class is outcome 1, the event the score predicts (a default, a
cancellation, a fraud), and a case is *predicted positive* (flagged) when its score is at
least the threshold, the ``above`` side of the spec's decision rule. Which side is good for
the person (``spec.favorable``) matters for fairness, not here.

:func:`model_performance` scores a capped, seeded sample of the reference rows once and
keeps the scores, so :meth:`PerformanceResult.at` gives the confusion matrix at any other
threshold without predicting again (the app's slider; it never changes a verdict).
:func:`cost_threshold` turns a cost per false positive and per false negative, and
optionally a review capacity, into an expected-cost curve and the cheapest threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

from explain._workbench import (
    Progress,
    check_positive,
    check_threshold,
    confusion_counts,
    log_loss_rows,
    ratio,
    report,
    scored_reference,
)
from explain.audit import library_versions
from explain.bundle import Bundle
from explain.errors import ExplainError

#: Curves keep at most this many points (the areas are computed on every row).
MAX_CURVE_POINTS = 2_000


@dataclass(frozen=True)
class ThresholdMetrics:
    """The confusion matrix at one threshold (flagged means score >= threshold) and its rates."""

    threshold: float
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int

    @property
    def n(self) -> int:
        """Number of cases counted."""
        return self.true_positives + self.false_positives + self.true_negatives + self.false_negatives

    @property
    def flagged_share(self) -> float:
        """Share of cases at or above the threshold."""
        return ratio(self.true_positives + self.false_positives, self.n)

    @property
    def precision(self) -> float:
        """Share of flagged cases whose outcome is 1 (NaN when nothing is flagged)."""
        return ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        """True positive rate: share of outcome-1 cases that are flagged."""
        return ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def false_positive_rate(self) -> float:
        """Share of outcome-0 cases that are flagged."""
        return ratio(self.false_positives, self.false_positives + self.true_negatives)

    @property
    def specificity(self) -> float:
        """True negative rate: share of outcome-0 cases that are not flagged."""
        return ratio(self.true_negatives, self.false_positives + self.true_negatives)

    @property
    def accuracy(self) -> float:
        """Share of cases on the side of the threshold their outcome calls for."""
        return ratio(self.true_positives + self.true_negatives, self.n)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return ratio(2 * self.true_positives, 2 * self.true_positives + self.false_positives + self.false_negatives)

    def to_frame(self) -> pd.DataFrame:
        """A new table of metric names and values."""
        names = {
            "threshold": self.threshold,
            "cases": self.n,
            "true positives": self.true_positives,
            "false positives": self.false_positives,
            "true negatives": self.true_negatives,
            "false negatives": self.false_negatives,
            "flagged share": self.flagged_share,
            "precision": self.precision,
            "recall (true positive rate)": self.recall,
            "false positive rate": self.false_positive_rate,
            "specificity": self.specificity,
            "accuracy": self.accuracy,
            "F1": self.f1,
        }
        return pd.DataFrame({"metric": list(names), "value": [float(v) for v in names.values()]})


def metrics_at(outcomes: np.ndarray, scores: np.ndarray, threshold: float) -> ThresholdMetrics:
    """The confusion matrix of 0/1 ``outcomes`` against ``scores >= threshold``."""
    tp, fp, tn, fn = confusion_counts(outcomes, scores, threshold)
    return ThresholdMetrics(float(threshold), tp, fp, tn, fn)


@dataclass(frozen=True, eq=False)
class PerformanceResult:
    """Discrimination and calibration on reference rows, with the scores kept for any threshold.

    ``roc_*`` and ``pr_*`` are the curves (thinned to at most 2,000 points); the calibration
    bins hold equal numbers of rows (score quantiles). ``brier_baseline`` is the Brier score
    of always predicting the observed rate, the reference a useful model must beat.
    ``verdict_above`` and ``verdict_below`` are the spec's words for each side of a threshold.
    """

    n_rows: int
    n_positive: int
    threshold: float
    score_label: str
    verdict_above: str
    verdict_below: str
    ids: tuple[str, ...]
    scores: np.ndarray
    outcomes: np.ndarray
    roc_auc: float
    average_precision: float
    brier_score: float
    brier_baseline: float
    log_loss: float
    roc_fpr: np.ndarray
    roc_tpr: np.ndarray
    roc_thresholds: np.ndarray
    pr_precision: np.ndarray
    pr_recall: np.ndarray
    pr_thresholds: np.ndarray
    calibration_predicted: np.ndarray
    calibration_observed: np.ndarray
    calibration_count: np.ndarray
    max_rows: int
    random_state: int
    versions: tuple[tuple[str, str], ...]

    @property
    def positive_rate(self) -> float:
        """Share of reference rows with outcome 1."""
        return ratio(self.n_positive, self.n_rows)

    def at(self, threshold: float | None = None) -> ThresholdMetrics:
        """The confusion matrix at ``threshold`` (default: the bundle's), from the kept scores."""
        value = self.threshold if threshold is None else float(threshold)
        if not 0.0 <= value <= 1.0:
            raise ExplainError(f"threshold must lie between 0 and 1; got {threshold!r}.")
        return metrics_at(self.outcomes, self.scores, value)

    def to_frame(self) -> pd.DataFrame:
        """A new table of the summary metrics (metric, value)."""
        names = {
            "cases": self.n_rows,
            "outcome rate": self.positive_rate,
            "ROC AUC": self.roc_auc,
            "average precision": self.average_precision,
            "Brier score": self.brier_score,
            "Brier score of the outcome rate": self.brier_baseline,
            "log-loss": self.log_loss,
        }
        return pd.DataFrame({"metric": list(names), "value": [float(v) for v in names.values()]})

    def calibration_frame(self) -> pd.DataFrame:
        """A new table: per score bin, the mean score, the observed outcome rate and the rows."""
        return pd.DataFrame(
            {
                "mean_score": self.calibration_predicted.copy(),
                "observed_rate": self.calibration_observed.copy(),
                "rows": self.calibration_count.copy(),
            }
        )

    def roc_frame(self) -> pd.DataFrame:
        """A new table of the ROC curve (false and true positive rate per threshold)."""
        return pd.DataFrame(
            {"threshold": self.roc_thresholds.copy(), "fpr": self.roc_fpr.copy(), "tpr": self.roc_tpr.copy()}
        )


def _thin(*arrays: np.ndarray, limit: int = MAX_CURVE_POINTS) -> tuple[np.ndarray, ...]:
    """Every array restricted to at most ``limit`` evenly spaced indices, ends kept."""
    n = len(arrays[0])
    if n <= limit:
        return tuple(np.asarray(a, dtype=float).copy() for a in arrays)
    keep = np.unique(np.linspace(0, n - 1, limit).round().astype(int))
    return tuple(np.asarray(a, dtype=float)[keep] for a in arrays)


def calibration_bins(
    outcomes: np.ndarray, scores: np.ndarray, n_bins: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean score, observed rate and row count per quantile bin of the scores (empty bins dropped)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    edges = np.unique(np.quantile(s, np.linspace(0, 1, n_bins + 1)))
    codes = np.searchsorted(edges[1:-1], s, side="right")
    count = np.bincount(codes, minlength=len(edges) - 1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        predicted = np.bincount(codes, weights=s, minlength=len(count)) / count
        observed = np.bincount(codes, weights=y, minlength=len(count)) / count
    keep = count > 0
    return predicted[keep], observed[keep], count[keep].astype(int)


def model_performance(
    bundle: Bundle,
    *,
    threshold: float | None = None,
    n_bins: int = 10,
    max_rows: int = 50_000,
    random_state: int = 0,
    progress: Progress | None = None,
) -> PerformanceResult:
    """ROC and precision-recall curves, calibration and the Brier score on the reference data.

    Reference rows with known outcomes, at most ``max_rows`` (a seeded sample). Outcome 1
    is the positive class; a case is flagged when its score is at least the threshold
    (``threshold``, default the bundle's). Raises
    :class:`~explain.errors.OutcomesMissingError` when the reference has no outcomes.

    Examples
    --------
    >>> result = model_performance(bundle)  # doctest: +SKIP
    >>> result.at(0.3).recall  # doctest: +SKIP
    0.61
    """
    cut = check_threshold(threshold, bundle)
    check_positive("n_bins", n_bins, 2)
    check_positive("max_rows", max_rows, 10)
    report(progress, 0.0, "Scoring the reference data")
    sample = scored_reference(bundle, max_rows=max_rows, random_state=random_state)
    y, s = sample.outcomes, sample.scores
    n_pos = int(y.sum())
    if n_pos in (0, len(y)):
        raise ExplainError(
            f"every known outcome in the reference data of bundle {bundle.key!r} is {int(y[0])}; "
            "performance needs both outcomes present."
        )
    report(progress, 0.7, "Computing curves")
    fpr, tpr, roc_t = roc_curve(y, s)
    precision, recall, pr_t = precision_recall_curve(y, s)
    # precision_recall_curve returns one more point than thresholds (recall 0, precision 1)
    pr_t = np.r_[pr_t, 1.0]
    roc_fpr, roc_tpr, roc_thr = _thin(fpr, tpr, np.minimum(roc_t, 1.0))
    pr_p, pr_r, pr_thr = _thin(precision, recall, pr_t)
    predicted, observed, count = calibration_bins(y, s, n_bins)
    rate = n_pos / len(y)
    report(progress, 1.0, "Performance done")
    return PerformanceResult(
        n_rows=len(y),
        n_positive=n_pos,
        threshold=cut,
        score_label=bundle.spec.score_label,
        verdict_above=bundle.spec.decision.above,
        verdict_below=bundle.spec.decision.below,
        ids=tuple(sample.ids),
        scores=s,
        outcomes=y.astype(int),
        roc_auc=float(roc_auc_score(y, s)),
        average_precision=float(average_precision_score(y, s)),
        brier_score=float(np.mean((s - y) ** 2)),
        brier_baseline=float(rate * (1 - rate)),
        log_loss=float(np.mean(log_loss_rows(y, s))),
        roc_fpr=roc_fpr,
        roc_tpr=roc_tpr,
        roc_thresholds=roc_thr,
        pr_precision=pr_p,
        pr_recall=pr_r,
        pr_thresholds=pr_thr,
        calibration_predicted=predicted,
        calibration_observed=observed,
        calibration_count=count,
        max_rows=max_rows,
        random_state=random_state,
        versions=library_versions(),
    )


@dataclass(frozen=True, eq=False)
class CostResult:
    """Expected cost per decision over a grid of thresholds, and the cheapest allowed one.

    The cost of a threshold t is ``(cost_fp · FP(t) + cost_fn · FN(t)) / n`` where FP counts
    flagged cases (score >= t) with outcome 0 and FN unflagged cases with outcome 1. With a
    ``review_capacity`` (cases per 1,000 decisions) only thresholds that flag at most that
    share are allowed (``feasible``). For calibrated scores the cheapest threshold without a
    capacity is ``cost_fp / (cost_fp + cost_fn)`` (``calibrated_threshold``).
    """

    cost_fp: float
    cost_fn: float
    review_capacity: float | None
    thresholds: np.ndarray
    expected_cost: np.ndarray
    flagged_share: np.ndarray
    false_positives: np.ndarray
    false_negatives: np.ndarray
    feasible: np.ndarray
    best_threshold: float
    best_cost: float
    unconstrained_threshold: float
    unconstrained_cost: float
    calibrated_threshold: float
    current_threshold: float | None
    current_cost: float | None
    n_rows: int

    @property
    def capacity_binding(self) -> bool:
        """Whether the review capacity moved the best threshold away from the unconstrained one."""
        return self.best_threshold != self.unconstrained_threshold

    @property
    def saving(self) -> float | None:
        """Cost per decision saved by moving from the current threshold to the best one."""
        return None if self.current_cost is None else self.current_cost - self.best_cost

    def to_frame(self) -> pd.DataFrame:
        """A new table: one row per threshold of the grid."""
        return pd.DataFrame(
            {
                "threshold": self.thresholds.copy(),
                "expected_cost": self.expected_cost.copy(),
                "flagged_per_1000": 1000 * self.flagged_share,
                "false_positives": self.false_positives.copy(),
                "false_negatives": self.false_negatives.copy(),
                "feasible": self.feasible.copy(),
            }
        )


class _Counts:
    """FP and FN counts at any threshold from one sort of the scores."""

    def __init__(self, outcomes: np.ndarray, scores: np.ndarray) -> None:
        order = np.argsort(scores, kind="mergesort")
        self.sorted = np.asarray(scores, dtype=float)[order]
        y = (np.asarray(outcomes) == 1).astype(float)[order]
        self.positives_below = np.r_[0.0, np.cumsum(y)]
        self.n = len(y)

    def at(self, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        first = np.searchsorted(self.sorted, thresholds, side="left")  # first index with score >= t
        flagged = self.n - first
        fn = self.positives_below[first]
        tp = self.positives_below[-1] - fn
        return flagged.astype(float), flagged - tp, fn


def expected_cost_curve(
    outcomes: np.ndarray,
    scores: np.ndarray,
    *,
    cost_fp: float,
    cost_fn: float,
    review_capacity: float | None = None,
    n_grid: int = 1001,
    current_threshold: float | None = None,
) -> CostResult:
    """The expected cost per decision on thresholds ``0, 1/(n_grid-1), …, 1`` and the best one.

    ``outcomes`` are 0/1, ``scores`` probabilities; a case is flagged when its score is at
    least the threshold. Ties in cost go to the lowest threshold. ``review_capacity`` caps
    the flagged cases per 1,000 decisions.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.repeat(np.linspace(0, 1, 11), 10)
    >>> y = np.concatenate([np.r_[np.ones(k), np.zeros(10 - k)] for k in range(11)])
    >>> expected_cost_curve(y, s, cost_fp=1, cost_fn=3, n_grid=11).best_threshold
    0.3
    """
    y = np.asarray(outcomes, dtype=float)
    s = np.asarray(scores, dtype=float)
    if y.shape != s.shape or y.ndim != 1 or len(y) == 0:
        raise ExplainError("outcomes and scores must be non-empty 1-d arrays of the same length.")
    if not np.isin(y, (0, 1)).all() or not np.isfinite(s).all():
        raise ExplainError("outcomes must be 0 or 1 and scores finite numbers.")
    for name, value in (("cost_fp", cost_fp), ("cost_fn", cost_fn)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
            raise ExplainError(f"{name} must be a finite number of at least 0; got {value!r}.")
    if cost_fp + cost_fn <= 0:
        raise ExplainError("cost_fp and cost_fn cannot both be 0: every threshold would cost nothing.")
    if review_capacity is not None and not 0 < review_capacity <= 1000:
        raise ExplainError(
            f"review_capacity is cases per 1,000 decisions and must lie in (0, 1000]; got {review_capacity!r}."
        )
    check_positive("n_grid", n_grid, 2)
    grid = np.round(np.linspace(0.0, 1.0, n_grid), 12)  # 0.3, not 0.30000000000000004
    counts = _Counts(y, s)
    flagged, fp, fn = counts.at(grid)
    cost = (cost_fp * fp + cost_fn * fn) / len(y)
    share = flagged / len(y)
    allowed = np.ones(len(grid), dtype=bool)
    if review_capacity is not None:
        allowed = share <= review_capacity / 1000 + 1e-12
    if not allowed.any():
        raise ExplainError(
            f"no threshold up to 1 flags at most {review_capacity:g} cases per 1,000: more scores than that equal 1."
        )
    free = int(np.argmin(cost))
    best = int(np.flatnonzero(allowed)[np.argmin(cost[allowed])])
    current_cost = None
    if current_threshold is not None:
        _, cfp, cfn = counts.at(np.array([current_threshold]))
        current_cost = float((cost_fp * cfp[0] + cost_fn * cfn[0]) / len(y))
    return CostResult(
        cost_fp=float(cost_fp),
        cost_fn=float(cost_fn),
        review_capacity=None if review_capacity is None else float(review_capacity),
        thresholds=grid,
        expected_cost=cost,
        flagged_share=share,
        false_positives=fp,
        false_negatives=fn,
        feasible=allowed,
        best_threshold=float(grid[best]),
        best_cost=float(cost[best]),
        unconstrained_threshold=float(grid[free]),
        unconstrained_cost=float(cost[free]),
        calibrated_threshold=float(cost_fp / (cost_fp + cost_fn)),
        current_threshold=current_threshold,
        current_cost=current_cost,
        n_rows=len(y),
    )


def cost_threshold(
    source: Bundle | PerformanceResult,
    *,
    cost_fp: float,
    cost_fn: float,
    review_capacity: float | None = None,
    n_grid: int = 1001,
    max_rows: int = 50_000,
    random_state: int = 0,
) -> CostResult:
    """The cost-aware threshold on the reference data of a bundle (or of a performance result).

    ``cost_fp`` is the cost of flagging a case whose outcome is 0 (score >= threshold,
    outcome 0), ``cost_fn`` the cost of missing one whose outcome is 1. Pass a
    :class:`PerformanceResult` to reuse its scores instead of predicting again. The bundle's
    own threshold is priced too (``current_cost``).

    Examples
    --------
    >>> result = cost_threshold(bundle, cost_fp=50, cost_fn=400, review_capacity=120)  # doctest: +SKIP
    >>> result.best_threshold  # doctest: +SKIP
    0.17
    """
    if isinstance(source, PerformanceResult):
        outcomes, scores, current = source.outcomes, source.scores, source.threshold
    else:
        check_positive("max_rows", max_rows, 10)
        sample = scored_reference(source, max_rows=max_rows, random_state=random_state)
        outcomes, scores, current = sample.outcomes, sample.scores, source.spec.decision.threshold
    return expected_cost_curve(
        outcomes,
        scores,
        cost_fp=cost_fp,
        cost_fn=cost_fn,
        review_capacity=review_capacity,
        n_grid=n_grid,
        current_threshold=current,
    )


__all__ = [
    "CostResult",
    "PerformanceResult",
    "ThresholdMetrics",
    "calibration_bins",
    "cost_threshold",
    "expected_cost_curve",
    "metrics_at",
    "model_performance",
]
