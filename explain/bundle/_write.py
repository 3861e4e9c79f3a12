"""Writing a bundle directory atomically, in a form that always loads again."""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from explain.bundle._spec import Spec
from explain.bundle._spec_parse import parse_spec
from explain.bundle._spec_toml import spec_to_toml
from explain.errors import BundleError, BundleExistsError, SpecError
from explain.models._registry import adapt_estimator

SPEC_FILE = "bundle.toml"


def _with_id_column(frame: pd.DataFrame, id_column: str, name: str) -> pd.DataFrame:
    """The frame with its ids as a column: a loaded bundle keeps ids in the index."""
    if id_column in frame.columns:
        return frame
    if frame.index.name == id_column or not isinstance(frame.index, pd.RangeIndex):
        return frame.rename_axis(id_column).reset_index()
    raise BundleError(
        f"the {name} table has no id column {id_column!r} (id_column in the spec) and no ids in its index."
    )


def write_bundle(
    path: str | os.PathLike[str],
    *,
    spec: Spec,
    model: Any,
    decisions: pd.DataFrame,
    reference: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    overwrite: bool = False,
    annotate: Callable[[str], str] | None = None,
) -> Path:
    """Write a bundle directory atomically: into a temporary directory, then renamed into place.

    Two processes writing the same bundle never expose half of one: the first rename wins
    and, without ``overwrite``, the other raises :class:`BundleExistsError` (as does any
    write to an existing directory). LightGBM models are saved as text, scikit-learn models
    with skops. Tables are written as Parquet with the ids as a column (a loaded bundle's
    tables keep them in the index), so the written bundle always loads again. The spec is
    checked for text TOML cannot hold before anything is written.

    Examples
    --------
    >>> write_bundle("my_model", spec=bundle.spec, model=bundle.model.estimator,
    ...              decisions=bundle.decisions, overwrite=True)  # doctest: +SKIP
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise BundleExistsError(f"{target} already exists; pass overwrite=True to replace it.")
    adapter = adapt_estimator(model)
    names = {
        "decisions": "decisions.parquet",
        "reference": "reference.parquet" if reference is not None else None,
        "current": "current.parquet" if current is not None else None,
    }
    spec = replace(spec, **names)  # type: ignore[arg-type]
    tables = {
        key: None if frame is None else _with_id_column(frame, spec.id_column, key)
        for key, frame in (("decisions", decisions), ("reference", reference), ("current", current))
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        spec = replace(spec, model=adapter.save(tmp))
        toml_text = spec_to_toml(spec)
        if annotate is not None:  # comments for the reader (explain init); the check below covers them
            toml_text = annotate(toml_text)
        if parse_spec(tomllib.loads(toml_text), source=SPEC_FILE) != spec:  # pragma: no cover - a writer bug
            raise SpecError("the spec would not read back as written; nothing was written.")
        (tmp / SPEC_FILE).write_text(toml_text, encoding="utf-8")
        for key, frame in tables.items():
            if frame is not None:
                frame.to_parquet(tmp / str(names[key]), index=False)
        if target.exists():
            if not overwrite:
                raise BundleExistsError(f"{target} was written by someone else meanwhile; nothing was replaced.")
            trash = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(target, trash)
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError as err:
            if not target.exists():
                raise
            raise BundleExistsError(f"{target} was written by someone else meanwhile; nothing was replaced.") from err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
