"""Reading ``bundle.toml`` (or a spec mapping): every field checked, every problem reported.

Parsing validates every field and reports :class:`~explain.errors.SpecError` naming the
file and the field, so a user can fix the file without reading code; it reads on past a
problem so that ``explain validate`` lists them all in one run.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any, cast

from explain._params import threshold_problem
from explain._task import TASKS, Task
from explain.bundle._spec import (
    CHANGES,
    EFFECTS,
    KINDS,
    SCHEMA_VERSION,
    SIDES,
    Change,
    ColumnSpec,
    DecisionRule,
    Effect,
    FeatureSpec,
    Kind,
    Side,
    Spec,
    SqlSource,
)
from explain.bundle._task_rules import parse_class_rules, parse_target_rules
from explain.errors import SpecError

_TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "schema_version": int,
    "name": str,
    "task": str,
    "model": str,
    "decisions": (str, dict),
    "reference": (str, dict),
    "current": (str, dict),
    "id_column": str,
    "outcome_column": str,
    "score_label": str,
    "favorable": str,
    "decision": dict,
    "recourse": bool,
    "recourse_off_reason": str,
    "features": dict,
    "columns": dict,
    "outcome_labels": dict,
    "classes": dict,
    "target": dict,
    "reference_split": (int, float),
}
_DECISION_KEYS: dict[str, type | tuple[type, ...]] = {
    "threshold": (int, float),
    "above": str,
    "below": str,
}
_SQL_KEYS: dict[str, type | tuple[type, ...]] = {
    "sql": str,
    "connection": str,
    "version_query": str,
    "refresh_seconds": (int, float),
    "sort_by": str,
}
_FEATURE_KEYS: dict[str, type | tuple[type, ...]] = {
    "label": str,
    "unit": str,
    "description": str,
    "decimals": int,
    "actionable": bool,
    "change": str,
    "expected_effect": str,
    "reason": str,
    "reason_favorable": str,
    "reason_low": str,
    "reason_high": str,
    "kind": str,
    "scale": (int, float),
    "step": (int, float),
    "sensitive": bool,
}
_COLUMN_KEYS: dict[str, type | tuple[type, ...]] = {
    "label": str,
    "unit": str,
    "description": str,
    "sensitive": bool,
    "engineers_only": bool,
}


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _check_table(
    table: Mapping[str, Any],
    allowed: Mapping[str, type | tuple[type, ...]],
    where: str,
    source: str,
    problems: list[SpecError],
) -> dict[str, Any]:
    """The entries of ``table`` with a known key and the right type; every other entry is a problem."""
    good: dict[str, Any] = {}
    for key, value in table.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                SpecError(
                    f"{source}: unknown key {key!r} in {where}{hint} Expected one of: {', '.join(sorted(allowed))}."
                )
            )
            continue
        kind = allowed[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; never accept true/false where a number is meant
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if wrong_bool or not isinstance(value, kinds):
            problems.append(
                SpecError(
                    f"{source}: {_dotted(where, key)} must be {_type_name(kind)}, got {type(value).__name__} {value!r}."
                )
            )
            continue
        good[key] = value
    return good


def _dotted(where: str, key: str) -> str:
    """The dotted path of a field: ``decision.threshold``, ``features.x.change``, ``recourse``."""
    table = where.strip("[]")
    return key if table == "the top level" else f"{table}.{key}"


def _choice(
    value: str, choices: tuple[str, ...], field_name: str, source: str, problems: list[SpecError], default: str
) -> str:
    if value not in choices:
        problems.append(SpecError(f"{source}: {field_name} must be one of {', '.join(choices)}; got {value!r}."))
        return default
    return value


def parse_spec(raw: Mapping[str, Any], *, source: str = "spec") -> Spec:
    """Validate a spec mapping (the parsed ``bundle.toml``) and return a :class:`Spec`.

    ``source`` names the file in error messages; the first problem is raised as a
    :class:`SpecError` (:func:`check_spec` lists them all).

    Examples
    --------
    >>> spec = parse_spec({"id_column": "id", "decision": {"threshold": 0.3}})
    >>> spec.decision.verdict(0.3)
    'Above threshold'
    """
    spec, problems = check_spec(raw, source=source)
    if problems:
        raise problems[0]
    return spec


def check_spec(raw: Mapping[str, Any], *, source: str = "spec") -> tuple[Spec, list[SpecError]]:
    """Every problem of a spec mapping, and the spec read from what is valid (defaults elsewhere).

    Reading on past a problem lets ``explain validate`` report a misspelt key and a wrong
    ``id_column`` in one run.
    """
    problems: list[SpecError] = []
    if not isinstance(raw, Mapping):
        return Spec(), [SpecError(f"{source}: the spec must be a table of keys, got {type(raw).__name__}.")]
    top = _check_table(raw, _TOP_KEYS, "the top level", source, problems)
    version = top.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        problems.append(
            SpecError(f"{source}: schema_version {version} is not supported; this library reads version 1.")
        )
    task = _choice(top.get("task", "binary"), TASKS, "task", source, problems, "binary")
    favorable = _choice(top.get("favorable", "below"), SIDES, "favorable", source, problems, "below")
    rule = _parse_decision(top.get("decision", {}), source, problems)
    features = _parse_features(top.get("features", {}), source, problems)
    columns = _parse_columns(top.get("columns", {}), features, source, problems)
    outcome_labels = _parse_outcome_labels(top.get("outcome_labels", {}), source, problems)
    classes = parse_class_rules(top.get("classes", {}), source, problems)
    target = parse_target_rules(top.get("target", {}), source, problems)
    for table, needs in (("classes", "multiclass"), ("target", "regression")):
        if table in top and task != needs:
            problems.append(
                SpecError(f"{source}: [{table}] describes a {needs} model, but task = {task!r}; remove it or fix task.")
            )
    for field_name in ("model", "decisions", "reference", "current"):
        value = top.get(field_name)
        if isinstance(value, str) and (not value or PurePath(value).is_absolute() or ".." in PurePath(value).parts):
            problems.append(
                SpecError(
                    f"{source}: {field_name} = {value!r} must name a file inside the bundle directory "
                    "(a plain file name, no absolute path and no '..')."
                )
            )
            top.pop(field_name)
    for field_name in ("decisions", "reference", "current"):
        if isinstance(top.get(field_name), Mapping):
            sql = _parse_sql_source(top.pop(field_name), field_name, source, problems)
            if sql is not None:
                top[field_name] = sql
    spec = Spec(
        name=top.get("name", "Model"),
        task=cast("Task", task),
        model=top.get("model", "model.txt"),
        decisions=top.get("decisions", "decisions.parquet"),
        reference=top.get("reference"),
        current=top.get("current"),
        id_column=top.get("id_column", "id"),
        outcome_column=top.get("outcome_column"),
        score_label=top.get("score_label", "score"),
        favorable=cast(Side, favorable),
        decision=rule,
        recourse=top.get("recourse", False),
        recourse_off_reason=top.get("recourse_off_reason", ""),
        features=features,
        columns=columns,
        outcome_labels=outcome_labels,
        classes=classes,
        target=target,
        reference_split=_reference_split(top.get("reference_split"), source, problems),
        schema_version=SCHEMA_VERSION,
    )
    return spec, problems


def _parse_sql_source(raw: Mapping[str, Any], table: str, source: str, problems: list[SpecError]) -> SqlSource | None:
    """``{ sql = "SELECT …", connection = "name", … }``: a table read from a database."""
    if "url" in raw or "password" in raw:
        problems.append(
            SpecError(
                f"{source}: {table} holds a connection URL or password; keep those out of bundle.toml. Name the "
                f'connection (connection = "decisions_db") and put its URL in .streamlit/secrets.toml under '
                '[connections.decisions_db] url = "…", or in the environment variable EXPLAIN_CONNECTION_DECISIONS_DB.'
            )
        )
        raw = {k: v for k, v in raw.items() if k not in ("url", "password")}
    entries = _check_table(raw, _SQL_KEYS, f"{table} = {{ … }}", source, problems)
    missing = [k for k in ("sql", "connection") if not str(entries.get(k, "")).strip()]
    if missing:
        problems.append(
            SpecError(
                f"{source}: {table} read from a database needs {' and '.join(missing)}: "
                f'{table} = {{ sql = "SELECT … FROM applications", connection = "decisions_db" }}.'
            )
        )
        return None
    refresh = entries.get("refresh_seconds", 60.0)
    if isinstance(refresh, bool) or not refresh > 0:
        problems.append(SpecError(f"{source}: {table}.refresh_seconds must be a positive number; got {refresh!r}."))
        refresh = 60.0
    for key in ("sort_by", "version_query"):
        if key in entries and table != "decisions":
            problems.append(
                SpecError(f"{source}: {key} applies to the decisions query only (the {table} query is read whole).")
            )
    return SqlSource(
        sql=str(entries["sql"]).strip().rstrip(";").strip(),
        connection=str(entries["connection"]),
        version_query=entries.get("version_query"),
        refresh_seconds=float(refresh),
        sort_by=entries.get("sort_by"),
    )


def _reference_split(raw: Any, source: str, problems: list[SpecError]) -> float | None:
    """``reference_split``: the share of the decisions file drawn as the reference, strictly between 0 and 1."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 < raw < 1:
        problems.append(SpecError(f"{source}: reference_split must lie strictly between 0 and 1; got {raw!r}."))
        return None
    return float(raw)


