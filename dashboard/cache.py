"""The only module with Streamlit caches. Cached functions take string keys and primitive
options, never DataFrames or models; cached objects are shared between sessions and never
mutated."""

from __future__ import annotations

import streamlit as st

from dashboard.registry import BundleEntry, bundle_entries
from explain import Bundle, load_bundle


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


@st.cache_resource(show_spinner=False)
def samples_built() -> bool:
    """Build missing sample bundles once per server process, with a progress bar."""
    from sample_models import build_all, is_built, sample_paths

    if all(is_built(p) for p in sample_paths()):
        return True
    bar = st.progress(0.0, text="First start: building the sample models…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    build_all(progress=progress)
    bar.empty()
    return True
