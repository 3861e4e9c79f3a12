# mypy: disable-error-code="no-untyped-def"
"""Compiled weighted ROC AUC and average precision, one value per row of resample weights.

Permutation importance scores every shuffled prediction under 200 bootstrap resamples; in
NumPy each resample costs a gather, cumulative sums and temporaries the size of the data. Here
one pass over the rows in score order gives every resample's value (ties grouped exactly as
scikit-learn groups them), and threads share the resamples.
"""

from __future__ import annotations

import numpy as np

from explain._cores import run_split
from explain._numba import jit

_ROC_AUC, _AVERAGE_PRECISION = 0, 1


@jit
def _rank_metric(order, starts, sorted_y, counts_by_row, metric, first, last, out):
    """``out[b]`` for resamples ``first..last``. ``counts_by_row[i, b]`` is row ``i``'s count in
    resample ``b``; groups of tied scores are ``starts[g]..starts[g+1]`` of ``order`` (the rows by
    ascending score). All resamples advance together, row by row: the inner loops run over
    contiguous counts, which the compiler vectorises."""
    width = last - first
    groups = len(starts) - 1
    pos = np.zeros(width)
    neg = np.zeros(width)
    total_pos = np.zeros(width)
    total_neg = np.zeros(width)
    summed = np.zeros(width)
    ascending = metric == _ROC_AUC  # average precision walks thresholds from the highest score down
    for step in range(groups):
        g = step if ascending else groups - 1 - step
        pos[:] = 0.0
        neg[:] = 0.0
        for k in range(starts[g], starts[g + 1]):
            row = counts_by_row[order[k], first:last]
            if sorted_y[k] > 0.5:
                for b in range(width):
                    pos[b] += row[b]
            else:
                for b in range(width):
                    neg[b] += row[b]
        if ascending:
            for b in range(width):
                summed[b] += pos[b] * (total_neg[b] + 0.5 * neg[b])  # total_neg: negatives scored below
                total_neg[b] += neg[b]
                total_pos[b] += pos[b]
        else:
            for b in range(width):
                total_pos[b] += pos[b]
                total_neg[b] += neg[b]
                seen = total_pos[b] + total_neg[b]
                if seen > 0:
                    summed[b] += pos[b] * total_pos[b] / seen
    for b in range(width):
        if ascending:
            both = total_pos[b] * total_neg[b]
            out[first + b] = summed[b] / both if both > 0 else np.nan
        else:
            out[first + b] = summed[b] / total_pos[b] if total_pos[b] > 0 else np.nan


def weighted_rank_metric(scoring: str, y: np.ndarray, p: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """ROC AUC or average precision of scores ``p`` against 0/1 outcomes ``y`` under every row of
    ``weights`` (resamples × rows; resample counts of any number type)."""
    order = np.argsort(p, kind="mergesort")
    ps = p[order]
    starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1], True]).astype(np.int64)
    counts_by_row = np.ascontiguousarray(np.atleast_2d(weights).T)
    out = np.empty(counts_by_row.shape[1])
    metric = _ROC_AUC if scoring == "roc_auc" else _AVERAGE_PRECISION
    sorted_y = np.ascontiguousarray(y[order], dtype=np.float64)

    def work(first: int, last: int) -> None:
        _rank_metric(order, starts, sorted_y, counts_by_row, metric, first, last, out)

    run_split(work, len(out), minimum=16)
    return out
