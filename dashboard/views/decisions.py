"""Decisions page: browse, filter and open decisions."""

from __future__ import annotations

import streamlit as st

from dashboard import cache, state
from dashboard.components.browser import decision_browser
from dashboard.components.page import current_bundle
from dashboard.components.task_browser import task_browser
from dashboard.components.upload import upload_panel
from dashboard.text import md

key, bundle = current_bundle()
st.title(md(f"Decisions · {bundle.name}"))
upload_panel(st.session_state.get(state.S_BUNDLE) or key, key, bundle)
if bundle.spec.task != "binary":
    what = (
        "the most probable class, or the referral when it falls short"
        if bundle.spec.task == "multiclass"
        else f"the {bundle.spec.target.label} the model estimates, and its band"
    )
    st.caption(
        md(
            f"{cache.decision_count(key, bundle.fingerprint):,} decisions by {bundle.model.what_it_is}; the verdict is {what}."
        )
    )
    task_browser(key, bundle, on_open="views/decision.py")
    st.stop()
st.caption(
    md(
        f"{cache.decision_count(key, bundle.fingerprint):,} decisions scored by the model. {bundle.spec.score_label.capitalize()} at or above "
        f"{100 * bundle.spec.decision.threshold:g}% means “{bundle.spec.decision.above}”."
    )
)
decision_browser(key, bundle, on_open="views/decision.py")
