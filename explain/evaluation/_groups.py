"""The groups of a sensitive column or input: its values, or value ranges for a number.

A number with more than twelve distinct values (an age, an income) is cut into four groups at
its quartiles, named by their ranges in the input's unit; a missing value is its own group.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from explain.bundle._bundle import Bundle
from explain.bundle._formatting import format_value
from explain.bundle._tables import text_values

NOT_RECORDED = "not recorded"
MAX_GROUPS = 12


def group_values(bundle: Bundle, name: str, frame: pd.DataFrame) -> tuple[np.ndarray, tuple[str, ...]]:
    """The group of every row of ``frame`` for column ``name`` (an object array of labels), and
    the groups in order (ranges by value, other labels alphabetically, "not recorded" last)."""
    column = frame[name]
    numeric = pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype)
    if numeric and column.nunique() > MAX_GROUPS:
        values = pd.to_numeric(column, errors="coerce")
        edges = np.unique(np.quantile(values.dropna(), [0.25, 0.5, 0.75]))
        spec = bundle.spec.feature(name)
        names = [f"up to {format_value(edges[0], spec)}"]
        names += [f"{format_value(a, spec)} to {format_value(b, spec)}" for a, b in itertools.pairwise(edges)]
        names.append(f"over {format_value(edges[-1], spec)}")
        codes = np.searchsorted(edges, values.to_numpy(dtype=float), side="left")
        out = np.asarray([names[c] for c in codes], dtype=object)
        out = np.where(values.isna().to_numpy(), NOT_RECORDED, out).astype(object)
    else:
        labels = text_values(column)
        out = np.where(pd.isna(labels), NOT_RECORDED, labels).astype(object)
        names = sorted({str(v) for v in out} - {NOT_RECORDED})
    present = {str(v) for v in out}
    order = [n for n in names if n in present] + ([NOT_RECORDED] if NOT_RECORDED in present else [])
    return out, tuple(order)
