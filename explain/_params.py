"""Checking options at the door: one rule per kind of option, one message shape.

Every refusal is an :class:`~explain.errors.InvalidParameterError` naming the parameter,
what it accepts and the value given: ``max_rows must be an integer of at least 10; got 3.``
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

import numpy as np

from explain.errors import InvalidParameterError

T = TypeVar("T")


def threshold_problem(value: object) -> str | None:
    """Why ``value`` cannot be a decision threshold (a probability strictly between 0 and 1), or None.

    Shared by the spec (which reports it as a spec error) and by every function taking a threshold.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return f"must be a number strictly between 0 and 1; got {value!r}."
    if math.isnan(float(value)) or not 0.0 < float(value) < 1.0:
        return f"must lie strictly between 0 and 1; got {value!r}."
    return None


def check_threshold(name: str, value: object) -> float:
    """A threshold strictly between 0 and 1."""
    problem = threshold_problem(value)
    if problem is not None:
        raise InvalidParameterError(f"{name} {problem}")
    return float(value)  # type: ignore[arg-type]


def check_int(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """An integer in [minimum, maximum] (booleans refused)."""
    is_int = not isinstance(value, bool) and isinstance(value, (int, np.integer))
    if is_int and minimum <= int(value) and (maximum is None or int(value) <= maximum):  # type: ignore[call-overload]
        return int(value)  # type: ignore[call-overload]
    allowed = f"at least {minimum}" if maximum is None else f"between {minimum} and {maximum}"
    raise InvalidParameterError(f"{name} must be an integer {allowed}; got {value!r}.")


def check_number(
    name: str, value: object, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> float:
    """A finite number in the interval from ``low`` to ``high`` (each end open or closed)."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float, np.number))
    number = float(value) if ok else math.nan  # type: ignore[arg-type]
    above = number > low if low_open else number >= low
    below = number < high if high_open else number <= high
    if ok and math.isfinite(number) and above and below:
        return number
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    raise InvalidParameterError(f"{name} must be a number in {left}{low:g}, {high:g}{right}; got {value!r}.")


def check_choice(name: str, value: T, choices: Iterable[T]) -> T:
    """One of a fixed set of choices."""
    options = list(choices)
    if value not in options:
        raise InvalidParameterError(f"{name} must be one of {', '.join(map(str, options))}; got {value!r}.")
    return value
