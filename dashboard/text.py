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

# Characters that make Markdown anywhere in a line (emphasis, code, links, images, HTML,
# strikethrough, LaTeX, entities); others (a hyphen, parentheses, a full stop) only matter at
# the start of a line. Escaping no more than needed keeps labels clean for screen readers,
# which read a widget's label as it is given, backslashes included.
_INLINE = re.compile(r"([\\`*_\[\]<>~$&!])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|(?<=\d)[.)])|^(\s*\d+)([.)])")
# The Markdown renderer turns "http://…", "www.…" and "a@b.c" in plain text into links, and
# ":material/home:" or ":smile:" into icons, whatever is escaped; an invisible word joiner
# (U+2060) breaks those patterns without changing what the reader sees.
WORD_JOINER = "\u2060"
_BREAK = re.compile(r"(?i)(?<=[a-z0-9])(?=://)|(?<=www)(?=\.)|(?=@)|(?<=:)(?=[a-z_])")


def md(text: object) -> str:
    """Escape text for any Streamlit element that renders Markdown, so it shows literally."""
    escaped = _INLINE.sub(r"\\\1", str(text).replace("\n", " "))
    escaped = _LINE_START.sub(
        lambda m: (m.group(1) or "") + "\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4), escaped
    )
    return _BREAK.sub(WORD_JOINER, escaped)
