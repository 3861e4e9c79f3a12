"""The one place user-derived text is made safe to show.

Labels, units, descriptions, category values and ids come from a user's files. Streamlit
renders Markdown (links, images) in most text it shows, and plotly renders a few HTML tags
in chart text, so such text goes through :func:`md` (for Markdown contexts) or :func:`plain`
(for plotly labels) before it reaches the page. Tables (``st.dataframe``) show cell text as
it is and need neither.
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: object) -> str:
    """Escape text for any Streamlit element that renders Markdown, so it shows literally."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\n", " ")


def plain(text: object) -> str:
    """Escape text for plotly labels and hover text, which render a subset of HTML."""
    return html.escape(str(text), quote=True)
