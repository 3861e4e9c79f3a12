"""Similar past decisions: the nearest reference rows, each opening its own page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache, state
from explain import Bundle, DecisionResult, ExplainError, format_outcome


def similar_panel(key: str, bundle: Bundle, result: DecisionResult, table: str) -> None:
    """A table of the five nearest reference rows; selecting one opens it (table=reference)."""
    try:
        similar = cache.similar(key, bundle.fingerprint, result.id, table)
    except ExplainError as err:
        st.info(str(err))
        return
    frame = similar.to_frame()
    view = pd.DataFrame(
        {
            "Id": frame["id"],
            "Similarity": 100 * (1 - frame["distance"]),
            "Score": 100 * frame["score"],
            "Verdict": frame["verdict"],
            "Outcome": [format_outcome(v) for v in frame["outcome"]],
        }
    )
    event = st.dataframe(
        view,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"similar::{key}::{table}::{result.id}",
        column_config={
            "Similarity": st.column_config.NumberColumn(format="%.1f%%"),
            "Score": st.column_config.NumberColumn(format="%.1f%%"),
        },
    )
    st.caption(
        "Past cases from the reference data closest on every model input (Gower distance: numbers by their "
        "share of the observed range, categories equal or not, missing values matched). Select one to open it."
    )
    rows = event.selection.rows if event is not None else []  # type: ignore[union-attr]
    if rows:
        state.open_decision(str(frame["id"].iloc[rows[0]]), "reference")
        st.rerun()
