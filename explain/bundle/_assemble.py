"""Turning a spec, a model and raw tables into a :class:`Bundle`: the one path shared by
bundles built in memory and bundles loaded from a directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from explain.bundle._bundle import TABLES, Bundle, TableName, slugify
from explain.bundle._fingerprint import bundle_fingerprint
from explain.bundle._formatting import resolve_formats
from explain.bundle._spec import Spec, SqlSource
from explain.bundle._sql import SqlDecisions, connection_identity
from explain.bundle._tables import check_explainable, check_spec_against_model, match_input_names, normalize_table
from explain.errors import DataSourceError, ExplainError, SpecError
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
    decisions_version: str | None = None,
) -> Bundle | None:
    """Check everything against everything, collecting problems; the bundle, or None if any.

    ``source`` names the spec in messages, ``table_sources`` each table's file (or name).
    When the spec's decisions are a database query, ``frames["decisions"]`` holds its first
    rows (checked like a file's) and ``decisions_version`` the query's data version.
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
    query = full_spec.decisions
    if isinstance(query, SqlSource):
        assert decisions is not None and decisions_version is not None
        if tables["reference"] is None:
            problems.append(
                SpecError(
                    f"{source}: decisions read from a database need reference data (a file or a query): "
                    "percentiles, baselines and what-if ranges are measured against it, and the decisions "
                    "themselves are never read whole for that."
                )
            )
            return None
        if query.sort_by is not None and query.sort_by not in decisions.columns:
            problems.append(
                SpecError(
                    f"{source}: decisions.sort_by = {query.sort_by!r} is not a column the query returns; the columns "
                    f"are {', '.join(map(str, decisions.columns[:15]))}."
                )
            )
            return None
        sql = sql_decisions(query, decisions, full_spec, model, table_sources["decisions"], decisions_version)
        return Bundle(
            spec=full_spec,
            model=model,
            decisions_frame=None,
            reference=tables["reference"],
            current=tables["current"],
            fingerprint=bundle_fingerprint(
                full_spec, model, tables, {"decisions": f"{connection_identity(query.connection)}|{decisions_version}"}
            ),
            key=slugify(key),
            path=path,
            sql=sql,
        )
    return Bundle(
        spec=full_spec,
        model=model,
        decisions_frame=tables["decisions"],
        reference=tables["reference"],
        current=tables["current"],
        fingerprint=bundle_fingerprint(full_spec, model, tables),
        key=slugify(key),
        path=path,
    )


def sql_decisions(
    source: SqlSource, probe: pd.DataFrame, spec: Spec, model: ModelAdapter, where: str, version: str
) -> SqlDecisions:
    """The paged decisions of a query whose first rows (``probe``) passed the checks; every
    later page is checked the same way (a page that fails raises :class:`DataSourceError`)."""
    id_column = spec.id_column

    def normalize(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            empty = frame.drop(columns=[id_column])
            empty.index = pd.Index([], dtype=object, name=id_column)
            return empty
        problems: list[ExplainError] = []
        out = normalize_table(frame, spec, model, where, problems, "decisions")
        if problems or out is None:
            raise DataSourceError(str(problems[0]) if problems else f"{where}: the rows cannot be used.")
        return out

    return SqlDecisions(
        source,
        columns=[str(c) for c in probe.columns],
        id_column=id_column,
        numeric_id=bool(pd.api.types.is_numeric_dtype(probe[id_column])),
        normalize=normalize,
        version=version,
        outcome_column=spec.outcome_column,
        numeric_columns=frozenset(
            str(c)
            for c in probe.columns
            if c not in model.categories and pd.api.types.is_numeric_dtype(probe[c]) and c != id_column
        ),
    )
