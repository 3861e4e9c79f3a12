"""Drift of a multiclass and a regression model's output: the predicted classes' shares and
the estimates, with the planted input drift found."""

from __future__ import annotations

import numpy as np
import pytest

from explain import Bundle, batch_drift
from explain.figures import drift_score_chart
from sample_models import grades, limits


def test_a_grade_batch_drifts_in_debt_and_in_predicted_classes(grades_bundle: Bundle) -> None:
    result = batch_drift(grades_bundle, with_shap=False)
    assert result.output_kind == "class" and np.isnan(result.flagged_batch)
    psi = dict(zip(result.features, result.psi, strict=True))
    assert max(psi, key=psi.__getitem__) == grades.GROUND_TRUTH.drift_feature
    labels = result.score_bins.labels
    assert labels[:4] == ("Grade A", "Grade B", "Grade C", "Grade D")
    predicted = grades_bundle.model.predict_response(grades_bundle.current).argmax(axis=1)
    share_d = result.score_bins.to_frame().set_index("bin").loc["Grade D", "batch_share"]
    assert share_d == pytest.approx((predicted == 3).mean(), abs=1e-9)  # more debt in the batch: more grade D
    assert result.score_mean_batch == pytest.approx(
        grades_bundle.model.predict_response(grades_bundle.current).max(axis=1).mean()
    )
    assert drift_score_chart(result).layout.title.text.startswith("Predicted classes · PSI ")


def test_a_limit_batch_drifts_in_income_and_in_estimates(limits_bundle: Bundle) -> None:
    result = batch_drift(limits_bundle, with_shap=False)
    assert result.output_kind == "estimate" and result.output_unit == "$"
    psi = dict(zip(result.features, result.psi, strict=True))
    assert max(psi, key=psi.__getitem__) == limits.GROUND_TRUTH.drift_feature
    estimates = limits_bundle.model.predict_response(limits_bundle.current)
    assert result.score_mean_batch == pytest.approx(estimates.mean())
    assert result.score_mean_batch > result.score_mean_reference  # higher incomes, higher limits
    assert result.score_bins.labels[0].startswith("≤ $")
    assert "mean $" in drift_score_chart(result).layout.title.text
