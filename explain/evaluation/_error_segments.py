"""Where the model errs: the segments of the reference data with the highest log-loss, in words.

A shallow regression tree (depth at most 3, leaves of at least 1% of the rows) is fitted to
each reference row's log-loss on the model inputs; its leaves are segments described by the
conditions on their path ("Credit card utilization at least 85% and Loan term at most 36
months"), in the spec's labels and the features' units, worst first. Categories enter the
tree ordered by their mean log-loss, so one split can group any set of them; missing values
are routed by the tree itself and worded "not provided". Bounds are snapped to values that
occur in the data, so "at least 1 payment" replaces "above 0.5 payments".

The worst false positives (flagged, score >= threshold, outcome 0, highest scores first)
and false negatives (not flagged, outcome 1, lowest scores first) are listed with their
reference ids, so a case can be opened from the reference table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeRegressor

from explain._cores import uses_all_cores
from explain._params import check_int, check_number
from explain._progress import Progress, report
from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle
from explain.bundle._formatting import NOT_PROVIDED, format_value
from explain.bundle._tables import text_values
from explain.evaluation._common import (
    is_categorical,
    log_loss_rows,
    sample_rows,
    scored_reference,
    threshold_or_spec,
)

_Bounds = tuple[float, float, bool]  # lower bound (exclusive), upper bound (inclusive), missing allowed


@dataclass(frozen=True)
class ErrorSegment:
    """One leaf of the error tree: who is in it (in words) and how badly the model does there.

    ``lift`` is the segment's mean log-loss over the overall mean; ``error_rate`` is the
    share of its cases on the wrong side of the threshold.
    """

    rank: int
    conditions: tuple[str, ...]
    features: tuple[str, ...]
    n_rows: int
    share: float
    mean_log_loss: float
    lift: float
    error_rate: float
    false_positives: int
    false_negatives: int
    observed_rate: float
    mean_score: float

    @property
    def description(self) -> str:
        """The conditions joined with "and" ("All cases" for a tree without splits)."""
        return " and ".join(self.conditions) if self.conditions else "All cases"


@dataclass(frozen=True)
class CaseError:
    """One misclassified reference case."""

    id: str
    kind: str
    score: float  # the score; a multiclass model's chance of its predicted class; a regression's estimate
    outcome: float  # 0/1; the true class's index (multiclass); the actual value (regression)
    log_loss: float  # the case's loss: log-loss, or a regression's absolute error


@dataclass(frozen=True, eq=False)
class ErrorAnalysisResult:
    """Error segments (worst first), the worst mistakes, and which segment each row fell in."""

    segments: tuple[ErrorSegment, ...]
    worst_false_positives: tuple[CaseError, ...]
    worst_false_negatives: tuple[CaseError, ...]
    overall_log_loss: float
    overall_error_rate: float
    threshold: float
    n_rows: int
    max_depth: int
    min_segment_share: float
    row_ids: tuple[str, ...]
    row_segment: np.ndarray
    random_state: int
    stamp: AuditStamp
    table: str = field(default="reference")
    loss_name: str = "log-loss"  # what the segments' mean loss is ("absolute error" for a regression)
    task: str = "binary"
    loss_unit: str = ""  # a regression target's unit, in which its absolute error is written

    def to_frame(self) -> pd.DataFrame:
        """A new table of the segments, highest mean log-loss first."""
        return pd.DataFrame(
            {
                "rank": [s.rank for s in self.segments],
                "segment": [s.description for s in self.segments],
                "rows": [s.n_rows for s in self.segments],
                "share": [s.share for s in self.segments],
                "mean_log_loss": [s.mean_log_loss for s in self.segments],
                "lift": [s.lift for s in self.segments],
                "error_rate": [s.error_rate for s in self.segments],
                "false_positives": [s.false_positives for s in self.segments],
                "false_negatives": [s.false_negatives for s in self.segments],
                "observed_rate": [s.observed_rate for s in self.segments],
                "mean_score": [s.mean_score for s in self.segments],
            }
        )

    def cases_frame(self) -> pd.DataFrame:
        """A new table of the worst false positives then the worst false negatives."""
        cases = (*self.worst_false_positives, *self.worst_false_negatives)
        return pd.DataFrame(
            {
                "id": [c.id for c in cases],
                "kind": [c.kind for c in cases],
                "score": [c.score for c in cases],
                "outcome": [c.outcome for c in cases],
                "log_loss": [c.log_loss for c in cases],
            }
        )

    def segment_ids(self, rank: int) -> tuple[str, ...]:
        """The reference ids of the rows in the segment of this rank (1 = worst)."""
        if not 1 <= rank <= len(self.segments):
            check_int("rank", rank, 1, len(self.segments))
        return tuple(i for i, r in zip(self.row_ids, self.row_segment, strict=True) if r == rank)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


class _Encoded:
    """Model inputs as tree-ready numbers, and the way back to words."""

    def __init__(self, bundle: Bundle, frame: pd.DataFrame, loss: np.ndarray) -> None:
        self.bundle = bundle
        self.features = bundle.features
        self.matrix = np.empty((len(frame), len(self.features)))
        self.levels: dict[int, list[str]] = {}  # categories ordered by mean loss
        self.sorted_values: dict[int, np.ndarray] = {}
        for j, name in enumerate(self.features):
            column = frame[name]
            if is_categorical(bundle, name, column):
                text = np.asarray([NOT_PROVIDED if v is None else v for v in text_values(column)], dtype=object)
                means = pd.Series(loss).groupby(text).mean().sort_values(kind="stable")
                order = [str(c) for c in means.index]
                self.levels[j] = order
                self.matrix[:, j] = pd.Index(order).get_indexer(pd.Index(text))
            else:
                values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
                self.matrix[:, j] = values
                self.sorted_values[j] = np.unique(values[~np.isnan(values)])

    def describe_categories(self, j: int, allowed: frozenset[int]) -> str | None:
        """The condition on categorical feature ``j``, or ``None`` when every category is allowed."""
        names = self.levels[j]
        if len(allowed) == len(names):
            return None
        label = self.bundle.spec.label(self.features[j])
        inside = [names[k] for k in sorted(allowed)]
        outside = [n for k, n in enumerate(names) if k not in allowed]
        return f"{label} is {_join(inside)}" if len(inside) <= len(outside) else f"{label} is not {_join(outside)}"

    def describe_numbers(self, j: int, bounds: _Bounds, leaf_values: np.ndarray) -> str | None:
        """The condition on numeric feature ``j`` (values in the leaf decide the "not provided" part)."""
        spec = self.bundle.spec.feature(self.features[j])
        low, high, missing_ok = bounds
        if (len(leaf_values) and np.isnan(leaf_values).all()) or low == math.inf:
            return f"{spec.label} {NOT_PROVIDED}"
        values = self.sorted_values[j]
        parts: list[tuple[str, float]] = []
        if low > -math.inf:
            above = values[values > low]
            parts.append(("at least", float(above[0]) if len(above) else low))
        if high < math.inf:
            below = values[values <= high]
            parts.append(("at most", float(below[-1]) if len(below) else high))
        if not parts:
            return None if missing_ok else f"{spec.label} provided"
        if len(parts) == 2:
            text = f"{spec.label} from {format_value(parts[0][1], spec)} to {format_value(parts[1][1], spec)}"
        else:
            text = f"{spec.label} {parts[0][0]} {format_value(parts[0][1], spec)}"
        return text + (f" or {NOT_PROVIDED}" if missing_ok and bool(np.isnan(leaf_values).any()) else "")


@dataclass
class _Path:
    """The constraints a leaf's path puts on each feature it tests."""

    numbers: dict[int, _Bounds] = field(default_factory=dict)
    categories: dict[int, frozenset[int]] = field(default_factory=dict)

    def copy(self) -> _Path:
        return _Path(dict(self.numbers), dict(self.categories))


