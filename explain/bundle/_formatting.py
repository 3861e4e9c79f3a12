"""Every number a person reads, written one way: the one formatting layer of the app.

Inputs are written by their feature's kind, unit, scale and decimals (resolved per bundle
from the spec and the reference data by :func:`resolve_formats`, so a value reads the same
on every page); a missing value is "not provided". Other figures have one rule per kind:

========================  =================================  ==================
figure                    function                           example
========================  =================================  ==================
score or probability      :func:`format_percent`             ``34%``, ``4.2%``
rate or share of cases    :func:`format_rate`                ``17.2%``
score difference          :func:`format_points`              ``+4.6 pts``
model metric              :func:`format_metric`              ``0.812``
PSI                       :func:`format_psi`                 ``0.27``
p-value                   :func:`format_p_value`             ``< 0.001``
ratio of two rates        :func:`format_ratio`               ``0.74``
count of cases            :func:`format_count`               ``12,345``
========================  =================================  ==================

``TABLE_FORMATS`` holds the matching printf formats for number columns of tables.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from explain.bundle._spec import FeatureSpec, Kind, Spec

NOT_PROVIDED = "not provided"
CURRENCIES = ("$", "€", "£", "¥")
_DURATIONS = ("second", "minute", "min", "hour", "h", "day", "week", "month", "year")
#: printf formats for number columns of tables, by figure (the same digits as the functions).
TABLE_FORMATS = {
    "rate": "%.1f%%",  # values in percent (0–100)
    "score": "%.1f%%",
    "points": "%+.1f",
    "metric": "%.3f",
    "psi": "%.2f",
    "ratio": "%.2f",
    "count": "%d",
}


def is_missing(value: Any) -> bool:
    """Whether a cell holds no value (None, NaN, pandas NA)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA compare unequal to themselves
    except (TypeError, ValueError):
        return False


