"""Workbench figures tested on their data: trace types, counts, values, marks and escaping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest

from explain import Bundle, format_metric
from explain.evaluation._cost import cost_threshold
from explain.evaluation._drift import DriftResult, batch_drift
from explain.evaluation._error_segments import ErrorAnalysisResult, error_segments
from explain.evaluation._fairness import FairnessResult, group_fairness
from explain.evaluation._performance import PerformanceResult, model_performance
from explain.figures._drift import drift_bins_chart, drift_importance_chart, drift_psi_chart, drift_score_chart
from explain.figures._error_segments import error_segments_chart
from explain.figures._fairness import fairness_proxy_chart, fairness_rates_chart
from explain.figures._performance import (
    calibration_chart,
    confusion_matrix_chart,
    cost_curve_chart,
    precision_recall_chart,
    roc_chart,
    score_distribution_chart,
)
from tests.hostile import HOSTILE


@pytest.fixture(scope="module")
def perf(loan: Bundle) -> PerformanceResult:
    return model_performance(loan)


@pytest.fixture(scope="module")
def fairness(loan: Bundle) -> FairnessResult:
    return group_fairness(loan, shap_rows=300)


@pytest.fixture(scope="module")
def drift(loan: Bundle) -> DriftResult:
    return batch_drift(loan, shap_rows=200)


@pytest.fixture(scope="module")
def segments(loan: Bundle) -> ErrorAnalysisResult:
    return error_segments(loan)


def _strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _strings(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _strings(value)
    elif isinstance(obj, np.ndarray) and obj.dtype == object:
        for value in obj.ravel():
            yield from _strings(value)


def _vlines(fig: go.Figure) -> list[float]:
    return [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]


def test_roc_and_precision_recall(perf: PerformanceResult) -> None:
    fig = roc_chart(perf, threshold=0.3)
    assert [t.type for t in fig.data] == ["scatter"] * 3
    np.testing.assert_array_equal(fig.data[1].x, perf.roc_fpr)
    np.testing.assert_array_equal(fig.data[1].y, perf.roc_tpr)
    at = perf.at(0.3)
    assert fig.data[2].x == (at.false_positive_rate,) and fig.data[2].y == (at.recall,)
    assert f"{perf.roc_auc:.3f}" in fig.layout.title.text and fig.layout.paper_bgcolor == "rgba(0,0,0,0)"
    pr = precision_recall_chart(perf)
    np.testing.assert_array_equal(pr.data[1].x, perf.pr_recall)
    assert pr.data[0].y == (perf.positive_rate, perf.positive_rate)
    assert pr.data[2].x == (perf.at().recall,) and pr.data[2].y == (perf.at().precision,)


def test_calibration_and_score_distribution(perf: PerformanceResult) -> None:
    fig = calibration_chart(perf)
    np.testing.assert_array_equal(fig.data[1].x, perf.calibration_predicted)
    np.testing.assert_array_equal(fig.data[1].y, perf.calibration_observed)
    assert f"Brier score {format_metric(perf.brier_score)}" in fig.layout.title.text
    dist = score_distribution_chart(perf, threshold=0.25, n_bins=20)
    assert [t.type for t in dist.data] == ["bar", "bar"] and len(dist.data[0].x) == 20
    for trace, outcome in zip(dist.data, (0, 1), strict=True):
        assert sum(trace.y) == pytest.approx(1.0)
        assert sum(trace.customdata) == int(np.sum(perf.outcomes == outcome))
    assert _vlines(dist) == [0.25]


def test_confusion_matrix(perf: PerformanceResult) -> None:
    fig = confusion_matrix_chart(perf, threshold=0.35)
    (trace,) = fig.data
    m = perf.at(0.35)
    assert trace.type == "heatmap"
    assert f"{m.true_positives:,}" in trace.text[0][0] and f"{m.false_negatives:,}" in trace.text[0][1]
    assert f"{m.false_positives:,}" in trace.text[1][0] and f"{m.true_negatives:,}" in trace.text[1][1]
    assert trace.z[0][0] == pytest.approx(m.recall) and trace.z[1][0] == pytest.approx(m.false_positive_rate)
    assert trace.x[0].startswith(perf.verdict_above)


def test_cost_curve(perf: PerformanceResult) -> None:
    result = cost_threshold(perf, cost_fp=1, cost_fn=6, review_capacity=150)
    fig = cost_curve_chart(result)
    names = [t.name for t in fig.data]
    assert len(fig.data) == 3 and names[1].startswith("Over capacity")
    np.testing.assert_array_equal(fig.data[0].y, result.expected_cost)
    blocked = np.asarray(fig.data[1].y, dtype=float)
    assert np.array_equal(np.isnan(blocked), result.feasible)
    assert fig.data[2].x == (result.best_threshold,) and fig.data[2].y == (result.best_cost,)
    assert _vlines(fig) == [perf.threshold]
    free = cost_curve_chart(cost_threshold(perf, cost_fp=1, cost_fn=6))
    assert len(free.data) == 2


def test_fairness_rates_and_proxies(fairness: FairnessResult) -> None:
    column = fairness.column("age_group")
    fig = fairness_rates_chart(column)
    assert [t.type for t in fig.data] == ["bar"] * 4 + ["scatter"]
    assert list(fig.data[0].x) == list(column.groups)
    np.testing.assert_array_equal(fig.data[0].y, column.selection_rate)
    np.testing.assert_array_equal(fig.data[2].y, column.false_positive_rate)
    np.testing.assert_array_equal(fig.data[3].y, column.false_negative_rate)
    line = fig.data[4]  # the four-fifths line, named in the legend
    np.testing.assert_allclose(line.y, 0.8 * column.selection_rate.max())
    proxies = column.proxies
    assert proxies is not None
    bars = fairness_proxy_chart(column).data[0]
    assert bars.base == 0.5  # bars start where an input tells the groups apart no better than chance
    np.testing.assert_allclose(np.asarray(bars.x) + 0.5, np.maximum(sorted(proxies.auc), 0.5))  # below 0.5: none
    assert len(bars.y) == len(proxies.features)
    strong = {proxies.labels[i] for i in np.flatnonzero(proxies.strong)}
    assert {y for y, c in zip(bars.y, bars.marker.color, strict=True) if c == "#D55E00"} == strong


def test_drift_figures(drift: DriftResult) -> None:
    fig = drift_psi_chart(drift)
    bars = fig.data[0]
    assert bars.type == "bar" and list(bars.x) == sorted(drift.psi)
    assert bars.y[-1] == drift.labels[int(np.argmax(drift.psi))]
    assert sorted(_vlines(fig)) == [0.1, 0.25]
    bins = drift_bins_chart(drift, "loan_purpose")
    shares = drift.feature_bins("loan_purpose").to_frame()
    assert list(bins.data[0].y) == list(shares["bin"])  # horizontal bars: long category names stay readable
    np.testing.assert_array_equal(bins.data[1].x, shares["batch_share"])
    score = drift_score_chart(drift)
    assert sum(score.data[0].x) == pytest.approx(1.0) and sum(score.data[1].x) == pytest.approx(1.0)
    importance = drift_importance_chart(drift)
    assert drift.importance_batch is not None and len(importance.data) == 2
    assert sorted(importance.data[1].x) == sorted(drift.importance_batch.importance)


def test_drift_importance_without_shap_says_why(loan: Bundle) -> None:
    fig = drift_importance_chart(batch_drift(loan, with_shap=False))
    assert not fig.data and "not computed" in fig.layout.annotations[0].text


def test_error_segments_chart(segments: ErrorAnalysisResult) -> None:
    fig = error_segments_chart(segments)
    bars = fig.data[0]
    assert len(bars.x) == len(segments.segments)
    assert list(bars.x) == [s.mean_log_loss for s in reversed(segments.segments)]
    assert bars.y[-1] == "<br>".join(segments.segments[0].conditions)
    assert _vlines(fig) == [segments.overall_log_loss]


def test_user_text_is_escaped(hostile_bundle: Bundle) -> None:
    perf = model_performance(hostile_bundle)
    column = group_fairness(hostile_bundle, min_group_size=10, shap_rows=100).column("group")
    drift = batch_drift(hostile_bundle, shap_rows=100)
    figures = [
        confusion_matrix_chart(perf),
        score_distribution_chart(perf),
        calibration_chart(perf),
        fairness_rates_chart(column),
        fairness_proxy_chart(column),
        drift_psi_chart(drift),
        drift_bins_chart(drift, "kind"),
        drift_importance_chart(drift),
        error_segments_chart(error_segments(hostile_bundle, min_segment_share=0.05)),
    ]
    texts = [s for fig in figures for s in _strings(fig.to_plotly_json())]
    assert any("&lt;img" in s for s in texts)  # the hostile labels did reach the figures, escaped
    for text in texts:
        assert "<img" not in text and "<a " not in text, text
    assert not any(h in t for h in HOSTILE[:1] for t in texts)


def test_results_survive_pickling(
    perf: PerformanceResult, fairness: FairnessResult, drift: DriftResult, segments: ErrorAnalysisResult
) -> None:
    """The dashboard's cache pickles results; every one must come back whole."""
    import pickle

    cost = cost_threshold(perf, cost_fp=1, cost_fn=2)
    for result in (perf, cost, fairness, drift, segments):
        back = pickle.loads(pickle.dumps(result))
        assert type(back) is type(result)
        if hasattr(result, "to_frame"):
            assert back.to_frame().equals(result.to_frame())
