"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best wall-clock seconds of ``repeat`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def percentiles(samples: list[float]) -> str:
    """``p50 … ms, p95 … ms`` of samples given in seconds."""
    arr = 1000 * np.asarray(samples)
    return f"p50 {np.percentile(arr, 50):.1f} ms, p95 {np.percentile(arr, 95):.1f} ms (n={len(arr)})"
