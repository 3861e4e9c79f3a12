"""Where the model errs: segments with the highest error, and the worst mistakes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache, state
from dashboard.components.page import current_bundle
from dashboard.components.progress import computed
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import (
    TABLE_FORMATS,
    CaseError,
    ErrorAnalysisResult,
    format_count,
    format_metric,
    format_percent,
    format_rate,
    format_ratio,
    outcome_text,
    task_units,
    upper_first,
)
from explain.figures import DEFAULT_THEME, error_segments_chart


def _open_table(view: pd.DataFrame, kind: str, column_config: dict | None = None) -> None:  # type: ignore[type-arg]
    """A table of reference cases; selecting a row opens that case."""
    event = st.dataframe(
        view,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"worst::{kind}::{key}::{st.session_state.get('worst_opened', 0)}",
        column_config=column_config,
        height=38 + 35 * len(view),
    )
    rows = event.selection.rows if event is not None else []  # type: ignore[union-attr]
    if rows:
        st.session_state["worst_opened"] = st.session_state.get("worst_opened", 0) + 1  # a fresh table next time
        state.open_decision(str(view["Id"].iloc[rows[0]]), "reference")
        st.switch_page("views/decision.py")


def _cases_table(
    title: str,
    cases: tuple,
    kind: str,
    columns: dict,
    column_config: dict | None = None,  # type: ignore[type-arg]
) -> None:
    """One labelled table of mistakes (``columns``: column name → one cell per case), or a word
    that there are none; selecting a row opens that reference case."""
    st.markdown(f"##### {md(title)}")
    if not cases:
        st.caption("No such case in the reference data.")
        return
    _open_table(pd.DataFrame({"Id": [c.id for c in cases], **columns}), kind, column_config)


def _task_errors(result: ErrorAnalysisResult) -> None:
    """The segments and worst cases of a multiclass (log-loss) or regression (absolute error) model."""
    multiclass = bundle.spec.task == "multiclass"
    units = task_units(bundle)

    def loss(v: float) -> str:
        return format_metric(v) if multiclass else units.value(v)

    wrong = "Misclassified" if multiclass else "Estimate in another band than the actual value"
    columns = {
        "Rank": [str(s.rank) for s in result.segments],
        "Segment": [s.description for s in result.segments],
        "Cases": [f"{format_count(s.n_rows)} ({format_rate(s.share)})" for s in result.segments],
        f"Mean {result.loss_name}": [loss(s.mean_log_loss) for s in result.segments],
        "× overall": [format_ratio(s.lift) for s in result.segments],
    }
    if multiclass or bundle.spec.target.bands:
        columns[wrong] = [format_rate(s.error_rate) for s in result.segments]
    if not multiclass:
        columns["Overestimated by more than the mean error"] = [
            format_count(s.false_positives) for s in result.segments
        ]
        columns["Underestimated by more than the mean error"] = [
            format_count(s.false_negatives) for s in result.segments
        ]
    whole_table(pd.DataFrame(columns))
    st.caption(
        md(
            f"A tree of depth at most {result.max_depth} fitted on each reference case's {result.loss_name}, with "
            f"segments of at least {format_rate(result.min_segment_share)} of {format_count(result.n_rows)} cases. "
            f"Overall mean {result.loss_name} {loss(result.overall_log_loss)}"
            + (f"; {format_rate(result.overall_error_rate)} of cases misclassified." if multiclass else ".")
        )
    )
    st.markdown("#### The worst mistakes")
    st.caption("Select a case to open its decision page (a reference case, explained like any decision).")
    classes = bundle.model.classes

    def outcome(c: CaseError) -> str:
        return outcome_text(bundle, classes[int(c.outcome)] if multiclass else c.outcome)

    value_name = "Chance" if multiclass else upper_first(bundle.spec.target.label)
    tables = (
        [("The most confident misclassifications", result.worst_false_positives, "mis")]
        if multiclass
        else [
            ("The largest overestimates", result.worst_false_positives, "over"),
            ("The largest underestimates", result.worst_false_negatives, "under"),
        ]
    )
    for column, (title, cases, kind) in zip(st.columns(len(tables)), tables, strict=True):
        with column:
            _cases_table(
                title,
                cases,
                kind,
                {
                    value_name: [format_rate(c.score) if multiclass else units.value(c.score) for c in cases],
                    "Known outcome": [outcome(c) for c in cases],
                    result.loss_name.capitalize(): [loss(c.log_loss) for c in cases],
                },
            )


key, bundle = current_bundle()
spec = bundle.spec
st.title(md(f"Where the model errs · {bundle.name}"))
result = computed(
    "Fitting the error tree",
    lambda progress: cache.errors(key, bundle.fingerprint, _progress=progress),
    unavailable="Error analysis needs reference data with outcomes",
)
st.plotly_chart(error_segments_chart(result, theme=DEFAULT_THEME), theme=None)
task = bundle.spec.task
if task != "binary":
    _task_errors(result)
    st.stop()
above, below = spec.decision.above, spec.decision.below
whole_table(
    pd.DataFrame(
        {
            "Rank": [str(s.rank) for s in result.segments],
            "Segment": [s.description for s in result.segments],
            "Cases": [f"{format_count(s.n_rows)} ({format_rate(s.share)})" for s in result.segments],
            "Mean log-loss": [format_metric(s.mean_log_loss) for s in result.segments],
            "× overall": [format_ratio(s.lift) for s in result.segments],
            "On the wrong side of the limit": [format_rate(s.error_rate) for s in result.segments],
            f"“{above}” but “{spec.outcome_label(0)}”": [format_count(s.false_positives) for s in result.segments],
            f"“{below}” but “{spec.outcome_label(1)}”": [format_count(s.false_negatives) for s in result.segments],
        }
    )
)
st.caption(
    md(
        f"A tree of depth at most {result.max_depth} fitted on each reference case's log-loss, with segments of at "
        f"least {format_rate(result.min_segment_share)} of {format_count(result.n_rows)} cases. Overall log-loss "
        f"{format_metric(result.overall_log_loss)}; {format_rate(result.overall_error_rate)} of cases are on the wrong "
        f"side of the {format_percent(result.threshold)} limit."
    )
)


def _binary_columns(cases: tuple) -> dict:  # type: ignore[type-arg]
    """The columns of a binary model's mistakes: score, outcome in the spec's words, log-loss."""
    return {
        "Score": [100 * c.score for c in cases],
        "Known outcome": [spec.outcome_label(c.outcome) for c in cases],
        "Log-loss": [c.log_loss for c in cases],
    }


BINARY_FORMATS = {
    "Score": st.column_config.NumberColumn(format=TABLE_FORMATS["score"]),
    "Log-loss": st.column_config.NumberColumn(format=TABLE_FORMATS["metric"]),
}
st.markdown("#### The worst mistakes")
st.caption("Select a case to open its decision page (a reference case, explained like any decision).")
left, right = st.columns(2)
with left:
    _cases_table(
        f"“{above}” but turned out “{spec.outcome_label(0)}” (false positives, highest scores)",
        result.worst_false_positives,
        "fp",
        _binary_columns(result.worst_false_positives),
        BINARY_FORMATS,
    )
with right:
    _cases_table(
        f"“{below}” but turned out “{spec.outcome_label(1)}” (false negatives, lowest scores)",
        result.worst_false_negatives,
        "fn",
        _binary_columns(result.worst_false_negatives),
        BINARY_FORMATS,
    )
