"""Entry point: ``streamlit run dashboard/app.py [-- --bundle PATH ...]``.

Page config, the first-start sample build, the bundle picker, the URL, then navigation.
"""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import cache, state
from dashboard.text import md
from explain import ExplainError

UNEXPECTED = (
    "Something went wrong while drawing this page. Your selection is kept; try another decision or "
    "reload the page. The details were written to the server log."
)

st.set_page_config(page_title="Explain decisions", page_icon=":material/search:", layout="wide")
cache.samples_built()
entries = cache.entries()
keys = [e.key for e in entries]
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

decisions_page = st.Page("views/decisions.py", title="Decisions", icon=":material/table_rows:", default=True)
decision_page = st.Page("views/decision.py", title="Decision", icon=":material/search:", url_path="decision")
workbench = [
    st.Page("views/model.py", title="Model", icon=":material/info:", url_path="model"),
    st.Page("views/importance.py", title="Importance", icon=":material/bar_chart:", url_path="importance"),
    st.Page("views/dependence.py", title="Dependence", icon=":material/scatter_plot:", url_path="dependence"),
    st.Page("views/checks.py", title="Checks", icon=":material/fact_check:", url_path="checks"),
    st.Page("views/performance.py", title="Performance", icon=":material/speed:", url_path="performance"),
    st.Page("views/errors.py", title="Errors", icon=":material/troubleshoot:", url_path="errors"),
    st.Page("views/fairness.py", title="Fairness", icon=":material/balance:", url_path="fairness"),
    st.Page("views/drift.py", title="Drift", icon=":material/trending_up:", url_path="drift"),
]
page = st.navigation({"Decisions": [decisions_page, decision_page], "Model workbench": workbench})
if location.from_link and location.decision and page.url_path == "":
    st.switch_page(decision_page)  # a shared link at the root opens its decision
try:
    page.run()
except ExplainError as err:
    st.error(md(str(err)))
except Exception:  # never a traceback in the browser; the log keeps it
    logging.getLogger("dashboard").exception("page %s failed", page.title)
    st.error(UNEXPECTED)
