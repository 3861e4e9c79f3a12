"""What would change the decision: up to three suggestions, or a plain statement."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.text import md
from explain import Bundle, DecisionResult, format_score


def recourse_panel(key: str, bundle: Bundle, result: DecisionResult, table: str) -> None:
    """Suggestions re-scored by the model, each as few and as small changes as possible."""
    rec = cache.recourse(key, bundle.fingerprint, result.id, table)
    if not rec.available:
        st.info(md(rec.statement), icon="🚫")
        return
    if not rec.suggestions:
        st.markdown(md(rec.statement))
        return
    st.markdown(md(rec.statement))
    for i, s in enumerate(rec.suggestions, 1):
        st.markdown(
            f"{i}. {md(s.text)}  \n   → {md(s.verdict)}, {md(bundle.spec.score_label)} {md(format_score(s.score, bundle.spec.decision.threshold))}"
        )
    st.caption(
        "Only inputs a person can act on are changed, in the direction they can change, to values seen in the "
        "reference data; sensitive information is never touched. Fewest changes first, then the smallest. "
        "Each suggestion was checked with the model. These are what the model responds to, not advice."
    )
