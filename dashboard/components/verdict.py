"""The verdict card: the decision in the spec's words, then its warnings."""

from __future__ import annotations

import streamlit as st

from dashboard.text import md
from explain import DecisionResult, Spec


def verdict_card(result: DecisionResult, *, bundle_name: str, spec: Spec, outcome: str | None = None) -> None:
    """A bordered card with the headline; the side is in words and an icon, not colour alone.
    ``outcome`` is the known outcome in words (by default the spec's binary outcome labels)."""
    p = result.prediction
    icon = "⛔" if p.adverse else "✅"
    with st.container(border=True):
        st.caption(
            md(
                f"{bundle_name} · decision {result.id}"
                + ("" if result.table == "decisions" else f" ({result.table} data)")
            )
        )
        st.subheader(f"{icon} {md(p.headline)}", anchor=False)
        if result.outcome is not None:
            st.caption(md(f"Known outcome: {outcome or spec.outcome_label(result.outcome)}"))
    for warning in result.warnings:
        st.warning(md(warning), icon="⚠️")
    for notice in result.notices:
        st.info(md(notice), icon="ℹ️")
