"""Session-state and URL keys, and reading them safely.

The URL holds the bundle, the decision and the table on every run, so a link copied at any
moment reopens the same decision. Session state is the source of truth while a session
lives; a fresh browser (or an edited URL) brings values in through the query string.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

# URL query keys
Q_BUNDLE = "bundle"
Q_DECISION = "decision"
Q_TABLE = "table"
Q_THRESHOLD = "threshold"  # the workbench's threshold slider; never changes business verdicts
# session-state keys
S_BUNDLE = "current_bundle"
S_DECISION = "current_decision"
S_TABLE = "current_table"
S_NOTICE = "notice"
S_PAGE = "decisions_page"
S_LAST_QUERY = "last_query_string"
S_TOOL_TAB = "decision_tool_tab"
# the decision page's tool tabs (their labels are the tab widget's values)
TAB_RECOURSE = "What would change it"
TAB_WHATIF = "What if…"
TAB_SIMILAR = "Similar past decisions"
TAB_CASEFILE = "Case file"

UPLOAD = "upload"  # the session's uploaded batch: a table of this session only
TABLES = ("decisions", "reference", "current", UPLOAD)
MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class Location:
    """Which bundle, decision and table the session is looking at."""

    bundle: str | None
    decision: str | None
    table: str
    from_link: bool = False


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value[:MAX_ID_LENGTH] if value else None


def sync_location(valid_bundles: list[str]) -> Location:
    """Merge the URL into session state (the URL wins when it changed), then write it back.

    Unknown bundle keys fall back to the first bundle with a notice for the page to show.
    """
    params = st.query_params
    query = (params.get(Q_BUNDLE), params.get(Q_DECISION), params.get(Q_TABLE))
    from_link = any(v is not None for v in query) and query != st.session_state.get(S_LAST_QUERY)
    if from_link:
        bundle, decision, table = (_clean(v) for v in query)
        if bundle is not None:
            st.session_state[S_BUNDLE] = bundle
        st.session_state[S_DECISION] = decision
        st.session_state[S_TABLE] = table if table in TABLES else "decisions"
        if table is not None and table not in TABLES:
            st.session_state[S_NOTICE] = f"There is no table called {table!r}; showing the decisions."
    bundle = st.session_state.get(S_BUNDLE)
    if bundle not in valid_bundles:
        if bundle is not None:
            st.session_state[S_NOTICE] = (
                f"There is no model called {bundle!r} here. Showing {valid_bundles[0]!r} instead; "
                "pick another in the sidebar."
            )
            st.session_state[S_DECISION] = None
        bundle = valid_bundles[0] if valid_bundles else None
        st.session_state[S_BUNDLE] = bundle
    location = Location(
        bundle=bundle,
        decision=st.session_state.get(S_DECISION),
        table=st.session_state.get(S_TABLE) or "decisions",
        from_link=from_link,
    )
    write_url(location)
    return location


def write_url(location: Location) -> None:
    """Write the location into the query string (and remember it as ours)."""
    wanted = {Q_BUNDLE: location.bundle}
    if location.decision:
        wanted[Q_DECISION] = location.decision
        if location.table != "decisions":
            wanted[Q_TABLE] = location.table
    target = {k: wanted.get(k) for k in (Q_BUNDLE, Q_DECISION, Q_TABLE)}
    for k, v in target.items():  # other keys (the workbench threshold) are left as they are
        if v is None and k in st.query_params:
            del st.query_params[k]
        elif v is not None and st.query_params.get(k) != v:
            st.query_params[k] = v
    st.session_state[S_LAST_QUERY] = (target[Q_BUNDLE], target[Q_DECISION], target[Q_TABLE])


def upload_key(bundle: str) -> str:
    """Where the session keeps its uploaded batch for ``bundle``: (digest, file name, frame)."""
    return f"upload::{bundle}"


def open_decision(decision: str, table: str = "decisions") -> None:
    """Make ``decision`` the current one (the caller switches page)."""
    st.session_state[S_DECISION] = decision
    st.session_state[S_TABLE] = table


def set_bundle(key: str) -> None:
    """Switch bundle; the decision belongs to the old one, so it is cleared."""
    if st.session_state.get(S_BUNDLE) != key:
        st.session_state[S_BUNDLE] = key
        st.session_state[S_DECISION] = None
        st.session_state[S_TABLE] = "decisions"
        st.session_state[S_PAGE] = 0


def workbench_threshold(default: float) -> float:
    """The workbench threshold from the URL (validated), else ``default``."""
    raw = st.query_params.get(Q_THRESHOLD)
    try:
        value = float(raw) if raw is not None else default
    except ValueError:
        value = default
    return value if 0.0 < value < 1.0 else default


def set_workbench_threshold(value: float, default: float) -> None:
    """Keep the workbench threshold in the URL (removed when it equals the spec's)."""
    if abs(value - default) < 1e-12:
        if Q_THRESHOLD in st.query_params:
            del st.query_params[Q_THRESHOLD]
    else:
        st.query_params[Q_THRESHOLD] = f"{value:.3f}"


def pop_notice() -> str | None:
    """A message left for the page (unknown bundle, decision or table), shown once."""
    notice: str | None = st.session_state.pop(S_NOTICE, None)
    return notice
