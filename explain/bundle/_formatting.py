"""Numbers in words people read: values in their units, percentages, percentiles."""

from __future__ import annotations

import math
from typing import Any

from explain.bundle._spec import FeatureSpec

NOT_PROVIDED = "not provided"
_PREFIX_UNITS = ("$", "€", "£", "¥")


def is_missing(value: Any) -> bool:
    """Whether a cell holds no value (None, NaN, pandas NA)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA compare unequal to themselves
    except (TypeError, ValueError):
        return False


def format_number(value: float, decimals: int | None = None) -> str:
    """A number with thousands separators and a sensible number of decimals."""
    if decimals is None:
        magnitude = abs(value)
        decimals = 0 if magnitude >= 100 or float(value).is_integer() else (1 if magnitude >= 10 else 2)
    text = f"{value:,.{decimals}f}"
    return "0" if text in ("-0", "-0.0", "-0.00") else text


def format_value(value: Any, feature: FeatureSpec) -> str:
    """A value in its unit: ``$52,000``, ``34.5%``, ``12 months``, ``rent``, ``not provided``."""
    if is_missing(value):
        return NOT_PROVIDED
    if isinstance(value, str) or not _is_number(value):
        return str(value)
    number = format_number(float(value), feature.decimals)
    unit = feature.unit
    if not unit:
        return number
    if unit in _PREFIX_UNITS:
        return f"-{unit}{number[1:]}" if number.startswith("-") else f"{unit}{number}"
    if unit == "%":
        return f"{number}%"
    if number == "1" and unit.isalpha() and unit.endswith("s") and len(unit) > 2:
        unit = unit[:-3] + "y" if unit.endswith("ies") else unit[:-1]  # 1 month, 1 inquiry
    return f"{number} {unit}"


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def format_percent(share: float) -> str:
    """A probability as a percentage: ``34%``, ``4.2%``, ``0.35%``."""
    if is_missing(share):
        return "n/a"
    pct = 100 * float(share)
    if pct == 0:
        return "0%"
    if abs(pct) < 1:
        return f"{pct:.2f}%"
    if abs(pct) < 10:
        return f"{pct:.1f}%"
    return f"{pct:.0f}%"


def format_score(score: float, threshold: float) -> str:
    """A score as a percentage with enough digits never to look equal to a different threshold."""
    text = format_percent(score)
    if score == threshold or text != format_percent(threshold):
        return text
    for digits in (1, 2, 3, 4):
        text = f"{100 * float(score):.{digits}f}%"
        if text != f"{100 * float(threshold):.{digits}f}%":
            break
    return text


def format_outcome(value: object) -> str:
    """A known outcome in words: ``happened`` (1), ``did not happen`` (0), ``not known yet``."""
    if is_missing(value):
        return "not known yet"
    return "happened" if float(value) == 1 else "did not happen"  # type: ignore[arg-type]


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``23rd``, ``11th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_percentile(share: float, *, categorical: bool) -> str:
    """Where a value sits in the reference data, in words.

    For a number ``share`` is the share of reference rows with a value at most this one
    (``91st percentile``); for a category it is the category's frequency.
    """
    if is_missing(share):
        return NOT_PROVIDED
    if categorical:
        return f"shared by {format_percent(share)} of reference cases"
    pct = math.floor(100 * float(share) + 1e-9)
    pct = min(max(pct, 0), 100)
    return f"{ordinal(pct)} percentile"
