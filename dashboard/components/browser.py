"""The decisions browser: filters, sorting and one page of the table, all on the server."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import cache, state
from dashboard.text import md
from explain import (
    PAGE_SIZE,
    Bundle,
    ColumnFilter,
    DecisionQuery,
    format_outcome,
    matching_decisions,
    query_decisions,
    safe_csv,
)

OUTCOME_WORDS = {
    key: format_outcome(value).capitalize() for key, value in (("positive", 1), ("negative", 0), ("unknown", None))
}


def _column_filter(bundle: Bundle, frame: pd.DataFrame, prefix: str) -> ColumnFilter | None:
    spec = bundle.spec
    columns = list(bundle.features) + [c for c in spec.columns if c in frame.columns]
    choice = st.selectbox(
        "Filter on a feature or column",
        [None, *columns],
        format_func=lambda c: "— none —" if c is None else spec.label(c),
        key=f"{prefix}_column",
    )
    if choice is None:
        return None
    col = frame[choice]
    include_missing = False
    if bool(col.isna().any()):
        include_missing = st.checkbox("Include rows where it is not provided", key=f"{prefix}_missing")
    if isinstance(col.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(col):
        options = sorted(col.dropna().astype(str).unique().tolist())
        picked = st.multiselect("Values", options, default=options, key=f"{prefix}_values_{choice}")
        return ColumnFilter(choice, categories=tuple(picked), include_missing=include_missing)
    values = col.dropna().to_numpy(dtype=float)
    if len(values) == 0:
        return None
    low, high = float(np.min(values)), float(np.max(values))
    if low == high:
        return ColumnFilter(choice, low=low, high=high, include_missing=include_missing)
    picked_range = st.slider("Range", low, high, (low, high), key=f"{prefix}_range_{choice}")
    return ColumnFilter(choice, low=picked_range[0], high=picked_range[1], include_missing=include_missing)


def decision_browser(key: str, bundle: Bundle, *, on_open: str | None = None) -> None:
    """Filters and a page of decisions; selecting a row opens it (switching to ``on_open``)."""
    spec = bundle.spec
    frame = bundle.decisions
    prefix = f"browse_{key}"
    # a row selected on the last run: open it before computing anything else
    shown_ids: list[str] = st.session_state.get(f"{prefix}_shown_ids", [])
    last_table = st.session_state.get(f"{prefix}_table_key")
    picked = st.session_state.get(last_table) if last_table else None
    rows_picked = list(picked.get("selection", {}).get("rows", [])) if isinstance(picked, dict) else []
    if rows_picked and rows_picked[0] < len(shown_ids):
        st.session_state[f"{prefix}_opened"] = st.session_state.get(f"{prefix}_opened", 0) + 1
        state.open_decision(shown_ids[rows_picked[0]])
        if on_open is not None:
            st.switch_page(on_open)
        st.rerun()
    all_scores = cache.scores(key, bundle.fingerprint, "decisions")
    with st.container(border=True):
        c1, c2, c3 = st.columns([2, 3, 2])
        verdict_options = [spec.decision.above, spec.decision.below]
        verdicts = c1.multiselect("Verdict", verdict_options, default=verdict_options, key=f"{prefix}_verdict")
        score_range = c2.slider(
            md(f"{spec.score_label.capitalize()} (%)"), 0.0, 100.0, (0.0, 100.0), step=0.5, key=f"{prefix}_score"
        )
        outcome_keys = list(OUTCOME_WORDS)
        outcomes = c3.multiselect(
            "Outcome",
            outcome_keys,
            default=outcome_keys,
            format_func=OUTCOME_WORDS.__getitem__,
            key=f"{prefix}_outcome",
        )
        c4, c5, c6 = st.columns([2, 3, 2])
        search = c4.text_input("Search by id", key=f"{prefix}_search", max_chars=state.MAX_ID_LENGTH)
        with c5:
            column_filter = _column_filter(bundle, frame, prefix)
        sort_options = ["score", "id", *bundle.features, *[c for c in spec.columns if c in frame.columns]]
        sort_by = c6.selectbox(
            "Sort by",
            sort_options,
            format_func=lambda c: c if c in ("score", "id") else spec.label(c),
            key=f"{prefix}_sort",
        )
        descending = c6.toggle("Largest first", value=True, key=f"{prefix}_desc")
    query = DecisionQuery(
        verdicts=tuple(verdicts),
        score_min=score_range[0] / 100,
        score_max=score_range[1] / 100,
        outcomes=tuple(outcomes),  # type: ignore[arg-type]
        id_contains=search,
        columns=(column_filter,) if column_filter else (),
        sort_by=sort_by,
        descending=descending,
        page=int(st.session_state.get(f"{prefix}_pageno", 1)) - 1,
    )
    page = query_decisions(bundle, query, scores=all_scores)
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
        column_config={
            "Score": st.column_config.NumberColumn("Score", format="%.1f%%"),
        },
        height=min(38 + 35 * max(len(shown), 1), 600),
    )
    if st.session_state.get(f"{prefix}_pageno", 1) != page.page + 1:
        st.session_state[f"{prefix}_pageno"] = page.page + 1
    st.number_input(f"Page (of {page.pages:,})", min_value=1, max_value=page.pages, step=1, key=f"{prefix}_pageno")
    _download(key, bundle, query, all_scores, page.total)


MAX_DOWNLOAD_ROWS = 50_000


def _download(key: str, bundle: Bundle, query: DecisionQuery, scores: np.ndarray, total: int) -> None:
    """The matching decisions as a spreadsheet-safe CSV, built when asked for (the table's own
    export is switched off in the server config because it does not defuse formulas)."""
    if not total:
        return
    prepared = f"browse_csv::{key}::{hash(query)}"
    shown = min(total, MAX_DOWNLOAD_ROWS)
    if prepared not in st.session_state and st.button(
        f"Prepare a CSV of the {shown:,} matching decisions", icon="⬇️", key=f"prep::{prepared}"
    ):
        frame = matching_decisions(bundle, query, scores=scores, max_rows=MAX_DOWNLOAD_ROWS)
        frame.columns = [_label(bundle, str(c)) for c in frame.columns]
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


def _label(bundle: Bundle, column: str) -> str:
    fixed = {"id": "Id", "score": "Score", "verdict": "Verdict", "outcome": "Outcome"}
    return fixed.get(column) or bundle.spec.label(column)


def _display_frame(bundle: Bundle, rows: pd.DataFrame) -> pd.DataFrame:
    """Human column names and values; the id first. Cell text is shown literally by st.dataframe."""
    spec = bundle.spec
    out = pd.DataFrame({"Id": rows.index.astype(str)})
    out["Score"] = 100 * rows["score"].to_numpy()
    out["Verdict"] = rows["verdict"].to_numpy()
    if "outcome" in rows.columns:
        out["Outcome"] = [format_outcome(v).capitalize() for v in rows["outcome"]]
    if "top_reason" in rows.columns:
        out["Top reason"] = rows["top_reason"].to_numpy()
    for column in [*bundle.features, *spec.columns]:
        if column in rows.columns:
            label = spec.label(column)
            while label in out.columns:
                label += " "
            out[label] = rows[column].astype("object").to_numpy()
    return out
