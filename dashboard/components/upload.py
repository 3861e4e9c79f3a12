"""Explain a batch of new decisions: upload a CSV or Parquet file on the Decisions page.

The file is checked against the bundle as the drift upload is (every model input present,
types coerced or refused with row numbers, unseen categories flagged, size and row caps),
then browsed and opened like the bundle's own decisions (``table=upload`` in links). It lives
in this browser session only; a file that cannot be used never replaces a good one.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard import access, cache, state
from dashboard.components.progress import progress_bar
from dashboard.text import md
from explain import Bundle, ExplainError, read_batch, safe_csv


def upload_panel(base_key: str, key: str, bundle: Bundle) -> None:
    """The uploader, what is shown now, a way back, and the download of verdicts and reasons."""
    held = state.upload_key(base_key)
    with st.expander("Explain a batch of new decisions", expanded=held in st.session_state):
        uploaded = st.file_uploader(
            "A CSV or Parquet file with the model's input columns and an id column (other columns are kept)",
            type=["csv", "parquet"],
            key=f"decisions_upload::{base_key}",
        )
        if uploaded is not None:
            data = uploaded.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            if st.session_state.get(held, (None,))[0] != digest:
                try:
                    frame = read_batch(data, uploaded.name, bundle)
                except ExplainError as err:
                    kept = st.session_state.get(held)
                    still = f" Still showing {kept[1]}." if kept else " Still showing the bundle's own decisions."
                    st.error(md(f"{uploaded.name} could not be used: {err}{still}"))
                else:
                    if not access.recorded(
                        access.session_user(), "upload", bundle=bundle, detail=f"{uploaded.name}: {len(frame)} rows"
                    ):
                        return
                    st.session_state[held] = (digest, uploaded.name, frame)
                    st.session_state[state.S_TABLE] = state.UPLOAD
                    st.session_state[state.S_DECISION] = None
                    st.rerun()
        if held not in st.session_state:
            return
        _, name, frame = st.session_state[held]
        st.info(md(f"Showing the uploaded file {name}: {len(frame):,} decisions, kept in this browser session only."))
        left, right = st.columns(2)
        if left.button("Back to the bundle's decisions", key=f"upload_back::{base_key}"):
            del st.session_state[held]
            st.session_state[state.S_TABLE] = "decisions"
            st.session_state[state.S_DECISION] = None
            st.rerun()
        prepared = f"upload_csv::{key}"
        if (
            prepared not in st.session_state
            and right.button(
                f"Prepare a CSV of the {len(frame):,} verdicts with their reasons", key=f"upload_prep::{key}"
            )
            and access.recorded(
                access.session_user(), "batch_download", bundle=bundle, detail=f"{name}: {len(frame)} rows"
            )
        ):
            with progress_bar("Explaining the uploaded decisions") as progress:
                table = cache.verdicts_with_reasons(key, bundle.fingerprint, _progress=progress)
            st.session_state[prepared] = safe_csv(table)
        if prepared in st.session_state:
            right.download_button(
                "Download the verdicts and reasons (CSV)",
                data=st.session_state[prepared],
                file_name=f"explained-{name.rsplit('.', 1)[0]}.csv",
                mime="text/csv",
                icon="⬇️",
                key=f"upload_dl::{key}",
            )
