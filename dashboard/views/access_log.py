"""Access log (admins only): who was shown or given which decision, filtered, checked, exported."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import access, cache
from dashboard.text import md
from explain import ACCESS_ACTIONS, ExplainError, safe_csv

MAX_SHOWN = 5_000

st.title("Access log")
user = access.session_user()
if not user.allows("admin"):  # the navigation already refuses; this page never trusts that alone
    st.info("This page is for administrators.")
    st.stop()
log = cache.access_log(access.settings())
if log is None:
    st.info(
        "No access log is configured, so nothing is recorded. Set [access] log_key in .streamlit/secrets.toml "
        "(the README's “Sign-in and the access log” says how)."
    )
    st.stop()
st.caption(
    "One line per time a person's decision was shown or exported: a decision opened, a what-if run, recourse "
    "shown, an export, an upload, a batch download. Each line is chained to the one before it with a key the "
    "database never sees, so an edited, inserted or deleted line is detected by “Check the chain” "
    "(or explain audit verify)."
)
if st.button("Check the chain", icon="🔗"):
    report = log.verify()
    (st.success if report.ok else st.error)(md(report.summary()))

c1, c2, c3, c4 = st.columns(4)
since = c1.date_input("Since (UTC)", value=None, key="access_since")
who = c2.text_input("User (email or subject)", key="access_user_filter").strip()
decision = c3.text_input("Decision id", key="access_decision_filter").strip()
actions = c4.multiselect("Actions", list(ACCESS_ACTIONS), format_func=lambda a: ACCESS_ACTIONS[a], key="access_actions")
try:
    events = log.events(
        since=dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if isinstance(since, dt.date) else None,
        user=who or None,
        decision=decision or None,
    )
except ExplainError as err:
    st.error(md(f"The access log cannot be read: {err}"))
    st.stop()
if actions:
    events = events[events["action"].isin(actions)]
st.markdown(
    f"**{len(events):,}** events" + (f"; the latest {MAX_SHOWN:,} are shown." if len(events) > MAX_SHOWN else ".")
)
shown = events.iloc[::-1].head(MAX_SHOWN)
st.dataframe(
    pd.DataFrame(
        {
            "#": shown["seq"],
            "Time (UTC)": shown["recorded_at"].str.slice(0, 19).str.replace("T", " "),
            "User": shown["email"].where(shown["email"] != "", shown["subject"]),
            "Role": shown["role"],
            "Action": shown["action"].map(ACCESS_ACTIONS).fillna(shown["action"]),
            "Model": shown["bundle_name"],
            "Decision": shown["decision_id"],
            "Detail": shown["detail"],
            "Session": shown["session"].str.slice(0, 8),
        }
    ),
    hide_index=True,
    width="stretch",
)
prepared = f"access_log_csv::{since}::{who}::{decision}::{','.join(actions)}::{len(events)}"  # these filters' rows
if st.button(f"Prepare a CSV of these {len(events):,} events", icon="⬇️") and access.recorded(
    user, "access_log_export", detail=f"{len(events)} events"
):
    st.session_state[prepared] = safe_csv(events)
for stale in [k for k in st.session_state if str(k).startswith("access_log_csv::") and k != prepared]:
    del st.session_state[stale]
if prepared in st.session_state:
    st.download_button(
        "Download the access log (CSV)",
        data=st.session_state[prepared],
        file_name="access-log.csv",
        mime="text/csv",
        icon="⬇️",
    )
