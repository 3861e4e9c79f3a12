"""The additivity check every explanation passes before anyone sees it.

Exact contributions add up to the model's own raw output: φ₀ + Σφᵢ = f(x) for a binary or
regression model, and for every class c, φ₀ᶜ + Σφᵢᶜ = f_c(x) for a multiclass one. An
explanation that does not is refused, never shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explain.errors import AdditivityError
from explain.models._base import Attribution, ModelAdapter

#: The largest gap allowed between the contributions' total and the model's raw output.
ADDITIVITY_TOLERANCE = 1e-6


def additivity_residual(attribution: Attribution, raw: np.ndarray) -> float:
    """The largest gap between base plus contributions and ``raw``, over rows (and classes)."""
    if len(raw) == 0:
        return 0.0
    total = np.asarray(attribution.base, dtype=float) + np.asarray(attribution.values, dtype=float).sum(axis=1)
    return float(np.max(np.abs(total - np.asarray(raw, dtype=float))))


def checked_contributions(
    adapter: ModelAdapter, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int = 0
) -> tuple[Attribution, np.ndarray, float]:
    """Contributions of prepared rows ``x``, the model's raw output and the residual.

    Raises :class:`~explain.errors.AdditivityError` when the contributions of any row (or any
    class of a row) miss the model's output by more than :data:`ADDITIVITY_TOLERANCE`.
    """
    attribution = adapter.contributions(x, background, random_state)
    raw = np.asarray(adapter.predict_raw(x), dtype=float)
    residual = additivity_residual(attribution, raw)
    if not residual <= ADDITIVITY_TOLERANCE:
        where = " for at least one class" if raw.ndim == 2 else ""
        raise AdditivityError(
            f"contributions do not add up to the model's output{where} (largest gap {residual:.2e}); "
            "the explanation would be wrong, so it is not shown."
        )
    return attribution, raw, residual
