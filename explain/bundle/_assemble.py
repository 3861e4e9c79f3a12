"""Turning a spec, a model and raw tables into a :class:`Bundle`: the one path shared by
bundles built in memory and bundles loaded from a directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from explain.bundle._bundle import TABLES, Bundle, TableName, slugify
from explain.bundle._fingerprint import bundle_fingerprint
from explain.bundle._formatting import resolve_formats
from explain.bundle._spec import Spec
from explain.bundle._tables import check_explainable, check_spec_against_model, match_input_names, normalize_table
from explain.errors import ExplainError
from explain.models._base import ModelAdapter


def assemble(
    spec: Spec,
    model: ModelAdapter,
    frames: Mapping[TableName, pd.DataFrame | None],
    *,
    source: str,
    table_sources: Mapping[TableName, str],
    key: str,
    path: Path | None,
    problems: list[ExplainError],
) -> Bundle | None:
    """Check everything against everything, collecting problems; the bundle, or None if any.

    ``source`` names the spec in messages, ``table_sources`` each table's file (or name).
    """
    decisions = frames.get("decisions")
    if decisions is not None:
        model = match_input_names(model, decisions.columns, table_sources["decisions"], problems)
    full_spec = check_spec_against_model(spec, model, source, problems)
    tables = {
        name: None
        if frames.get(name) is None
        else normalize_table(frames[name], full_spec, model, table_sources[name], problems, name)  # type: ignore[arg-type]
        for name in TABLES
    }
    if problems or tables["decisions"] is None:
        return None
    population = tables["reference"] if tables["reference"] is not None else tables["decisions"]
    categorical = {
        f for f in model.feature_names if f in model.categories or not pd.api.types.is_numeric_dtype(population[f])
    }
    full_spec = resolve_formats(full_spec, population, categorical)
    check_explainable(source, full_spec, model, tables, problems)
    if problems:
        return None
    return Bundle(
        spec=full_spec,
        model=model,
        decisions=tables["decisions"],
        reference=tables["reference"],
        current=tables["current"],
        fingerprint=bundle_fingerprint(full_spec, model, tables),
        key=slugify(key),
        path=path,
    )
