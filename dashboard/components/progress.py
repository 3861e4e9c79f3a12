"""A progress bar that a long computation in ``explain`` can drive."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st


@contextmanager
def progress_bar(text: str) -> Iterator[Callable[[float, str], None]]:
    """Yield a ``progress(fraction, message)`` callback that drives an ``st.progress`` bar,
    removed when the block ends (a cached result never calls it)."""
    bar = st.empty()

    def update(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{text}: {message}")

    try:
        yield update
    finally:
        bar.empty()
