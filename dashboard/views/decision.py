"""Decision page: the verdict, the reasons, the waterfall and the feature table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import access, cache, state
from dashboard.components.browser import decision_browser
from dashboard.components.casefile import casefile_panel
from dashboard.components.page import current_bundle
from dashboard.components.recourse import recourse_panel
from dashboard.components.share import share_link
from dashboard.components.similar import similar_panel
from dashboard.components.tables import whole_table
from dashboard.components.task_browser import task_browser
from dashboard.components.verdict import verdict_card
from dashboard.components.whatif import whatif_panel
from dashboard.state import TAB_CASEFILE, TAB_RECOURSE, TAB_SIMILAR, TAB_WHATIF
from dashboard.text import md
from explain import Bundle, DecisionNotFoundError, DecisionResult, ExplainError, Spec, format_percent, outcome_text
from explain.figures import DEFAULT_THEME, contribution_waterfall


def baseline_caption(result: DecisionResult, spec: Spec) -> str:
    """How to read the waterfall, and why the model baseline is not the observed rate."""
    p = result.prediction
    start = p.units.value(result.base.probability)
    if p.task == "regression":
        text = (
            f"How to read it: the first bar is the model's average estimate, {start}: where the model starts every "
            "case before it looks at the inputs. Each bar after it is one input: orange bars marked + raise the "
            f"{spec.target.label}, blue bars marked − lower it; the last bar is this case's estimate."
        )
    elif p.task == "multiclass":
        text = (
            f"How to read it: the first bar is where the model starts every case for {p.explained_label}, {start}, "
            "before it looks at the inputs. Each bar after it is one input: orange bars marked + make "
            f"{p.explained_label} more likely, blue bars marked − less likely; the last bar is this case's "
            + ("chance." if p.units.kind == "probability" else "margin.")
        )
    else:
        text = (
            f"How to read it: the first bar is the model baseline, {start}: the score the model starts every case "
            "from before it looks at the inputs. Each bar after it is one input: orange bars marked + push the "
            "score up, blue bars marked − pull it down; the last bar is this case's score, and the dashed line is "
            "the limit."
        )
    observed = result.base.observed_rate
    if observed is not None:
        if p.task == "regression":
            text += f" The {result.base.observed_note} is {p.units.value(observed)}."
        elif p.task == "multiclass":
            text += f" The {result.base.observed_note} is {format_percent(observed)}."
        else:
            text += (
                f" In the reference data, {format_percent(observed)} of cases turned out "
                f"“{spec.outcome_label(1)}”. The baseline differs from that rate because it is the model's average "
                "output on its own internal scale over the data it was trained on, not a count of outcomes."
            )
    return text


def class_picker(key: str, bundle: Bundle, result: DecisionResult, widget: str) -> None:
    """Every class's chance, and a picker of the class the contributions explain ("why not grade D?")."""
    p = result.prediction
    st.markdown("#### Chance of each class")
    whole_table(
        pd.DataFrame(
            {"Class": [label for label, _ in p.class_probabilities],
             "Chance": [format_percent(v) for _, v in p.class_probabilities]}
        )
    )  # fmt: skip
    classes = list(bundle.model.classes)
    labels = {c: bundle.spec.classes.label(c) for c in classes}
    picked = st.selectbox(
        "Explain the chance of",
        classes,
        index=classes.index(p.explained_class) if p.explained_class in classes else 0,
        format_func=lambda c: labels[c],
        key=widget,
        help="The predicted class is explained first; pick another to see what speaks for or against it.",
    )
    if picked is None or labels[picked] == p.class_probabilities[0][0]:  # the most probable class: no contrast
        return
    contrast = cache.class_contrast(key, bundle.fingerprint, result.id, result.table, picked)
    st.markdown(f"#### Why {md(contrast.explained_label)} rather than {md(contrast.versus_label)}")
    st.markdown(md(contrast.statement))
    top = contrast.to_frame().head(6)
    whole_table(pd.DataFrame({"Input": top["label"], "Value": top["value_text"], "Effect": top["effect"]}))


key, bundle = current_bundle()
browse = decision_browser if bundle.spec.task == "binary" else task_browser
decision_id = st.session_state.get(state.S_DECISION)
link_table = st.session_state.get(state.S_TABLE) or "decisions"
table = "decisions" if link_table == state.UPLOAD else link_table  # an upload is the decisions of its bundle
if not decision_id:
    st.title("Decision")
    st.info("Pick a decision below to see why the model decided as it did.")
    browse(key, bundle)
    st.stop()
class_widget = f"explained_class::{key}::{table}::{decision_id}"
try:
    result = cache.decision(key, bundle.fingerprint, decision_id, table, st.session_state.get(class_widget))
except (DecisionNotFoundError, ExplainError) as err:
    st.title("Decision")
    message = (
        f"No decision {decision_id!r} in the {table} of {bundle.name}."
        if isinstance(err, DecisionNotFoundError)
        else str(err)
    )
    st.warning(md(message + " Pick one from the list below."))
    browse(key, bundle)
    st.stop()

access.record_view_or_stop(access.session_user(), bundle, result.id, link_table)  # "upload" for a batch
verdict_card(result, bundle_name=bundle.name, spec=bundle.spec, outcome=outcome_text(bundle, result.outcome))
left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown("#### Why")
    st.markdown(md(result.summary))
    if result.reasons:
        st.markdown("\n".join(f"{i}. {md(r.text)}" for i, r in enumerate(result.reasons, 1)))
with right:
    share_link(st.session_state.get(state.S_BUNDLE) or key, result.id, link_table)

p = result.prediction
if p.task == "multiclass":
    class_picker(key, bundle, result, class_widget)
st.markdown(f"#### How each input moved the {md(p.what_moves)}")
if p.task == "binary":
    spaces = ["Probability points"] + (
        ["Log-odds (raw model output)"] if result.stamp.output_space == "log-odds" else []
    )
    space = st.segmented_control("Scale", spaces, default=spaces[0], key="waterfall_space") or spaces[0]
else:
    spaces, space = ["reader"], "reader"
figure = contribution_waterfall(result, space="probability" if space == spaces[0] else "log-odds", theme=DEFAULT_THEME)
st.plotly_chart(figure, theme=None, config={"displayModeBar": False})
st.caption(md(baseline_caption(result, bundle.spec)))
if result.view_note:
    st.info(md(result.view_note), icon="ℹ️")

st.markdown("#### All inputs")
frame = result.to_frame()
whole_table(
    pd.DataFrame(
        {
            "Input": frame["label"],
            "Value": frame["value_text"],
            "Where it sits": frame["percentile_text"],
            "Effect": [p.units.effect(v) for v in frame["contribution_probability"]],
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
if st.session_state.get(state.S_TOOL_TAB) not in panels:  # a tab another bundle offered
    st.session_state.pop(state.S_TOOL_TAB, None)
tabs = st.tabs(list(panels), key=state.S_TOOL_TAB, on_change="rerun")
for tab, panel in zip(tabs, panels.values(), strict=True):
    if tab.open:
        with tab:
            panel(key, bundle, result, table)
st.caption(md(result.stamp.text()))
