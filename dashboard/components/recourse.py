"""What would change the decision: up to three suggestions, or a plain statement.

A binary decision aims at the favourable side. A multiclass one aims at a class the user
picks, a regression at a band or a value; by default the next better outcome.
"""

from __future__ import annotations

import streamlit as st

from dashboard import access, cache
from dashboard.text import md
from explain import Bundle, DecisionResult, RecourseAim, task_units

A_VALUE = "A value…"


def _aim_picker(key: str, bundle: Bundle, result: DecisionResult, table: str) -> dict[str, object] | None:
    """The aim the user picked, as :func:`explain.suggest_changes` keywords; None when there is nothing to pick."""
    options = cache.recourse_options(key, bundle.fingerprint, result.id, table)
    widget = f"recourse_aim::{key}::{table}::{result.id}"
    if bundle.model.task == "multiclass":
        aims: dict[str, RecourseAim] = {str(a.target): a for a in options.aims}
        default = options.default.target if options.default is not None else None
        choice = st.selectbox(
            "Aim for",
            list(aims),
            index=list(aims).index(str(default)) if default in aims else None,
            format_func=lambda c: aims[c].text,
            placeholder="Pick an outcome",
            key=widget,
            help="The suggestions aim at this outcome: the next better one unless you pick another.",
        )
        return None if choice is None else {"target_class": choice}
    labels = [str(a.target) for a in options.aims] + [A_VALUE]
    default_band = str(options.default.target) if options.default is not None else A_VALUE
    choice = st.selectbox(
        "Aim for",
        labels,
        index=labels.index(default_band),
        key=widget,
        help="A band of the estimate, or a value of your own.",
    )
    if choice != A_VALUE:
        return {"target_band": choice}
    units = task_units(bundle)
    target = bundle.spec.target
    step = 10.0 ** max(len(f"{abs(options.current):.0f}") - 2, 0)
    towards = 1.1 if bundle.spec.favorable == "above" else 0.9
    start = round(options.current * towards / step) * step
    value = st.number_input(
        md(f"{target.label[:1].upper()}{target.label[1:]}" + (f" ({target.unit})" if target.unit else "")),
        value=float(start),
        step=float(step),
        format=f"%.{units.decimals if units.decimals is not None else 2}f",
        key=f"{widget}::value",
        help=f"Now {units.value(options.current)}. Suggestions reach at least this value when it is higher, "
        "at most when it is lower.",
    )
    return {"target_value": float(value)}


def recourse_panel(key: str, bundle: Bundle, result: DecisionResult, table: str) -> None:
    """Suggestions re-scored by the model, each as few and as small changes as possible."""
    if not access.recourse_first_shown(access.session_user(), bundle, result.id, table):
        return
    if bundle.model.task == "binary":
        aim: dict[str, object] | None = {}
    else:
        with st.columns([1, 2])[0]:
            aim = _aim_picker(key, bundle, result, table)
    if aim is None:
        st.markdown("This decision is already the best outcome the model gives. Pick another outcome to aim for.")
        return
    rec = cache.recourse(key, bundle.fingerprint, result.id, table, tuple(aim.items()))
    if not rec.available:
        st.info(md(rec.statement), icon="🚫")
        return
    if not rec.suggestions:
        st.markdown(md(rec.statement))
        if bundle.model.task == "regression" and rec.aim is not None and rec.aim.kind == "band":
            st.caption(f"Pick “{A_VALUE}” above to aim at an amount nearer this one.")
        elif bundle.model.task == "multiclass" and rec.aim is not None:
            st.caption("Pick another outcome above: a nearer one may be within reach.")
        return
    st.markdown(md(rec.statement))
    for i, s in enumerate(rec.suggestions, 1):
        outcome = ", ".join(md(t) for t in (s.verdict, s.score_text) if t)
        st.markdown(f"{i}. {md(s.text)}  \n   → {outcome}")
    st.caption(
        "Only inputs a person can act on are changed, in the direction they can change, to values seen in the "
        "reference data; sensitive information is never touched. Fewest changes first, then the smallest. "
        "Each suggestion was checked with the model. These are what the model responds to, not advice."
    )
