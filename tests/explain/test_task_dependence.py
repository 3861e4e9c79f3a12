"""Dependence and partial dependence for multiclass and regression models: one class's margin
and chance, or the target's units, computed from the model's own predictions."""

from __future__ import annotations

import numpy as np
import pytest

from explain import Bundle, InvalidParameterError, dependence, partial_dependence, shap_values
from explain.figures import pdp_ice


def test_a_grade_dependence_and_partial_dependence_follow_one_class(grades_bundle: Bundle) -> None:
    result = dependence(grades_bundle, "debt_to_income", target_class="3", max_rows=300)
    assert result.target == "margin of Grade D"
    full = shap_values(grades_bundle, list(result.ids), data=grades_bundle.population_table)
    np.testing.assert_allclose(result.shap, full.values[:, grades_bundle.features.index("debt_to_income"), 3])
    assert np.corrcoef(result.values.astype(float), result.shap)[0, 1] > 0.5  # more debt, more likely grade D
    pdp = partial_dependence(grades_bundle, "debt_to_income", target_class="3", max_rows=100, n_ice=10)
    assert pdp.what == "chance of Grade D" and pdp.probability
    assert pdp.average[-1] > pdp.average[0]
    rows = grades_bundle.table(grades_bundle.population_table).sample(n=100, random_state=0)
    first = rows.assign(debt_to_income=pdp.grid[0])
    expected = grades_bundle.model.predict_response(first)[:, 3].mean()
    assert pdp.average[0] == pytest.approx(expected)
    with pytest.raises(InvalidParameterError, match="target_class must be one of the model's classes 0, 1, 2, 3"):
        partial_dependence(grades_bundle, "debt_to_income", target_class="E")


def test_a_limit_partial_dependence_is_in_dollars(limits_bundle: Bundle) -> None:
    pdp = partial_dependence(limits_bundle, "annual_income", max_rows=100, n_ice=5)
    assert pdp.what == "credit limit" and pdp.unit == "$" and not pdp.probability
    assert pdp.average[-1] > pdp.average[0] + 1000  # higher incomes, higher limits
    fig = pdp_ice(pdp, limits_bundle.spec)
    assert fig.layout.yaxis.title.text == "Credit limit (average over cases) ($)"
    result = dependence(limits_bundle, "annual_income", max_rows=300)
    assert result.target == "credit limit"
