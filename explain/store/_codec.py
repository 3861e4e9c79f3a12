"""Results as files: a JSON tree for the structure and the small values, Parquet for arrays
and tables.

Any frozen result dataclass of this library made of numbers, text, tuples, dicts, NumPy
arrays, pandas tables and series, and other such dataclasses is written and read back equal.
Decoding builds only classes defined in :mod:`explain` (named in the JSON), never arbitrary
code, and nothing is unpickled. A value the codec cannot write raises :class:`Unstorable`, and
the caller keeps the result in memory only.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class Unstorable(TypeError):
    """A result holds a value the store cannot write (it is then kept in memory only)."""


class _Encoder:
    def __init__(self) -> None:
        self.blobs: list[bytes] = []

    def _blob(self, table: pa.Table) -> int:
        sink = io.BytesIO()
        pq.write_table(table, sink)
        self.blobs.append(sink.getvalue())
        return len(self.blobs) - 1

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int | np.integer):
            return int(value)
        if isinstance(value, float | np.floating):
            number = float(value)
            return number if math.isfinite(number) else {"~float": repr(number)}
        if isinstance(value, np.bool_):
            return bool(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            if not cls.__module__.startswith("explain."):
                raise Unstorable(f"{cls.__name__} is not a result of this library")
            fields = {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return {"~class": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
        if isinstance(value, np.ndarray):
            return self._array(value)
        if isinstance(value, pd.DataFrame):
            return self._frame(value)
        if isinstance(value, pd.Series):
            return {"~series": self._frame(value.to_frame(name="values")), "name": self.encode(value.name)}
        if isinstance(value, tuple):
            return {"~tuple": [self.encode(v) for v in value]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            return {"~dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        raise Unstorable(f"cannot store a {type(value).__name__}")

    def _array(self, array: np.ndarray) -> dict[str, Any]:
        flat = array.reshape(-1)
        if array.dtype.kind in "biuf":
            column = pa.array(flat)
        elif array.dtype.kind in "OU":
            items = flat.tolist()
            if not all(v is None or isinstance(v, str) for v in items):  # mixed numbers and text: as JSON
                return {"~objects": [self.encode(v) for v in items], "shape": list(array.shape)}
            column = pa.array(items, type=pa.string())
        else:
            raise Unstorable(f"an array of {array.dtype}")
        blob = self._blob(pa.table({"values": column}))
        return {
            "~array": blob,
            "dtype": array.dtype.str if array.dtype.kind != "O" else "O",
            "shape": list(array.shape),
        }

    def _frame(self, frame: pd.DataFrame) -> dict[str, Any]:
        if not frame.columns.is_unique or not all(isinstance(c, str) for c in frame.columns):
            raise Unstorable("a table whose column names are not unique text")
        try:
            table = pa.Table.from_pandas(frame, preserve_index=True)
        except (pa.ArrowException, TypeError, ValueError) as err:
            raise Unstorable(f"a table Parquet cannot hold ({err})") from None
        return {"~frame": self._blob(table)}


def encode(value: Any) -> tuple[Any, list[bytes]]:
    """The JSON-ready tree of ``value`` and the Parquet files its arrays and tables need."""
    encoder = _Encoder()
    return encoder.encode(value), encoder.blobs


def decode(tree: Any, blobs: list[bytes]) -> Any:
    """The value :func:`encode` wrote (raises ``ValueError`` on anything it did not write)."""
    if tree is None or isinstance(tree, bool | int | float | str):
        return tree
    if isinstance(tree, list):
        return [decode(v, blobs) for v in tree]
    if not isinstance(tree, dict):
        raise ValueError(f"unexpected {type(tree).__name__} in a stored result")
    if "~float" in tree:
        return float(tree["~float"])
    if "~tuple" in tree:
        return tuple(decode(v, blobs) for v in tree["~tuple"])
    if "~dict" in tree:
        return {decode(k, blobs): decode(v, blobs) for k, v in tree["~dict"]}
    if "~objects" in tree:
        items = [decode(v, blobs) for v in tree["~objects"]]
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out.reshape(tree["shape"])
    if "~array" in tree:
        values = pq.read_table(pa.BufferReader(blobs[tree["~array"]])).column("values")
        dtype = np.dtype(object) if tree["dtype"] == "O" else np.dtype(tree["dtype"])
        flat = np.asarray(values.to_pylist(), dtype=dtype) if dtype.kind in "OU" else values.to_numpy()
        return np.asarray(flat, dtype=dtype).reshape(tree["shape"])
    if "~frame" in tree:
        return pq.read_table(pa.BufferReader(blobs[tree["~frame"]])).to_pandas()
    if "~series" in tree:
        frame = decode(tree["~series"], blobs)
        return frame["values"].rename(decode(tree["name"], blobs))
    if "~class" in tree:
        module_name, _, qualname = str(tree["~class"]).partition(":")
        if not module_name.startswith("explain."):
            raise ValueError(f"a stored result names {module_name!r}, which is not part of this library")
        cls: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise ValueError(f"{qualname} is not a result type")
        value = object.__new__(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        stored = tree["fields"]
        if set(stored) != names:  # the type changed since it was written
            raise ValueError(f"the stored {qualname} has other fields than this version's")
        for name in names:
            object.__setattr__(value, name, decode(stored[name], blobs))
        return value
    raise ValueError("unexpected table in a stored result")
