"""Performance figures of multiclass and regression models: the confusion matrix of classes,
one-vs-rest ROC curves, estimates against actual values and the residuals."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_metric, format_rate, upper_first
from explain.evaluation._task_performance import MulticlassPerformance, RegressionPerformance
from explain.figures._theme import DEFAULT_THEME, FigureTheme, plotly_text

#: Points drawn in a scatter at most (a seeded sample beyond that keeps the browser quick).
MAX_POINTS = 3000


def class_confusion_chart(result: MulticlassPerformance, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """True class down, predicted class across; each cell its count and its share of the true class."""
    rates = result.confusion_rates()
    labels = [plotly_text(label) for label in result.labels]
    text = [
        [f"{result.confusion[i, j]:,}<br>{format_rate(rates[i, j])}" for j in range(len(labels))]
        for i in range(len(labels))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=rates,
            x=[f"predicted {label}" for label in labels],
            y=[f"true {label}" for label in labels],
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#F7F7F7"], [1, theme.palette[0]]],
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": "Share of the true class", "side": "right"}, "tickformat": ".0%"},
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(title=f"Confusion matrix · accuracy {format_rate(result.accuracy)}")
    fig.update_yaxes(autorange="reversed")
    return theme.apply(fig, height=140 + 60 * len(labels))


def class_roc_chart(result: MulticlassPerformance, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """One ROC curve per class against all the others, its AUC in the legend."""
    from sklearn.metrics import roc_curve

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"color": theme.neutral, "dash": "dot"})
    )
    for c, label in enumerate(result.labels):
        positive = result.outcomes == c
        if not 0 < positive.sum() < len(positive):
            continue
        fpr, tpr, _ = roc_curve(positive, result.probabilities[:, c])
        auc = result.per_class["roc_auc"].iloc[c]
        fig.add_trace(
            go.Scatter(
                x=fpr,
                y=tpr,
                mode="lines",
                name=f"{plotly_text(label)} · AUC {format_metric(auc)}",
                line={"color": theme.palette[c % len(theme.palette)], "width": 2},
            )
        )
    fig.update_layout(
        title=f"One class against the rest · macro ROC AUC {format_metric(result.macro_roc_auc)}",
        xaxis_title="False positive rate",
        yaxis_title="True positive rate",
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
    )
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return theme.apply(fig, height=460)


def _sample(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.sort(rng.choice(n, size=MAX_POINTS, replace=False)) if n > MAX_POINTS else np.arange(n)


def estimate_fit_chart(
    result: RegressionPerformance, *, label: str = "value", unit: str = "", theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
    """Each reference case's estimate (across) against its actual value (up); on the diagonal they agree."""
    keep = _sample(result.n_rows)
    x, y = result.predicted[keep], result.actual[keep]
    low, high = float(min(x.min(), y.min())), float(max(x.max(), y.max()))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[low, high],
            y=[low, high],
            mode="lines",
            name="estimate = actual",
            line={"color": theme.neutral, "dash": "dot"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x, y=y, mode="markers", name="reference case",
            marker={"color": theme.palette[0], "size": 5, "opacity": 0.5},
            hovertemplate="estimate %{x:,.0f}<br>actual %{y:,.0f}<extra></extra>",
        )
    )  # fmt: skip
    text = plotly_text(upper_first(label))
    fig.update_layout(
        title=f"Estimates against actual values · R² {format_metric(result.r2)}",
        xaxis_title=f"Estimated {plotly_text(label)}" + (f" ({plotly_text(unit)})" if unit else ""),
        yaxis_title=f"{text}, actual" + (f" ({plotly_text(unit)})" if unit else ""),
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
    )
    if unit in ("$", "€", "£", "¥"):
        fig.update_xaxes(tickprefix=unit, tickformat=",.0f")
        fig.update_yaxes(tickprefix=unit, tickformat=",.0f")
    return theme.apply(fig, height=460)


def residual_chart(
    result: RegressionPerformance, *, label: str = "value", unit: str = "", theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
    """Actual minus estimate against the estimate: a pattern here is a bias the averages hide."""
    keep = _sample(result.n_rows)
    fig = go.Figure(
        go.Scatter(
            x=result.predicted[keep], y=result.residuals[keep], mode="markers",
            marker={"color": theme.palette[1], "size": 5, "opacity": 0.5},
            hovertemplate="estimate %{x:,.0f}<br>actual − estimate %{y:,.0f}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_hline(y=0, line={"color": theme.neutral, "dash": "dot"})
    suffix = f" ({plotly_text(unit)})" if unit else ""
    fig.update_layout(
        title="Residuals: actual minus estimate",
        xaxis_title=f"Estimated {plotly_text(label)}{suffix}",
        yaxis_title=f"Actual − estimate{suffix}",
        showlegend=False,
    )
    if unit in ("$", "€", "£", "¥"):  # the residual axis keeps plain numbers: "$−2,000" would misread
        fig.update_xaxes(tickprefix=unit, tickformat=",.0f")
        fig.update_yaxes(tickformat=",.0f")
    return theme.apply(fig, height=460)
