"""Checks for multiclass and regression models: each effect's direction (toward the worst class,
or on the estimate) and the explanation quality figures."""

from __future__ import annotations

from dataclasses import replace

from explain import (
    Bundle,
    direction_check,
    explanation_quality,
    permutation_importance,
    shap_importance,
)


def _expecting(bundle: Bundle, **effects: str) -> Bundle:
    features = dict(bundle.spec.features)
    for name, effect in effects.items():
        features[name] = replace(features[name], expected_effect=effect)
    return replace(bundle, spec=replace(bundle.spec, features=features))


def test_directions_toward_the_worst_grade_and_on_the_limit(grades_bundle: Bundle, limits_bundle: Bundle) -> None:
    grades = direction_check(
        _expecting(grades_bundle, debt_to_income="increases", annual_income="increases"), max_rows=400
    )
    assert dict(zip(grades.features, grades.observed, strict=True)) == {
        "annual_income": "decreases",  # more income, further from grade D: the spec here is wrong on purpose
        "debt_to_income": "increases",
    }
    assert grades.disagreements == ("annual_income",)
    unordered = replace(grades_bundle.spec.classes, order=())
    plain = _expecting(grades_bundle, debt_to_income="increases")
    plain = replace(plain, spec=replace(plain.spec, classes=unordered))
    assert direction_check(plain, max_rows=100).features == ()  # no order: no worse direction to check
    limits = direction_check(_expecting(limits_bundle, annual_income="increases"), max_rows=400)
    assert limits.observed == ("increases",) and not limits.disagreements


def test_explanation_quality_of_a_multiclass_model(grades_bundle: Bundle) -> None:
    shap = shap_importance(grades_bundle, max_rows=300)
    perm = permutation_importance(grades_bundle, n_repeats=1, n_bootstrap=10, max_rows=300)
    quality = explanation_quality(grades_bundle, shap, perm, max_rows=300, n_resamples=5)
    assert quality.additivity_residual <= 1e-6
    assert "debt_to_income" in quality.top_five and quality.rank_agreement > 0.5
