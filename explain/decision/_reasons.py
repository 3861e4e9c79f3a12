"""Reasons: which inputs are given as the drivers of a verdict, and in which words.

The rules, one place for the decision page and the decision list:

* A reason is an input that pushed the score toward the verdict's side; the strongest
  come first, at most four, and none whose contribution is below 5% of the score's
  distance from the model baseline. Sensitive inputs are never reasons (a notice says when
  one moved the score more than a listed reason).
* The statement describes the side of the reference median the value is on: the spec's
  ``reason_low`` or ``reason_high``, or its ``reason`` / ``reason_favorable`` where
  ``expected_effect`` says which side each describes. A value at the median, an input
  without a statement for its side, or a statement that would contradict the direction the
  input actually pushed, is worded neutrally: "Products held: 2 (typical); with the other
  inputs it added 3.1 points". Categories have no median: their adverse or favourable
  statement follows the direction they pushed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from explain.bundle._bundle import Bundle
from explain.bundle._formatting import format_points, format_value, is_missing, ordinal
from explain.bundle._profile import FeatureProfile
from explain.bundle._spec import Side
from explain.decision._task_view import Units

MAX_REASONS = 4
#: An input moving the score by less than this share of the score's distance from the baseline is not a reason.
MIN_SHARE = 0.05
ValueSide = Literal["low", "high"]


@dataclass(frozen=True)
class Wording:
    """A reason's statement, and whether it is the neutral wording (which names no side)."""

    statement: str
    neutral: bool
    side: ValueSide | None = None


def value_side(profile: FeatureProfile, value: Any) -> ValueSide | None:
    """``"high"`` above the reference median, ``"low"`` below it; None at it, missing, or a category."""
    if profile.categorical or is_missing(value) or len(profile.sorted_values) == 0:
        return None
    median = float(np.median(profile.sorted_values))
    number = float(value)
    return None if number == median else ("high" if number > median else "low")


def _derived(
    bundle: Bundle, feature: str, side: ValueSide, raising_is_adverse: bool | None = None
) -> tuple[str, bool] | None:
    """The spec's adverse or favourable statement that describes ``side``, and whether it is
    the adverse one; None without an ``expected_effect`` to say which side is which."""
    spec = bundle.spec.feature(feature)
    if spec.expected_effect is None:
        return None
    raises_score = (side == "high") == (spec.expected_effect == "increases")
    if raising_is_adverse is None:
        raising_is_adverse = bundle.spec.adverse == "above"
    adverse = raises_score == raising_is_adverse
    text = spec.reason if adverse else spec.reason_favorable
    return (text, adverse) if text else None


def neutral_statement(
    bundle: Bundle, feature: str, value: Any, percentile: float, points: float, units: Units | None = None
) -> str:
    """``Products held: 2 (typical); with the other inputs it added 3.1 points`` (or ``added $310``)."""
    spec = bundle.spec.feature(feature)
    profile = bundle.profile.features[feature]
    if is_missing(value):
        where = "not provided"
    elif profile.categorical:
        where = f"shared by {round(100 * percentile)}% of reference cases"
    else:
        pct = int(np.floor(100 * percentile + 1e-9))
        where = "typical" if 25 <= pct < 75 else f"{ordinal(min(max(pct, 0), 100))} percentile"
    if units is None or units.kind == "probability":
        moved = format_points(abs(points)).replace("\u00a0pts", " points").lstrip("+")
    else:
        moved = units.effect(abs(points)).lstrip("+") + (" to the margin" if units.kind == "margin" else "")
    effect = f"added {moved}" if points >= 0 else f"took {moved} off"
    text = format_value(value, spec) if not is_missing(value) else "not provided"
    shown = f"{spec.label}: {text}" if where == "not provided" else f"{spec.label}: {text} ({where})"
    return f"{shown}; with the other inputs it {effect}"


def wording(
    bundle: Bundle,
    feature: str,
    value: Any,
    percentile: float,
    points: float,
    adverse: bool,
    *,
    units: Units | None = None,
    raising_is_adverse: bool | None = None,
) -> Wording:
    """The statement of a reason that pushed toward the adverse side (``adverse``) or the favourable one.

    ``units`` writes a neutral statement's effect (probability points by default);
    ``raising_is_adverse`` says whether raising the explained output is bad for the person
    (by default: the spec's adverse side is above), which matters for a multiclass model's
    favourable classes."""
    spec = bundle.spec.feature(feature)
    profile = bundle.profile.features[feature]
    if profile.categorical:
        text = spec.reason if adverse else spec.reason_favorable
        return (
            Wording(text, False)
            if text
            else Wording(neutral_statement(bundle, feature, value, percentile, points, units), True)
        )
    side = value_side(profile, value)
    if side is not None:
        explicit = spec.reason_high if side == "high" else spec.reason_low
        if explicit:
            return Wording(explicit, False, side)
        derived = _derived(bundle, feature, side, raising_is_adverse)
        if derived is not None and derived[1] == adverse:  # never a statement against the direction it pushed
            return Wording(derived[0], False, side)
    return Wording(neutral_statement(bundle, feature, value, percentile, points, units), True)


def select_reasons(bundle: Bundle, raw: np.ndarray, points: np.ndarray, side: Side, distance: float) -> list[int]:
    """Indices of the reasons: inputs pushing toward ``side``, strongest first, sensitive ones
    left out, none below 5% of ``distance`` (the score's distance from the baseline), at most four."""
    sign = 1.0 if side == "above" else -1.0
    sensitive = set(bundle.spec.sensitive_features)
    floor = MIN_SHARE * abs(distance)
    order = np.argsort(-sign * raw, kind="stable")
    chosen = [
        int(j) for j in order if sign * raw[j] > 0 and bundle.features[j] not in sensitive and abs(points[j]) >= floor
    ]
    return chosen[:MAX_REASONS]


def sensitive_notices(
    bundle: Bundle,
    points: np.ndarray,
    listed: Sequence[float],
    distance: float,
    units: Units | None = None,
    what: str | None = None,
) -> tuple[str, ...]:
    """A plain sentence for each sensitive input that moved the score more than the smallest
    listed reason (or, with no reason listed, more than 5% of the score's distance from the baseline)."""
    bar = min((abs(p) for p in listed), default=MIN_SHARE * abs(distance))
    out = []
    for name in bundle.spec.sensitive_features:
        moved = float(points[bundle.features.index(name)])
        if abs(moved) > bar:
            out.append(
                f"This model also uses {bundle.spec.label(name)}, which is not given as a reason; it moved the "
                f"{what or bundle.spec.score_label} by {units.effect(moved) if units else format_points(moved)}."
            )
    return tuple(out)
