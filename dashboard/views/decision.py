"""Decision page: the verdict, the reasons, the waterfall and the feature table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache, state
from dashboard.components.browser import decision_browser
from dashboard.components.casefile import casefile_panel
from dashboard.components.page import current_bundle
from dashboard.components.recourse import recourse_panel
from dashboard.components.share import share_link
from dashboard.components.similar import similar_panel
from dashboard.components.verdict import verdict_card
from dashboard.components.whatif import whatif_panel
from dashboard.state import TAB_CASEFILE, TAB_RECOURSE, TAB_SIMILAR, TAB_WHATIF
from dashboard.text import md
from explain import DecisionNotFoundError, ExplainError
from explain.figures import DEFAULT_THEME, contribution_waterfall

key, bundle = current_bundle()
decision_id = st.session_state.get(state.S_DECISION)
table = st.session_state.get(state.S_TABLE) or "decisions"
if not decision_id:
    st.title("Decision")
    st.info("Pick a decision below to see why the model decided as it did.")
    decision_browser(key, bundle)
    st.stop()
try:
    result = cache.decision(key, bundle.fingerprint, decision_id, table)
except (DecisionNotFoundError, ExplainError) as err:
    st.title("Decision")
    message = (
        f"No decision {decision_id!r} in the {table} of {bundle.name}."
        if isinstance(err, DecisionNotFoundError)
        else str(err)
    )
    st.warning(md(message + " Pick one from the list below."))
    decision_browser(key, bundle)
    st.stop()

verdict_card(result, bundle_name=bundle.name)
left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown("#### Why")
    st.markdown(md(result.summary))
    if result.reasons:
        st.markdown("\n".join(f"{i}. {md(r.text)}" for i, r in enumerate(result.reasons, 1)))
with right:
    share_link(key, result.id, table)

st.markdown("#### How each input moved the score")
spaces = ["Probability points"] + (["Log-odds (raw model output)"] if result.stamp.output_space == "log-odds" else [])
space = st.segmented_control("Scale", spaces, default=spaces[0], key="waterfall_space") or spaces[0]
figure = contribution_waterfall(result, space="probability" if space == spaces[0] else "log-odds", theme=DEFAULT_THEME)
st.plotly_chart(figure, theme=None, config={"displayModeBar": False})
baseline = f"{100 * result.base.probability:.1f}%"
observed = (
    ""
    if result.base.observed_rate is None
    else f" (the {result.base.observed_note} is {100 * result.base.observed_rate:.1f}%)"
)
st.caption(
    md(
        f"How to read it: the model starts every case at its baseline of {baseline}{observed}. Each bar is one "
        "input: orange bars marked + push the score up, blue bars marked − pull it down. The last bar is this "
        "case's score; the dashed line is the limit."
    )
)

st.markdown("#### All inputs")
frame = result.to_frame()
table_view = pd.DataFrame(
    {
        "Input": frame["label"],
        "Value": frame["value_text"],
        "Where it sits": frame["percentile_text"],
        "Effect (pts)": 100 * frame["contribution_probability"],
        "Description": frame["description"],
    }
)
st.dataframe(
    table_view,
    hide_index=True,
    column_config={"Effect (pts)": st.column_config.NumberColumn(format="%+.2f")},
)
# only the open tab runs (and is sent to the browser), which keeps opening a decision quick
panels = {
    TAB_RECOURSE: recourse_panel,
    TAB_WHATIF: whatif_panel,
    TAB_SIMILAR: similar_panel,
    TAB_CASEFILE: casefile_panel,
}
tabs = st.tabs(list(panels), key=state.S_TOOL_TAB, on_change="rerun")
for tab, panel in zip(tabs, panels.values(), strict=True):
    if tab.open:
        with tab:
            panel(key, bundle, result, table)
st.caption(md(result.stamp.text()))