def _leaf_paths(tree: DecisionTreeRegressor, encoded: _Encoded) -> dict[int, _Path]:
    """For every leaf, the constraints of its path."""
    t = tree.tree_
    go_left = getattr(t, "missing_go_to_left", np.zeros(t.node_count, dtype=bool))
    paths: dict[int, _Path] = {}
    stack: list[tuple[int, _Path]] = [(0, _Path())]
    while stack:
        node, path = stack.pop()
        left, right = int(t.children_left[node]), int(t.children_right[node])
        if left == -1:
            paths[node] = path
            continue
        j, cut = int(t.feature[node]), float(t.threshold[node])
        for child, is_left in ((left, True), (right, False)):
            new = path.copy()
            if j in encoded.levels:
                current = new.categories.get(j, frozenset(range(len(encoded.levels[j]))))
                new.categories[j] = frozenset(k for k in current if (k <= cut) == is_left)
            else:
                low, high, missing_ok = new.numbers.get(j, (-math.inf, math.inf, True))
                if is_left:
                    new.numbers[j] = (low, min(high, cut), missing_ok and bool(go_left[node]))
                else:
                    new.numbers[j] = (max(low, cut), high, missing_ok and not bool(go_left[node]))
            stack.append((child, new))
    return paths


def _describe(encoded: _Encoded, path: _Path, member: np.ndarray) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A leaf's conditions in words (one per input its path tests) and the inputs they name."""
    conditions, used = [], []
    for j in sorted({*path.numbers, *path.categories}):
        if j in path.categories:
            text = encoded.describe_categories(j, path.categories[j])
        else:
            text = encoded.describe_numbers(j, path.numbers[j], encoded.matrix[member, j])
        if text is not None:
            conditions.append(text)
            used.append(encoded.features[j])
    return tuple(conditions), tuple(used)


