"""Explain decisions of tabular classifiers: exact SHAP where the model allows, in human terms.

The public API: load or build a :class:`Bundle`, then ask for explanations. The decision
tools (``explain.whatif``, ``explain.recourse``, ``explain.similar``, ``explain.casefile``)
and the workbench (``explain.model_card``, ``explain.dependence``, ``explain.checks``,
``explain.performance``, ``explain.cost``, ``explain.errors_analysis``, ``explain.fairness``,
``explain.drift``) are imported from their modules; figures from ``explain.figures``.
"""

from explain.attributions import ShapResult, probability_view, shap_values
from explain.bundle import Bundle, check_bundle, load_bundle, write_bundle
from explain.decision import DecisionResult, explain_decision, explain_decisions
from explain.errors import (
    BundleError,
    DecisionNotFoundError,
    ExplainError,
    FeatureNotFoundError,
    ModelLoadError,
    OutcomesMissingError,
    SpecError,
    UnsupportedModelError,
)
from explain.importance import ImportanceResult, permutation_importance, shap_importance
from explain.spec import Spec, parse_spec

__all__ = [
    "Bundle",
    "BundleError",
    "DecisionNotFoundError",
    "DecisionResult",
    "ExplainError",
    "FeatureNotFoundError",
    "ImportanceResult",
    "ModelLoadError",
    "OutcomesMissingError",
    "ShapResult",
    "Spec",
    "SpecError",
    "UnsupportedModelError",
    "check_bundle",
    "explain_decision",
    "explain_decisions",
    "load_bundle",
    "parse_spec",
    "permutation_importance",
    "probability_view",
    "shap_importance",
    "shap_values",
    "write_bundle",
]
