"""Attribution: SHAP values normalised to raw columns, importance with intervals, dependence and
interactions, and checks of the explanations themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._checks import DirectionResult as DirectionResult
    from ._checks import QualityResult as QualityResult
    from ._checks import direction_check as direction_check
    from ._checks import explanation_quality as explanation_quality
    from ._checks import rank_differences as rank_differences
    from ._dependence import DependenceResult as DependenceResult
    from ._dependence import InteractionRanking as InteractionRanking
    from ._dependence import InteractionResult as InteractionResult
    from ._dependence import PartialDependenceResult as PartialDependenceResult
    from ._dependence import dependence as dependence
    from ._dependence import partial_dependence as partial_dependence
    from ._dependence import shap_interactions as shap_interactions
    from ._importance import ImportanceResult as ImportanceResult
    from ._importance import permutation_importance as permutation_importance
    from ._importance import shap_importance as shap_importance
    from ._importance import weighted_scores as weighted_scores
    from ._shap import ShapResult as ShapResult
    from ._shap import probability_view as probability_view
    from ._shap import shap_values as shap_values

_NAMES = {
    "ShapResult": "._shap",
    "probability_view": "._shap",
    "shap_values": "._shap",
    "ImportanceResult": "._importance",
    "permutation_importance": "._importance",
    "shap_importance": "._importance",
    "weighted_scores": "._importance",
    "DependenceResult": "._dependence",
    "InteractionRanking": "._dependence",
    "InteractionResult": "._dependence",
    "PartialDependenceResult": "._dependence",
    "dependence": "._dependence",
    "partial_dependence": "._dependence",
    "shap_interactions": "._dependence",
    "DirectionResult": "._checks",
    "QualityResult": "._checks",
    "direction_check": "._checks",
    "explanation_quality": "._checks",
    "rank_differences": "._checks",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
