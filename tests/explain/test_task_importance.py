"""Importance for multiclass and regression models: mean |SHAP| per class and permutation
importance with the task's own scorer, equal to scikit-learn's metrics, finding the planted
drivers above the noise."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from explain import Bundle, InvalidParameterError, permutation_importance, shap_importance, weighted_scores
from explain.figures import importance_bars
from sample_models import grades, limits


def test_the_task_scorers_equal_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4), size=200)
    y = rng.integers(0, 4, 200)
    ones = np.ones((1, 200))
    assert weighted_scores("log_loss", y, p, ones)[0] == pytest.approx(metrics.log_loss(y, p, labels=range(4)))
    actual, estimate = rng.normal(1000, 200, 200), rng.normal(1000, 200, 200)
    assert weighted_scores("rmse", actual, estimate, ones)[0] == pytest.approx(
        np.sqrt(metrics.mean_squared_error(actual, estimate))
    )
    assert weighted_scores("mae", actual, estimate, ones)[0] == pytest.approx(
        metrics.mean_absolute_error(actual, estimate)
    )


@pytest.mark.parametrize("name", ["grades", "limits"])
def test_importance_finds_the_planted_drivers(name: str, grades_bundle: Bundle, limits_bundle: Bundle) -> None:
    bundle, truth = (grades_bundle, grades.GROUND_TRUTH) if name == "grades" else (limits_bundle, limits.GROUND_TRUTH)
    shap = shap_importance(bundle, max_rows=600)
    perm = permutation_importance(bundle, n_repeats=2, n_bootstrap=20, max_rows=800)
    assert perm.scoring == ("log_loss" if name == "grades" else "rmse")
    for result in (shap, perm):
        value = dict(zip(result.features, result.importance, strict=True))
        top = max(truth.drivers, key=lambda f: value[f])
        for noise in truth.noise:
            assert value[noise] < value[top] / 5, (result.method, noise, value)
        assert np.all(result.low <= result.importance + 1e-12) and np.all(result.importance <= result.high + 1e-12)
    if name == "grades":
        assert shap.per_class is not None and shap.per_class.shape == (len(bundle.features), 4)
        np.testing.assert_allclose(shap.per_class.sum(axis=1), shap.importance)
        assert shap.class_labels == ("Grade A", "Grade B", "Grade C", "Grade D")
        fig = importance_bars(shap, perm)
        assert [t.name for t in fig.data[:4]] == list(shap.class_labels) and fig.layout.barmode == "stack"
    else:
        assert shap.per_class is None
    with pytest.raises(InvalidParameterError, match="scoring must be one of"):
        permutation_importance(bundle, scoring="roc_auc", n_repeats=1)
