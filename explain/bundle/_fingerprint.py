"""The one identity of a bundle: a hash of its canonical spec, its model and its tables.

Computed the same way for a bundle built in memory and for that bundle written and loaded
again (file names, dtypes that a round trip through Parquet changes, and the skops or
LightGBM file layout do not count), so caches keyed on it are shared by both, and any change
that could change a result (a threshold, a label, a retrained model, one edited cell) gives
a new fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from explain.bundle._bundle import TABLES, TableName
from explain.bundle._spec import Spec
from explain.bundle._tables import text_values
from explain.models._base import ModelAdapter

FINGERPRINT_LENGTH = 16
_MISSING = "\0missing"


def _text_digest(values: np.ndarray) -> bytes:
    marked = np.asarray(values, dtype=object).copy()
    marked[np.equal(marked, None)] = _MISSING  # type: ignore[call-overload]
    return pd.util.hash_array(marked, categorize=False).tobytes()


def table_digest(frame: pd.DataFrame) -> bytes:
    """Digest of a table's ids, column names and values, independent of storage dtypes:
    numbers (integers, floats, nullable, booleans) as float64, everything else as text."""
    digest = hashlib.sha256(_text_digest(np.asarray(frame.index.astype(str), dtype=object)))
    for name in frame.columns:
        column = frame[name]
        digest.update(b"\0column\0" + str(name).encode("utf-8"))
        numeric = pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype)
        if numeric or pd.api.types.is_bool_dtype(column):
            values = column.to_numpy(dtype=float, na_value=np.nan)
            values = np.where(np.isnan(values), np.nan, values)  # one bit pattern for every missing value
            digest.update(b"n" + values.tobytes())
        else:
            digest.update(b"t" + _text_digest(text_values(column)))
    return digest.digest()


def bundle_fingerprint(
    spec: Spec,
    model: ModelAdapter,
    tables: Mapping[TableName, pd.DataFrame | None],
    data_versions: Mapping[TableName, str] | None = None,
) -> str:
    """The bundle's fingerprint (16 hex digits).

    A table read page by page from a database is identified by its query (in the spec) and
    its data version (``data_versions``) instead of its values, which are never all read.
    """
    digest = hashlib.sha256(spec.canonical_json().encode("utf-8"))
    digest.update(hashlib.sha256(model.fingerprint_bytes()).digest())
    versions = data_versions or {}
    for name in TABLES:
        frame = tables.get(name)
        digest.update(f"\0table\0{name}\0".encode())
        if name in versions:
            digest.update(b"\0version\0" + versions[name].encode("utf-8"))
        elif frame is not None:
            digest.update(table_digest(frame))
    return digest.hexdigest()[:FINGERPRINT_LENGTH]
