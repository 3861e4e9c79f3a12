"""The bundle spec: the schema of ``bundle.toml`` and its validation.

A spec says what the model's inputs mean to people (labels, units, reasons), where the
decision threshold lies and which side of it is good for the person, and which other
columns exist (some of them sensitive). Parsing validates every field and raises
:class:`~explain.errors.SpecError` naming the file and the field, so a user can fix the
file without reading code.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from pandas import NA as _NA

from explain._task import Task
from explain.bundle._task_rules import ClassRules, TargetRules

Side = Literal["above", "below"]
Change = Literal["increase_only", "decrease_only", "any"]
Effect = Literal["increases", "decreases"]
Kind = Literal["amount", "count", "ratio", "percent", "duration"]

SCHEMA_VERSION = 1
SIDES: tuple[Side, ...] = ("above", "below")
CHANGES: tuple[Change, ...] = ("increase_only", "decrease_only", "any")
EFFECTS: tuple[Effect, ...] = ("increases", "decreases")
KINDS: tuple[Kind, ...] = ("amount", "count", "ratio", "percent", "duration")
UNKNOWN_OUTCOME = "Not known yet"


@dataclass(frozen=True)
class FeatureSpec:
    """What one model input means: label, unit and how to write it, reasons, what a person can change.

    ``kind``, ``decimals``, ``scale`` (a percent stored as 0–1 has scale 1, as 0–100 scale
    100) and ``step`` (what an input box steps by) are inferred from the reference data where
    the spec leaves them out, so every page writes the same input the same way.
    ``reason_low`` and ``reason_high`` describe a value below and above the reference median;
    ``reason`` and ``reason_favorable`` (the adverse and the favourable statement) serve
    instead where ``expected_effect`` says which side each describes. A sensitive input is
    never given as a reason and never changed by a suggestion.
    """

    name: str
    label: str
    unit: str = ""
    description: str = ""
    decimals: int | None = None
    kind: Kind | None = None
    scale: float | None = None
    step: float | None = None
    actionable: bool = False
    change: Change = "any"
    expected_effect: Effect | None = None
    reason: str = ""
    reason_favorable: str = ""
    reason_low: str = ""
    reason_high: str = ""
    sensitive: bool = False


@dataclass(frozen=True)
class ColumnSpec:
    """A column of the data that is not a model input (shown, filtered, maybe sensitive)."""

    name: str
    label: str
    unit: str = ""
    description: str = ""
    sensitive: bool = False
    engineers_only: bool = False  # left out of what a viewer sees where sign-in is on


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
class SqlSource:
    """A table read from a database instead of a file.

    ``connection`` names a connection whose URL lives outside the spec (an environment
    variable or ``.streamlit/secrets.toml``, see :func:`~explain.bundle.connection_url`), so a
    spec can be shared without its password. ``version_query`` returns one value that changes
    whenever the data does (for example ``SELECT max(updated_at) FROM applications``); it is
    run at most every ``refresh_seconds``, and a new value is a new bundle fingerprint.
    ``sort_by`` is the stored column a decisions list is sorted by first (the id by default).
    """

    sql: str
    connection: str
    version_query: str | None = None
    refresh_seconds: float = 60.0
    sort_by: str | None = None


TableSource = str | SqlSource


@dataclass(frozen=True)
class Spec:
    """A validated bundle spec. Build one with :func:`parse_spec` or :meth:`Spec.default`."""

    name: str = "Model"
    task: Task = "binary"  # checked against what the model is when the bundle is assembled
    model: str = "model.txt"
    decisions: TableSource = "decisions.parquet"  # a file in the bundle directory, or a query
    reference: TableSource | None = None
    current: TableSource | None = None
    id_column: str = "id"
    outcome_column: str | None = None
    score_label: str = "score"
    favorable: Side = "below"
    decision: DecisionRule = field(default_factory=DecisionRule)
    recourse: bool = False
    recourse_off_reason: str = ""
    features: dict[str, FeatureSpec] = field(default_factory=dict)
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    outcome_labels: dict[str, str] = field(default_factory=dict)  # {"1": "Defaulted", "0": "Repaid"}
    classes: ClassRules = field(default_factory=ClassRules)  # multiclass: class words, order, rules
    target: TargetRules = field(default_factory=TargetRules)  # regression: what is estimated, bands
    reference_split: float | None = None  # the share of the decisions file drawn as the reference (not held out)
    schema_version: int = SCHEMA_VERSION

    @property
    def sql_sources(self) -> dict[str, SqlSource]:
        """The tables read from a database, by table name."""
        tables = {"decisions": self.decisions, "reference": self.reference, "current": self.current}
        return {name: source for name, source in tables.items() if isinstance(source, SqlSource)}

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
        """Names of the columns (not model inputs) marked sensitive."""
        return tuple(c.name for c in self.columns.values() if c.sensitive)

    @property
    def sensitive_features(self) -> tuple[str, ...]:
        """Names of the model inputs marked sensitive."""
        return tuple(f.name for f in self.features.values() if f.sensitive)

    def outcome_label(self, value: object) -> str:
        """A known outcome (1 or 0) in the spec's words; missing is "Not known yet".

        Without ``outcome_labels`` the words name the outcome column:
        ``Positive (defaulted = 1)`` and ``Negative (defaulted = 0)``.
        """
        if value is None or value != value or value is _NA:  # None, NaN, pd.NA
            return UNKNOWN_OUTCOME
        key = "1" if float(value) == 1 else "0"  # type: ignore[arg-type]
        if key in self.outcome_labels:
            return self.outcome_labels[key]
        column = self.outcome_column or "outcome"
        return f"Positive ({column} = 1)" if key == "1" else f"Negative ({column} = 0)"

    def with_features(self, names: list[str]) -> Spec:
        """A copy listing every model input, adding default entries for unlisted ones."""
        features = {n: self.feature(n) for n in names}
        return replace(self, features=features)

    def canonical_json(self) -> str:
        """A canonical text of what the spec says, for fingerprints: sorted keys, no whitespace.

        The file names (``model``, ``decisions``, …) are left out: the fingerprint hashes the
        model and tables themselves, wherever they are stored. A table read by a query keeps
        the query's text (its data are identified by the query's data version).
        """
        meaning = {k: v for k, v in asdict(self).items() if k not in ("model", "decisions", "reference", "current")}
        queries = {name: asdict(s) for name, s in self.sql_sources.items()}
        if queries:
            meaning["sql"] = queries
        return json.dumps(meaning, sort_keys=True, separators=(",", ":"), default=str)

    @classmethod
    def default(cls, **overrides: Any) -> Spec:
        """The documented defaults for a bundle built without a spec."""
        return cls(**overrides)
