"""Checking a bundle's tables against its spec and model, and putting them in one shape.

Each table becomes a copy indexed by string ids, with numeric inputs holding finite numbers
or nothing. Problems are collected, not raised, so ``explain validate`` lists them all, each
naming the file, the column and the first offending ids.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from explain.bundle._spec import Spec
from explain.bundle._task_rules import check_classes

if TYPE_CHECKING:
    from explain.bundle._bundle import TableName
from explain.errors import BundleError, ExplainError, FeatureNotFoundError, SpecError
from explain.models._base import ModelAdapter

#: Rows of each table explained (additivity checked) when a bundle is assembled.
EXPLAIN_PROBE_ROWS = 20


def text_values(column: pd.Series) -> np.ndarray:
    """A column as an object array of strings, ``None`` where missing; whole floats lose ``.0``."""

    def one(value: object) -> str | None:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        return str(value)

    if isinstance(column.dtype, pd.CategoricalDtype):  # each category once, then by code (-1: missing)
        texts = np.asarray([*(one(v) for v in column.cat.categories.astype("object")), None], dtype=object)
        return np.asarray(texts[column.cat.codes.to_numpy()], dtype=object)
    return np.asarray([one(v) for v in column.astype("object").to_numpy()], dtype=object)


def match_input_names(
    adapter: ModelAdapter, columns: pd.Index, where: str, problems: list[ExplainError]
) -> ModelAdapter:
    """The adapter with its inputs named as the data names them.

    LightGBM turns each space in a column name into ``_`` and keeps only the new name in the
    model, so a model trained on ``credit amount`` expects ``credit_amount``. Such inputs are
    matched to the user's column (and the spec uses the user's name); a table holding both
    spellings is ambiguous and refused.
    """
    renames: dict[str, str] = {}
    names = [str(c) for c in columns]
    for model_name in adapter.feature_names:
        spellings = [c for c in names if c.replace(" ", "_") == model_name]
        if len(spellings) > 1:
            problems.append(
                BundleError(
                    f"{where}: the columns {' and '.join(repr(c) for c in spellings)} both match the model input "
                    f"{model_name!r} (LightGBM stores spaces in names as '_'); rename or drop one of them."
                )
            )
        elif spellings and spellings[0] != model_name:
            renames[model_name] = spellings[0]
    return adapter.renamed(renames) if renames else adapter


def check_spec_against_model(spec: Spec, adapter: ModelAdapter, source: str, problems: list[ExplainError]) -> Spec:
    """Refuse a task the model was not trained for and spec features that are not model inputs;
    add default entries for unlisted inputs."""
    if spec.task != adapter.task:
        problems.append(
            SpecError(
                f"{source}: task = {spec.task!r}, but the model is {adapter.what_it_is}; "
                f"set task = {adapter.task!r}" + (" (binary is the default)." if spec.task == "binary" else ".")
            )
        )
    elif adapter.task == "multiclass":
        check_classes(spec.classes, adapter.classes, source, problems)
    inputs = set(adapter.feature_names)
    for name in spec.features:
        if name not in inputs:
            problems.append(
                SpecError(
                    f"{source}: [features.{name}] is not an input of the model; the model's inputs are "
                    f"{', '.join(adapter.feature_names)}. Move it to [columns] or fix its name."
                )
            )
    for name in spec.columns:
        if name in inputs:
            problems.append(
                SpecError(
                    f"{source}: [columns.{name}] is a model input; list it under [features.{name}] instead "
                    "(with sensitive = true if it is sensitive)."
                )
            )
    return spec.with_features(list(adapter.feature_names))


def normalize_table(
    frame: pd.DataFrame,
    spec: Spec,
    adapter: ModelAdapter,
    where: str,
    problems: list[ExplainError],
    table: str,
) -> pd.DataFrame | None:
    """Check a table against spec and model; return a copy indexed by string ids."""
    before = len(problems)
    id_col = spec.id_column
    if id_col not in frame.columns:
        problems.append(
            BundleError(
                f"{where}: the id column {id_col!r} (id_column in the spec) is missing; the columns are "
                f"{', '.join(map(str, frame.columns[:12]))}."
            )
        )
        return None
    if len(frame) == 0:
        problems.append(
            BundleError(f"{where}: the table has no rows; a bundle needs at least one row in each of its tables.")
        )
        return None
    ids = frame[id_col]
    if ids.isna().any():
        problems.append(BundleError(f"{where}: {int(ids.isna().sum())} rows have no id in column {id_col!r}."))
    str_ids = ids.astype("string").astype(object)
    dup = str_ids[str_ids.duplicated()]
    if len(dup):
        problems.append(
            BundleError(f"{where}: ids must be unique, but {dup.iloc[0]!r} appears more than once in {id_col!r}.")
        )
    missing = [f for f in adapter.feature_names if f not in frame.columns]
    if missing:
        problems.append(
            FeatureNotFoundError(
                f"{where}: the model input {missing[0]!r} is missing from the data"
                + (f" (also {', '.join(missing[1:4])})" if len(missing) > 1 else "")
                + f"; the data has {', '.join(map(str, frame.columns[:15]))}. Was a column renamed?"
            )
        )
    for name in spec.columns:
        if name not in frame.columns and table == "decisions":
            problems.append(
                BundleError(f"{where}: the spec lists [columns.{name}] but the data has no column {name!r}.")
            )
    out_col = spec.outcome_column
    if out_col is not None and out_col in frame.columns:
        problem = _outcome_problem(frame[out_col], adapter)
        if problem is not None:
            problems.append(BundleError(f"{where}: the outcome column {out_col!r} {problem}"))
    if len(problems) > before:
        return None
    out = frame.copy()
    out.index = pd.Index(str_ids.to_numpy(), name=id_col)
    if not _check_inputs(out, adapter, where, problems):
        return None
    out = out.drop(columns=[id_col])
    if out_col is not None and out_col in out.columns:
        out[out_col] = outcome_values(out[out_col], adapter)
    try:
        adapter.prepare(out.head(5), where=where)
    except ExplainError as err:
        problems.append(err)
        return None
    return out


def _first_ids(index: pd.Index, mask: np.ndarray) -> str:
    bad = index[mask]
    shown = ", ".join(repr(str(i)) for i in bad[:3])
    return f"{len(bad):,} rows, first the ids {shown}" if len(bad) > 1 else f"the row with id {shown}"


def _check_inputs(out: pd.DataFrame, adapter: ModelAdapter, where: str, problems: list[ExplainError]) -> bool:
    """Numeric model inputs must hold finite numbers or nothing; nullable integers become floats.

    Changes ``out`` in place (a copy the caller owns); returns whether the inputs are usable.
    """
    ok = True
    for name in adapter.feature_names:
        if name not in out.columns or name in adapter.categories:
            continue
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_timedelta64_dtype(column):
            problems.append(
                BundleError(
                    f"{where}: column {name!r} holds dates or durations ({column.dtype}), but the model reads it as a "
                    "number; store the number the model was trained on (for example days since an event)."
                )
            )
            ok = False
            continue
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            values = column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        else:
            text = column.astype("object")
            values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
            bad = text.notna().to_numpy() & np.isnan(values)
            if bad.any():
                example = str(text[bad].iloc[0])[:40]
                problems.append(
                    BundleError(
                        f"{where}: column {name!r} should hold numbers, but {_first_ids(out.index, bad)} "
                        f"{'holds' if bad.sum() == 1 else 'hold text such as'} {example!r}."
                    )
                )
                ok = False
                continue
        infinite = np.isinf(values)
        if infinite.any():
            problems.append(
                BundleError(
                    f"{where}: column {name!r} holds infinite values ({_first_ids(out.index, infinite)}); replace "
                    "them with real numbers, or leave the cells empty where the value is unknown."
                )
            )
            ok = False
            continue
        if (
            isinstance(column.dtype, pd.api.extensions.ExtensionDtype)
            or not pd.api.types.is_numeric_dtype(column)
            or (pd.api.types.is_bool_dtype(column))
        ):
            out[name] = values  # nullable integers, booleans and numbers stored as text: plain floats, NaN missing
    return ok


def _check_missing_values(
    adapter: ModelAdapter, tables: Mapping[TableName, pd.DataFrame | None], problems: list[ExplainError]
) -> None:
    """An input with missing values must be one the model accepts missing (tried on one row)."""
    for name in adapter.feature_names:
        where = [(t, f) for t, f in tables.items() if f is not None and bool(f[name].isna().any())]
        if not where:
            continue
        table, frame = where[0]
        if not adapter.accepts_missing(name, frame.head(1)):
            missing = frame[name].isna().to_numpy()
            problems.append(
                BundleError(
                    f"the {table} table leaves {name!r} empty in {_first_ids(frame.index, missing)}, but the model "
                    "cannot score a row without it; fill the values, or add an imputer to the model's pipeline."
                )
            )


def check_explainable(
    source: str,
    spec: Spec,
    adapter: ModelAdapter,
    tables: Mapping[TableName, pd.DataFrame | None],
    problems: list[ExplainError],
) -> None:
    """Explain a few rows of each table and check additivity, so a model the app cannot
    explain is refused at the door rather than on the first page."""
    from explain.attribution._shap import shap_values
    from explain.bundle._bundle import Bundle

    decisions = tables["decisions"]
    assert decisions is not None
    _check_missing_values(adapter, tables, problems)
    if problems:
        return
    probe = Bundle(spec, adapter, decisions, tables["reference"], tables["current"], "probe", "probe")
    for name, frame in tables.items():
        if frame is None:
            continue
        try:
            shap_values(probe, list(frame.index[:EXPLAIN_PROBE_ROWS]), data=name)
        except ExplainError as err:
            problems.append(ExplainError(f"{source}: the model's explanations fail on the {name} table: {err}"))
        except Exception as err:  # a model or pipeline that breaks while being explained
            problems.append(
                ExplainError(
                    f"{source}: the model cannot be explained on the {name} table ({type(err).__name__}: {err})."
                )
            )


def outcome_values(column: pd.Series, adapter: ModelAdapter) -> pd.Series:
    """Known outcomes as the task reads them: numbers (binary 0/1, a regression's target), or
    the model's class names as text (multiclass); missing stays missing."""
    if adapter.task != "multiclass":
        return pd.to_numeric(column.astype("object"), errors="coerce").astype(float)
    return column.astype("object").map(_class_name).where(column.notna(), None)


def _class_name(value: object) -> str:
    """A class as the model names it: 2.0 read from a file is the class "2"."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _outcome_problem(column: pd.Series, adapter: ModelAdapter) -> str | None:
    """What is wrong with an outcome column for the model's task, or None."""
    known = column.notna()
    if adapter.task == "multiclass":
        names = column[known].astype("object").map(_class_name)
        bad = ~names.isin(adapter.classes)
        if bad.any():
            return (
                f"must hold the model's classes ({', '.join(adapter.classes)}) or be empty where unknown; "
                f"found {column[known][bad].iloc[0]!r}."
            )
        return None
    values = pd.to_numeric(column.astype("object"), errors="coerce")
    if adapter.task == "regression":
        bad = known & ~np.isfinite(values.astype(float))
        if bad.any():
            return f"must hold finite numbers (or be empty where unknown); found {column[bad].iloc[0]!r}."
        return None
    bad = known & ~values.isin([0, 1])
    if bad.any():
        return f"must hold 0 and 1 (or be empty where unknown); found {column[bad].iloc[0]!r}."
    return None
