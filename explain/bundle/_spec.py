"""The bundle spec: the schema of ``bundle.toml`` and its validation.

A spec says what the model's inputs mean to people (labels, units, reasons), where the
decision threshold lies and which side of it is good for the person, and which other
columns exist (some of them sensitive). Parsing validates every field and raises
:class:`~explain.errors.SpecError` naming the file and the field, so a user can fix the
file without reading code.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import PurePath
from typing import Any, Literal, cast

from explain._params import threshold_problem
from explain.errors import SpecError

Side = Literal["above", "below"]
Change = Literal["increase_only", "decrease_only", "any"]
Effect = Literal["increases", "decreases"]

SCHEMA_VERSION = 1
_SIDES = ("above", "below")
_CHANGES = ("increase_only", "decrease_only", "any")
_EFFECTS = ("increases", "decreases")


@dataclass(frozen=True)
class FeatureSpec:
    """What one model input means: label, unit, reasons and what a person can change."""

    name: str
    label: str
    unit: str = ""
    description: str = ""
    decimals: int | None = None
    actionable: bool = False
    change: Change = "any"
    expected_effect: Effect | None = None
    reason: str = ""
    reason_favorable: str = ""


@dataclass(frozen=True)
class ColumnSpec:
    """A column of the data that is not a model input (shown, filtered, maybe sensitive)."""

    name: str
    label: str
    unit: str = ""
    description: str = ""
    sensitive: bool = False


@dataclass(frozen=True)
class DecisionRule:
    """The threshold on the score and the verdict words on each side of it.

    A score equal to the threshold is on the ``above`` side.
    """

    threshold: float = 0.5
    above: str = "Above threshold"
    below: str = "Below threshold"

    def side(self, score: float) -> Side:
        """The side of the threshold ``score`` falls on (equal counts as above)."""
        return "above" if score >= self.threshold else "below"

    def verdict(self, score: float) -> str:
        """The verdict words for ``score``."""
        return self.above if self.side(score) == "above" else self.below


@dataclass(frozen=True)
class Spec:
    """A validated bundle spec. Build one with :func:`parse_spec` or :meth:`Spec.default`."""

    name: str = "Model"
    task: Literal["binary"] = "binary"
    model: str = "model.txt"
    decisions: str = "decisions.parquet"
    reference: str | None = None
    current: str | None = None
    id_column: str = "id"
    outcome_column: str | None = None
    score_label: str = "score"
    favorable: Side = "below"
    decision: DecisionRule = field(default_factory=DecisionRule)
    recourse: bool = False
    recourse_off_reason: str = ""
    features: dict[str, FeatureSpec] = field(default_factory=dict)
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    @property
    def adverse(self) -> Side:
        """The side of the threshold that is bad for the person."""
        return "above" if self.favorable == "below" else "below"

    def feature(self, name: str) -> FeatureSpec:
        """The spec of feature ``name``; an unlisted feature gets its name as label."""
        return self.features.get(name) or FeatureSpec(name=name, label=name)

    def label(self, name: str) -> str:
        """The human label of a feature or column, falling back to its name."""
        if name in self.features:
            return self.features[name].label
        if name in self.columns:
            return self.columns[name].label
        return name

    @property
    def sensitive_columns(self) -> tuple[str, ...]:
        """Names of the columns marked sensitive."""
        return tuple(c.name for c in self.columns.values() if c.sensitive)

    def with_features(self, names: list[str]) -> Spec:
        """A copy listing every model input, adding default entries for unlisted ones."""
        features = {n: self.feature(n) for n in names}
        return replace(self, features=features)

    def canonical_json(self) -> str:
        """A canonical text of what the spec says, for fingerprints: sorted keys, no whitespace.

        The file names (``model``, ``decisions``, …) are left out: the fingerprint hashes the
        model and tables themselves, wherever they are stored.
        """
        meaning = {k: v for k, v in asdict(self).items() if k not in ("model", "decisions", "reference", "current")}
        return json.dumps(meaning, sort_keys=True, separators=(",", ":"), default=str)

    @classmethod
    def default(cls, **overrides: Any) -> Spec:
        """The documented defaults for a bundle built without a spec."""
        return cls(**overrides)


_TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "schema_version": int,
    "name": str,
    "task": str,
    "model": str,
    "decisions": str,
    "reference": str,
    "current": str,
    "id_column": str,
    "outcome_column": str,
    "score_label": str,
    "favorable": str,
    "decision": dict,
    "recourse": bool,
    "recourse_off_reason": str,
    "features": dict,
    "columns": dict,
}
_DECISION_KEYS: dict[str, type | tuple[type, ...]] = {
    "threshold": (int, float),
    "above": str,
    "below": str,
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
}
_COLUMN_KEYS: dict[str, type | tuple[type, ...]] = {
    "label": str,
    "unit": str,
    "description": str,
    "sensitive": bool,
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
    task = top.get("task", "binary")
    if task != "binary":
        problems.append(
            SpecError(
                f"{source}: task {task!r} is not supported yet; only 'binary' classification is explained for now."
            )
        )
    favorable = _choice(top.get("favorable", "below"), _SIDES, "favorable", source, problems, "below")
    rule = _parse_decision(top.get("decision", {}), source, problems)
    features = _parse_features(top.get("features", {}), source, problems)
    columns = _parse_columns(top.get("columns", {}), features, source, problems)
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
    spec = Spec(
        name=top.get("name", "Model"),
        task="binary",
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
        schema_version=SCHEMA_VERSION,
    )
    return spec, problems


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
        change = _choice(table.get("change", "any"), _CHANGES, _dotted(where, "change"), source, problems, "any")
        effect = table.get("expected_effect")
        if effect is not None and effect not in _EFFECTS:
            _choice(effect, _EFFECTS, _dotted(where, "expected_effect"), source, problems, "")
            effect = None
        decimals = table.get("decimals")
        if decimals is not None and not 0 <= decimals <= 10:
            problems.append(
                SpecError(f"{source}: {_dotted(where, 'decimals')} must be between 0 and 10; got {decimals}.")
            )
            decimals = None
        features[name] = FeatureSpec(
            name=name,
            label=table.get("label", name),
            unit=table.get("unit", ""),
            description=table.get("description", ""),
            decimals=decimals,
            actionable=table.get("actionable", False),
            change=cast(Change, change),
            expected_effect=cast("Effect | None", effect),
            reason=table.get("reason", ""),
            reason_favorable=table.get("reason_favorable", ""),
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
        )
    return columns
