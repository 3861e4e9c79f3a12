"""Fairness figures: rates by group and the proxy inputs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_percent
from explain.evaluation._fairness import FOUR_FIFTHS, ColumnFairness
from explain.figures._theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text


def fairness_rates_chart(result: ColumnFairness, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Selection, true positive and false positive rates per group; four fifths of the reference marked."""
    groups = [plotly_text(g) + (" (small)" if s else "") for g, s in zip(result.groups, result.small, strict=True)]
    rates = (
        ("Selection rate", result.selection_rate, theme.palette[0]),
        ("True positive rate", result.true_positive_rate, theme.palette[1]),
        ("False positive rate", result.false_positive_rate, theme.palette[2]),
    )
    fig = go.Figure()
    for name, values, colour in rates:
        fig.add_trace(
            go.Bar(
                x=groups,
                y=values,
                name=name,
                marker={"color": colour},
                text=[format_percent(v) for v in values],
                textposition="outside",
                hovertemplate=f"%{{x}}: {name.lower()} %{{y:.1%}}<extra></extra>",
            )
        )
    if result.reference_group is not None:
        best = float(result.selection_rate[result.groups.index(result.reference_group)])
        fig.add_hline(
            y=FOUR_FIFTHS * best,
            line={"color": theme.threshold, "dash": "dash"},
            annotation={"text": f"four fifths of {plotly_text(result.reference_group)}'s selection rate"},
            annotation_position="top right",
        )
    fig.update_layout(barmode="group", title=f"Rates by {plotly_text(result.label)}", yaxis_title="Rate")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.1])
    return theme.apply(fig, height=380)


def fairness_proxy_chart(result: ColumnFairness, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """How well each input predicts the group (out-of-fold ROC AUC), strong proxies highlighted."""
    proxies = result.proxies
    if proxies is None:
        return empty_figure("Proxies need at least two groups of sufficient size.", theme)
    order = np.argsort(proxies.auc, kind="stable")
    fig = go.Figure(
        go.Bar(
            x=proxies.auc[order],
            y=[plotly_text(proxies.labels[i]) for i in order],
            orientation="h",
            marker={"color": [theme.raises if proxies.strong[i] else theme.neutral for i in order]},
            text=[f"{format_percent(proxies.shap_share[i])} of |SHAP|" for i in order],
            textposition="outside",
            hovertemplate="%{y}: AUC %{x:.3f} · %{text}<extra></extra>",
        )
    )
    fig.add_vline(x=0.5, line={"color": theme.neutral, "dash": "dot"})
    fig.add_vline(
        x=proxies.proxy_auc,
        line={"color": theme.threshold, "dash": "dash"},
        annotation={"text": f"strong from {proxies.proxy_auc:g}"},
        annotation_position="top",
    )
    fig.update_layout(
        showlegend=False,
        title=f"Inputs that predict {plotly_text(result.label)} · strong proxies carry "
        f"{format_percent(proxies.strong_shap_share)} of |SHAP|",
        xaxis_title="ROC AUC for the group (0.5 = no information)",
    )
    fig.update_xaxes(range=[0.4, 1.05])
    return theme.apply(fig, height=120 + 28 * len(order))