def _cases(
    kind: str, ids: np.ndarray, scores: np.ndarray, y: np.ndarray, loss: np.ndarray, rows: np.ndarray
) -> tuple[CaseError, ...]:
    return tuple(CaseError(str(ids[i]), kind, float(scores[i]), float(y[i]), float(loss[i])) for i in rows)


@uses_all_cores
def error_segments(
    bundle: Bundle,
    *,
    threshold: float | None = None,
    max_depth: int = 3,
    min_segment_share: float = 0.01,
    n_worst: int = 10,
    max_rows: int = 50_000,
    random_state: int = 0,
    progress: Progress | None = None,
) -> ErrorAnalysisResult:
    """Segments of the reference data where the model's log-loss is highest, and its worst mistakes.

    Reference rows with known outcomes, at most ``max_rows`` (a seeded sample). The tree
    has depth at most ``max_depth`` (1 to 3) and leaves of at least ``min_segment_share`` of
    the rows. False positives and negatives are judged at ``threshold`` (default: the
    bundle's), flagged meaning score >= threshold.

    Examples
    --------
    >>> result = error_segments(bundle)  # doctest: +SKIP
    >>> result.segments[0].description  # doctest: +SKIP
    'Credit card utilization at least 85% and Loan term at least 60 months'
    """
    check_int("max_depth", max_depth, 1, 3)  # deeper segments stop being readable
    check_number("min_segment_share", min_segment_share, 0.0, 0.5, low_open=True)
    check_int("n_worst", n_worst, 0)
    check_int("max_rows", max_rows, 10)
    report(progress, 0.0, "Scoring the reference data")
    if bundle.model.task != "binary":
        return _task_error_segments(bundle, max_depth, min_segment_share, n_worst, max_rows, random_state, progress)
    cut = threshold_or_spec(threshold, bundle)
    sample = scored_reference(bundle, max_rows=max_rows, random_state=random_state)
    y, s = sample.outcomes.astype(int), sample.scores
    loss = log_loss_rows(y, s)
    n = len(y)
    report(progress, 0.4, "Fitting the error tree")
    encoded = _Encoded(bundle, sample.frame, loss)
    tree = DecisionTreeRegressor(
        max_depth=max_depth, min_samples_leaf=max(1, math.ceil(min_segment_share * n)), random_state=random_state
    ).fit(encoded.matrix, loss)
    leaf_of_row = tree.apply(encoded.matrix)
    paths = _leaf_paths(tree, encoded)
    flagged = s >= cut
    wrong = flagged != (y == 1)
    overall = float(loss.mean())
    report(progress, 0.8, "Describing the segments")
    leaves = sorted(paths, key=lambda leaf: -float(loss[leaf_of_row == leaf].mean()))
    segments = []
    row_segment = np.zeros(n, dtype=int)
    for rank, leaf in enumerate(leaves, start=1):
        member = leaf_of_row == leaf
        row_segment[member] = rank
        conditions, used = _describe(encoded, paths[leaf], member)
        segments.append(
            ErrorSegment(
                rank=rank,
                conditions=conditions,
                features=used,
                n_rows=int(member.sum()),
                share=float(member.mean()),
                mean_log_loss=float(loss[member].mean()),
                lift=float(loss[member].mean() / overall) if overall > 0 else float("nan"),
                error_rate=float(wrong[member].mean()),
                false_positives=int((member & flagged & (y == 0)).sum()),
                false_negatives=int((member & ~flagged & (y == 1)).sum()),
                observed_rate=float(y[member].mean()),
                mean_score=float(s[member].mean()),
            )
        )
    fp_rows = np.flatnonzero(flagged & (y == 0))
    fn_rows = np.flatnonzero(~flagged & (y == 1))
    fp_rows = fp_rows[np.argsort(-s[fp_rows], kind="stable")][:n_worst]
    fn_rows = fn_rows[np.argsort(s[fn_rows], kind="stable")][:n_worst]
    report(progress, 1.0, "Error analysis done")
    return ErrorAnalysisResult(
        segments=tuple(segments),
        worst_false_positives=_cases("false positive", sample.ids, s, y, loss, fp_rows),
        worst_false_negatives=_cases("false negative", sample.ids, s, y, loss, fn_rows),
        overall_log_loss=overall,
        overall_error_rate=float(wrong.mean()),
        threshold=cut,
        n_rows=n,
        max_depth=max_depth,
        min_segment_share=min_segment_share,
        row_ids=tuple(sample.ids),
        row_segment=row_segment,
        random_state=random_state,
        stamp=make_stamp(bundle, random_state=random_state),
    )


