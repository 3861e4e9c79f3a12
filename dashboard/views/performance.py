"""Performance and thresholds: curves, calibration, the confusion matrix and a cost-aware threshold."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import computed
from dashboard.components.task_performance import task_performance_view
from dashboard.components.threshold import threshold_slider
from dashboard.text import md
from explain import cost_threshold, format_count, format_metric, format_percent, format_rate
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
if bundle.spec.task != "binary":
    task_performance_view(key, bundle)
    st.stop()
perf = computed(
    "Scoring the reference data",
    lambda progress: cache.performance(key, bundle.fingerprint, _progress=progress),
    unavailable="Performance needs reference data with outcomes",
)
threshold = threshold_slider(key, bundle, "performance")
m = perf.at(threshold)
negative, positive = perf.outcome_names
above = bundle.spec.decision.above
figures = [
    (f"Share “{above}”", format_rate(m.flagged_share), f"cases at or above the limit of {format_percent(threshold)}"),
    ("Precision", format_rate(m.precision), f"of cases “{above}”, the share that turned out “{positive}”"),
    ("Recall", format_rate(m.recall), f"of cases that turned out “{positive}”, the share “{above}”"),
    ("False positive rate", format_rate(m.false_positive_rate), f"of “{negative}” cases, the share “{above}”"),
    ("Accuracy", format_rate(m.accuracy), "cases on the side of the limit their outcome calls for"),
    ("F1", format_metric(m.f1), "harmonic mean of precision and recall"),
]
cols = st.columns(3) + st.columns(3)  # two rows of three: every label is read whole
for col, (name, value, meaning) in zip(cols, figures, strict=True):
    col.metric(md(name), value, help=md(meaning))
st.caption(
    md(
        f"On {format_count(perf.n_rows)} held-out reference cases ({format_count(perf.n_positive)} “{positive}”). "
        f"ROC AUC {format_metric(perf.roc_auc)} · average precision {format_metric(perf.average_precision)} · "
        f"Brier score {format_metric(perf.brier_score)} (scoring every case at the outcome rate would give "
        f"{format_metric(perf.brier_baseline)})."
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
cost_fp = c1.number_input(
    md(f"Cost of a false positive (“{above}”, turned out “{negative}”)"), min_value=0.0, value=1.0, step=0.5,
    format="%.2f", key=f"cost_fp::{key}",
)  # fmt: skip
cost_fn = c2.number_input(
    md(f"Cost of a false negative (“{bundle.spec.decision.below}”, turned out “{positive}”)"), min_value=0.0,
    value=5.0, step=0.5, format="%.2f", key=f"cost_fn::{key}",
)  # fmt: skip
limit = c3.toggle("Limit review capacity", key=f"capacity_on::{key}")
capacity = (
    c3.number_input(
        md(f"Cases “{above}” per 1,000 decisions at most"),
        min_value=1.0,
        max_value=1000.0,
        value=50.0,
        step=1.0,
        format="%d",
        key=f"capacity::{key}",
    )
    if limit
    else None
)
if cost_fp + cost_fn <= 0:
    st.info("Give at least one of the two costs a positive value.")
    st.stop()
cost = cost_threshold(perf, cost_fp=cost_fp, cost_fn=cost_fn, review_capacity=capacity)
st.plotly_chart(cost_curve_chart(cost, theme=THEME), theme=None)
saving = "" if cost.saving is None else f" That saves {cost.saving:,.3f} per decision against the current threshold."
binding = " The review capacity is what sets it." if cost.capacity_binding else ""
st.markdown(
    md(
        f"Best threshold: {format_rate(cost.best_threshold)} with an expected cost of {cost.best_cost:,.3f} per "
        f"decision. For well-calibrated scores theory puts it at {format_rate(cost.calibrated_threshold)} "
        f"(C_FP / (C_FP + C_FN)).{binding}{saving}"
    )
)
