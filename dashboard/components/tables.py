"""Short tables shown whole: ``st.table`` draws every cell (the data grid clips text to its
column width), and renders Markdown, so every cell goes through :func:`~dashboard.text.md`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.text import md


def whole_table(frame: pd.DataFrame) -> None:
    """Show a table of already formatted cells in full, every cell literal."""
    shown = pd.DataFrame({md(c): [md(v) for v in frame[c]] for c in frame.columns})
    st.table(shown.set_index(shown.columns[0]) if len(shown.columns) else shown, border="horizontal")
