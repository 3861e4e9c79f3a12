"""Where the model errs: segments with the highest error, and the worst mistakes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache, state
from dashboard.components.page import current_bundle
from dashboard.components.progress import computed
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import TABLE_FORMATS, format_count, format_metric, format_percent, format_rate, format_ratio
from explain.figures import DEFAULT_THEME, error_segments_chart

key, bundle = current_bundle()
spec = bundle.spec
st.title(md(f"Where the model errs · {bundle.name}"))
result = computed(
    "Fitting the error tree",
    lambda progress: cache.errors(key, bundle.fingerprint, _progress=progress),
    unavailable="Error analysis needs reference data with outcomes",
)
st.plotly_chart(error_segments_chart(result, theme=DEFAULT_THEME), theme=None)
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


def _cases_table(title: str, cases: tuple, kind: str) -> None:  # type: ignore[type-arg]
    """One labelled table of mistakes; selecting a row opens that reference case."""
    st.markdown(f"##### {md(title)}")
    if not cases:
        st.caption("No such case in the reference data.")
        return
    view = pd.DataFrame(
        {
            "Id": [c.id for c in cases],
            "Score": [100 * c.score for c in cases],
            "Known outcome": [spec.outcome_label(c.outcome) for c in cases],
            "Log-loss": [c.log_loss for c in cases],
        }
    )
    event = st.dataframe(
        view,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"worst::{kind}::{key}::{st.session_state.get('worst_opened', 0)}",
        column_config={
            "Score": st.column_config.NumberColumn(format=TABLE_FORMATS["score"]),
            "Log-loss": st.column_config.NumberColumn(format=TABLE_FORMATS["metric"]),
        },
        height=38 + 35 * len(view),
    )
    rows = event.selection.rows if event is not None else []  # type: ignore[union-attr]
    if rows:
        st.session_state["worst_opened"] = st.session_state.get("worst_opened", 0) + 1  # a fresh table next time
        state.open_decision(str(view["Id"].iloc[rows[0]]), "reference")
        st.switch_page("views/decision.py")


st.markdown("#### The worst mistakes")
st.caption("Select a case to open its decision page (a reference case, explained like any decision).")
left, right = st.columns(2)
with left:
    _cases_table(
        f"“{above}” but turned out “{spec.outcome_label(0)}” (false positives, highest scores)",
        result.worst_false_positives,
        "fp",
    )
with right:
    _cases_table(
        f"“{below}” but turned out “{spec.outcome_label(1)}” (false negatives, lowest scores)",
        result.worst_false_negatives,
        "fn",
    )