def upper_first(text: str) -> str:
    """The first letter upper-cased and the rest untouched (unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


def format_number(value: float, decimals: int | None = None) -> str:
    """A number with thousands separators; ``decimals`` by magnitude when not given."""
    if decimals is None:
        decimals = _decimals_for(abs(float(value)), float(value).is_integer())
    text = f"{float(value):,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


def _decimals_for(magnitude: float, integer: bool) -> int:
    if integer or magnitude >= 100:
        return 0
    return 1 if magnitude >= 10 else 2


def _singular(unit: str, number: str) -> str:
    if number == "1" and unit.isalpha() and unit.endswith("s") and len(unit) > 2:
        return unit[:-3] + "y" if unit.endswith("ies") else unit[:-1]  # 1 month, 1 inquiry
    return unit


def format_value(value: Any, feature: FeatureSpec) -> str:
    """A value in its unit: ``$52,000``, ``34.5%``, ``12 months``, ``2.3× usual``, ``rent``, ``not provided``."""
    if is_missing(value):
        return NOT_PROVIDED
    if isinstance(value, str) or not _is_number(value):
        return str(value)
    number = float(value)
    if feature.kind == "percent" and feature.scale == 1.0:
        number *= 100
    text = format_number(number, feature.decimals)
    unit = feature.unit or ("%" if feature.kind == "percent" else "")
    if not unit:
        return text
    if unit in CURRENCIES:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    if unit == "%":
        return f"{text}%"
    if unit.startswith("×"):
        return f"{text}{unit}"
    return f"{text} {_singular(unit, text)}"


def display_value(value: float, feature: FeatureSpec) -> float:
    """A stored number as a person enters it (a percent stored as 0–1 becomes 0–100)."""
    return float(value) * 100 if feature.kind == "percent" and feature.scale == 1.0 else float(value)


def stored_value(value: float, feature: FeatureSpec) -> float:
    """The inverse of :func:`display_value`."""
    return float(value) / 100 if feature.kind == "percent" and feature.scale == 1.0 else float(value)


def input_format(feature: FeatureSpec) -> str:
    """The printf format of an input box for this feature: digits only (the unit goes in its label)."""
    decimals = feature.decimals if feature.decimals is not None else 2
    return f"%.{decimals}f" if decimals else "%d"


def slider_format(feature: FeatureSpec) -> str:
    """The printf format of a slider for this feature: thousands separators, decimals and unit."""
    decimals = feature.decimals if feature.decimals is not None else 2
    body = f"%,.{decimals}f" if decimals else "%,d"
    unit = feature.unit or ("%" if feature.kind == "percent" else "")
    if unit in CURRENCIES:
        return f"{unit}{body}"
    if unit == "%":
        return f"{body}%%"
    if unit.startswith("×"):
        return f"{body}{unit}"
    return f"{body} {unit}".rstrip()


def unit_label(feature: FeatureSpec) -> str:
    """The label of an input box: ``Loan term (months)``, ``Annual income ($)``."""
    unit = feature.unit or ("%" if feature.kind == "percent" else "")
    return f"{feature.label} ({unit})" if unit else feature.label


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def format_percent(share: float) -> str:
    """A score or probability as a percentage: ``34%``, ``4.2%``, ``0.35%``."""
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


def format_rate(share: float) -> str:
    """A rate or share of cases, always one decimal: ``17.2%``."""
    return "n/a" if is_missing(share) else f"{100 * float(share):.1f}%"


def format_points(delta: float) -> str:
    """A difference of scores in percentage points: ``+4.6 pts``, ``−2.0 pts``."""
    pts = 100 * float(delta)
    sign = "+" if pts >= 0 else "−"
    digits = 1 if abs(pts) >= 0.05 or pts == 0 else 2
    return f"{sign}{abs(pts):.{digits}f}\u00a0pts"  # a no-break space keeps the number with its unit


def format_metric(value: float) -> str:
    """A model metric (AUC, average precision, log-loss, Brier score): three decimals."""
    return "n/a" if is_missing(value) else f"{float(value):.3f}"


def format_psi(value: float) -> str:
    """A population stability index: two decimals."""
    return "n/a" if is_missing(value) else f"{float(value):.2f}"


def format_p_value(value: float) -> str:
    """A p-value: ``< 0.001`` below that, else three decimals."""
    if is_missing(value):
        return "n/a"
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def format_ratio(value: float) -> str:
    """A ratio of two rates: two decimals."""
    return "n/a" if is_missing(value) else f"{float(value):.2f}"


def format_count(value: float) -> str:
    """A number of cases: ``12,345``."""
    return f"{int(value):,}"


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
    if pct < 1:
        return "below the 1st percentile"
    return f"{ordinal(min(pct, 100))} percentile"


def _infer_kind(feature: FeatureSpec, values: np.ndarray) -> Kind | None:
    unit = feature.unit.strip().lower()
    if feature.unit == "%":
        return "percent"
    if feature.unit in CURRENCIES:
        return "amount"
    if unit.startswith(("×", "x ")):
        return "ratio"
    if unit.rstrip("s") in _DURATIONS:
        return "duration"
    if len(values) and np.all(np.mod(values, 1) == 0):
        return "count"
    return None


def resolve_format(feature: FeatureSpec, column: pd.Series) -> FeatureSpec:
    """The feature with kind, scale, decimals and step filled in from its reference values
    wherever the spec left them out (integers stay integers)."""
    values = pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype=float)
    kind = feature.kind or _infer_kind(feature, values)
    scale = feature.scale
    if kind == "percent" and scale is None:
        scale = 1.0 if len(values) and float(np.max(np.abs(values))) <= 1.0 else 100.0
    shown = values * 100 if kind == "percent" and scale == 1.0 else values
    integer = bool(len(shown)) and bool(np.all(np.mod(shown, 1) == 0))
    magnitude = float(np.median(np.abs(shown))) if len(shown) else 0.0
    decimals = feature.decimals
    if decimals is None:
        if kind == "count" or integer:
            decimals = 0
        elif kind == "amount":
            decimals = 0 if magnitude >= 1_000 else 2  # whole units, or cents
        else:
            decimals = _decimals_for(magnitude, integer)
    step = feature.step
    if step is None:
        step = 10.0**-decimals
        if kind == "amount" and decimals == 0 and magnitude >= 1_000:
            step = 10.0 ** (math.floor(math.log10(magnitude)) - 2)  # $100 steps for incomes near $50,000
        step = float(step) / 100 if kind == "percent" and scale == 1.0 else float(step)
    return replace(feature, kind=kind, scale=scale, decimals=decimals, step=step)


def resolve_formats(spec: Spec, population: pd.DataFrame, categorical: set[str]) -> Spec:
    """The spec with every numeric model input's format resolved from ``population``."""
    features = {
        name: feature
        if name in categorical or name not in population.columns
        else resolve_format(feature, population[name])
        for name, feature in spec.features.items()
    }
    return replace(spec, features=features)
