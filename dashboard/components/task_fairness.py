"""The Fairness page of a multiclass or regression bundle: verdict shares or estimates and
errors per group of each sensitive column, the gaps flagged, and the proxies."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.progress import computed
from dashboard.components.proxies import proxy_section, sensitive_input_note
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import Bundle, TaskColumnFairness, format_count, format_percent
from explain.figures import DEFAULT_THEME, task_fairness_chart


def _table(column: TaskColumnFairness) -> None:
    frame = column.to_frame()
    shown = pd.DataFrame(
        {
            "Group": frame["group"] + ["  (small)" if s else "" for s in frame["small"]],
            "Cases": [format_count(n) for n in frame["rows"]],
        }
    )
    if column.task == "multiclass":
        for verdict in column.verdicts:
            shown[verdict] = [format_percent(v) for v in frame[verdict]]
        if frame["favourable_share"].notna().any():
            shown["Favourable classes"] = [format_percent(v) for v in frame["favourable_share"]]
        shown["Wrong class (known outcomes)"] = [format_percent(v) for v in frame["error_rate"]]
    else:
        units = column.units
        shown["Mean estimate"] = [units.value(v) for v in frame["mean_estimate"]]
        shown["Mean actual"] = [units.value(v) if pd.notna(v) else "no known outcomes" for v in frame["mean_actual"]]
        shown["Mean error"] = [units.effect(v) if pd.notna(v) else "" for v in frame["mean_error"]]
        shown["Mean absolute error"] = [units.value(v) if pd.notna(v) else "" for v in frame["mean_absolute_error"]]
    whole_table(shown)


def task_fairness_view(key: str, bundle: Bundle) -> None:
    """Each sensitive column: flags, the chart, the table and the proxies."""
    result = computed(
        "Comparing groups",
        lambda progress: cache.task_fairness(key, bundle.fingerprint, _progress=progress),
        unavailable="Fairness needs reference data with the sensitive columns",
    )
    what = (
        "Verdicts compare each group's share of every class (ordered classes cumulatively: “Grade B or better”)"
        if result.task == "multiclass"
        else "Estimates compare each group's mean estimate with the best group's"
    )
    st.caption(
        md(
            f"On {format_count(result.n_rows)} reference cases. {what}; a gap is flagged under the four-fifths rule. "
            f"Errors are compared on cases with a known outcome. Groups under {result.min_group_size} cases are "
            "marked small and never flagged."
        )
    )
    for column in result.columns:
        st.markdown(f"#### {md(column.label)}")
        sensitive_input_note(column, result.sensitive_inputs.get(column.column))
        for gap in column.gaps:
            st.error(md(gap.text), icon="🚩")
        if not column.gaps:
            st.success(md(f"No group of {column.label} stands out from the others."))
        st.plotly_chart(task_fairness_chart(column, theme=DEFAULT_THEME), theme=None)
        _table(column)
        proxy_section(bundle, column)
