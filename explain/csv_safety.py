"""CSV that spreadsheets cannot execute: text cells starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return are prefixed with an apostrophe; numbers stay numbers."""

from __future__ import annotations

import numbers

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """The cell as a spreadsheet should see it: formulas in text defused, numbers unchanged."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text with every text cell and header neutralised."""
    out = frame.copy()
    out.columns = [neutralize(str(c)) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(lambda v: v if isinstance(v, numbers.Number) else neutralize(v))
    return str(out.to_csv(index=False))
