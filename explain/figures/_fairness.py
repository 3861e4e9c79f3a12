"""Fairness figures: rates by group (verdict shares or estimates for other tasks) and the proxy inputs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_metric, format_percent, format_rate
from explain.evaluation._fairness import FOUR_FIFTHS, ColumnFairness
from explain.evaluation._task_fairness import TaskColumnFairness
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


def fairness_proxy_chart(
    result: ColumnFairness | TaskColumnFairness, *, theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
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


def task_fairness_chart(result: TaskColumnFairness, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Multiclass: each group's verdicts as one stacked bar (best verdict first). Regression:
    each group's mean estimate beside its mean actual value, in the target's unit."""
    groups = [plotly_text(g) + (" (small)" if s else "") for g, s in zip(result.groups, result.small, strict=True)]
    fig = go.Figure()
    if result.task == "multiclass":
        for j, verdict in enumerate(result.verdicts):
            shares = result.verdict_shares[:, j]
            fig.add_trace(
                go.Bar(
                    y=groups, x=shares, name=plotly_text(verdict), orientation="h",
                    marker={"color": theme.palette[j % len(theme.palette)]},
                    customdata=[format_percent(v) for v in shares],
                    hovertemplate=f"%{{y}}: {plotly_text(verdict)} %{{customdata}}<extra></extra>",
                )
            )  # fmt: skip
        fig.update_layout(barmode="stack", title=f"Verdicts by {plotly_text(result.label)}",
                          xaxis_title="Share of the group's cases")  # fmt: skip
        fig.update_xaxes(tickformat=".0%", range=[0, 1])
        fig.update_yaxes(autorange="reversed")
    else:
        for name, values, colour in (
            ("Mean estimate", result.mean_estimate, theme.palette[0]),
            ("Mean actual value (cases with a known outcome)", result.mean_actual, theme.palette[1]),
        ):
            fig.add_trace(
                go.Bar(
                    y=groups, x=values, name=name, orientation="h", marker={"color": colour},
                    customdata=[result.units.value(v) if np.isfinite(v) else "no known outcomes" for v in values],
                    hovertemplate=f"%{{y}}: {name.lower()} %{{customdata}}<extra></extra>",
                )
            )  # fmt: skip
        unit = f" ({plotly_text(result.units.unit)})" if result.units.unit else ""
        if result.units.unit in ("$", "€", "£", "¥"):
            fig.update_xaxes(tickprefix=result.units.unit, separatethousands=True)
        fig.update_layout(barmode="group", title=f"Estimates by {plotly_text(result.label)}",
                          xaxis_title=f"Mean{unit}")  # fmt: skip
        fig.update_yaxes(autorange="reversed")
    # the legend below the axis title, in the bars' order (best verdict first)
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.32, "x": 0, "traceorder": "normal"},
        margin={"b": 120},
    )
    return theme.apply(fig, height=280 + 40 * len(groups))
