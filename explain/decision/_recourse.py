"""What would change a decision: few actionable changes, each as small as possible.

The aim is the favourable side for a binary model, a class the user picks for a multiclass
one, a band or a value for a regression (:mod:`._recourse_aim`; by default the next better
outcome).

Suggestions change only inputs the spec marks actionable (never sensitive columns), in the
allowed direction, to values seen in the reference data. They are ranked by the number of
inputs changed, then by the size of the change in reference-percentile units (a category
switch counts as half the population). The search is exact over single inputs (a 1% grid)
and over pairs (a 5% grid), then greedy; every suggestion is re-scored with the model
before it is returned.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle, TableName
from explain.bundle._formatting import format_value, is_missing
from explain.bundle._profile import population_profile
from explain.decision._recourse_aim import (
    RecourseAim,
    band_aim,
    class_aim,
    default_aim,
    model_output,
    recourse_aims,
    value_aim,
)
from explain.errors import InvalidParameterError

SINGLE_GRID = 101  # quantiles 0%, 1%, ..., 100%
PAIR_GRID = 21  # quantiles 0%, 5%, ..., 100%
CATEGORY_COST = 0.5
MAX_GREEDY_STEPS = 6


@dataclass(frozen=True)
class Change:
    """One input changed from ``old`` to ``new``, with its cost in percentile units."""

    feature: str
    label: str
    old: Any
    new: Any
    old_text: str
    new_text: str
    cost: float


@dataclass(frozen=True)
class Suggestion:
    """A set of changes that reaches the aim, re-scored with the model.

    ``score`` is what the aim is measured by (the score, the aimed class's chance, the
    estimate); ``score_text`` says it in words.
    """

    changes: tuple[Change, ...]
    score: float
    verdict: str
    cost: float
    score_text: str = ""

    @property
    def text(self) -> str:
        """``Debt-to-income ratio from 34.0% to 18.5% and Loan term from 60 months to 36 months``."""
        parts = [f"{c.label} from {c.old_text} to {c.new_text}" for c in self.changes]
        return " and ".join(parts)


@dataclass(frozen=True)
class RecourseResult:
    """Up to three suggestions, or a plain statement why there are none."""

    decision_id: str
    suggestions: tuple[Suggestion, ...]
    statement: str
    available: bool
    actionable: tuple[str, ...]
    stamp: AuditStamp
    aim: RecourseAim | None = None

    def to_frame(self) -> pd.DataFrame:
        """A new table: one row per change of each suggestion (rank, input, from, to, new score)."""
        return pd.DataFrame(
            [
                {"suggestion": rank, "feature": c.feature, "label": c.label, "from": c.old_text, "to": c.new_text,
                 "cost": c.cost, "score": s.score, "verdict": s.verdict}
                for rank, s in enumerate(self.suggestions, 1)
                for c in s.changes
            ],
            columns=["suggestion", "feature", "label", "from", "to", "cost", "score", "verdict"],
        )  # fmt: skip


@dataclass(frozen=True)
class _Candidates:
    feature: str
    values: tuple[Any, ...]
    costs: np.ndarray


def _candidates(bundle: Bundle, row: pd.Series, feature: str, grid: int) -> _Candidates:
    profile = population_profile(bundle).features[feature]
    spec = bundle.spec.feature(feature)
    current = row[feature]
    if profile.categorical:
        known = bundle.model.categories.get(feature) or tuple(profile.frequencies)
        values = tuple(c for c in known if is_missing(current) or c != str(current))
        return _Candidates(feature, values, np.full(len(values), CATEGORY_COST))
    observed = profile.sorted_values
    if len(observed) == 0:
        return _Candidates(feature, (), np.zeros(0))
    grid_values = np.unique(np.quantile(observed, np.linspace(0, 1, grid), method="inverted_cdf"))
    if is_missing(current):
        allowed = grid_values
        base = 0.5
    else:
        cur = float(current)
        if spec.change == "increase_only":
            allowed = grid_values[grid_values > cur]
        elif spec.change == "decrease_only":
            allowed = grid_values[grid_values < cur]
        else:
            allowed = grid_values[grid_values != cur]
        base = profile.percentile(cur)
    costs = np.abs(np.array([profile.percentile(v) for v in allowed]) - base)
    return _Candidates(feature, tuple(float(v) for v in allowed), costs)


def _score_rows(bundle: Bundle, row: pd.DataFrame, edits: list[dict[str, Any]]) -> np.ndarray:
    """The model's output (:func:`model_output`) for the row with each edit applied."""
    if not edits:
        return np.zeros(0)
    frame = pd.concat([row] * len(edits), ignore_index=True)
    for name in {k for e in edits for k in e}:
        categorical = name in bundle.model.categories or not pd.api.types.is_numeric_dtype(frame[name])
        values = frame[name].astype("object" if categorical else float).to_numpy(copy=True)
        for i, e in enumerate(edits):
            if name in e:
                values[i] = e[name]
        frame[name] = values
    return model_output(bundle, frame)


