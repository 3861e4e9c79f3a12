"""Performance and thresholds: curves, calibration, the confusion matrix and a cost-aware threshold."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import computed
from dashboard.components.threshold import threshold_slider
from dashboard.text import md
from explain import cost_threshold
from explain.figures import DEFAULT_THEME as THEME
from explain.figures import (
    calibration_chart,
    confusion_matrix_chart,
    cost_curve_chart,
    precision_recall_chart,
    roc_chart,
    score_distribution_chart,
)

key, bundle = current_bundle()
st.title(md(f"Performance · {bundle.name}"))
perf = computed(
    "Scoring the reference data",
    lambda progress: cache.performance(key, bundle.fingerprint, _progress=progress),
    unavailable="Performance needs reference data with outcomes",
)
threshold = threshold_slider(key, bundle)
m = perf.at(threshold)
cols = st.columns(6)
for col, (name, value) in zip(
    cols,
    [
        ("Flagged", m.flagged_share),
        ("Precision", m.precision),
        ("Recall", m.recall),
        ("False positive rate", m.false_positive_rate),
        ("Accuracy", m.accuracy),
        ("F1", m.f1),
    ],
    strict=True,
):
    col.metric(name, f"{100 * value:.1f}%" if name != "F1" else f"{value:.3f}")
st.caption(
    md(
        f"On {perf.n_rows:,} held-out reference cases ({perf.n_positive:,} with outcome 1). ROC AUC "
        f"{perf.roc_auc:.3f} · average precision {perf.average_precision:.3f} · Brier score {perf.brier_score:.4f} "
        f"(predicting the outcome rate for everyone: {perf.brier_baseline:.4f}). A case is flagged when its score is "
        "at or above the threshold."
    )
)
left, right = st.columns(2)
left.plotly_chart(roc_chart(perf, threshold=threshold, theme=THEME), theme=None)
right.plotly_chart(precision_recall_chart(perf, threshold=threshold, theme=THEME), theme=None)
left.plotly_chart(calibration_chart(perf, theme=THEME), theme=None)
right.plotly_chart(score_distribution_chart(perf, threshold=threshold, theme=THEME), theme=None)
st.plotly_chart(confusion_matrix_chart(perf, threshold=threshold, theme=THEME), theme=None)

st.markdown("#### A cost-aware threshold")
c1, c2, c3 = st.columns(3)
cost_fp = c1.number_input("Cost of a false positive", min_value=0.0, value=1.0, step=0.5, key=f"cost_fp::{key}")
cost_fn = c2.number_input("Cost of a false negative", min_value=0.0, value=5.0, step=0.5, key=f"cost_fn::{key}")
limit = c3.toggle("Limit review capacity", key=f"capacity_on::{key}")
capacity = (
    c3.number_input(
        "Cases flagged per 1,000 decisions at most", min_value=1.0, max_value=1000.0, value=50.0, key=f"capacity::{key}"
    )
    if limit
    else None
)
if cost_fp + cost_fn <= 0:
    st.info("Give at least one of the two costs a positive value.")
    st.stop()
cost = cost_threshold(perf, cost_fp=cost_fp, cost_fn=cost_fn, review_capacity=capacity)
st.plotly_chart(cost_curve_chart(cost, theme=THEME), theme=None)
saving = "" if cost.saving is None else f" That saves {cost.saving:.4f} per decision against the current threshold."
binding = " The review capacity is what sets it." if cost.capacity_binding else ""
st.markdown(
    md(
        f"Best threshold: {100 * cost.best_threshold:.1f}% with an expected cost of {cost.best_cost:.4f} per decision. "
        f"For well-calibrated scores theory puts it at {100 * cost.calibrated_threshold:.1f}% "
        f"(C_FP / (C_FP + C_FN)).{binding}{saving}"
    )
)
