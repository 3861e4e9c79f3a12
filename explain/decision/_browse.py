"""Browse a table of decisions: filter, sort and page on the server.

The browser only ever receives one page (at most 100 rows) and the number of matches; the
top reason is explained for the rows of that page alone. Decisions read from a database are
filtered on their stored columns, sorted and paged by the database (:mod:`explain.bundle._sql`);
filters and sorting on the score need every decision's score (:func:`scores_by_id`, computed
in bounded batches), and until then only the rows shown are scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain._params import check_int
from explain._progress import Progress, report
from explain.bundle._bundle import Bundle, TableName
from explain.bundle._sql import SqlDecisions, StoredFilter
from explain.decision._decision import top_reasons
from explain.errors import DataSourceError, ExplainError

PAGE_SIZE = 100
OutcomeFilter = Literal["positive", "negative", "unknown"]
SCORE, VERDICT, OUTCOME, ID = "score", "verdict", "outcome", "id"


@dataclass(frozen=True)
class ColumnFilter:
    """Keep rows whose ``column`` lies in [low, high] (numbers) or in ``categories`` (text)."""

    column: str
    low: float | None = None
    high: float | None = None
    categories: tuple[str, ...] | None = None
    include_missing: bool = False


@dataclass(frozen=True)
class DecisionQuery:
    """What to show: filters, sort order and page."""

    verdicts: tuple[str, ...] | None = None
    score_min: float = 0.0
    score_max: float = 1.0
    outcomes: tuple[OutcomeFilter, ...] | None = None
    id_contains: str = ""
    columns: tuple[ColumnFilter, ...] = field(default_factory=tuple)
    sort_by: str = SCORE
    descending: bool = True
    page: int = 0
    page_size: int = PAGE_SIZE


@dataclass(frozen=True, eq=False)
class DecisionPage:
    """One page of matching decisions and the number of matches in all."""

    rows: pd.DataFrame
    total: int
    page: int
    pages: int


def decision_scores(bundle: Bundle, table: TableName = "decisions") -> np.ndarray:
    """The model's score for every row of a table (in the table's order)."""
    return bundle.model.predict_score(bundle.table(table))


def paged_in_database(bundle: Bundle, table: TableName = "decisions") -> SqlDecisions | None:
    """The database query a table is paged through, or None when the table is in memory."""
    return bundle.sql if table == "decisions" and bundle.decisions_frame is None else None


@uses_all_cores
def scores_by_id(bundle: Bundle, *, progress: Progress | None = None) -> pd.Series:
    """Every decision's score, indexed by id: a database query is read in bounded batches
    (:data:`~explain.bundle._sql.SQL_CHUNK_ROWS` rows at a time, each scored and let go)."""
    sql = paged_in_database(bundle)
    if sql is None:
        return pd.Series(decision_scores(bundle), index=bundle.decisions.index, name=SCORE)
    total = max(sql.count(), 1)
    parts: list[pd.Series] = []
    done = 0
    report(progress, 0.0, f"Scoring {total:,} decisions")
    for chunk in sql.chunks():
        parts.append(pd.Series(bundle.model.predict_score(chunk), index=chunk.index, name=SCORE))
        done += len(chunk)
        report(progress, done / total, f"Scored {done:,} of {total:,} decisions")
    scores = pd.concat(parts) if parts else pd.Series(dtype=float, name=SCORE)
    if not scores.index.is_unique:
        repeated = scores.index[scores.index.duplicated()][0]
        raise DataSourceError(
            f"the decisions query returns the id {repeated!r} more than once; ids must be unique (fix the query)."
        )
    return scores


def uses_scores(bundle: Bundle, query: DecisionQuery) -> bool:
    """Whether a query filters or sorts on the score (or the verdict, which the score decides)."""
    rule = bundle.spec.decision
    every_verdict = query.verdicts is None or {rule.above, rule.below} <= set(query.verdicts)
    return query.sort_by == SCORE or not every_verdict or query.score_min > 0 or query.score_max < 1


def _stored_filter(query: DecisionQuery) -> StoredFilter:
    return StoredFilter(id_contains=query.id_contains, outcomes=query.outcomes, columns=query.columns)


def _clamp(page: int, total: int, page_size: int) -> tuple[int, int]:
    """The page shown (the last one when ``page`` lies beyond it) and the number of pages."""
    pages = max(1, -(-total // page_size))
    return min(max(page, 0), pages - 1), pages


def _sql_matches(
    bundle: Bundle, sql: SqlDecisions, query: DecisionQuery, scores: pd.Series | None, page_size: int
) -> tuple[pd.DataFrame, np.ndarray, int, int, int]:
    """One page of a database query's matches: rows, scores, matches in all, page, pages.

    Filters and sorts on stored columns run in the database, which returns one page. A filter
    or sort on the score reads the matching ids only, keeps and orders them by ``scores``,
    then fetches the page's rows by id.
    """
    flt = _stored_filter(query)
    stored_sort = sql.id_column if query.sort_by == ID else query.sort_by
    if not uses_scores(bundle, query):
        total = sql.count(flt)
        page, pages = _clamp(query.page, total, page_size)
        rows = sql.page(flt, stored_sort, query.descending, page * page_size, page_size)
        return rows, bundle.model.predict_score(rows) if len(rows) else np.zeros(0), total, page, pages
    if scores is None:
        raise ExplainError(
            "filtering or sorting by score needs every decision's score; score them first (scores_by_id)."
        )
    by_score = query.sort_by == SCORE  # then ids come in id order, the ties' order
    ids = pd.Index(sql.ids(flt, None if by_score else stored_sort, query.descending and not by_score))
    values = scores.reindex(ids).to_numpy(dtype=float)
    rule = bundle.spec.decision
    keep = (values >= query.score_min) & (values <= query.score_max)
    if query.verdicts is not None:
        keep &= np.isin(np.where(values >= rule.threshold, rule.above, rule.below), list(query.verdicts))
    ids, values = ids[keep], values[keep]
    if by_score:
        order = pd.Series(values).sort_values(ascending=not query.descending, kind="stable").index.to_numpy()
        ids, values = ids[order], values[order]
    page, pages = _clamp(query.page, len(ids), page_size)
    shown = slice(page * page_size, (page + 1) * page_size)
    rows = sql.rows(list(ids[shown])) if len(ids[shown]) else sql.page(flt, sql.id_column, False, 0, 0)
    return rows, values[shown], len(ids), page, pages


def _mask(bundle: Bundle, frame: pd.DataFrame, scores: np.ndarray, query: DecisionQuery) -> np.ndarray:
    rule = bundle.spec.decision
    keep = (scores >= query.score_min) & (scores <= query.score_max)
    if query.verdicts is not None:
        verdicts = np.where(scores >= rule.threshold, rule.above, rule.below)
        keep &= np.isin(verdicts, list(query.verdicts))
    out_col = bundle.spec.outcome_column
    if query.outcomes is not None:
        if out_col is None or out_col not in frame.columns:
            keep &= "unknown" in query.outcomes
        else:
            outcome = frame[out_col].to_numpy(dtype=float)
            allowed = np.zeros(len(frame), dtype=bool)
            if "positive" in query.outcomes:
                allowed |= outcome == 1
            if "negative" in query.outcomes:
                allowed |= outcome == 0
            if "unknown" in query.outcomes:
                allowed |= np.isnan(outcome)
            keep &= allowed
    if query.id_contains.strip():
        keep &= np.asarray(frame.index.astype(str).str.contains(query.id_contains.strip(), case=False, regex=False))
    for flt in query.columns:
        if flt.column not in frame.columns:
            raise ExplainError(f"cannot filter on {flt.column!r}: the table has no such column.")
        col = frame[flt.column]
        missing = col.isna().to_numpy()
        if flt.categories is not None:
            hit = col.astype("object").astype(str).isin(list(flt.categories)).to_numpy() & ~missing
        else:
            values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            hit = ~missing
            if flt.low is not None:
                hit &= values >= flt.low
            if flt.high is not None:
                hit &= values <= flt.high
        keep &= hit | (missing & flt.include_missing)
    return np.asarray(keep)


def _matching_positions(bundle: Bundle, frame: pd.DataFrame, scores: np.ndarray, query: DecisionQuery) -> np.ndarray:
    """Positions of the rows that pass the query's filters, in the query's sort order."""
    keep = _mask(bundle, frame, scores, query)
    positions = np.flatnonzero(keep)
    if query.sort_by == SCORE:
        key = scores[positions]
    elif query.sort_by == ID:
        key = frame.index.to_numpy()[positions].astype(str)
    elif query.sort_by in frame.columns:
        key = frame[query.sort_by].to_numpy()[positions]
    else:
        raise ExplainError(f"cannot sort by {query.sort_by!r}; choose score, id or a column of the table.")
    key_series = pd.Series(key)
    if isinstance(key_series.dtype, pd.CategoricalDtype):
        key_series = key_series.astype(str)
    order = key_series.sort_values(ascending=not query.descending, kind="stable", na_position="last").index
    return positions[order.to_numpy()]


def _rows_frame(bundle: Bundle, frame: pd.DataFrame, scores: np.ndarray, positions: np.ndarray) -> pd.DataFrame:
    rows = frame.iloc[positions]
    rule = bundle.spec.decision
    out = pd.DataFrame(index=rows.index.astype(str))
    out[SCORE] = scores[positions]
    out[VERDICT] = np.where(out[SCORE] >= rule.threshold, rule.above, rule.below)
    out_col = bundle.spec.outcome_column
    if out_col is not None and out_col in rows.columns:
        out[OUTCOME] = rows[out_col].to_numpy()
    for column in rows.columns:
        if column != out_col:
            out[column] = rows[column].to_numpy()
    out.index.name = ID
    return out


def query_decisions(
    bundle: Bundle,
    query: DecisionQuery,
    *,
    scores: np.ndarray | pd.Series | None = None,
    table: TableName = "decisions",
    with_reasons: bool = True,
    reasons: pd.Series | None = None,
) -> DecisionPage:
    """Filter, sort and page a table; explain the top reason of the visible rows only.

    ``scores`` are the table's scores (pass cached ones; computed when omitted). For decisions
    read from a database they are :func:`scores_by_id` or None: then only the rows shown are
    scored, and a query on the score is refused. ``reasons`` are stored top reasons by id (from
    ``explain batch``); the visible rows' reasons are computed only when they are not given.
    """
    check_int("page_size", query.page_size, 1, PAGE_SIZE)
    sql = paged_in_database(bundle, table)
    if sql is not None:
        by_id = scores if isinstance(scores, pd.Series) else None
        rows, values, total, page, pages = _sql_matches(bundle, sql, query, by_id, query.page_size)
        out = _rows_frame(bundle, rows, values, np.arange(len(rows)))
        if with_reasons and len(out):
            out.insert(
                3 if OUTCOME in out.columns else 2, "top_reason", top_reasons(bundle, list(out.index), data=rows)
            )
        return DecisionPage(rows=out, total=total, page=page, pages=pages)
    frame = bundle.table(table)
    scores = decision_scores(bundle, table) if scores is None else np.asarray(scores)
    positions = _matching_positions(bundle, frame, scores, query)
    total = len(positions)
    pages = max(1, -(-total // query.page_size))
    page = min(max(query.page, 0), pages - 1)
    visible = positions[page * query.page_size : (page + 1) * query.page_size]
    out = _rows_frame(bundle, frame, scores, visible)
    if with_reasons and len(out):
        shown = None if reasons is None else reasons.reindex(out.index)
        words = (
            list(shown)
            if shown is not None and not shown.isna().any()
            else top_reasons(bundle, list(out.index), data=table)
        )
        out.insert(3 if OUTCOME in out.columns else 2, "top_reason", words)
    return DecisionPage(rows=out, total=total, page=page, pages=pages)


def matching_decisions(
    bundle: Bundle,
    query: DecisionQuery,
    *,
    scores: np.ndarray | pd.Series | None = None,
    table: TableName = "decisions",
    max_rows: int = 50_000,
) -> pd.DataFrame:
    """Every row that matches the query (at most ``max_rows``, in its sort order): id, score,
    verdict, outcome and the table's columns, for a download. No reasons: those cost a SHAP
    call per row."""
    check_int("max_rows", max_rows, 1)
    sql = paged_in_database(bundle, table)
    if sql is not None:
        by_id = scores if isinstance(scores, pd.Series) else None
        rows, values, *_ = _sql_matches(bundle, sql, replace(query, page=0), by_id, max_rows)
        return _rows_frame(bundle, rows, values, np.arange(len(rows))).reset_index()
    frame = bundle.table(table)
    scores = decision_scores(bundle, table) if scores is None else np.asarray(scores)
    positions = _matching_positions(bundle, frame, scores, query)[:max_rows]
    return _rows_frame(bundle, frame, scores, positions).reset_index()
