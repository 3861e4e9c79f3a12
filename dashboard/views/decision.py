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
from dashboard.components.tables import whole_table
from dashboard.components.verdict import verdict_card
from dashboard.components.whatif import whatif_panel
from dashboard.state import TAB_CASEFILE, TAB_RECOURSE, TAB_SIMILAR, TAB_WHATIF
from dashboard.text import md
from explain import DecisionNotFoundError, DecisionResult, ExplainError, Spec, format_percent, format_points
from explain.figures import DEFAULT_THEME, contribution_waterfall


def baseline_caption(result: DecisionResult, spec: Spec) -> str:
    """How to read the waterfall, and why the model baseline is not the observed rate."""
    text = (
        f"How to read it: the first bar is the model baseline, {format_percent(result.base.probability)}: the "
        "score the model starts every case from before it looks at the inputs. Each bar after it is one input: "
        "orange bars marked + push the score up, blue bars marked − pull it down; the last bar is this case's "
        "score, and the dashed line is the limit."
    )
    if result.base.observed_rate is not None:
        text += (
            f" In the reference data, {format_percent(result.base.observed_rate)} of cases turned out "
            f"“{spec.outcome_label(1)}”. The baseline differs from that rate because it is the model's average "
            "output on its own internal scale over the data it was trained on, not a count of outcomes."
        )
    return text


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

verdict_card(result, bundle_name=bundle.name, spec=bundle.spec)
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
st.caption(md(baseline_caption(result, bundle.spec)))

st.markdown("#### All inputs")
frame = result.to_frame()
whole_table(
    pd.DataFrame(
        {
            "Input": frame["label"],
            "Value": frame["value_text"],
            "Where it sits": frame["percentile_text"],
            "Effect": [format_points(v) for v in frame["contribution_probability"]],
            "What it is": frame["description"],
        }
    )
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
