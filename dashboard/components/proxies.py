"""What the Fairness page says of every sensitive column, whatever the task: whether the model
uses it as an input, and which inputs stand in for it (proxies)."""

from __future__ import annotations

import streamlit as st

from dashboard.text import md
from explain import Bundle, ColumnFairness, TaskColumnFairness, format_percent, format_ratio
from explain.figures import DEFAULT_THEME, fairness_proxy_chart


def sensitive_input_note(column: ColumnFairness | TaskColumnFairness, shap_share: float | None) -> None:
    """A note when the sensitive column is itself a model input, with its share of mean |SHAP|."""
    if not column.model_input:
        return
    carries = (
        f", and it carries {format_percent(shap_share)} of the model's mean |SHAP|" if shap_share is not None else ""
    )
    st.info(
        md(
            f"The model uses {column.label} as an input{carries}. "
            "It is never given as a reason or changed by a suggestion."
        )
    )


def proxy_section(bundle: Bundle, column: ColumnFairness | TaskColumnFairness) -> None:
    """How well each input alone tells the column's groups apart, and the strong proxies' share of |SHAP|."""
    p = column.proxies
    if p is None:
        return
    st.plotly_chart(fairness_proxy_chart(column, theme=DEFAULT_THEME), theme=None)
    strong = [bundle.spec.label(f) for f, s in zip(p.features, p.strong, strict=True) if s]
    st.caption(
        md(
            f"Inputs that predict {column.label}: how well each model input alone tells the groups apart "
            f"(out-of-fold ROC AUC; 0.5 means not at all). Strong proxies (AUC at least {format_ratio(p.proxy_auc)}): "
            + (", ".join(strong) if strong else "none")
            + f"; they carry {format_percent(p.strong_shap_share)} of the model's mean |SHAP|."
        )
    )