def _change(bundle: Bundle, row: pd.Series, feature: str, new: Any, cost: float) -> Change:
    spec = bundle.spec.feature(feature)
    return Change(
        feature=feature,
        label=spec.label,
        old=row[feature],
        new=new,
        old_text=format_value(row[feature], spec),
        new_text=format_value(new, spec),
        cost=float(cost),
    )


@dataclass(frozen=True)
class RecourseOptions:
    """The outcomes a user may aim at from one decision, best first, and the one aimed at by default."""

    aims: tuple[RecourseAim, ...]
    default: RecourseAim | None
    current: float  # the score or estimate now (a multiclass decision: the chance of its verdict's class)


def recourse_options(bundle: Bundle, decision_id: str, *, data: TableName = "decisions") -> RecourseOptions:
    """What :func:`suggest_changes` can aim at for this decision (for a picker)."""
    output = model_output(bundle, bundle.rows(data, [decision_id]))
    current = float(output.max()) if output.ndim == 2 else float(output[0])
    return RecourseOptions(recourse_aims(bundle, output), default_aim(bundle, output), current)


def suggest_changes(
    bundle: Bundle,
    decision_id: str,
    *,
    data: TableName = "decisions",
    max_suggestions: int = 3,
    target_class: str | None = None,
    target_band: str | None = None,
    target_value: float | None = None,
) -> RecourseResult:
    """Up to ``max_suggestions`` smallest sets of actionable changes that reach the aim.

    The aim is the favourable side (binary), ``target_class`` (multiclass), ``target_band``
    or an estimate of at least/at most ``target_value`` (regression); without one, the next
    better outcome.

    Examples
    --------
    >>> result = suggest_changes(bundle, "L0100002")  # doctest: +SKIP
    >>> result.suggestions[0].text  # doctest: +SKIP
    'Debt-to-income ratio from 23.9% to 17.1%'
    >>> suggest_changes(grades, "G0000007", target_class="1").aim.text  # doctest: +SKIP
    'Grade B'
    """
    spec = bundle.spec
    stamp = make_stamp(bundle, explainer="search over reference quantiles, each suggestion re-scored by the model")
    sensitive = set(spec.sensitive_features)
    actionable = tuple(f for f in bundle.features if spec.feature(f).actionable and f not in sensitive)
    row_frame = bundle.rows(data, [decision_id])
    row = row_frame.iloc[0]
    output = model_output(bundle, row_frame)
    aim = _aim(bundle, output, target_class, target_band, target_value)
    if aim is None or aim.reached(bundle, output)[0]:
        already = (
            "This decision is already favourable; nothing needs to change."
            if aim is None or aim.kind == "favourable"
            else f"This decision is already {aim.text}; nothing needs to change."
        )
        if aim is None and bundle.model.task != "binary":
            already = "This decision is already the best outcome the model gives; nothing needs to change."
        return RecourseResult(decision_id, (), already, True, actionable, stamp, aim)
    if not spec.recourse:
        reason = spec.recourse_off_reason or "Suggestions are turned off for this model."
        return RecourseResult(decision_id, (), reason, False, actionable, stamp, aim)
    if not actionable:
        return RecourseResult(
            decision_id, (), "The model has no inputs marked as something a person can change.", True, actionable,
            stamp, aim,
        )  # fmt: skip

    found = _single_changes(bundle, aim, row_frame, row, actionable)
    if len(found) < max_suggestions:
        alone = {next(iter(edit)) for _, _, edit, _ in found}
        found += _pair_changes(bundle, aim, row_frame, row, [f for f in actionable if f not in alone])
    found.sort(key=lambda t: (t[0], t[1]))
    suggestions: list[Suggestion] = []
    for _, cost, edit, costs in found[:max_suggestions]:
        rescored = _score_rows(bundle, row_frame, [edit])  # re-score before it is shown
        if not aim.reached(bundle, rescored)[0]:
            continue
        changes = tuple(_change(bundle, row, f, v, costs[f]) for f, v in edit.items())
        value = aim.measure(bundle, rescored)
        suggestions.append(
            Suggestion(changes, value, aim.verdict(bundle, rescored), float(cost), aim.measure_text(bundle, value))
        )
    if not suggestions:
        return RecourseResult(decision_id, (), aim.unreachable(bundle), True, actionable, stamp, aim)
    lead = "This would" if len(suggestions) == 1 else f"Any one of these {len(suggestions)} suggestions would"
    statement = f"{lead} change the decision to {suggestions[0].verdict}."
    return RecourseResult(decision_id, tuple(suggestions), statement, True, actionable, stamp, aim)


