"""Fairness figures: rates by group and the proxy inputs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_metric, format_percent, format_rate
from explain.evaluation._fairness import FOUR_FIFTHS, ColumnFairness
from explain.figures._theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text


def fairness_rates_chart(result: ColumnFairness, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Selection and error rates per group; four fifths of the best selection rate drawn as a
    line named in the legend (no text on the bars, so no label can overlap another)."""
    groups = [plotly_text(g) + (" (small)" if s else "") for g, s in zip(result.groups, result.small, strict=True)]
    rates = (
        ("Selection rate", result.selection_rate, theme.palette[0]),
        ("True positive rate", result.true_positive_rate, theme.palette[1]),
        ("False positive rate", result.false_positive_rate, theme.palette[2]),
        ("False negative rate", result.false_negative_rate, theme.palette[3]),
    )
    fig = go.Figure()
    for name, values, colour in rates:
        fig.add_trace(
            go.Bar(
                x=groups,
                y=values,
                name=name,
                marker={"color": colour},
                customdata=[format_rate(v) for v in values],
                hovertemplate=f"%{{x}}: {name.lower()} %{{customdata}}<extra></extra>",
            )
        )
    if result.reference_group is not None:
        best = float(result.selection_rate[result.groups.index(result.reference_group)])
        fig.add_trace(
            go.Scatter(
                x=groups,
                y=[FOUR_FIFTHS * best] * len(groups),
                mode="lines",
                line={"color": theme.threshold, "dash": "dash", "width": 2},
                name=f"Four fifths of the best selection rate ({plotly_text(result.reference_group)})",
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        barmode="group",
        title=f"Rates by {plotly_text(result.label)}",
        yaxis_title="Share of the group's cases",
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return theme.apply(fig, height=420)


def fairness_proxy_chart(result: ColumnFairness, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """How well each input predicts the group (out-of-fold ROC AUC), strong proxies highlighted."""
    proxies = result.proxies
    if proxies is None:
        return empty_figure("Proxies need at least two groups of sufficient size.", theme)
    order = np.argsort(proxies.auc, kind="stable")
    fig = go.Figure(
        go.Bar(
            x=np.maximum(proxies.auc[order] - 0.5, 0.0),  # out of fold, below 0.5 is no information too
            base=0.5,  # bars start at 0.5, where an input carries no information about the group
            y=[plotly_text(proxies.labels[i]) for i in order],
            orientation="h",
            marker={"color": [theme.raises if proxies.strong[i] else theme.neutral for i in order]},
            text=[f"{format_percent(proxies.shap_share[i])} of |SHAP|" for i in order],
            textposition="outside",
            customdata=[format_metric(v) for v in proxies.auc[order]],
            hovertemplate="%{y}: AUC %{customdata} · %{text}<extra></extra>",
        )
    )
    fig.add_shape(
        type="line", x0=proxies.proxy_auc, x1=proxies.proxy_auc, y0=0, y1=1, yref="paper", layer="above",
        line={"color": theme.threshold, "dash": "dash"},
    )  # fmt: skip
    fig.add_annotation(  # above the plot, clear of the bars' labels and the axis ticks
        x=proxies.proxy_auc, y=1.0, yref="paper", yanchor="bottom", xanchor="left",
        text=f" strong from {format_metric(proxies.proxy_auc)}", showarrow=False, font={"size": 11},
    )  # fmt: skip
    fig.update_layout(
        showlegend=False,
        title=f"Inputs that predict {plotly_text(result.label)} · strong proxies carry "
        f"{format_percent(proxies.strong_shap_share)} of |SHAP|",
        xaxis_title="ROC AUC for the group (0.5 = no information)",
        margin={"t": 70},
    )
    fig.update_xaxes(range=[0.5, 1.0])
    return theme.apply(fig, height=120 + 28 * len(order))
