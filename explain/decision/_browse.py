"""Browse a table of decisions: filter, sort and page on the server.

The browser only ever receives one page (at most 100 rows) and the number of matches; the
top reason is explained for the rows of that page alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from explain._params import check_int
from explain.bundle._bundle import Bundle, TableName
from explain.decision._decision import top_reasons
from explain.errors import ExplainError

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
    scores: np.ndarray | None = None,
    table: TableName = "decisions",
    with_reasons: bool = True,
) -> DecisionPage:
    """Filter, sort and page a table; explain the top reason of the visible rows only.

    ``scores`` are the table's scores (pass cached ones; computed when omitted).
    """
    check_int("page_size", query.page_size, 1, PAGE_SIZE)
    frame = bundle.table(table)
    scores = decision_scores(bundle, table) if scores is None else scores
    positions = _matching_positions(bundle, frame, scores, query)
    total = len(positions)
    pages = max(1, -(-total // query.page_size))
    page = min(max(query.page, 0), pages - 1)
    visible = positions[page * query.page_size : (page + 1) * query.page_size]
    out = _rows_frame(bundle, frame, scores, visible)
    if with_reasons and len(out):
        reasons = top_reasons(bundle, list(out.index), data=table)
        out.insert(3 if OUTCOME in out.columns else 2, "top_reason", reasons)
    return DecisionPage(rows=out, total=total, page=page, pages=pages)


def matching_decisions(
    bundle: Bundle,
    query: DecisionQuery,
    *,
    scores: np.ndarray | None = None,
    table: TableName = "decisions",
    max_rows: int = 50_000,
) -> pd.DataFrame:
    """Every row that matches the query (at most ``max_rows``, in its sort order): id, score,
    verdict, outcome and the table's columns, for a download. No reasons: those cost a SHAP
    call per row."""
    check_int("max_rows", max_rows, 1)
    frame = bundle.table(table)
    scores = decision_scores(bundle, table) if scores is None else scores
    positions = _matching_positions(bundle, frame, scores, query)[:max_rows]
    return _rows_frame(bundle, frame, scores, positions).reset_index()
