"""Tables read from a database through SQLAlchemy.

A bundle's spec names a query and a *connection*; the connection's URL lives outside the
spec (an environment variable or ``.streamlit/secrets.toml``), so a spec can be shared
without a password. The decisions query is never read whole to show a list:
:class:`SqlDecisions` counts, filters, sorts and pages it in the database and fetches rows by
id, so the first page of a table of millions costs one page of rows. Reference and current
queries are read whole (the global pages need every row of them).

Engines (connection pools) are kept per URL for the life of the process: they hold
connections, not results.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from explain.bundle._spec import SqlSource
from explain.errors import DataSourceError, DecisionNotFoundError, ExplainError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.sql import ColumnElement, Select, Subquery

#: Environment variable prefix of a connection URL: ``EXPLAIN_CONNECTION_DECISIONS_DB``.
CONNECTION_ENV_PREFIX = "EXPLAIN_CONNECTION_"
#: Environment variable naming a secrets file to read connections from (before the default places).
SECRETS_ENV = "EXPLAIN_SECRETS"
#: Rows read per round trip when a query is read whole or in batches.
SQL_CHUNK_ROWS = 20_000

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_rows_read = [0]


def rows_read() -> int:
    """Rows read from every database by this process so far (to check that a page reads a page)."""
    return _rows_read[0]


def _counted(frame: pd.DataFrame) -> pd.DataFrame:
    with _engines_lock:
        _rows_read[0] += len(frame)
    return frame


def connection_env_var(name: str) -> str:
    """The environment variable that may hold connection ``name``'s URL."""
    return CONNECTION_ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _secrets_files() -> list[Path]:
    named = os.environ.get(SECRETS_ENV)
    files = [Path(named)] if named else []
    return [*files, Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]


def connection_url(name: str) -> str:
    """Connection ``name``'s URL: the environment variable :func:`connection_env_var` names, else
    ``[connections.<name>] url = "…"`` in the secrets file (``$EXPLAIN_SECRETS``, then
    ``.streamlit/secrets.toml`` in the working directory, then in the home directory).

    Raises :class:`DataSourceError` saying where to put it when it is in neither.
    """
    variable = connection_env_var(name)
    if os.environ.get(variable):
        return os.environ[variable]
    for path in _secrets_files():
        if not path.is_file():
            continue
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise DataSourceError(f"{path}: the secrets file cannot be read ({err}).") from None
        entry = secrets.get("connections", {}).get(name)
        if isinstance(entry, dict) and isinstance(entry.get("url"), str) and entry["url"]:
            return str(entry["url"])
    raise DataSourceError(
        f"the connection {name!r} has no URL: set the environment variable {variable}, or add "
        f'[connections.{name}] with url = "…" to .streamlit/secrets.toml (SQLAlchemy URLs, such as '
        "sqlite:///decisions.db or postgresql://user:password@host/db)."
    )


def connection_identity(name: str) -> str:
    """A digest of connection ``name``'s URL (16 hex digits): part of a bundle's fingerprint, so
    pointing a connection at another database is another bundle. The URL itself is never shown."""
    import hashlib

    return hashlib.sha256(connection_url(name).encode("utf-8")).hexdigest()[:16]


def safe_url(url: str) -> str:
    """A URL fit for a message: the password hidden."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(an unreadable URL)"


def engine_for(name: str) -> Engine:
    """The engine (connection pool) of connection ``name``; one per URL per process."""
    from sqlalchemy import create_engine

    url = connection_url(name)
    with _engines_lock:
        if url not in _engines:
            try:
                _engines[url] = create_engine(url, pool_pre_ping=True)
            except Exception as err:
                raise DataSourceError(
                    f"the connection {name!r} ({safe_url(url)}) cannot be used: {type(err).__name__}: {err}"
                ) from None
        return _engines[url]


def _failure(source: SqlSource, what: str, err: Exception) -> DataSourceError:
    """A database error as a message a user can act on (first line only: no stack of SQL)."""
    root: BaseException = err
    for _ in range(5):  # pandas and SQLAlchemy wrap the driver's error: its own words are the clearest
        inner = getattr(root, "orig", None) or root.__cause__
        if not isinstance(inner, BaseException) or inner is root:
            break
        root = inner
    detail = " ".join(str(root).split())[:300] or type(root).__name__
    return DataSourceError(f"the connection {source.connection!r}: {what} failed: {detail}")


def read_query(source: SqlSource, *, where: str) -> pd.DataFrame:
    """The whole result of a reference or current query."""
    from sqlalchemy import text

    engine = engine_for(source.connection)
    try:
        with engine.connect() as connection:
            return _counted(pd.read_sql_query(text(source.sql), connection))
    except ExplainError:
        raise
    except Exception as err:
        raise _failure(source, f"reading {where}", err) from None


def data_version(source: SqlSource) -> str:
    """The value of the source's ``version_query`` as text ("" when it names none)."""
    if not source.version_query:
        return ""
    from sqlalchemy import text

    try:
        with engine_for(source.connection).connect() as connection:
            value = connection.execute(text(source.version_query)).scalar()
    except ExplainError:
        raise
    except Exception as err:
        raise _failure(source, "the version query", err) from None
    return "" if value is None else str(value)


