"""The decisions browser: filters, sorting and one page of the table, all on the server."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import access, cache, state
from dashboard.components.progress import progress_bar
from dashboard.text import md
from explain import (
    PAGE_SIZE,
    TABLE_FORMATS,
    Bundle,
    ColumnFilter,
    DecisionQuery,
    ExplainError,
    display_value,
    format_value,
    matching_decisions,
    paged_in_database,
    query_decisions,
    safe_csv,
    slider_format,
    stored_value,
)

MAX_DOWNLOAD_ROWS = 50_000
SORT_WORDS = {"score": "Score", "id": "Id"}


def _outcome_words(bundle: Bundle) -> dict[str, str]:
    spec = bundle.spec
    return {"positive": spec.outcome_label(1), "negative": spec.outcome_label(0), "unknown": spec.outcome_label(None)}


def _stored_columns(bundle: Bundle) -> list[str]:
    """The model inputs and the spec's other columns that the decisions hold (and the user may see)."""
    sql = paged_in_database(bundle)
    held = (set(sql.columns) if sql is not None else set(bundle.decisions.columns)) - access.hidden_columns(bundle)
    return list(bundle.features) + [c for c in bundle.spec.columns if c in held]


def _column_values(key: str, bundle: Bundle, column: str) -> tuple[list[str] | None, tuple[float, float] | None, bool]:
    """A column's choices (text) or range (numbers), and whether any value is missing: asked of
    the database for a query, read from the table otherwise."""
    if paged_in_database(bundle) is not None:
        return cache.stored_values(key, bundle.fingerprint, column)
    col = bundle.decisions[column]
    missing = bool(col.isna().any())
    if isinstance(col.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(col):
        return sorted(col.dropna().astype(str).unique().tolist()), None, missing
    values = col.dropna().to_numpy(dtype=float)
    return None, (float(np.min(values)), float(np.max(values))) if len(values) else None, missing


def _column_filter(key: str, bundle: Bundle, prefix: str) -> ColumnFilter | None:
    spec = bundle.spec
    columns = _stored_columns(bundle)
    choice = st.selectbox(
        "Filter on an input or column",
        [None, *columns],
        format_func=lambda c: "— none —" if c is None else spec.label(c),
        key=f"{prefix}_column",
    )
    if choice is None:
        return None
    options, value_range, has_missing = _column_values(key, bundle, choice)
    include_missing = False
    if has_missing:
        include_missing = st.checkbox("Include rows where it is not provided", key=f"{prefix}_missing")
    if options is not None:
        picked = st.multiselect("Values", options, default=options, key=f"{prefix}_values_{choice}")
        return ColumnFilter(choice, categories=tuple(picked), include_missing=include_missing)
    if value_range is None:
        return None
    feature = spec.feature(choice)
    low, high = display_value(value_range[0], feature), display_value(value_range[1], feature)
    if low == high:
        return ColumnFilter(choice, low=value_range[0], high=value_range[1], include_missing=include_missing)
    step = display_value(feature.step, feature) if feature.step else None
    picked_range = st.slider(
        "Range", low, high, (low, high), step=step, format=slider_format(feature), key=f"{prefix}_range_{choice}"
    )
    lo, hi = (stored_value(v, feature) for v in picked_range)
    return ColumnFilter(choice, low=lo - 1e-12, high=hi + 1e-12, include_missing=include_missing)


def open_selected(prefix: str, on_open: str | None) -> None:
    """A row selected on the last run: open it before computing anything else."""
    shown_ids: list[str] = st.session_state.get(f"{prefix}_shown_ids", [])
    last_table = st.session_state.get(f"{prefix}_table_key")
    picked = st.session_state.get(last_table) if last_table else None
    rows_picked = list(picked.get("selection", {}).get("rows", [])) if isinstance(picked, dict) else []
    if rows_picked and rows_picked[0] < len(shown_ids):
        st.session_state[f"{prefix}_opened"] = st.session_state.get(f"{prefix}_opened", 0) + 1
        uploaded = st.session_state.get(state.S_TABLE) == state.UPLOAD  # browsing the session's upload
        state.open_decision(shown_ids[rows_picked[0]], state.UPLOAD if uploaded else "decisions")
        if on_open is not None:
            st.switch_page(on_open)
        st.rerun()


def _query(key: str, bundle: Bundle, prefix: str, scored: bool) -> DecisionQuery:
    """The filters and sort order picked; without every score known (a database query not yet
    scored) the verdict and score filters and the score sort are not offered."""
    spec = bundle.spec
    sql = paged_in_database(bundle)
    with st.container(border=True):
        c1, c2, c3 = st.columns([2, 3, 2])
        verdict_options = [spec.decision.above, spec.decision.below]
        verdicts, score_range = verdict_options, (0.0, 100.0)
        if scored:
            verdicts = c1.multiselect("Verdict", verdict_options, default=verdict_options, key=f"{prefix}_verdict")
            score_range = c2.slider(
                md(f"{spec.score_label.capitalize()} (%)"),
                0.0,
                100.0,
                (0.0, 100.0),
                step=0.5,
                format="%.1f%%",
                key=f"{prefix}_score",
            )
        else:
            c1.caption("Verdict and score filters appear once every decision is scored (below the list).")
        words = _outcome_words(bundle)
        outcomes = c3.multiselect(
            "Known outcome", list(words), default=list(words), format_func=words.__getitem__, key=f"{prefix}_outcome"
        )
        c4, c5, c6 = st.columns([2, 3, 2])
        search = c4.text_input("Search by id", key=f"{prefix}_search", max_chars=state.MAX_ID_LENGTH)
        with c5:
            column_filter = _column_filter(key, bundle, prefix)
        stored = ["id", *_stored_columns(bundle)]
        if sql is not None and sql.sort_column != sql.id_column and sql.sort_column in stored:
            stored.remove(sql.sort_column)
            stored.insert(0, sql.sort_column)  # the spec's sort_by first
        sort_options = ["score", *stored] if scored else stored
        sort_by = c6.selectbox(
            "Sort by", sort_options, format_func=lambda c: SORT_WORDS.get(c) or spec.label(c), key=f"{prefix}_sort"
        )
        descending = c6.toggle("Largest first", value=True, key=f"{prefix}_desc")
    return DecisionQuery(
        verdicts=tuple(verdicts),
        score_min=score_range[0] / 100,
        score_max=score_range[1] / 100,
        outcomes=tuple(outcomes),  # type: ignore[arg-type]
        id_contains=search,
        columns=(column_filter,) if column_filter else (),
        sort_by=sort_by,
        descending=descending,
    )


def decision_browser(key: str, bundle: Bundle, *, on_open: str | None = None) -> None:
    """Filters and a page of decisions; selecting a row opens it (switching to ``on_open``).

    A changed filter, search or sort starts again at page 1.
    """
    prefix = f"browse_{key}"
    open_selected(prefix, on_open)
    sql = paged_in_database(bundle)
    all_scores: np.ndarray | pd.Series | None
    if sql is None:
        all_scores = cache.scores(key, bundle.fingerprint, "decisions")
    else:  # a database query: only the rows shown are scored until someone asks for every score
        all_scores = cache.scores_by_id_if_known(key, bundle.fingerprint)
    filters = _query(key, bundle, prefix, scored=all_scores is not None)
    if st.session_state.get(f"{prefix}_last_filters") != filters:
        st.session_state[f"{prefix}_last_filters"] = filters
        st.session_state[f"{prefix}_pageno"] = 1
    page_no = int(st.session_state.get(f"{prefix}_pageno", 1))
    query = DecisionQuery(**{**filters.__dict__, "page": page_no - 1})
    last_good = f"{prefix}_last_page"  # (fingerprint, page): one per list, whatever the data version
    try:
        stored = cache.stored_top_reasons(key, bundle.fingerprint) if sql is None else None
        page = query_decisions(bundle, query, scores=all_scores, reasons=stored)
        st.session_state[last_good] = (bundle.fingerprint, page)
    except ExplainError as err:  # a database that went away, or rows the bundle cannot use
        st.error(md(f"{err}"), icon="⚠️")
        if st.session_state.get(last_good, ("", None))[0] != bundle.fingerprint:
            st.stop()
        st.caption("Showing the last page read.")
        page = st.session_state[last_good][1]
    first = page.page * PAGE_SIZE + 1 if page.total else 0
    last = min((page.page + 1) * PAGE_SIZE, page.total)
    st.markdown(f"**{page.total:,} matching decisions** · showing {first:,}–{last:,} · select a row to open it")
    shown = _display_frame(bundle, page.rows)
    # a new key per query and per opened row, so a stale selection never reopens a decision
    table_key = f"{prefix}_table_{hash(query)}_{st.session_state.get(f'{prefix}_opened', 0)}"
    st.session_state[f"{prefix}_table_key"] = table_key
    st.session_state[f"{prefix}_shown_ids"] = [str(i) for i in page.rows.index]
    st.dataframe(  # selecting a row reruns the script, which opens it at the top of this function
        shown,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=table_key,
        column_config={"Score": st.column_config.NumberColumn("Score", format=TABLE_FORMATS["score"])},
        height=min(38 + 35 * max(len(shown), 1), 600),
    )
    if page_no != page.page + 1:
        st.session_state[f"{prefix}_pageno"] = page.page + 1
    st.number_input(f"Page (of {page.pages:,})", min_value=1, max_value=page.pages, step=1, key=f"{prefix}_pageno")
    if sql is not None and all_scores is None:
        _score_every_decision(key, bundle)
    _download(key, bundle, query, all_scores, page.total)


def _score_every_decision(key: str, bundle: Bundle) -> None:
    """Offer to score every decision of a database query (read in bounded batches), which
    turns on the verdict and score filters and the score sort."""
    count = cache.decision_count(key, bundle.fingerprint)
    st.caption(
        "The list is read from the database one page at a time, sorted and filtered there; only the rows shown are "
        "scored."
    )
    if st.button(f"Score all {count:,} decisions to filter and sort by score", icon="🧮"):
        try:
            with progress_bar("Scoring every decision") as progress:
                cache.scores_by_id(key, bundle.fingerprint, _progress=progress)
        except ExplainError as err:
            st.error(md(f"{err}"), icon="⚠️")
            return
        st.rerun()


def _download(
    key: str, bundle: Bundle, query: DecisionQuery, scores: np.ndarray | pd.Series | None, total: int
) -> None:
    """The matching decisions as a spreadsheet-safe CSV, built when asked for (the table's own
    export is switched off in the server config because it does not defuse formulas)."""
    if not total:
        return
    prepared = f"browse_csv::{key}::{hash(query)}"
    shown = min(total, MAX_DOWNLOAD_ROWS)
    if (
        prepared not in st.session_state
        and st.button(f"Prepare a CSV of the {shown:,} matching decisions", icon="⬇️", key=f"prep::{prepared}")
        and access.recorded(access.session_user(), "export", bundle=bundle, detail=f"{shown} matching decisions")
    ):
        frame = matching_decisions(bundle, query, scores=scores, max_rows=MAX_DOWNLOAD_ROWS)
        frame = frame.drop(columns=[c for c in access.hidden_columns(bundle) if c in frame.columns])
        if "outcome" in frame.columns:
            frame["outcome"] = [bundle.spec.outcome_label(v) for v in frame["outcome"]]
        frame.columns = [SORT_WORDS.get(str(c)) or {"verdict": "Verdict", "outcome": "Known outcome"}.get(
            str(c)) or bundle.spec.label(str(c)) for c in frame.columns]  # fmt: skip
        st.session_state[prepared] = safe_csv(frame)
    if prepared in st.session_state:
        st.download_button(
            f"Download the {shown:,} matching decisions (CSV)",
            data=st.session_state[prepared],
            file_name=f"decisions-{key}.csv",
            mime="text/csv",
            icon="⬇️",
            key=f"dl::{prepared}",
        )
        st.caption(
            "Spreadsheet-safe: cells that could run as formulas are defused. Reasons are on each decision's page."
        )


def _display_frame(bundle: Bundle, rows: pd.DataFrame) -> pd.DataFrame:
    """Human column names, values in their units ("not provided" where missing); the id first.
    Cell text is shown literally by st.dataframe."""
    spec = bundle.spec
    out = pd.DataFrame({"Id": rows.index.astype(str)})
    out["Score"] = 100 * rows["score"].to_numpy()
    out["Verdict"] = rows["verdict"].to_numpy()
    if "outcome" in rows.columns:
        out["Known outcome"] = [spec.outcome_label(v) for v in rows["outcome"]]
    if "top_reason" in rows.columns:
        out["Top reason"] = rows["top_reason"].to_numpy()
    hidden = access.hidden_columns(bundle)
    for column in [*bundle.features, *spec.columns]:
        if column in rows.columns and column not in hidden:
            label = spec.label(column)
            while label in out.columns:
                label += " "
            feature = spec.feature(column)
            out[label] = [format_value(v, feature) for v in rows[column]]
    return out
