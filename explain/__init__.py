"""Explain decisions of tabular classifiers: exact SHAP where the model allows, in human terms.

The public API: load or build a :class:`Bundle`, then ask for explanations.
"""

from explain.attributions import ShapResult, probability_view, shap_values
from explain.bundle import Bundle, check_bundle, load_bundle, write_bundle
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
from explain.spec import Spec, parse_spec

__all__ = [
    "Bundle",
    "BundleError",
    "DecisionNotFoundError",
    "ExplainError",
    "FeatureNotFoundError",
    "ModelLoadError",
    "OutcomesMissingError",
    "ShapResult",
    "Spec",
    "SpecError",
    "UnsupportedModelError",
    "check_bundle",
    "load_bundle",
    "parse_spec",
    "probability_view",
    "shap_values",
    "write_bundle",
]