def probe_query(source: SqlSource, rows: int) -> pd.DataFrame:
    """The first ``rows`` rows of a query, read to learn its columns and check them."""
    from sqlalchemy import select, text

    statement = select(text("*")).select_from(text(f"({source.sql}) AS probe")).limit(rows)
    try:
        with engine_for(source.connection).connect() as connection:
            return _counted(pd.read_sql_query(statement, connection))
    except ExplainError:
        raise
    except Exception as err:
        raise _failure(source, "the decisions query", err) from None


@dataclass(frozen=True)
class StoredFilter:
    """Filters on stored columns that a database evaluates (the same meaning as
    :class:`~explain.decision.DecisionQuery`'s)."""

    id_contains: str = ""
    outcomes: tuple[str, ...] | None = None  # "positive", "negative", "unknown"
    columns: tuple[Any, ...] = ()  # ColumnFilter


class SqlDecisions:
    """The decisions of a bundle as a query: counted, filtered, sorted and paged in the database.

    Every frame it returns is normalised exactly as a file's table (indexed by string ids,
    inputs checked) by ``normalize``; a page whose rows the bundle cannot use raises
    :class:`DataSourceError` naming the problem. :func:`rows_read` counts the rows read.
    """

    def __init__(
        self,
        source: SqlSource,
        columns: Sequence[str],
        id_column: str,
        numeric_id: bool,
        normalize: Callable[[pd.DataFrame], pd.DataFrame],
        version: str,
        outcome_column: str | None,
        numeric_columns: frozenset[str] = frozenset(),
    ) -> None:
        self.source = source
        self.columns = tuple(columns)
        self.numeric_columns = numeric_columns  # filtered by range (the others by value)
        self.id_column = id_column
        self.numeric_id = numeric_id
        self.version = version
        self.outcome_column = outcome_column
        self._normalize = normalize

    @property
    def sort_column(self) -> str:
        """The stored column a list is sorted by unless asked otherwise."""
        return self.source.sort_by or self.id_column

    def _table(self) -> Subquery:
        from sqlalchemy import column, text

        return text(self.source.sql).columns(*[column(c) for c in self.columns]).subquery("decisions")

    def _conditions(self, table: Subquery, flt: StoredFilter) -> list[ColumnElement[bool]]:
        from sqlalchemy import Float, String, cast, func, or_

        conditions: list[ColumnElement[bool]] = []
        if flt.id_contains.strip():
            text_id = func.lower(cast(table.c[self.id_column], String))
            conditions.append(text_id.contains(flt.id_contains.strip().lower(), autoescape=True))
        every_outcome = flt.outcomes is None or {"positive", "negative", "unknown"} <= set(flt.outcomes)
        if not every_outcome and flt.outcomes is not None:
            if self.outcome_column is None or self.outcome_column not in self.columns:
                if "unknown" not in flt.outcomes:
                    conditions.append(cast(table.c[self.id_column], String).is_(None))  # nothing matches
            else:
                outcome = cast(table.c[self.outcome_column], Float)  # booleans and text compare as numbers too
                allowed = [
                    cond
                    for name, cond in (
                        ("positive", outcome == 1),
                        ("negative", outcome == 0),
                        ("unknown", outcome.is_(None)),
                    )
                    if name in flt.outcomes
                ]
                conditions.append(or_(*allowed) if allowed else outcome.is_(None) & outcome.is_not(None))
        for column_filter in flt.columns:
            if column_filter.column not in self.columns:
                raise ExplainError(f"cannot filter on {column_filter.column!r}: the query returns no such column.")
            col = table.c[column_filter.column]
            if column_filter.categories is not None:
                hit = cast(col, String).in_(list(column_filter.categories))
            else:
                hit = col.is_not(None)
                if column_filter.low is not None:
                    hit = hit & (col >= column_filter.low)
                if column_filter.high is not None:
                    hit = hit & (col <= column_filter.high)
            conditions.append(or_(hit, col.is_(None)) if column_filter.include_missing else hit)
        return conditions

    def _select(self, flt: StoredFilter) -> tuple[Select[Any], Subquery]:
        from sqlalchemy import select

        table = self._table()
        return select(table).where(*self._conditions(table, flt)), table

    def _read(self, statement: Any, what: str) -> pd.DataFrame:
        try:
            with engine_for(self.source.connection).connect() as connection:
                frame = _counted(pd.read_sql_query(statement, connection))
        except ExplainError:
            raise
        except Exception as err:
            raise _failure(self.source, what, err) from None
        return frame

    def _scalar(self, statement: Any, what: str) -> Any:
        try:
            with engine_for(self.source.connection).connect() as connection:
                return connection.execute(statement).scalar()
        except ExplainError:
            raise
        except Exception as err:
            raise _failure(self.source, what, err) from None

    def count(self, flt: StoredFilter = StoredFilter()) -> int:
        """The number of rows that pass ``flt``."""
        from sqlalchemy import func, select

        statement, _ = self._select(flt)
        counted = select(func.count()).select_from(statement.subquery())
        return int(self._scalar(counted, "counting the decisions") or 0)

    def page(self, flt: StoredFilter, sort_by: str, descending: bool, offset: int, limit: int) -> pd.DataFrame:
        """Rows ``offset`` to ``offset + limit`` of those that pass ``flt``, sorted by a stored
        column (missing values last, ties by id)."""
        if sort_by not in self.columns:
            raise ExplainError(f"cannot sort by {sort_by!r}: the query returns no such column.")
        statement, table = self._select(flt)
        key = table.c[sort_by].desc() if descending else table.c[sort_by].asc()
        statement = statement.order_by(key.nulls_last(), table.c[self.id_column]).offset(offset).limit(limit)
        return self._normalize(self._read(statement, "reading a page of decisions"))

    def ids(self, flt: StoredFilter, sort_by: str | None = None, descending: bool = False) -> list[str]:
        """The ids of every row that passes ``flt`` (only the id column is read), sorted by a
        stored column when ``sort_by`` names one."""
        from sqlalchemy import select

        table = self._table()
        order = table.c[sort_by or self.id_column]
        query = select(table.c[self.id_column]).select_from(table).where(*self._conditions(table, flt))
        query = query.order_by((order.desc() if descending else order.asc()).nulls_last(), table.c[self.id_column])
        frame = self._read(query, "reading the ids of the decisions")
        return id_texts(frame.iloc[:, 0])

    def _typed_ids(self, ids: Sequence[str]) -> list[Any]:
        if not self.numeric_id:
            return list(ids)
        typed: list[Any] = []
        for i in ids:
            try:
                typed.append(int(i))
            except ValueError:
                try:
                    typed.append(float(i))
                except ValueError:
                    continue  # text that is no number matches no numeric id
        return typed

    def rows(self, ids: Sequence[str], *, where: str = "the decisions") -> pd.DataFrame:
        """The rows with these ids, in that order; :class:`DecisionNotFoundError` for an unknown id."""
        from sqlalchemy import select

        wanted = [str(i) for i in ids]
        found: list[pd.DataFrame] = []
        typed = self._typed_ids(wanted)
        table = self._table()
        for start in range(0, len(typed), 500):  # bounded IN lists
            chunk = typed[start : start + 500]
            statement = select(table).where(table.c[self.id_column].in_(chunk))
            found.append(self._read(statement, "reading decisions by id"))
        frame = pd.concat(found) if found else self._read(select(table).limit(0), "reading the decisions' columns")
        rows = self._normalize(frame) if len(frame) else frame.set_index(self.id_column)
        missing = [i for i in wanted if i not in rows.index]
        if missing:
            raise DecisionNotFoundError(
                f"id {missing[0]!r} is not in {where} (the query of {self.source.connection!r})."
            )
        return rows.loc[wanted]

    def chunks(self, size: int = SQL_CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """Every row, ``size`` at a time, in id order (normalised). Each round trip starts after the
        last id read (keyset paging), so it costs one page however deep it is, and rows added
        meanwhile are neither read twice nor skipped among those before it."""
        from sqlalchemy import select

        table = self._table()
        key = table.c[self.id_column]
        last: Any = None
        while True:
            statement = select(table).order_by(key).limit(size)
            if last is not None:
                statement = statement.where(key > last)
            frame = self._read(statement, "reading the decisions")
            if frame.empty:
                return
            last = frame[self.id_column].iloc[-1]
            last = last.item() if hasattr(last, "item") else last
            yield self._normalize(frame)
            if len(frame) < size:
                return

    def value_range(self, column: str) -> tuple[float | None, float | None]:
        """The smallest and largest stored value of a numeric column (computed by the database)."""
        from sqlalchemy import func, select

        table = self._table()
        statement = select(func.min(table.c[column]), func.max(table.c[column])).select_from(table)
        try:
            with engine_for(self.source.connection).connect() as connection:
                low, high = connection.execute(statement).one()
        except Exception as err:
            raise _failure(self.source, f"the range of {column!r}", err) from None
        return (None if low is None else float(low), None if high is None else float(high))

    def distinct(self, column: str, limit: int = 200) -> list[str]:
        """Up to ``limit`` distinct stored values of a column, as text, sorted."""
        from sqlalchemy import select

        table = self._table()
        statement = select(table.c[column]).select_from(table).where(table.c[column].is_not(None)).distinct()
        frame = self._read(statement.limit(limit), f"the values of {column!r}")
        return sorted(set(id_texts(frame.iloc[:, 0])))

    def has_missing(self, column: str) -> bool:
        """Whether any stored value of the column is missing."""
        from sqlalchemy import literal, select

        table = self._table()
        statement = select(literal(1)).select_from(table).where(table.c[column].is_(None)).limit(1)
        return self._scalar(statement, f"missing values of {column!r}") is not None


def id_texts(values: pd.Series) -> list[str]:
    """Stored values as text exactly as a bundle's table writes its ids (``normalize_table``)."""
    return [str(v) for v in values.astype("string").astype(object)]
