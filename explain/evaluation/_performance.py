"""How well the model separates and calibrates on held-out reference data, and where to cut.

Throughout, the *positive* class is outcome 1, the event the score predicts (a default, a
cancellation, a fraud), and a case is *predicted positive* (flagged) when its score is at
least the threshold, the ``above`` side of the spec's decision rule. Which side is good for
the person (``spec.favorable``) matters for fairness, not here.

:func:`model_performance` scores a capped, seeded sample of the reference rows once and
keeps the scores, so :meth:`PerformanceResult.at` gives the confusion matrix at any other
threshold without predicting again (the app's slider; it never changes a verdict).
:mod:`explain.cost` turns costs of errors into the cheapest threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

from explain._cores import uses_all_cores
from explain._params import check_int, check_number
from explain._progress import Progress, report
from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle
from explain.errors import ExplainError
from explain.evaluation._common import (
    confusion_counts,
    log_loss_rows,
    ratio,
    scored_reference,
    threshold_or_spec,
)

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
    outcome_names: tuple[str, str]  # the spec's words for outcome 0 and outcome 1
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
    stamp: AuditStamp

    @property
    def positive_rate(self) -> float:
        """Share of reference rows with outcome 1."""
        return ratio(self.n_positive, self.n_rows)

    def at(self, threshold: float | None = None) -> ThresholdMetrics:
        """The confusion matrix at ``threshold`` (default: the bundle's), from the kept scores."""
        value = self.threshold if threshold is None else check_number("threshold", threshold, 0.0, 1.0)
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


@uses_all_cores
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
    cut = threshold_or_spec(threshold, bundle)
    check_int("n_bins", n_bins, 2)
    check_int("max_rows", max_rows, 10)
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
        outcome_names=(bundle.spec.outcome_label(0), bundle.spec.outcome_label(1)),
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
        stamp=make_stamp(bundle, random_state=random_state),
    )


__all__ = ["PerformanceResult", "ThresholdMetrics", "calibration_bins", "metrics_at", "model_performance"]