def _aim(
    bundle: Bundle,
    output: np.ndarray,
    target_class: str | None,
    target_band: str | None,
    target_value: float | None,
) -> RecourseAim | None:
    """The aim asked for (at most one of the three), or the next better outcome."""
    asked = [name for name, v in (("target_class", target_class), ("target_band", target_band),
                                  ("target_value", target_value)) if v is not None]  # fmt: skip
    if len(asked) > 1:
        raise InvalidParameterError(f"give one aim at a time; got {' and '.join(asked)}.")
    if target_class is not None:
        return class_aim(bundle, str(target_class))
    if target_band is not None:
        return band_aim(bundle, target_band)
    if target_value is not None:
        return value_aim(bundle, float(target_value), float(output.ravel()[0]) if output.ndim == 1 else np.nan)
    return default_aim(bundle, output)


_Found = list[tuple[int, float, dict[str, Any], dict[str, float]]]  # (inputs changed, cost, edit, cost by input)


def _single_changes(
    bundle: Bundle, aim: RecourseAim, row_frame: pd.DataFrame, row: pd.Series, actionable: tuple[str, ...]
) -> _Found:
    """For each input, the cheapest value on a 1% grid that flips the decision alone (exact)."""
    singles = {f: _candidates(bundle, row, f, SINGLE_GRID) for f in actionable}
    edits = [(f, v, c) for f, cand in singles.items() for v, c in zip(cand.values, cand.costs, strict=True)]
    flips = aim.reached(bundle, _score_rows(bundle, row_frame, [{f: v} for f, v, _ in edits]))
    best: dict[str, tuple[float, Any]] = {}
    for (f, v, c), ok in zip(edits, flips, strict=True):
        if ok and (f not in best or c < best[f][0]):
            best[f] = (float(c), v)
    return [(1, c, {f: v}, {f: c}) for f, (c, v) in best.items()]


def _pair_changes(bundle: Bundle, aim: RecourseAim, row_frame: pd.DataFrame, row: pd.Series, rest: list[str]) -> _Found:
    """Pairs of inputs that cannot flip it alone, exact on a 5% grid; greedy beyond pairs."""
    coarse = {f: _candidates(bundle, row, f, PAIR_GRID) for f in rest}
    pair_edits: list[tuple[str, Any, float, str, Any, float]] = []
    for a, b in itertools.combinations(rest, 2):
        for (va, ca), (vb, cb) in itertools.product(
            zip(coarse[a].values, coarse[a].costs, strict=True), zip(coarse[b].values, coarse[b].costs, strict=True)
        ):
            pair_edits.append((a, va, float(ca), b, vb, float(cb)))
    edits = [{a: va, b: vb} for a, va, _, b, vb, _ in pair_edits]
    flips = aim.reached(bundle, _score_rows(bundle, row_frame, edits)) if edits else np.zeros(0, dtype=bool)
    best_pair: dict[tuple[str, str], tuple[float, dict[str, Any], dict[str, float]]] = {}
    for (a, va, ca, b, vb, cb), ok in zip(pair_edits, flips, strict=True):
        if ok and ((a, b) not in best_pair or ca + cb < best_pair[(a, b)][0]):
            best_pair[(a, b)] = (ca + cb, {a: va, b: vb}, {a: ca, b: cb})
    found: _Found = [(2, cost, edit, costs) for cost, edit, costs in best_pair.values()]
    if not best_pair and len(rest) > 2:
        greedy = _greedy(bundle, aim, row_frame, row, rest)
        if greedy is not None:
            found.append((len(greedy[0]), greedy[1], greedy[0], greedy[2]))
    return found


def _greedy(
    bundle: Bundle, aim: RecourseAim, row_frame: pd.DataFrame, row: pd.Series, features: list[str]
) -> tuple[dict[str, Any], float, dict[str, float]] | None:
    """Add one input at a time, each time the value that comes closest to the aim."""
    edit: dict[str, Any] = {}
    costs: dict[str, float] = {}
    for _ in range(min(MAX_GREEDY_STEPS, len(features))):
        options: list[tuple[str, Any, float]] = []
        for f in features:
            if f in edit:
                continue
            cand = _candidates(bundle, row, f, PAIR_GRID)
            options += [(f, v, float(c)) for v, c in zip(cand.values, cand.costs, strict=True)]
        if not options:
            return None
        scores = _score_rows(bundle, row_frame, [{**edit, f: v} for f, v, _ in options])
        flips = aim.reached(bundle, scores)
        if flips.any():
            best = min((int(k) for k in np.flatnonzero(flips)), key=lambda k: options[k][2])
            f, v, c = options[best]
            edit[f], costs[f] = v, c
            return edit, float(sum(costs.values())), costs
        i = int(np.argmax(aim.progress(bundle, scores)))
        f, v, c = options[i]
        edit[f], costs[f] = v, c
    return None