def _parse_outcome_labels(raw: Mapping[str, Any], source: str, problems: list[SpecError]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, value in raw.items():
        if str(key) not in ("0", "1"):
            problems.append(SpecError(f"{source}: outcome_labels may name outcomes 1 and 0 only; got {key!r}."))
        elif not isinstance(value, str) or not value.strip():
            problems.append(SpecError(f"{source}: outcome_labels.{key} must be a non-empty string; got {value!r}."))
        else:
            labels[str(key)] = value
    if len(labels) == 1:
        problems.append(SpecError(f"{source}: outcome_labels must name both outcomes, 1 and 0."))
    return labels


def _parse_decision(raw: Any, source: str, problems: list[SpecError]) -> DecisionRule:
    table = _check_table(raw, _DECISION_KEYS, "[decision]", source, problems)
    threshold = table.get("threshold", 0.5)
    problem = threshold_problem(threshold)
    if problem is not None:
        problems.append(SpecError(f"{source}: decision.threshold {problem}"))
        threshold = 0.5
    return DecisionRule(
        threshold=threshold,
        above=table.get("above", "Above threshold"),
        below=table.get("below", "Below threshold"),
    )


def _parse_features(raw: Any, source: str, problems: list[SpecError]) -> dict[str, FeatureSpec]:
    features: dict[str, FeatureSpec] = {}
    for name, entry in raw.items():
        where = f"[features.{name}]"
        if not isinstance(entry, Mapping):
            problems.append(SpecError(f"{source}: {where} must be a table, got {type(entry).__name__}."))
            continue
        table = _check_table(entry, _FEATURE_KEYS, where, source, problems)
        change = _choice(table.get("change", "any"), CHANGES, _dotted(where, "change"), source, problems, "any")
        effect = table.get("expected_effect")
        if effect is not None and effect not in EFFECTS:
            _choice(effect, EFFECTS, _dotted(where, "expected_effect"), source, problems, "")
            effect = None
        decimals = table.get("decimals")
        if decimals is not None and not 0 <= decimals <= 10:
            problems.append(
                SpecError(f"{source}: {_dotted(where, 'decimals')} must be between 0 and 10; got {decimals}.")
            )
            decimals = None
        kind = table.get("kind")
        if kind is not None and kind not in KINDS:
            _choice(kind, KINDS, _dotted(where, "kind"), source, problems, "")
            kind = None
        scale = table.get("scale")
        if scale is not None and float(scale) not in (1.0, 100.0):
            problems.append(
                SpecError(f"{source}: {_dotted(where, 'scale')} must be 1 (stored as 0–1) or 100 (0–100); got {scale}.")
            )
            scale = None
        step = table.get("step")
        if step is not None and not float(step) > 0:
            problems.append(SpecError(f"{source}: {_dotted(where, 'step')} must be a positive number; got {step}."))
            step = None
        features[name] = FeatureSpec(
            name=name,
            label=table.get("label", name),
            unit=table.get("unit", ""),
            description=table.get("description", ""),
            decimals=decimals,
            kind=cast("Kind | None", kind),
            scale=None if scale is None else float(scale),
            step=None if step is None else float(step),
            actionable=table.get("actionable", False),
            change=cast(Change, change),
            expected_effect=cast("Effect | None", effect),
            reason=table.get("reason", ""),
            reason_favorable=table.get("reason_favorable", ""),
            reason_low=table.get("reason_low", ""),
            reason_high=table.get("reason_high", ""),
            sensitive=table.get("sensitive", False),
        )
    return features


def _parse_columns(
    raw: Any, features: Mapping[str, FeatureSpec], source: str, problems: list[SpecError]
) -> dict[str, ColumnSpec]:
    columns: dict[str, ColumnSpec] = {}
    for name, entry in raw.items():
        where = f"[columns.{name}]"
        if not isinstance(entry, Mapping):
            problems.append(SpecError(f"{source}: {where} must be a table, got {type(entry).__name__}."))
            continue
        table = _check_table(entry, _COLUMN_KEYS, where, source, problems)
        if name in features:
            problems.append(SpecError(f"{source}: {name!r} is listed both under [features] and [columns]; keep one."))
            continue
        columns[name] = ColumnSpec(
            name=name,
            label=table.get("label", name),
            unit=table.get("unit", ""),
            description=table.get("description", ""),
            sensitive=table.get("sensitive", False),
            engineers_only=table.get("engineers_only", False),
        )
    return columns
