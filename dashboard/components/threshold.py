"""The workbench's threshold slider, kept in the URL; it never changes business verdicts."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from explain import Bundle


def threshold_slider(key: str, bundle: Bundle, page: str) -> float:
    """A slider in percent starting at the URL's threshold (or the spec's); returns a probability.

    Each page has a slider of its own (``page`` names it): Streamlit drops a widget's state
    when another page runs, and a slider brought back without it would start at its minimum.
    The value the pages share is the URL's.
    """
    default = bundle.spec.decision.threshold
    start = state.workbench_threshold(default)
    widget, seen = f"threshold::{key}::{page}", f"threshold-url::{key}::{page}"
    if widget not in st.session_state or st.session_state.get(seen) != start:
        st.session_state[widget] = round(100 * start, 1)  # a fresh link or an edited URL wins
    value = (
        st.slider(
            "Threshold to study",
            0.5,
            99.5,
            step=0.5,
            format="%.1f%%",
            key=widget,
            help=f"The model's own threshold is {100 * default:g}%. Moving this studies other cut-offs; it does not "
            "change any verdict shown on the Decisions pages.",
        )
        / 100
    )
    state.set_workbench_threshold(value, default)
    st.session_state[seen] = state.workbench_threshold(default)
    return float(value)
