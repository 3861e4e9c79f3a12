"""The Performance page of a multiclass or regression bundle: held-out metrics, the class
confusion matrix, one-vs-rest ROC and precision-recall curves and calibration per class, or
estimates against actual values and residuals against the estimate and any input."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.progress import computed
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import (
    Bundle,
    MulticlassPerformance,
    format_count,
    format_metric,
    format_rate,
    task_units,
    unit_label,
)
from explain.figures import DEFAULT_THEME as THEME
from explain.figures import (
    class_calibration_chart,
    class_confusion_chart,
    class_pr_chart,
    class_roc_chart,
    estimate_fit_chart,
    residual_by_input_chart,
    residual_chart,
)


def task_performance_view(key: str, bundle: Bundle) -> None:
    """Metrics, charts and tables for the bundle's task, on its reference data with outcomes."""
    result = computed(
        "Scoring the reference data",
        lambda progress: cache.task_performance(key, bundle.fingerprint),
        unavailable="Performance needs reference data with outcomes",
    )
    if isinstance(result, MulticlassPerformance):
        figures = [
            ("Accuracy", format_rate(result.accuracy), "cases whose most probable class is the true one"),
            (
                "Top-2 accuracy",
                format_rate(result.top2_accuracy),
                "cases whose true class is among the two most probable",
            ),
            ("Log-loss", format_metric(result.log_loss), "error of the chances as probabilities (lower is better)"),
            (
                "Macro ROC AUC",
                format_metric(result.macro_roc_auc),
                "each class against the rest, averaged (0.5 is chance)",
            ),
        ]
        for col, (name, value, meaning) in zip(st.columns(4), figures, strict=True):
            col.metric(name, value, help=meaning)
        st.caption(md(f"On {format_count(result.n_rows)} held-out reference cases."))
        left, right = st.columns(2)
        left.plotly_chart(class_confusion_chart(result, theme=THEME), theme=None)
        right.plotly_chart(class_roc_chart(result, theme=THEME), theme=None)
        left, right = st.columns(2)
        left.plotly_chart(class_pr_chart(result, theme=THEME), theme=None)
        right.plotly_chart(class_calibration_chart(result, theme=THEME), theme=None)
        frame = result.to_frame()
        whole_table(
            pd.DataFrame(
                {
                    "Class": frame["label"],
                    "Cases": [format_count(n) for n in frame["rows"]],
                    "Precision": [format_rate(v) for v in frame["precision"]],
                    "Recall": [format_rate(v) for v in frame["recall"]],
                    "ROC AUC (against the rest)": [format_metric(v) for v in frame["roc_auc"]],
                    "Average precision": [format_metric(v) for v in frame["average_precision"]],
                }
            )
        )
        st.caption(
            "A multiclass verdict is the most probable class (or the spec's referral when it falls short), so "
            "there is no single threshold to tune: the cost-aware threshold serves binary classifiers."
        )
        return
    units, target = task_units(bundle), bundle.spec.target
    figures = [
        ("Mean absolute error", units.value(result.mae), "the typical distance between estimate and actual value"),
        ("Root mean squared error", units.value(result.rmse), "like the mean error, with large misses weighing more"),
        ("R²", format_metric(result.r2), "share of the actual values' variation the estimates explain (1 is perfect)"),
    ]
    for col, (name, value, meaning) in zip(st.columns(3), figures, strict=True):
        col.metric(name, value, help=meaning)
    st.caption(md(f"On {format_count(result.n_rows)} held-out reference cases."))
    left, right = st.columns(2)
    left.plotly_chart(estimate_fit_chart(result, label=target.label, unit=target.unit, theme=THEME), theme=None)
    right.plotly_chart(residual_chart(result, label=target.label, unit=target.unit, theme=THEME), theme=None)
    numbers = [f for f in bundle.features if f not in bundle.model.categories]
    choices = numbers + [f for f in bundle.features if f in bundle.model.categories]
    feature = st.columns([1, 2])[0].selectbox(
        "Residuals against an input",
        choices,
        format_func=bundle.spec.label,
        key=f"residual_input::{key}",
        help="A pattern here is a part of the population the model over- or underestimates.",
    )
    st.plotly_chart(
        residual_by_input_chart(
            result, feature, feature_label=unit_label(bundle.spec.feature(feature)), categorical=feature in bundle.model.categories,
            unit=target.unit, theme=THEME,
        ),
        theme=None,
    )  # fmt: skip
    if len(result.by_band):
        st.markdown("#### Error by band")
        b = result.by_band
        whole_table(
            pd.DataFrame(
                {
                    "Band": b["band"],
                    "Cases": [format_count(n) for n in b["rows"]],
                    "Mean actual": [units.value(v) for v in b["mean_actual"]],
                    "Mean estimate": [units.value(v) for v in b["mean_estimate"]],
                    "Mean absolute error": [units.value(v) for v in b["mae"]],
                }
            )
        )
    st.caption(
        "A regression's verdict is its estimate and band, so there is no single threshold to tune: the "
        "cost-aware threshold serves binary classifiers."
    )
