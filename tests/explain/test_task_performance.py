"""Held-out performance of the multiclass and regression samples, against scikit-learn's own
metrics computed independently from the model's predictions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from explain import Bundle, MulticlassPerformance, RegressionPerformance, UnsupportedTaskError, task_performance
from explain.figures import class_confusion_chart, class_roc_chart, estimate_fit_chart, residual_chart


def test_multiclass_performance_equals_scikit_learn(grades_bundle: Bundle) -> None:
    result = task_performance(grades_bundle)
    assert isinstance(result, MulticlassPerformance)
    outcomes = grades_bundle.outcomes("reference")
    y = outcomes.astype(int).to_numpy()
    p = grades_bundle.model.predict_response(grades_bundle.reference.loc[outcomes.index])
    assert result.n_rows == len(y)
    assert result.accuracy == pytest.approx(metrics.accuracy_score(y, p.argmax(axis=1)))
    assert result.top2_accuracy == pytest.approx(metrics.top_k_accuracy_score(y, p, k=2))
    assert result.log_loss == pytest.approx(metrics.log_loss(y, p), rel=1e-9)
    assert result.macro_roc_auc == pytest.approx(metrics.roc_auc_score(y, p, multi_class="ovr", average="macro"))
    np.testing.assert_array_equal(result.confusion, metrics.confusion_matrix(y, p.argmax(axis=1)))
    np.testing.assert_allclose(result.to_frame()["recall"], metrics.recall_score(y, p.argmax(axis=1), average=None))
    np.testing.assert_allclose(result.confusion_rates().sum(axis=1), 1.0)
    assert list(result.labels) == ["Grade A", "Grade B", "Grade C", "Grade D"]
    heat = class_confusion_chart(result).data[0]
    assert (
        heat.y[0] == "Grade A" and heat.x[0] == "Grade A" and heat.text[0][0].startswith(f"{result.confusion[0, 0]:,}")
    )
    assert len(class_roc_chart(result).data) == 1 + 4  # chance and one curve per class


def test_regression_performance_equals_scikit_learn(limits_bundle: Bundle) -> None:
    result = task_performance(limits_bundle)
    assert isinstance(result, RegressionPerformance)
    outcomes = limits_bundle.outcomes("reference")
    estimate = limits_bundle.model.predict_response(limits_bundle.reference.loc[outcomes.index])
    assert result.mae == pytest.approx(metrics.mean_absolute_error(outcomes, estimate))
    assert result.rmse == pytest.approx(np.sqrt(metrics.mean_squared_error(outcomes, estimate)))
    assert result.r2 == pytest.approx(metrics.r2_score(outcomes, estimate))
    bands = result.by_band
    assert list(bands["band"]) == ["Starter limit", "Standard limit", "High limit"]
    assert bands["rows"].sum() == result.n_rows
    high = estimate >= 8000
    assert bands.set_index("band").loc["High limit", "mae"] == pytest.approx(np.abs((outcomes - estimate)[high]).mean())
    fit = estimate_fit_chart(result, label="credit limit", unit="$")
    assert fit.layout.xaxis.tickprefix == "$" and "R² " in fit.layout.title.text
    np.testing.assert_allclose(
        residual_chart(result).data[0].y, result.residuals[: len(residual_chart(result).data[0].y)]
    )


def test_binary_bundles_use_the_threshold_page(loan: Bundle) -> None:
    with pytest.raises(UnsupportedTaskError, match="use model_performance"):
        task_performance(loan)


def test_multiclass_precision_recall_and_calibration_per_class(grades_bundle: Bundle) -> None:
    from explain.figures import class_calibration_chart, class_pr_chart

    result = task_performance(grades_bundle)
    assert isinstance(result, MulticlassPerformance)
    for c in range(len(result.classes)):
        expected = metrics.average_precision_score(result.outcomes == c, result.probabilities[:, c])
        assert result.per_class["average_precision"].iloc[c] == pytest.approx(expected, abs=1e-12)
    table = result.calibration(n_bins=10)
    for c, cls in enumerate(result.classes):
        part = table[table["class"] == cls]
        assert part["rows"].sum() == result.n_rows
        chance = result.probabilities[:, c]
        bins = np.minimum((chance * 10).astype(int), 9)  # tenths; a chance of exactly 1 in the last
        for _, row in part.iterrows():
            member = bins == row["bin"]
            assert row["rows"] == member.sum()
            assert row["mean_predicted"] == pytest.approx(chance[member].mean(), abs=1e-12)
            assert row["observed"] == pytest.approx(np.mean(result.outcomes[member] == c), abs=1e-12)
    assert len(class_pr_chart(result).data) == len(result.classes)
    assert len(class_calibration_chart(result).data) == len(result.classes) + 1


def test_regression_residuals_against_any_input_use_the_same_rows(limits_bundle: Bundle) -> None:
    from explain.figures import residual_by_input_chart

    result = task_performance(limits_bundle)
    assert isinstance(result, RegressionPerformance)
    assert list(result.inputs.columns) == list(limits_bundle.features) and len(result.inputs) == result.n_rows
    np.testing.assert_allclose(limits_bundle.model.predict_response(result.inputs), result.predicted)
    numeric = residual_by_input_chart(result, "existing_debt", feature_label="Existing debt", categorical=False)
    np.testing.assert_allclose(numeric.data[0].y, result.residuals)
    boxes = residual_by_input_chart(result, "segment", feature_label="Customer segment", categorical=True)
    assert set(boxes.data[0].x) == set(result.inputs["segment"].astype(str))
