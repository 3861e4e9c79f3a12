"""CSV that spreadsheets cannot execute.

A text cell is *live* when a spreadsheet could read it as a formula: after Unicode NFKC
normalisation (which turns a full-width ``＝`` into ``=``) and after stripping leading
whitespace and control characters, it starts with ``=``, ``+``, ``-`` or ``@``. Live cells
get a leading apostrophe. Line breaks inside a cell (CR, LF and the other Unicode line
separators) become spaces, since a spreadsheet parses what follows a break as a new cell.
Numbers stay numbers.
"""

from __future__ import annotations

import numbers
import re
import unicodedata

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@")
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def is_live(text: str) -> bool:
    """Whether a spreadsheet could evaluate ``text`` as a formula (see the module docstring)."""
    normal = unicodedata.normalize("NFKC", text)
    stripped = normal.lstrip()
    while stripped and (unicodedata.category(stripped[0]) in ("Cc", "Cf", "Zs") or stripped[0].isspace()):
        stripped = stripped[1:]
    return stripped.startswith(_TRIGGERS)


def neutralize(value: object) -> object:
    """The cell as a spreadsheet should see it: line breaks removed, formulas defused, numbers unchanged."""
    if not isinstance(value, str):
        return value
    text = _BREAKS.sub(" ", value)
    return "'" + text if is_live(text) else text


def safe_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text with every text cell and header neutralised."""
    out = frame.copy()
    out.columns = [neutralize(str(c)) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(lambda v: v if isinstance(v, numbers.Number) else neutralize(v))
    return str(out.to_csv(index=False))
