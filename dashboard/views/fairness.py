"""Fairness: rates by group for each sensitive column, the four-fifths rule, error gaps and proxies."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import progress_bar
from dashboard.components.proxies import proxy_section, sensitive_input_note
from dashboard.components.tables import whole_table
from dashboard.components.task_fairness import task_fairness_view
from dashboard.components.threshold import threshold_slider
from dashboard.text import md
from explain import (
    ColumnFairness,
    ExplainError,
    FairnessResult,
    format_count,
    format_percent,
    format_rate,
    format_ratio,
)
from explain.figures import DEFAULT_THEME, fairness_rates_chart

key, bundle = current_bundle()
st.title(md(f"Fairness · {bundle.name}"))
if not (bundle.spec.sensitive_columns or bundle.spec.sensitive_features):
    st.info("The spec marks no column as sensitive, so there is nothing to compare across groups.")
    st.stop()
if bundle.spec.task != "binary":
    task_fairness_view(key, bundle)
    st.stop()
threshold = threshold_slider(key, bundle, "fairness")
try:
    with progress_bar("Comparing groups") as progress:
        result = cache.fairness(key, bundle.fingerprint, threshold, _progress=progress)
        proxies = cache.fairness(key, bundle.fingerprint, bundle.spec.decision.threshold, _progress=progress)
except ExplainError as err:
    st.info(md(f"Fairness needs reference data with the sensitive columns and outcomes: {err}"))
    st.stop()
words = result.rate_words
st.caption(
    md(
        f"On {format_count(result.n_rows)} reference cases, at a limit of {format_percent(result.threshold)}. "
        f"Selected means the favourable verdict (“{result.selected_verdict}”). Groups under {result.min_group_size} "
        "cases are marked small and never flagged; error rates are judged on at least 10 cases with that outcome."
    )
)


def _flags(column: ColumnFairness, result: FairnessResult) -> None:
    for group in column.flagged_groups:
        i = column.groups.index(group)
        st.error(
            md(
                f"Four-fifths rule: group “{group}” is selected at {format_rate(column.selection_rate[i])}, "
                f"{format_ratio(column.selection_ratio[i])} times the rate of “{column.reference_group}”, below 0.8."
            ),
            icon="🚩",
        )
    for name, flags in (
        ("false_positive_rate", column.false_positive_flag),
        ("false_negative_rate", column.false_negative_flag),
    ):
        rates = getattr(column, name)
        for i in [k for k, f in enumerate(flags) if f]:
            st.error(
                md(
                    f"Error gap: in group “{column.groups[i]}”, {format_rate(rates[i])} of "
                    f"{result.rate_words[name]} — more than 1.25 times, or 10 points above, the best group's rate."
                ),
                icon="🚩",
            )
    if not column.flagged_groups and not column.error_gap_groups:
        st.success(
            md(
                f"No group of {column.label} falls below four fifths of the best selection rate, and no group's "
                "false positive or false negative rate stands out."
            )
        )


def _table(column: ColumnFairness) -> None:
    frame = column.to_frame()
    whole_table(
        pd.DataFrame(
            {
                "Group": frame["group"] + ["  (small)" if s else "" for s in frame["small"]],
                "Cases": [format_count(n) for n in frame["rows"]],
                f"Selected ({words['selection_rate']})": [format_rate(v) for v in frame["selection_rate"]],
                "Ratio to best": [format_ratio(v) for v in frame["selection_ratio"]],
                f"{words['true_positive_rate']} (true positive rate)": [
                    format_rate(v) for v in frame["true_positive_rate"]
                ],
                f"{words['false_positive_rate']} (false positive rate)": [
                    format_rate(v) for v in frame["false_positive_rate"]
                ],
                f"{words['false_negative_rate']} (false negative rate)": [
                    format_rate(v) for v in frame["false_negative_rate"]
                ],
                words["mean_score"].capitalize(): [format_rate(v) for v in frame["mean_score"]],
                words["observed_rate"].capitalize(): [format_rate(v) for v in frame["observed_rate"]],
            }
        )
    )


for column in result.columns:
    st.markdown(f"#### {md(column.label)}")
    sensitive_input_note(column, result.sensitive_inputs.get(column.column))
    _flags(column, result)
    st.plotly_chart(fairness_rates_chart(column, theme=DEFAULT_THEME), theme=None)
    _table(column)
    proxy_section(bundle, proxies.column(column.column))
