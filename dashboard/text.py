"""The one place user-derived text is made safe to show.

Labels, units, descriptions, category values and ids come from a user's files. Streamlit
renders Markdown (links, images) in most text it shows, so such text goes through :func:`md`
before it reaches the page. (Plotly renders a few HTML tags in chart text; the figure
builders in ``explain.figures`` escape their labels themselves, so they are safe in
notebooks too.) Tables (``st.dataframe``) and the options of
``st.selectbox`` and ``st.multiselect`` show text as it is and need no escaping (escaping them
would show the backslashes); widget labels, captions, headings and alerts need :func:`md`.
"""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")
# The Markdown renderer turns "http://…", "www.…" and "a@b.c" in plain text into links even
# when every bracket is escaped; an invisible word joiner (U+2060) breaks those patterns.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(?=\\:/)|(?<=www)(?=\\\.)|(?=@)")


def md(text: object) -> str:
    """Escape text for any Streamlit element that renders Markdown, so it shows literally."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    escaped = _AUTOLINK.sub(WORD_JOINER, escaped)
    # ":material/home:" and ":smile:" turn into icons even with the colons escaped; a word
    # joiner after each colon breaks the shortcode without changing what the reader sees
    escaped = escaped.replace("\\:", "\\:" + WORD_JOINER)
    return escaped.replace("\n", " ")
