"""Where a multiclass or regression model errs: segments by log-loss or absolute error, and
the most confident misclassifications or the largest over- and underestimates."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from explain import Bundle, error_segments
from explain.figures import error_segments_chart


def test_grade_errors_by_log_loss_and_confident_misclassifications(grades_bundle: Bundle) -> None:
    result = error_segments(grades_bundle)
    outcomes = grades_bundle.outcomes("reference")
    y = outcomes.astype(int).to_numpy()
    p = grades_bundle.model.predict_response(grades_bundle.reference.loc[outcomes.index])
    assert result.loss_name == "log-loss" and result.n_rows == len(y)
    assert result.overall_log_loss == pytest.approx(metrics.log_loss(y, p))
    assert result.overall_error_rate == pytest.approx(1 - metrics.accuracy_score(y, p.argmax(axis=1)))
    assert sum(s.n_rows for s in result.segments) == len(y)
    assert result.segments[0].mean_log_loss >= result.segments[-1].mean_log_loss
    worst = result.worst_false_positives
    assert worst and not result.worst_false_negatives
    chance = p.max(axis=1)
    position = {str(i): k for k, i in enumerate(outcomes.index)}
    for case in worst:
        k = position[case.id]
        assert p[k].argmax() != y[k] and case.score == pytest.approx(chance[k])
    assert [c.score for c in worst] == sorted((c.score for c in worst), reverse=True)
    assert "misclassified" in error_segments_chart(result).data[0].text[0]


def test_limit_errors_by_absolute_error_and_largest_misses(limits_bundle: Bundle) -> None:
    result = error_segments(limits_bundle)
    outcomes = limits_bundle.outcomes("reference")
    estimate = limits_bundle.model.predict_response(limits_bundle.reference.loc[outcomes.index])
    assert result.loss_name == "absolute error"
    assert result.overall_log_loss == pytest.approx(metrics.mean_absolute_error(outcomes, estimate))
    over = [c.score - c.outcome for c in result.worst_false_positives]
    under = [c.score - c.outcome for c in result.worst_false_negatives]
    assert over == sorted(over, reverse=True) and over[0] == pytest.approx(np.max(estimate - outcomes))
    assert under == sorted(under) and under[0] == pytest.approx(np.min(estimate - outcomes))
    assert error_segments_chart(result).layout.xaxis.title.text == "Mean absolute error (lower is better)"
