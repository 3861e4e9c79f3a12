"""Entry point: ``streamlit run dashboard/app.py [-- --bundle PATH ...]``.

Page config, the first-start sample build, the bundle picker, the URL, then navigation.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import access, cache, state
from dashboard.text import md
from explain import ExplainError

UNEXPECTED = (
    "Something went wrong while drawing this page. Your selection is kept; try another decision or "
    "reload the page. The details were written to the server log."
)

ICON = Path(__file__).parent / "assets" / "icon.png"  # served by the app itself: no other host is contacted
st.set_page_config(page_title="Explain decisions", page_icon=str(ICON), layout="wide")
user = access.current_user()  # the sign-in page, or a refusal, stops the run here
st.session_state[access.S_USER] = user
restored_page = None if user.local else access.restore_requested_link()
access.identity_panel(user)
_first_start = st.empty()


def _building(fraction: float, message: str) -> None:
    _first_start.progress(min(max(fraction, 0.0), 1.0), text=message)


try:
    cache.samples_built(_building)
except Exception:  # a sample that cannot be built: say so; bundles given with --bundle still open
    logging.getLogger("dashboard").exception("building the first sample failed")
    st.error("The sample models could not be built on this first start; the details are in the server log.")
_first_start.empty()
entries = [e for e in cache.entries() if user.may_open(e.key)]
keys = [e.key for e in entries]
if not keys and not user.local:
    st.info("No model is granted to you here yet. Ask your administrator.")
    st.stop()
location = state.sync_location(keys)

with st.sidebar:
    if keys:
        st.session_state["bundle_picker"] = location.bundle  # a link may have changed it
        st.selectbox(
            "Model",
            keys,
            key="bundle_picker",
            on_change=lambda: state.set_bundle(st.session_state["bundle_picker"]),
        )

decisions_page = st.Page("views/decisions.py", title="Decisions", icon="📋", default=True)
decision_page = st.Page("views/decision.py", title="Decision", icon="🔎", url_path="decision")
workbench = [
    st.Page("views/model.py", title="Model", icon="🧾", url_path="model"),
    st.Page("views/importance.py", title="Importance", icon="📊", url_path="importance"),
    st.Page("views/dependence.py", title="Dependence", icon="🔗", url_path="dependence"),
    st.Page("views/checks.py", title="Checks", icon="✅", url_path="checks"),
    st.Page("views/performance.py", title="Performance", icon="🎯", url_path="performance"),
    st.Page("views/errors.py", title="Errors", icon="🩺", url_path="errors"),
    st.Page("views/fairness.py", title="Fairness", icon="⚖️", url_path="fairness"),
    st.Page("views/drift.py", title="Drift", icon="📈", url_path="drift"),
]
access_log_page = [st.Page("views/access_log.py", title="Access log", icon="🗂️", url_path="access-log")]


def _refused(role: str, needed: str) -> None:
    st.title("Not available to you")
    st.info(f"This page is for {needed}s; you are signed in as a {role}. Ask your administrator if you need it.")


def _allowed_or_refused(pages: list[StreamlitPage], needed: str) -> list[StreamlitPage]:
    """The pages themselves when the user's role allows them, else hidden stand-ins at the same
    URLs: absent from the navigation, and a direct URL gets a plain refusal with no data."""
    if user.allows(needed):
        return pages
    return [
        st.Page(lambda: _refused(user.role, needed), title=p.title, url_path=p.url_path, visibility="hidden")
        for p in pages
    ]


workbench = _allowed_or_refused(workbench, "engineer")
admin_pages = _allowed_or_refused(access_log_page, "admin")
sections = {"Decisions": [decisions_page, decision_page]}
if user.allows("engineer"):
    sections["Model workbench"] = workbench
if user.allows("admin"):
    sections["Administration"] = admin_pages
else:
    sections["Decisions"] += [*admin_pages, *([] if user.allows("engineer") else workbench)]
page = st.navigation(sections)
if location.from_link and location.decision and page.url_path == "":
    st.switch_page(decision_page)  # a shared link at the root opens its decision
if restored_page:  # the page a link named before the sign-in
    wanted = next((p for p in [*workbench, *admin_pages] if p.url_path == restored_page), None)
    if wanted is not None and page.url_path != restored_page:
        st.switch_page(wanted)
try:
    page.run()
except ExplainError as err:  # a page should say what is missing itself; this is the last resort
    st.error(md(f"This page cannot be shown: {err}"))
except Exception:  # never a traceback in the browser; the log keeps it
    logging.getLogger("dashboard").exception("page %s failed", page.title)
    st.error(UNEXPECTED)
