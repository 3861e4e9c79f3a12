"""The bundle: a fitted model, the decisions to explain, reference data and the spec.

A bundle is immutable input. It is loaded from a directory (:func:`~explain.bundle.load_bundle`)
or built in memory (:meth:`Bundle.from_estimator`), and written with
:func:`~explain.bundle.write_bundle`. Its :attr:`Bundle.fingerprint` hashes the canonical
spec, the model and the data (:mod:`._fingerprint`), so caches keyed on it never serve a
stale result after any of them changes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from explain.bundle._spec import Spec
from explain.bundle._spec_parse import parse_spec
from explain.errors import (
    BundleError,
    DecisionNotFoundError,
    ExplainError,
    InvalidParameterError,
    OutcomesMissingError,
)
from explain.models._base import ModelAdapter
from explain.models._registry import adapt_estimator

if TYPE_CHECKING:
    from explain.bundle._profile import PopulationProfile
    from explain.bundle._sql import SqlDecisions

TableName = Literal["decisions", "reference", "current"]
TABLES: tuple[TableName, ...] = ("decisions", "reference", "current")


@dataclass(frozen=True, eq=False)
class Bundle:
    """A model with its data and spec. Tables are indexed by id (strings); treat them as read-only.

    A bundle whose decisions come from a database query holds no decisions frame
    (``decisions_frame`` is None) but :attr:`sql`, which pages, filters and fetches rows by id
    in the database; :attr:`decisions` reads the whole query only when something needs every
    row, and :meth:`rows` never does.
    """

    spec: Spec
    model: ModelAdapter
    decisions_frame: pd.DataFrame | None
    reference: pd.DataFrame | None
    current: pd.DataFrame | None
    fingerprint: str
    key: str
    path: Path | None = None
    sql: SqlDecisions | None = None

    _whole_lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_whole_lock", threading.Lock())  # before any thread can ask for it

    def __getstate__(self) -> dict[str, Any]:
        """Sent to another process (a Dask worker) without the lock and a whole query's rows."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_whole_lock", "_whole_decisions")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "_whole_lock", threading.Lock())

    @property
    def decisions(self) -> pd.DataFrame:
        """Every decision (a database query is read whole on first use, once per bundle object)."""
        if self.decisions_frame is not None:
            return self.decisions_frame
        with self._whole_lock:
            if "_whole_decisions" not in self.__dict__:
                assert self.sql is not None
                chunks = list(self.sql.chunks())
                self.__dict__["_whole_decisions"] = pd.concat(chunks) if chunks else self.sql.rows([])
        return self.__dict__["_whole_decisions"]  # type: ignore[no-any-return]

    @property
    def decision_count(self) -> int:
        """How many decisions there are (counted by the database for a query)."""
        return self.sql.count() if self.decisions_frame is None and self.sql is not None else len(self.decisions)

    def rows(self, name: TableName | str, ids: Sequence[str]) -> pd.DataFrame:
        """The rows of a table with these ids, in that order, without reading the rest of a
        database query; :class:`DecisionNotFoundError` names the first unknown id."""
        wanted = [str(i) for i in ids]
        if name == "decisions" and self.decisions_frame is None and self.sql is not None:
            return self.sql.rows(wanted, where=f"the decisions of bundle {self.key!r}")
        frame = self.table(name)
        missing = [i for i in wanted if i not in frame.index]
        if missing:
            raise DecisionNotFoundError(f"id {missing[0]!r} is not in the {name} table of bundle {self.key!r}.")
        return frame.loc[wanted]

    @property
    def name(self) -> str:
        """The bundle's display name from the spec."""
        return self.spec.name

    @property
    def features(self) -> tuple[str, ...]:
        """The model inputs, in the model's order."""
        return self.model.feature_names

    def table(self, name: TableName | str) -> pd.DataFrame:
        """One of the bundle's tables by name; raise a clear error if the bundle lacks it."""
        frame = getattr(self, check_table_name(name))  # the decisions of a query: read whole
        if frame is None:
            raise BundleError(f"bundle {self.key!r} has no {name} table.")
        return frame  # type: ignore[no-any-return]

    @cached_property
    def profile(self) -> PopulationProfile:
        """Where values sit in :attr:`population` (computed once per bundle object, on first use)."""
        from explain.bundle._profile import compute_profile

        return compute_profile(self)

    @property
    def population(self) -> pd.DataFrame:
        """The rows percentiles are measured against: the reference data, else the decisions."""
        return self.reference if self.reference is not None else self.decisions

    @property
    def population_table(self) -> TableName:
        """The name of :attr:`population`: ``"reference"``, else ``"decisions"``."""
        return "reference" if self.reference is not None else "decisions"

    @property
    def population_name(self) -> str:
        """Which table :attr:`population` is, in words."""
        return "reference data" if self.reference is not None else "decisions (no reference data in this bundle)"

    def outcomes(self, name: TableName = "reference") -> pd.Series:
        """Known outcomes of a table (0/1 for a binary model, class names for a multiclass one, the
        target for a regression); raise :class:`OutcomesMissingError` when there are none."""
        frame = getattr(self, name)
        col = self.spec.outcome_column
        if frame is None:
            raise OutcomesMissingError(
                f"bundle {self.key!r} has no {name} data, so there are no outcomes to measure against; "
                "add reference.parquet with an outcome column."
            )
        if col is None or col not in frame.columns:
            raise OutcomesMissingError(
                f"the {name} data of bundle {self.key!r} has no outcome column"
                + (f" {col!r}" if col else " (set outcome_column in bundle.toml)")
                + "; outcomes are needed for this."
            )
        known = frame[col].dropna()
        if known.empty:
            raise OutcomesMissingError(f"no outcomes are known in the {name} data of bundle {self.key!r}.")
        if self.model.task == "binary":
            return known.astype(int)
        return known.astype(float) if self.model.task == "regression" else known.astype(str)

    @classmethod
    def from_estimator(
        cls,
        model: Any,
        decisions: pd.DataFrame,
        *,
        id_column: str | None = None,
        outcome_column: str | None = None,
        reference: pd.DataFrame | None = None,
        current: pd.DataFrame | None = None,
        spec: Spec | Mapping[str, Any] | None = None,
        key: str = "model",
    ) -> Bundle:
        """Build a bundle in memory from a fitted model and DataFrames.

        Without a spec the defaults apply: threshold 0.5, the favourable side below it,
        verdicts "Above threshold"/"Below threshold", score label "score", labels from column
        names, nothing sensitive, recourse off. Without ``id_column`` the frame's index
        becomes the id.

        Examples
        --------
        >>> import pandas as pd
        >>> from sklearn.linear_model import LogisticRegression
        >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3], "b": [1.0, 0, 1, 0]})
        >>> m = LogisticRegression().fit(X, [0, 0, 1, 1])
        >>> Bundle.from_estimator(m, X).spec.decision.threshold
        0.5
        """
        from explain.bundle._assemble import assemble

        base = spec if isinstance(spec, Spec) else parse_spec(dict(spec or {}), source="spec")
        frames: dict[TableName, pd.DataFrame | None] = {
            "decisions": decisions,
            "reference": reference,
            "current": current,
        }
        if id_column is None:
            named = spec is not None and base.id_column in (*decisions.columns, decisions.index.name)
            id_column = base.id_column if named else "id"
            if id_column not in decisions.columns:
                frames = {k: None if v is None else v.rename_axis(id_column).reset_index() for k, v in frames.items()}
        adapter = adapt_estimator(model)
        task = base.task if spec is not None and "task" in _given(spec) else adapter.task  # unsaid: the model's
        base = replace(base, id_column=id_column, outcome_column=outcome_column or base.outcome_column, task=task)
        problems: list[ExplainError] = []
        bundle = assemble(
            base,
            adapter,
            frames,
            source="spec",
            table_sources={name: f"the {name}" for name in TABLES},
            key=key,
            path=None,
            problems=problems,
        )
        if problems or bundle is None:
            raise problems[0]
        return bundle


def _given(spec: Spec | Mapping[str, Any]) -> set[str]:
    """The top-level fields a caller set: all of a Spec's, a mapping's own keys."""
    return set(spec) if isinstance(spec, Mapping) else {"task"}


def check_table_name(name: object) -> TableName:
    """``name`` if it names one of a bundle's tables, else :class:`InvalidParameterError`."""
    if name not in TABLES:
        raise InvalidParameterError(f"table must be one of {', '.join(TABLES)}; got {name!r}.")
    return name  # type: ignore[return-value]


def slugify(text: str) -> str:
    """A short URL-safe key from a name: lower case letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40] or "bundle"