def _task_error_segments(
    bundle: Bundle,
    max_depth: int,
    min_segment_share: float,
    n_worst: int,
    max_rows: int,
    random_state: int,
    progress: Progress | None,
) -> ErrorAnalysisResult:
    """Error segments of a multiclass model (by log-loss; "wrong" is misclassified) or of a
    regression (by absolute error; "wrong" is an estimate in another band than the actual
    value). The worst cases are the most confident misclassifications, or the largest
    over- and underestimates."""
    known = bundle.outcomes("reference")
    frame = sample_rows(bundle.table("reference").loc[known.index], max_rows, np.random.default_rng(random_state))
    ids = np.asarray(frame.index.astype(str))
    response = np.asarray(bundle.model.predict_response(frame))
    multiclass = bundle.model.task == "multiclass"
    if multiclass:
        y = np.array([bundle.model.classes.index(str(c)) for c in known.loc[frame.index]], dtype=float)
        score = response.max(axis=1)
        loss = -np.log(np.clip(response[np.arange(len(y)), y.astype(int)], 1e-15, 1.0))
        wrong = response.argmax(axis=1) != y
        over, under = wrong, np.zeros(len(y), dtype=bool)
    else:
        y = known.loc[frame.index].to_numpy(dtype=float)
        score = response
        loss = np.abs(y - score)
        target = bundle.spec.target
        wrong = (
            np.array([target.band(a) != target.band(e) for a, e in zip(y, score, strict=True)])
            if target.bands
            else np.zeros(len(y), dtype=bool)
        )
        big = loss > loss.mean()
        over, under = big & (score > y), big & (score < y)
    report(progress, 0.4, "Fitting the error tree")
    encoded = _Encoded(bundle, frame, loss)
    n = len(y)
    tree = DecisionTreeRegressor(
        max_depth=max_depth, min_samples_leaf=max(1, math.ceil(min_segment_share * n)), random_state=random_state
    ).fit(encoded.matrix, loss)
    leaf_of_row = tree.apply(encoded.matrix)
    paths = _leaf_paths(tree, encoded)
    overall = float(loss.mean())
    report(progress, 0.8, "Describing the segments")
    segments, row_segment = [], np.zeros(n, dtype=int)
    for rank, leaf in enumerate(sorted(paths, key=lambda leaf: -float(loss[leaf_of_row == leaf].mean())), start=1):
        member = leaf_of_row == leaf
        row_segment[member] = rank
        conditions, used = _describe(encoded, paths[leaf], member)
        segments.append(
            ErrorSegment(
                rank=rank, conditions=conditions, features=used, n_rows=int(member.sum()),
                share=float(member.mean()), mean_log_loss=float(loss[member].mean()),
                lift=float(loss[member].mean() / overall) if overall > 0 else float("nan"),
                error_rate=float(wrong[member].mean()), false_positives=int((member & over).sum()),
                false_negatives=int((member & under).sum()), observed_rate=float(y[member].mean()),
                mean_score=float(score[member].mean()),
            )
        )  # fmt: skip
    if multiclass:  # the most confident wrong classes first
        first = np.flatnonzero(wrong)[np.argsort(-score[wrong], kind="stable")][:n_worst]
        second = np.zeros(0, dtype=int)
        words = ("misclassified", "")
    else:
        first = np.argsort(-(score - y), kind="stable")[:n_worst]
        second = np.argsort(score - y, kind="stable")[:n_worst]
        words = ("overestimate", "underestimate")
    report(progress, 1.0, "Error analysis done")
    return ErrorAnalysisResult(
        segments=tuple(segments),
        worst_false_positives=_cases(words[0], ids, score, y, loss, first),
        worst_false_negatives=_cases(words[1], ids, score, y, loss, second),
        overall_log_loss=overall,
        overall_error_rate=float(wrong.mean()),
        threshold=float("nan"),
        n_rows=n,
        max_depth=max_depth,
        min_segment_share=min_segment_share,
        row_ids=tuple(ids),
        row_segment=row_segment,
        random_state=random_state,
        stamp=make_stamp(bundle, random_state=random_state),
        loss_name="log-loss" if multiclass else "absolute error",
        task=bundle.model.task,
        loss_unit="" if multiclass else bundle.spec.target.unit,
    )


__all__ = ["CaseError", "ErrorAnalysisResult", "ErrorSegment", "error_segments"]
