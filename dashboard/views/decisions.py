"""Decisions page: browse, filter and open decisions."""

from __future__ import annotations

import streamlit as st

from dashboard.components.browser import decision_browser
from dashboard.components.page import current_bundle
from dashboard.text import md

key, bundle = current_bundle()
st.title(md(f"Decisions · {bundle.name}"))
st.caption(
    md(
        f"{len(bundle.decisions):,} decisions scored by the model. {bundle.spec.score_label.capitalize()} at or above "
        f"{100 * bundle.spec.decision.threshold:g}% means “{bundle.spec.decision.above}”."
    )
)
decision_browser(key, bundle, on_open="views/decision.py")
