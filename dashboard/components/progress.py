"""A progress bar that a long computation in ``explain`` can drive."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from dashboard.text import md
from explain import ExplainError

T = TypeVar("T")
Progress = Callable[[float, str], None]


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


def computed(text: str, compute: Callable[[Progress], T], *, unavailable: str) -> T:
    """Run a slow computation behind a progress bar. When ``explain`` says it cannot be done for
    this bundle (no reference data, no outcomes, …), say why and stop the page."""
    result = maybe_computed(text, compute, unavailable=unavailable)
    if result is None:
        st.stop()
    return result  # type: ignore[return-value]


def maybe_computed(text: str, compute: Callable[[Progress], T], *, unavailable: str) -> T | None:
    """As :func:`computed`, but the page goes on without the result (``None``) after saying why."""
    try:
        with progress_bar(text) as progress:
            return compute(progress)
    except ExplainError as err:
        st.info(md(f"{unavailable}: {err}"))
        return None
