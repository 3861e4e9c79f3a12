"""The only module with Streamlit caches. Cached functions take string keys and primitive
options, never DataFrames or models; cached objects are shared between sessions and never
mutated. Bundles are cached by URL key; results by the bundle's fingerprint, so a changed
bundle never serves a stale result."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.registry import BundleEntry, bundle_entries
from explain import Bundle, load_bundle
from explain.browse import decision_scores
from explain.decision import DecisionResult, explain_decision
from explain.recourse import RecourseResult, suggest_changes
from explain.similar import SimilarResult, similar_cases
from explain.whatif import InputRange, input_ranges


@st.cache_resource(show_spinner=False)
def entries() -> list[BundleEntry]:
    """The bundles on offer (read once per server process)."""
    return bundle_entries()


def entry(key: str) -> BundleEntry | None:
    """The bundle entry for a URL key, or None."""
    return next((e for e in entries() if e.key == key), None)


@st.cache_resource(show_spinner="Loading the model and its data…", max_entries=8)
def bundle(key: str) -> Bundle:
    """The loaded bundle for a URL key (raises ExplainError when it cannot be loaded)."""
    found = entry(key)
    if found is None:
        raise KeyError(key)
    return load_bundle(found.path)


@st.cache_resource(show_spinner="Scoring the decisions…", max_entries=16)
def scores(key: str, fingerprint: str, table: str) -> np.ndarray:
    """Scores of every row of a table; read-only (never mutate the returned array)."""
    values = decision_scores(bundle(key), table)  # type: ignore[arg-type]
    values.setflags(write=False)
    return values


@st.cache_data(show_spinner=False, max_entries=2_000)
def decision(key: str, fingerprint: str, decision_id: str, table: str) -> DecisionResult:
    """One explained decision (raises ExplainError for unknown ids)."""
    return explain_decision(bundle(key), decision_id, data=table)


@st.cache_data(show_spinner="Searching for the smallest changes…", max_entries=2_000)
def recourse(key: str, fingerprint: str, decision_id: str, table: str) -> RecourseResult:
    """What would change this decision (cached per bundle fingerprint and decision)."""
    return suggest_changes(bundle(key), decision_id, data=table)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=2_000)
def similar(key: str, fingerprint: str, decision_id: str, table: str) -> SimilarResult:
    """The nearest reference rows to this decision."""
    return similar_cases(bundle(key), decision_id, data=table)  # type: ignore[arg-type]


@st.cache_resource(show_spinner=False, max_entries=16)
def ranges(key: str, fingerprint: str) -> dict[str, InputRange]:
    """What the what-if widgets may offer for each input."""
    return input_ranges(bundle(key))


@st.cache_resource(show_spinner=False)
def samples_built() -> bool:
    """Build missing sample bundles once per server process, with a progress bar."""
    from sample_models import build_missing

    bar = st.empty()

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    build_missing(progress=progress)
    bar.empty()
    return True
