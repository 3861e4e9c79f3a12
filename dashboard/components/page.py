"""What every page starts with: the current bundle, loaded, or a friendly stop."""

from __future__ import annotations

import streamlit as st

from dashboard import cache, state
from dashboard.text import md
from explain import Bundle, ExplainError


def current_bundle() -> tuple[str, Bundle]:
    """The session's bundle key and loaded bundle; stops the page with a message if it fails."""
    key = st.session_state.get(state.S_BUNDLE)
    if key is None:
        st.info("No model bundles are available. Start the app with --bundle PATH or build the samples.")
        st.stop()
    notice = state.pop_notice()
    if notice:
        st.info(md(notice))
    try:
        bundle = cache.bundle(key)
    except ExplainError as err:
        entry = cache.entry(key)
        if entry is not None and entry.is_sample and cache.sample_still_building(entry.path):
            st.info(md(f"{err}"), icon="⏳")
            st.stop()
        st.error(md(f"This bundle cannot be opened: {err}"))
        st.stop()
    if st.session_state.get(state.S_TABLE) == state.UPLOAD:
        upload = st.session_state.get(state.upload_key(key))
        if upload is None:  # a link to another session's upload, or this session's upload was removed
            st.session_state[state.S_TABLE] = "decisions"
            st.session_state[state.S_DECISION] = None
            st.info(
                "That link points at an uploaded batch, which lives only in the browser session that uploaded "
                "it. Showing the bundle's own decisions."
            )
        else:
            digest, _, frame = upload
            key, bundle = cache.upload_bundle(key, digest, frame)
    unreachable = cache.database_problem(key)
    if unreachable:
        st.warning(
            md(f"The database could not be read just now: {unreachable} Showing the decisions as last read; the "
               "next page load tries again.")
        )  # fmt: skip
    problem = cache.bundle_problem(key)
    if problem:
        st.warning(
            md(
                f"The files of this bundle changed, and the new version cannot be loaded: {problem} "
                "Showing the last version that loaded; fix the files and reload the page."
            )
        )
    return key, bundle
