"""Progress callbacks: long computations take an optional ``progress(fraction, message)``."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float, str], None]


def report(progress: Progress | None, fraction: float, message: str) -> None:
    """Call ``progress`` (if any) with the fraction clipped to [0, 1]."""
    if progress is not None:
        progress(min(max(float(fraction), 0.0), 1.0), message)
