"""The what-if panel: edit inputs, see the new score beside the original."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import access, cache
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import (
    NOT_PROVIDED,
    Bundle,
    DecisionResult,
    ExplainError,
    FeatureSpec,
    InputRange,
    WhatIfResult,
    display_value,
    format_percent,
    format_points,
    format_value,
    input_changed,
    input_format,
    is_missing,
    stored_value,
    unit_label,
    what_if,
)


def whatif_key(key: str, result: DecisionResult, table: str) -> str:
    """Where the session keeps the last what-if of a decision (for the case file); per explained
    class, so a multiclass what-if never shows effects on another class."""
    return f"whatif::{key}::{table}::{result.id}::{result.prediction.explained_class or ''}"


def _number_params(r: InputRange, current: Any, beyond: bool, feature: FeatureSpec) -> dict[str, Any]:
    """Bounds, start and step of an input box, all whole numbers for an input written without decimals."""
    low, high = display_value(r.usual_low, feature), display_value(r.usual_high, feature)
    start = None if is_missing(current) else display_value(current, feature)
    if start is not None:
        low, high = min(low, start), max(high, start)
    step = display_value(feature.step or 0.01, feature)
    if feature.decimals == 0:
        return {
            "min_value": None if beyond else int(np.floor(low)),
            "max_value": None if beyond else int(np.ceil(high)),
            "value": None if start is None else round(start),
            "step": max(1, round(step)),
        }
    return {"min_value": None if beyond else low, "max_value": None if beyond else high, "value": start, "step": step}


def _widget(r: InputRange, current: Any, beyond: bool, form_key: str, feature: FeatureSpec) -> Any:
    """One input box in the feature's natural unit (a percent stored as 0–1 is entered as 0–100)."""
    label = md(unit_label(feature))
    wkey = f"{form_key}::{r.feature}"
    if r.categorical:
        options = ([NOT_PROVIDED] if r.accepts_missing else []) + list(r.categories)
        value = NOT_PROVIDED if is_missing(current) else str(current)
        index = options.index(value) if value in options else 0
        choice = st.selectbox(label, options, index=index, key=wkey)
        return np.nan if choice == NOT_PROVIDED else choice
    number = st.number_input(
        label,
        **_number_params(r, current, beyond, feature),
        format=input_format(feature),
        key=wkey,
        placeholder=NOT_PROVIDED if r.accepts_missing else None,
        help=md(
            f"Usual range in the reference data: {format_value(r.usual_low, feature)} to "
            f"{format_value(r.usual_high, feature)}"
        ),
    )
    return np.nan if number is None else stored_value(number, feature)


def whatif_panel(key: str, bundle: Bundle, result: DecisionResult, table: str) -> None:
    """Widgets for every input inside a form; on submit, the edited explanation beside the original."""
    ranges = cache.ranges(key, bundle.fingerprint)
    row = bundle.rows(table, [result.id]).iloc[0]
    st.caption("Change any input and press “Show the effect”. The stored decision is never changed.")
    beyond = st.toggle(
        "Allow values beyond the usual range (outside the 1st–99th percentile of the reference data)",
        key=f"beyond::{key}::{result.id}",
    )
    form_key = f"form::{key}::{table}::{result.id}::{beyond}"
    values: dict[str, Any] = {}
    with st.form(form_key):
        columns = st.columns(3)
        for i, name in enumerate(bundle.features):
            with columns[i % 3]:
                values[name] = _widget(ranges[name], row[name], beyond, form_key, bundle.spec.feature(name))
        submitted = st.form_submit_button("Show the effect", type="primary")
    state_key = whatif_key(key, result, table)
    if submitted:
        changes = {n: v for n, v in values.items() if input_changed(row[n], v)}
        detail = f"{len(changes)} input(s) changed: " + ", ".join(sorted(changes)) if changes else "no change"
        if not access.recorded(
            access.session_user(), "whatif_submitted", bundle=bundle, decision_id=result.id, detail=detail
        ):
            return
        try:
            st.session_state[state_key] = what_if(
                bundle,
                result.id,
                changes,
                data=table,  # type: ignore[arg-type]
                target_class=result.prediction.explained_class,
            )
        except ExplainError as err:
            st.error(md(str(err)))
            return
    outcome: WhatIfResult | None = st.session_state.get(state_key)
    if outcome is None or not outcome.changes:
        if submitted:
            st.info("No input was changed.")
        return
    show_whatif(outcome)


def _adverse_side(p: Any) -> str:
    if p.adverse:
        return str(p.side)
    return "above" if p.side == "below" else "below"


def show_whatif(outcome: WhatIfResult) -> None:
    """The new score, chance or estimate and verdict beside the original, and a table with the changes marked."""
    o, e = outcome.original.prediction, outcome.edited.prediction
    units = o.units
    c1, c2 = st.columns(2)
    if o.task == "binary":
        c1.metric("Original", format_percent(o.score), help=md(o.verdict))
        c2.metric(
            "With your changes",
            format_percent(e.score),
            delta=format_points(e.score - o.score),
            delta_color="inverse" if _adverse_side(o) == "above" else "normal",
        )
    elif o.task == "regression":
        c1.metric("Original estimate", units.value(o.score), help=md(o.verdict))
        c2.metric(
            "With your changes",
            units.value(e.score),
            delta=units.effect(e.score - o.score),
            # green when the change is good for the person: up where higher is favourable
            delta_color="normal" if (o.side == "above") != o.adverse else "inverse",
        )
    else:
        c1.metric(md(f"Chance of {o.explained_label}, original"), format_percent(o.score), help=md(o.verdict))
        c2.metric(
            md(f"Chance of {o.explained_label}, with your changes"),
            format_percent(e.score),
            delta=format_points(e.score - o.score),
        )
        before = dict(o.class_probabilities)
        whole_table(
            pd.DataFrame(
                {
                    "Class": [label for label, _ in e.class_probabilities],
                    "Original chance": [format_percent(before[label]) for label, _ in e.class_probabilities],
                    "With your changes": [format_percent(v) for _, v in e.class_probabilities],
                }
            )
        )
    verdict = f"Verdict: {e.verdict}" + (" (changed)" if outcome.verdict_changed else " (unchanged)")
    st.markdown(f"**{md(verdict)}**")
    for name in outcome.beyond_usual:
        st.warning(
            md(
                f"{outcome.edited.contributions.labels[outcome.edited.contributions.features.index(name)]} "
                "is outside the usual range of the reference data: the model has seen few such cases."
            )
        )
    frame = outcome.to_frame()
    st.caption(
        f"Rows marked ✏️ are the inputs you changed. With a new {o.what_moves} every input's effect is measured again, "
        "because the model weighs each input together with the others, so inputs you did not touch can move "
        "too: the last column shows by how much."
    )
    whole_table(
        pd.DataFrame(
            {
                "Input": [
                    ("✏️ " if c else "") + str(lbl)
                    for lbl, c in zip(frame["label"], frame["changed_input"], strict=True)
                ],
                "Original value": frame["original_value"],
                "What-if value": frame["edited_value"],
                "Original effect": [units.effect(v) for v in frame["original_contribution"]],
                "What-if effect": [e.units.effect(v) for v in frame["edited_contribution"]],
                "Change in effect": [
                    units.effect(v) if e.units == units else "not comparable" for v in frame["change"]
                ],
            }
        )
    )
