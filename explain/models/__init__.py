"""Model adapters: one per model family, safe loading of model files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._additivity import ADDITIVITY_TOLERANCE as ADDITIVITY_TOLERANCE
    from ._additivity import checked_contributions as checked_contributions
    from ._base import Attribution as Attribution
    from ._base import ModelAdapter as ModelAdapter
    from ._base import TabularAdapter as TabularAdapter
    from ._base import logit as logit
    from ._base import sigmoid as sigmoid
    from ._base import softmax as softmax
    from ._lightgbm import LightGBMAdapter as LightGBMAdapter
    from ._load import load_model as load_model
    from ._load import load_models as load_models
    from ._registry import adapt_estimator as adapt_estimator
    from ._registry import register_adapter as register_adapter
    from ._sklearn import SklearnAdapter as SklearnAdapter
    from ._sklearn_generic import SklearnGenericAdapter as SklearnGenericAdapter
    from ._sklearn_linear import SklearnLinearAdapter as SklearnLinearAdapter
    from ._sklearn_trees import SklearnTreeAdapter as SklearnTreeAdapter

_NAMES = {
    "ADDITIVITY_TOLERANCE": "._additivity",
    "checked_contributions": "._additivity",
    "softmax": "._base",
    "Attribution": "._base",
    "ModelAdapter": "._base",
    "TabularAdapter": "._base",
    "logit": "._base",
    "sigmoid": "._base",
    "adapt_estimator": "._registry",
    "register_adapter": "._registry",
    "load_model": "._load",
    "load_models": "._load",
    "LightGBMAdapter": "._lightgbm",
    "SklearnAdapter": "._sklearn",
    "SklearnTreeAdapter": "._sklearn_trees",
    "SklearnLinearAdapter": "._sklearn_linear",
    "SklearnGenericAdapter": "._sklearn_generic",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
