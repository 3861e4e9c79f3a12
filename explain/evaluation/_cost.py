"""The cost-aware threshold: expected cost per decision over a grid of thresholds.

A cost per false positive and per false negative, and optionally a review capacity (cases
flagged per 1,000 decisions at most), give an expected-cost curve and the cheapest allowed
threshold. For calibrated scores the unconstrained optimum is C_FP / (C_FP + C_FN).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from explain._params import check_int, check_number
from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle
from explain.errors import ExplainError, InvalidParameterError
from explain.evaluation._common import scored_reference
from explain.evaluation._performance import PerformanceResult


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
    stamp: AuditStamp | None = None  # the stamp of the scores' source, when it was a bundle

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
        check_number(name, value, 0.0, float("inf"), high_open=True)
    if cost_fp + cost_fn <= 0:
        raise InvalidParameterError("cost_fp and cost_fn cannot both be 0: every threshold would cost nothing.")
    if review_capacity is not None:
        check_number("review_capacity (cases per 1,000 decisions)", review_capacity, 0.0, 1000.0, low_open=True)
    check_int("n_grid", n_grid, 2)
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
        outcomes, scores, current, stamp = source.outcomes, source.scores, source.threshold, source.stamp
    else:
        check_int("max_rows", max_rows, 10)
        sample = scored_reference(source, max_rows=max_rows, random_state=random_state)
        outcomes, scores, current = sample.outcomes, sample.scores, source.spec.decision.threshold
        stamp = make_stamp(source, random_state=random_state)
    result = expected_cost_curve(
        outcomes,
        scores,
        cost_fp=cost_fp,
        cost_fn=cost_fn,
        review_capacity=review_capacity,
        n_grid=n_grid,
        current_threshold=current,
    )
    return replace(result, stamp=stamp)


__all__ = ["CostResult", "cost_threshold", "expected_cost_curve"]
