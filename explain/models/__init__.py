"""Model adapters: one per model family, safe loading of model files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._adapter import LIGHTGBM_THREADS as LIGHTGBM_THREADS
    from ._adapter import ModelAdapter as ModelAdapter
    from ._adapter import adapt_estimator as adapt_estimator
    from ._adapter import load_model as load_model
    from ._adapter import logit as logit
    from ._adapter import sigmoid as sigmoid

_NAMES = {
    "LIGHTGBM_THREADS": "._adapter",
    "ModelAdapter": "._adapter",
    "adapt_estimator": "._adapter",
    "load_model": "._adapter",
    "logit": "._adapter",
    "sigmoid": "._adapter",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
