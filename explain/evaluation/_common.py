"""Pieces shared by the engineer's views (performance, fairness, drift, error analysis).

A capped, seeded sample of scored reference rows; counts at a threshold; per-row log-loss;
and the binning of one column (reference deciles for numbers, one bin per category, one
bin for missing values) that drift and the fairness proxies both use.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain._params import check_threshold
from explain.bundle._bundle import Bundle
from explain.bundle._formatting import NOT_PROVIDED, format_percent, format_value
from explain.bundle._spec import FeatureSpec
from explain.bundle._tables import text_values


def threshold_or_spec(threshold: float | None, bundle: Bundle) -> float:
    """The threshold to use: the given one (checked), else the spec's."""
    return bundle.spec.decision.threshold if threshold is None else check_threshold("threshold", threshold)


def sample_rows(frame: pd.DataFrame, max_rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """At most ``max_rows`` rows of ``frame`` (a seeded sample, original order kept)."""
    if len(frame) <= max_rows:
        return frame
    keep = np.sort(rng.choice(len(frame), size=max_rows, replace=False))
    return frame.iloc[keep]


@dataclass(frozen=True, eq=False)
class ScoredSample:
    """Reference rows with their scores and outcomes (NaN where the outcome is unknown)."""

    frame: pd.DataFrame
    ids: np.ndarray
    scores: np.ndarray
    outcomes: np.ndarray


def scored_reference(
    bundle: Bundle, *, max_rows: int, random_state: int, outcomes_required: bool = True
) -> ScoredSample:
    """A seeded sample of at most ``max_rows`` reference rows, scored by the model.

    With ``outcomes_required`` only rows with a known outcome are kept and
    :class:`~explain.errors.OutcomesMissingError` is raised when there are none.
    """
    rng = np.random.default_rng(random_state)
    if outcomes_required:
        known = bundle.outcomes("reference")
        frame = bundle.table("reference").loc[known.index]
    else:
        frame = bundle.table("reference")
    frame = sample_rows(frame, max_rows, rng)
    col = bundle.spec.outcome_column
    if col is not None and col in frame.columns:
        outcomes = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
    else:
        outcomes = np.full(len(frame), np.nan)
    scores = bundle.model.predict_score(frame) if len(frame) else np.zeros(0)
    return ScoredSample(frame=frame, ids=np.asarray(frame.index.astype(str)), scores=scores, outcomes=outcomes)


def confusion_counts(outcomes: np.ndarray, scores: np.ndarray, threshold: float) -> tuple[int, int, int, int]:
    """(true positives, false positives, true negatives, false negatives) with score >= threshold positive."""
    y = np.asarray(outcomes) == 1
    flagged = np.asarray(scores) >= threshold
    tp = int(np.sum(flagged & y))
    fp = int(np.sum(flagged & ~y))
    fn = int(np.sum(~flagged & y))
    return tp, fp, int(len(y) - tp - fp - fn), fn


def log_loss_rows(outcomes: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Each row's log-loss, scores clipped to [1e-15, 1 - 1e-15] as scikit-learn does."""
    y = np.asarray(outcomes, dtype=float)
    p = np.clip(np.asarray(scores, dtype=float), 1e-15, 1 - 1e-15)
    return np.asarray(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when the denominator is zero."""
    return float(numerator) / float(denominator) if denominator else float("nan")


def is_categorical(bundle: Bundle, name: str, column: pd.Series) -> bool:
    """Whether a column is treated as categories (a category input of the model, or text)."""
    return name in bundle.model.categories or not pd.api.types.is_numeric_dtype(column)


@dataclass(frozen=True)
class Binning:
    """Bins of one column: cut points for numbers or a list of categories, then one bin for missing.

    Numbers fall in ``(-inf, e0], (e0, e1], …, (e_last, inf)``; the last bin is always
    "not provided". Categories unknown to the binning share one "other" bin before it.
    """

    name: str
    categorical: bool
    edges: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def n_bins(self) -> int:
        """Number of bins, the missing bin (and the "other" bin for categories) included."""
        return len(self.categories) + 2 if self.categorical else len(self.edges) + 2

    def codes(self, column: pd.Series) -> np.ndarray:
        """The bin of every value of ``column`` (integers from 0 to ``n_bins - 1``)."""
        missing = self.n_bins - 1
        if self.categorical:
            lookup = {c: i for i, c in enumerate(self.categories)}
            other = len(self.categories)
            return np.asarray([missing if v is None else lookup.get(v, other) for v in text_values(column)], dtype=int)
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        out = np.searchsorted(np.asarray(self.edges, dtype=float), values, side="left")
        return np.where(np.isnan(values), missing, out).astype(int)

    def labels(self, feature: FeatureSpec | None = None) -> tuple[str, ...]:
        """Bin labels: ``≤ $30,000``, ``$30,000–$45,000``, ``> 80%``, ``not provided``.

        Cut points are written in the feature's units, or as percentages without a feature
        (for scores).
        """
        if self.categorical:
            return (*self.categories, "other values", NOT_PROVIDED)
        texts = [format_value(e, feature) if feature is not None else format_percent(e) for e in self.edges]
        if not texts:
            return ("all values", NOT_PROVIDED)
        inner = [f"{a}–{b}" for a, b in itertools.pairwise(texts)]
        return (f"≤ {texts[0]}", *inner, f"> {texts[-1]}", NOT_PROVIDED)


def make_binning(
    name: str,
    reference: pd.Series,
    *,
    categorical: bool,
    n_bins: int = 10,
    known: Sequence[str] = (),
    also: pd.Series | None = None,
) -> Binning:
    """Bins of a column from the reference rows: deciles (``n_bins`` quantiles) or categories.

    Categories are the ``known`` ones (the model's, in its order) followed by any other value
    seen in ``reference`` or ``also`` (sorted), so a new category in a batch is its own bin.
    """
    if categorical:
        seen = set(text_values(reference)) | (set(text_values(also)) if also is not None else set())
        seen.discard(None)
        extra = sorted(str(v) for v in seen if v not in set(known))
        return Binning(name=name, categorical=True, categories=(*known, *extra))
    values = pd.to_numeric(reference, errors="coerce").dropna().to_numpy(dtype=float)
    if len(values) == 0:
        return Binning(name=name, categorical=False)
    cuts = np.quantile(values, np.arange(1, n_bins) / n_bins)
    edges = np.unique(cuts)
    edges = edges[edges < values.max()]  # a cut at the maximum would leave an always-empty top bin
    return Binning(name=name, categorical=False, edges=tuple(float(e) for e in edges))


def bin_counts(binning: Binning, column: pd.Series) -> np.ndarray:
    """How many values of ``column`` fall in each bin."""
    return np.bincount(binning.codes(column), minlength=binning.n_bins).astype(float)
