"""The what-if panel: edit inputs, see the new score beside the original."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.text import md
from explain import (
    NOT_PROVIDED,
    Bundle,
    DecisionResult,
    ExplainError,
    InputRange,
    WhatIfResult,
    format_percent,
    input_changed,
    is_missing,
    what_if,
)


def whatif_key(key: str, decision_id: str, table: str) -> str:
    """Where the session keeps the last what-if of a decision (for the case file)."""
    return f"whatif::{key}::{table}::{decision_id}"


def _widget(r: InputRange, current: Any, beyond: bool, form_key: str, unit: str) -> Any:
    label = md(r.label + (f" ({unit})" if unit else ""))
    wkey = f"{form_key}::{r.feature}"
    if r.categorical:
        options = ([NOT_PROVIDED] if r.accepts_missing else []) + list(r.categories)
        value = NOT_PROVIDED if is_missing(current) else str(current)
        index = options.index(value) if value in options else 0
        choice = st.selectbox(label, options, index=index, key=wkey)
        return np.nan if choice == NOT_PROVIDED else choice
    low: float | None = r.usual_low
    high: float | None = r.usual_high
    if beyond:
        low, high = None, None  # anything goes; the result flags values outside the usual range
    elif not is_missing(current):
        low, high = min(r.usual_low, float(current)), max(r.usual_high, float(current))
    step = 1.0 if r.integer else max(round((r.usual_high - r.usual_low) / 100, 2), 0.01)
    start = None if is_missing(current) else float(current)
    number = st.number_input(  # type: ignore[call-overload]
        label,
        min_value=low,
        max_value=high,
        value=start,
        step=step,
        key=wkey,
        placeholder=NOT_PROVIDED if r.accepts_missing else None,
        help=md(f"Usual range in the reference data: {r.usual_low:,.4g} to {r.usual_high:,.4g}"),
    )
    return np.nan if number is None else number


def whatif_panel(key: str, bundle: Bundle, result: DecisionResult, table: str) -> None:
    """Widgets for every input inside a form; on submit, the edited explanation beside the original."""
    ranges = cache.ranges(key, bundle.fingerprint)
    row = bundle.table(table).loc[result.id]
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
                values[name] = _widget(ranges[name], row[name], beyond, form_key, bundle.spec.feature(name).unit)
        submitted = st.form_submit_button("Show the effect", type="primary")
    state_key = whatif_key(key, result.id, table)
    if submitted:
        changes = {n: v for n, v in values.items() if input_changed(row[n], v)}
        try:
            st.session_state[state_key] = what_if(bundle, result.id, changes, data=table)  # type: ignore[arg-type]
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
    """The new score and verdict beside the original, and a table with the changes highlighted."""
    o, e = outcome.original.prediction, outcome.edited.prediction
    c1, c2 = st.columns(2)
    c1.metric("Original", format_percent(o.score), help=md(o.verdict))
    c2.metric(
        "With your changes",
        format_percent(e.score),
        delta=f"{100 * (e.score - o.score):+.1f} pts",
        delta_color="inverse" if _adverse_side(o) == "above" else "normal",
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
    view = pd.DataFrame(
        {
            "Input": frame["label"],
            "Original value": frame["original_value"],
            "What-if value": frame["edited_value"],
            "Original effect (pts)": 100 * frame["original_contribution"],
            "What-if effect (pts)": 100 * frame["edited_contribution"],
            "Change (pts)": 100 * frame["change"],
        }
    )
    changed = (frame["changed_input"] | (frame["change"].abs() > 1e-12)).to_numpy()
    styled = view.style.apply(
        lambda r: ["background-color: rgba(0,114,178,0.18); font-weight: bold" if changed[r.name] else "" for _ in r],
        axis=1,
    ).format({c: "{:+.2f}" for c in view.columns if "pts" in c})
    st.dataframe(styled, hide_index=True)
    st.caption("Highlighted rows: inputs you changed and effects that moved.")
