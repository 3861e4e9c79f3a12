"""Performance figures of multiclass and regression models: the confusion matrix of classes,
one-vs-rest ROC and precision-recall curves, calibration per class, estimates against actual
values and the residuals (against the estimate or any input)."""

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
            x=labels,  # short and level: "predicted"/"true" go in the axis titles
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#F7F7F7"], [1, theme.palette[0]]],
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": "Share of the true class", "side": "right"}, "tickformat": ".0%"},
            hovertemplate="true %{y}, predicted %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Confusion matrix · accuracy {format_rate(result.accuracy)}",
        xaxis_title="Predicted class",
        yaxis_title="True class",
    )
    fig.update_xaxes(tickangle=0)
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
    return _rates_square(
        fig,
        f"One class against the rest · macro ROC AUC {format_metric(result.macro_roc_auc)}",
        "False positive rate",
        "True positive rate",
        theme,
    )


def _rates_square(fig: go.Figure, title: str, x_title: str, y_title: str, theme: FigureTheme) -> go.Figure:
    """The layout of a per-class curve chart: shares on both axes, the legend below."""
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
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


def class_pr_chart(result: MulticlassPerformance, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """One precision-recall curve per class against all the others, its average precision in the legend."""
    from sklearn.metrics import precision_recall_curve

    fig = go.Figure()
    for c, label in enumerate(result.labels):
        positive = result.outcomes == c
        if not 0 < positive.sum() < len(positive):
            continue
        precision, recall, _ = precision_recall_curve(positive, result.probabilities[:, c])
        ap = result.per_class["average_precision"].iloc[c]
        fig.add_trace(
            go.Scatter(
                x=recall, y=precision, mode="lines",
                name=f"{plotly_text(label)} · AP {format_metric(ap)} (base {format_rate(positive.mean())})",
                line={"color": theme.palette[c % len(theme.palette)], "width": 2},
            )
        )  # fmt: skip
    return _rates_square(
        fig, "Precision and recall, one class against the rest", "Recall (share of the class found)", "Precision", theme
    )


def class_calibration_chart(result: MulticlassPerformance, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Per class: the mean chance the model gave (across) against the share that was that class
    (up), in tenths of the chance; on the diagonal the chances can be taken at their word."""
    table = result.calibration()
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                   line={"color": theme.neutral, "dash": "dot"})
    )  # fmt: skip
    for c, label in enumerate(result.labels):
        part = table[table["class"] == result.classes[c]]
        fig.add_trace(
            go.Scatter(
                x=part["mean_predicted"], y=part["observed"], mode="lines+markers", name=plotly_text(label),
                line={"color": theme.palette[c % len(theme.palette)], "width": 2},
                customdata=[[f"{n:,}", format_rate(o)] for n, o in zip(part["rows"], part["observed"], strict=True)],
                hovertemplate="chance %{x:.0%}: %{customdata[1]} were this class (%{customdata[0]} cases)<extra></extra>",
            )
        )  # fmt: skip
    return _rates_square(fig, "Calibration per class", "Mean chance given", "Share that was the class", theme)


def residual_by_input_chart(
    result: RegressionPerformance,
    feature: str,
    *,
    feature_label: str,
    categorical: bool,
    unit: str = "",
    theme: FigureTheme = DEFAULT_THEME,
) -> go.Figure:
    """Actual minus estimate against one input: points for a number, a box per category."""
    keep = _sample(result.n_rows)
    values = result.inputs[feature].to_numpy()[keep]
    residuals = result.residuals[keep]
    suffix = f" ({plotly_text(unit)})" if unit else ""
    if categorical:
        shown = np.array(["not provided" if v is None or v != v else plotly_text(v) for v in values], dtype=object)
        trace: go.Box | go.Scatter = go.Box(
            x=shown, y=residuals, marker={"color": theme.palette[2]}, boxpoints=False, name=plotly_text(feature_label)
        )
    else:
        trace = go.Scatter(
            x=values, y=residuals, mode="markers", marker={"color": theme.palette[2], "size": 5, "opacity": 0.5},
            hovertemplate="%{x}<br>actual − estimate %{y:,.0f}<extra></extra>",
        )  # fmt: skip
    fig = go.Figure(trace)
    fig.add_hline(y=0, line={"color": theme.neutral, "dash": "dot"})
    fig.update_layout(
        title=f"Residuals against {plotly_text(feature_label)}",
        xaxis_title=plotly_text(feature_label),
        yaxis_title=f"Actual − estimate{suffix}",
        showlegend=False,
    )
    fig.update_yaxes(tickformat=",.0f")
    return theme.apply(fig, height=420)
