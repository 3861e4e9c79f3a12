"""The link to this decision, shown where it can be copied."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from dashboard import state


def decision_link(key: str, decision_id: str, table: str) -> str:
    """The absolute URL that reopens this decision in a fresh browser."""
    query = {state.Q_BUNDLE: key, state.Q_DECISION: decision_id}
    if table != "decisions":
        query[state.Q_TABLE] = table
    base = ""
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session (AppTest)
        url = ""
    if url:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}/?{urlencode(query)}"


def share_link(key: str, decision_id: str, table: str) -> None:
    """A copyable link (st.code has a copy button) with a word on who may open it."""
    st.markdown("#### Share")
    st.code(decision_link(key, decision_id, table), language=None, wrap_lines=True)
    st.caption("Anyone with access to this dashboard can open this link. It names the case, not its data.")
