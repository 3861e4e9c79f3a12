"""Where the model errs: segments with the highest error, and the worst mistakes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache, state
from dashboard.components.page import current_bundle
from dashboard.components.progress import computed
from dashboard.text import md
from explain import format_outcome
from explain.figures import DEFAULT_THEME, error_segments_chart

key, bundle = current_bundle()
st.title(md(f"Where the model errs · {bundle.name}"))
result = computed(
    "Fitting the error tree",
    lambda progress: cache.errors(key, bundle.fingerprint, _progress=progress),
    unavailable="Error analysis needs reference data with outcomes",
)
st.plotly_chart(error_segments_chart(result, theme=DEFAULT_THEME), theme=None)
frame = result.to_frame()
view = pd.DataFrame(
    {
        "Rank": frame["rank"],
        "Segment": frame["segment"],
        "Cases": frame["rows"],
        "Share": 100 * frame["share"],
        "Mean log-loss": frame["mean_log_loss"],
        "× overall": frame["lift"],
        "Wrong side of the threshold": 100 * frame["error_rate"],
        "False positives": frame["false_positives"],
        "False negatives": frame["false_negatives"],
    }
)
st.dataframe(
    view,
    hide_index=True,
    column_config={c: st.column_config.NumberColumn(format="%.1f%%") for c in ("Share", "Wrong side of the threshold")},
)
st.caption(
    md(
        f"A tree of depth at most {result.max_depth} fitted on each reference case's log-loss, with segments of at "
        f"least {100 * result.min_segment_share:g}% of {result.n_rows:,} cases. Overall log-loss "
        f"{result.overall_log_loss:.3f}; {100 * result.overall_error_rate:.1f}% of cases are on the wrong side of the "
        f"{100 * result.threshold:g}% threshold."
    )
)
st.markdown("#### The worst mistakes")
cases = result.cases_frame()
cases_view = pd.DataFrame(
    {
        "Id": cases["id"],
        "Mistake": cases["kind"],
        "Score": 100 * cases["score"],
        "Outcome": [format_outcome(v) for v in cases["outcome"]],
        "Log-loss": cases["log_loss"],
    }
)
event = st.dataframe(
    cases_view,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"worst::{key}::{st.session_state.get('worst_opened', 0)}",
    column_config={"Score": st.column_config.NumberColumn(format="%.1f%%")},
)
st.caption("Select a case to open its decision page (a reference case, explained like any decision).")
rows = event.selection.rows if event is not None else []  # type: ignore[union-attr]
if rows:
    st.session_state["worst_opened"] = st.session_state.get("worst_opened", 0) + 1  # a fresh table next time
    state.open_decision(str(cases["id"].iloc[rows[0]]), "reference")
    st.switch_page("views/decision.py")
