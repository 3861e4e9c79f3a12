"""Fairness: rates by group for each sensitive column, the four-fifths rule, and proxies."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import progress_bar
from dashboard.components.threshold import threshold_slider
from dashboard.text import md
from explain import ExplainError
from explain.figures import DEFAULT_THEME, fairness_proxy_chart, fairness_rates_chart

key, bundle = current_bundle()
st.title(md(f"Fairness · {bundle.name}"))
if not bundle.spec.sensitive_columns:
    st.info("The spec marks no column as sensitive, so there is nothing to compare across groups.")
    st.stop()
threshold = threshold_slider(key, bundle)
try:
    with progress_bar("Comparing groups") as progress:
        result = cache.fairness(key, bundle.fingerprint, threshold, _progress=progress)
        proxies = cache.fairness(key, bundle.fingerprint, bundle.spec.decision.threshold, _progress=progress)
except ExplainError as err:
    st.info(md(f"Fairness needs reference data with the sensitive columns and outcomes: {err}"))
    st.stop()
st.caption(
    md(
        f"On {result.n_rows:,} reference cases. Selected means the favourable verdict (“{result.selected_verdict}”). "
        f"Groups under {result.min_group_size} cases are marked small and never flagged."
    )
)
for column in result.columns:
    st.markdown(f"#### {md(column.label)}")
    for group in column.flagged_groups:
        i = column.groups.index(group)
        st.error(
            md(
                f"Four-fifths rule: group “{group}” is selected at {100 * column.selection_rate[i]:.1f}%, "
                f"{column.selection_ratio[i]:.2f} times the rate of “{column.reference_group}”, below 0.8."
            ),
            icon="🚩",
        )
    if not column.flagged_groups:
        st.success(md(f"No group of {column.label} falls below four fifths of the best selection rate."))
    st.plotly_chart(fairness_rates_chart(column, theme=DEFAULT_THEME), theme=None)
    frame = column.to_frame()
    view = pd.DataFrame(
        {
            "Group": frame["group"],
            "Cases": frame["rows"],
            "Selection rate": 100 * frame["selection_rate"],
            "Ratio to best": frame["selection_ratio"],
            "Difference (pts)": 100 * frame["selection_difference"],
            "Four-fifths flag": frame["four_fifths_flag"],
            "True positive rate": 100 * frame["true_positive_rate"],
            "False positive rate": 100 * frame["false_positive_rate"],
            "Mean score": 100 * frame["mean_score"],
            "Observed rate": 100 * frame["observed_rate"],
            "Small group": frame["small"],
        }
    )
    percent = st.column_config.NumberColumn(format="%.1f%%")
    st.dataframe(
        view,
        hide_index=True,
        column_config={
            c: percent
            for c in ("Selection rate", "True positive rate", "False positive rate", "Mean score", "Observed rate")
        },
    )
    proxy_column = proxies.column(column.column)
    if proxy_column.proxies is not None:
        p = proxy_column.proxies
        st.plotly_chart(fairness_proxy_chart(proxy_column, theme=DEFAULT_THEME), theme=None)
        strong = [bundle.spec.label(f) for f, s in zip(p.features, p.strong, strict=True) if s]
        st.caption(
            md(
                f"Proxies: how well each model input alone predicts {column.label} (out-of-fold ROC AUC, one-vs-rest "
                f"macro for more than two groups). Strong proxies (AUC at least {p.proxy_auc:.2f}): "
                + (", ".join(strong) if strong else "none")
                + f"; they carry {100 * p.strong_shap_share:.0f}% of the model's mean |SHAP|."
            )
        )
