"""The decisions of a multiclass or regression bundle: verdict, chance or estimate, outcome;
filter by verdict or band, search by id, sort, one page at a time, select a row to open it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.browser import open_selected
from dashboard.text import md
from explain import PAGE_SIZE, TABLE_FORMATS, Bundle, upper_first


def task_browser(key: str, bundle: Bundle, *, on_open: str | None = None) -> None:
    """One page of the bundle's decisions with their verdicts; selecting a row opens it."""
    prefix = f"browse_{key}"
    open_selected(prefix, on_open)
    table = cache.task_decisions(key, bundle.fingerprint)
    multiclass = bundle.model.task == "multiclass"
    groups = sorted(table["verdict" if multiclass else "predicted"].unique())
    value_name = "Chance" if multiclass else upper_first(bundle.spec.target.label)
    with st.container(border=True):
        c1, c2, c3 = st.columns([3, 2, 2])
        label = "Verdict" if multiclass else "Band"
        chosen = c1.multiselect(label, groups, default=groups, key=f"{prefix}_groups") if any(groups) else groups
        search = c2.text_input("Search by id", key=f"{prefix}_search")
        sort = c3.selectbox("Sort by", [value_name, "Id"], key=f"{prefix}_sort")
    keep = table["verdict" if multiclass else "predicted"].isin(chosen)
    if search.strip():
        keep &= table.index.astype(str).str.contains(search.strip(), case=False, regex=False)
    rows = table[keep]
    rows = rows.sort_values("value", ascending=False, kind="stable") if sort == value_name else rows.sort_index()
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    filters = (tuple(chosen), search, sort)
    if st.session_state.get(f"{prefix}_last_filters") != filters:  # a changed filter starts at page 1
        st.session_state[f"{prefix}_last_filters"] = filters
        st.session_state[f"{prefix}_pageno"] = 1
    page_no = min(int(st.session_state.get(f"{prefix}_pageno", 1)), pages)
    page = rows.iloc[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    first = (page_no - 1) * PAGE_SIZE + 1 if len(rows) else 0
    st.markdown(
        f"**{len(rows):,} matching decisions** · showing {first:,}–{first + len(page) - 1 if len(page) else 0:,}"
        " · select a row to open it"
    )
    shown = pd.DataFrame(
        {
            "Id": page.index.astype(str),
            # a regression's band (its estimate has a column of its own), else the verdict
            "Verdict": page["verdict"] if multiclass or not any(groups) else page["predicted"],
            value_name: 100 * page["value"] if multiclass else page["value"],
            "Known outcome": page["outcome"],
        }
    )
    table_key = f"{prefix}_table_{hash(filters)}_{page_no}_{st.session_state.get(f'{prefix}_opened', 0)}"
    st.session_state[f"{prefix}_table_key"] = table_key
    st.session_state[f"{prefix}_shown_ids"] = list(shown["Id"])
    fmt = TABLE_FORMATS["score"] if multiclass else target_format(bundle)
    st.dataframe(
        shown,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=table_key,
        column_config={value_name: st.column_config.NumberColumn(value_name, format=fmt)},
        height=min(38 + 35 * max(len(shown), 1), 600),
    )
    if pages > 1:
        st.number_input(md(f"Page (of {pages:,})"), min_value=1, max_value=pages, step=1, key=f"{prefix}_pageno")


def target_format(bundle: Bundle) -> str:
    """A printf format for a regression bundle's estimates in a table column ("$%,.0f")."""
    target = bundle.spec.target
    digits = 0 if target.decimals is None else target.decimals
    unit = target.unit.replace("%", "%%")
    if unit in ("$", "€", "£", "¥"):
        return f"{unit}%,.{digits}f"
    return f"%,.{digits}f" + (f" {unit}" if unit else "")
