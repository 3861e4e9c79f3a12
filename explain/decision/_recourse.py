"""What would change an adverse decision: few actionable changes, each as small as possible.

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
from explain.bundle._formatting import format_percent, format_value, is_missing
from explain.bundle._profile import population_profile

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
    """A set of changes that flips the decision, re-scored with the model."""

    changes: tuple[Change, ...]
    score: float
    verdict: str
    cost: float

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
    return bundle.model.predict_score(frame)


def _flips(bundle: Bundle, scores: np.ndarray) -> np.ndarray:
    threshold = bundle.spec.decision.threshold
    favourable_above = bundle.spec.favorable == "above"
    return scores >= threshold if favourable_above else scores < threshold


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


def suggest_changes(
    bundle: Bundle, decision_id: str, *, data: TableName = "decisions", max_suggestions: int = 3
) -> RecourseResult:
    """Up to ``max_suggestions`` smallest sets of actionable changes that flip an adverse decision.

    Examples
    --------
    >>> result = suggest_changes(bundle, "L0100002")  # doctest: +SKIP
    >>> result.suggestions[0].text  # doctest: +SKIP
    'Debt-to-income ratio from 23.9% to 17.1%'
    """
    spec = bundle.spec
    stamp = make_stamp(bundle, explainer="search over reference quantiles, each suggestion re-scored by the model")
    sensitive = set(spec.sensitive_features)
    actionable = tuple(f for f in bundle.features if spec.feature(f).actionable and f not in sensitive)
    frame = bundle.table(data)
    row_frame = frame.loc[[decision_id]]
    row = row_frame.iloc[0]
    score = float(bundle.model.predict_score(row_frame)[0])
    if spec.decision.side(score) == spec.favorable:
        return RecourseResult(
            decision_id, (), "This decision is already favourable; nothing needs to change.", True, actionable, stamp
        )
    if not spec.recourse:
        reason = spec.recourse_off_reason or "Suggestions are turned off for this model."
        return RecourseResult(decision_id, (), reason, False, actionable, stamp)
    if not actionable:
        return RecourseResult(
            decision_id, (), "The model has no inputs marked as something a person can change.", True, actionable,
            stamp,
        )  # fmt: skip

    found = _single_changes(bundle, row_frame, row, actionable)
    if len(found) < max_suggestions:
        alone = {next(iter(edit)) for _, _, edit, _ in found}
        found += _pair_changes(bundle, row_frame, row, [f for f in actionable if f not in alone])
    found.sort(key=lambda t: (t[0], t[1]))
    suggestions: list[Suggestion] = []
    for _, cost, edit, costs in found[:max_suggestions]:
        rescored = float(_score_rows(bundle, row_frame, [edit])[0])  # re-score before it is shown
        if not _flips(bundle, np.array([rescored]))[0]:
            continue
        changes = tuple(_change(bundle, row, f, v, costs[f]) for f, v in edit.items())
        suggestions.append(Suggestion(changes, rescored, spec.decision.verdict(rescored), float(cost)))
    if not suggestions:
        statement = (
            "No change to the inputs a person can act on, within the values seen in the reference data, "
            f"would bring the {spec.score_label} below the {format_percent(spec.decision.threshold)} limit."
            if spec.favorable == "below"
            else "No change to the inputs a person can act on, within the values seen in the reference data, "
            f"would bring the {spec.score_label} above the {format_percent(spec.decision.threshold)} limit."
        )
        return RecourseResult(decision_id, (), statement, True, actionable, stamp)
    lead = "This would" if len(suggestions) == 1 else f"Any one of these {len(suggestions)} suggestions would"
    statement = f"{lead} change the decision to {spec.decision.verdict(suggestions[0].score)}."
    return RecourseResult(decision_id, tuple(suggestions), statement, True, actionable, stamp)


_Found = list[tuple[int, float, dict[str, Any], dict[str, float]]]  # (inputs changed, cost, edit, cost by input)


def _single_changes(bundle: Bundle, row_frame: pd.DataFrame, row: pd.Series, actionable: tuple[str, ...]) -> _Found:
    """For each input, the cheapest value on a 1% grid that flips the decision alone (exact)."""
    singles = {f: _candidates(bundle, row, f, SINGLE_GRID) for f in actionable}
    edits = [(f, v, c) for f, cand in singles.items() for v, c in zip(cand.values, cand.costs, strict=True)]
    flips = _flips(bundle, _score_rows(bundle, row_frame, [{f: v} for f, v, _ in edits]))
    best: dict[str, tuple[float, Any]] = {}
    for (f, v, c), ok in zip(edits, flips, strict=True):
        if ok and (f not in best or c < best[f][0]):
            best[f] = (float(c), v)
    return [(1, c, {f: v}, {f: c}) for f, (c, v) in best.items()]


def _pair_changes(bundle: Bundle, row_frame: pd.DataFrame, row: pd.Series, rest: list[str]) -> _Found:
    """Pairs of inputs that cannot flip it alone, exact on a 5% grid; greedy beyond pairs."""
    coarse = {f: _candidates(bundle, row, f, PAIR_GRID) for f in rest}
    pair_edits: list[tuple[str, Any, float, str, Any, float]] = []
    for a, b in itertools.combinations(rest, 2):
        for (va, ca), (vb, cb) in itertools.product(
            zip(coarse[a].values, coarse[a].costs, strict=True), zip(coarse[b].values, coarse[b].costs, strict=True)
        ):
            pair_edits.append((a, va, float(ca), b, vb, float(cb)))
    flips = _flips(bundle, _score_rows(bundle, row_frame, [{a: va, b: vb} for a, va, _, b, vb, _ in pair_edits]))
    best_pair: dict[tuple[str, str], tuple[float, dict[str, Any], dict[str, float]]] = {}
    for (a, va, ca, b, vb, cb), ok in zip(pair_edits, flips, strict=True):
        if ok and ((a, b) not in best_pair or ca + cb < best_pair[(a, b)][0]):
            best_pair[(a, b)] = (ca + cb, {a: va, b: vb}, {a: ca, b: cb})
    found: _Found = [(2, cost, edit, costs) for cost, edit, costs in best_pair.values()]
    if not best_pair and len(rest) > 2:
        greedy = _greedy(bundle, row_frame, row, rest)
        if greedy is not None:
            found.append((len(greedy[0]), greedy[1], greedy[0], greedy[2]))
    return found


def _greedy(
    bundle: Bundle, row_frame: pd.DataFrame, row: pd.Series, features: list[str]
) -> tuple[dict[str, Any], float, dict[str, float]] | None:
    """Add one input at a time, each time the value that moves the score furthest toward the limit."""
    edit: dict[str, Any] = {}
    costs: dict[str, float] = {}
    favourable_above = bundle.spec.favorable == "above"
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
        flips = _flips(bundle, scores)
        if flips.any():
            best = min((int(k) for k in np.flatnonzero(flips)), key=lambda k: options[k][2])
            f, v, c = options[best]
            edit[f], costs[f] = v, c
            return edit, float(sum(costs.values())), costs
        i = int(np.argmax(scores) if favourable_above else np.argmin(scores))
        f, v, c = options[i]
        edit[f], costs[f] = v, c
    return None
