"""Downloads: the case file (self-contained HTML) and the contributions (formula-safe CSV)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import access
from dashboard.components.whatif import whatif_key
from explain import Bundle, DecisionResult, case_file_html, contributions_csv


def casefile_panel(key: str, bundle: Bundle, result: DecisionResult, table: str) -> None:
    """The case file and the contributions CSV are built when "Prepare" is clicked (the export is
    recorded in the access log first), then offered for download."""
    what_if = st.session_state.get(whatif_key(key, result, table))
    safe_id = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in result.id)[:60] or "decision"
    prepared_key = f"casefile::{key}::{table}::{result.id}::{result.prediction.explained_class or ''}"
    c1, c2 = st.columns(2)
    if c1.button("Prepare the case file", icon="📄", key=f"prepare::{prepared_key}") and access.recorded(
        access.session_user(), "export", bundle=bundle, decision_id=result.id, detail="case file and contributions"
    ):
        st.session_state[prepared_key] = case_file_html(
            result, bundle_name=bundle.name, what_if=what_if, generated_at=dt.datetime.now(dt.UTC)
        )
    if prepared_key in st.session_state:
        c1.download_button(
            "Download the case file (HTML)",
            data=st.session_state[prepared_key],
            file_name=f"case-{key}-{safe_id}.html",
            mime="text/html",
            icon="⬇️",
            key=f"download::{prepared_key}",
        )
        c2.download_button(
            "Download the contributions (CSV)",
            data=contributions_csv(result),
            file_name=f"contributions-{key}-{safe_id}.csv",
            mime="text/csv",
            icon="🧮",
            key=f"csv::{prepared_key}",
        )
    st.caption(
        "The case file holds the verdict, summary, reasons, warnings, every input's effect, any what-if you "
        "explored, the audit stamp and the date. It opens in any browser without a connection."
    )
