"""Performance figures: ROC, precision-recall, calibration, score distributions, the confusion matrix and the cost curve."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_metric, format_percent, format_rate, upper_first
from explain.evaluation._cost import CostResult
from explain.evaluation._performance import PerformanceResult
from explain.figures._theme import DEFAULT_THEME, FigureTheme, plotly_text


def _mark(fig: go.Figure, x: float, y: float, name: str, colour: str, symbol: str) -> None:
    """One highlighted point (the chosen threshold on a curve), with its own legend entry."""
    marker = {"color": colour, "size": 12 if symbol == "star" else 11, "symbol": symbol}
    fig.add_trace(go.Scatter(x=[x], y=[y], mode="markers", name=name, marker=marker))


def _curve(
    fig: go.Figure, x: np.ndarray, y: np.ndarray, thresholds: np.ndarray, name: str, hover: str, theme: FigureTheme
) -> None:
    """A curve over thresholds; hovering a point names its threshold."""
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            name=name,
            line={"color": theme.palette[0], "width": 2},
            customdata=thresholds,
            hovertemplate="threshold %{customdata:.1%}<br>" + hover + "<extra></extra>",
        )
    )


def _cut(result: PerformanceResult, threshold: float | None) -> float:
    return result.threshold if threshold is None else float(threshold)


def roc_chart(
    result: PerformanceResult, *, threshold: float | None = None, theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
    """The ROC curve with the chance diagonal and the operating point at ``threshold``."""
    cut = _cut(result, threshold)
    point = result.at(cut)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="Chance", line={"color": theme.neutral, "dash": "dot"})
    )
    _curve(fig, result.roc_fpr, result.roc_tpr, result.roc_thresholds, f"ROC (AUC {result.roc_auc:.3f})",
           "FPR %{x:.1%}, TPR %{y:.1%}", theme)  # fmt: skip
    _mark(fig, point.false_positive_rate, point.recall, f"At {format_percent(cut)}", theme.threshold, "diamond")
    fig.update_layout(title=f"ROC curve · AUC {result.roc_auc:.3f}", xaxis_title="False positive rate")
    fig.update_layout(yaxis_title="True positive rate (recall)")
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return theme.apply(fig, height=380)


def precision_recall_chart(
    result: PerformanceResult, *, threshold: float | None = None, theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
    """Precision against recall, the outcome rate as the no-skill line, the operating point marked."""
    cut = _cut(result, threshold)
    point = result.at(cut)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[result.positive_rate] * 2,
            mode="lines",
            name=f"Outcome rate {format_percent(result.positive_rate)}",
            line={"color": theme.neutral, "dash": "dot"},
        )
    )
    _curve(fig, result.pr_recall, result.pr_precision, result.pr_thresholds,
           f"Precision-recall (AP {result.average_precision:.3f})", "recall %{x:.1%}, precision %{y:.1%}", theme)  # fmt: skip
    precision = point.precision if not np.isnan(point.precision) else 1.0
    _mark(fig, point.recall, precision, f"At {format_percent(cut)}", theme.threshold, "diamond")
    fig.update_layout(title=f"Precision and recall · average precision {result.average_precision:.3f}")
    fig.update_layout(xaxis_title="Recall (true positive rate)", yaxis_title="Precision")
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return theme.apply(fig, height=380)


def calibration_chart(result: PerformanceResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Observed outcome rate against mean score per score bin, the diagonal for perfect calibration."""
    top = float(max(result.calibration_predicted.max(), result.calibration_observed.max(), 0.01)) * 1.05
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, top],
            y=[0, top],
            mode="lines",
            name="Perfect calibration",
            line={"color": theme.neutral, "dash": "dot"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=result.calibration_predicted,
            y=result.calibration_observed,
            mode="lines+markers",
            name="Model",
            line={"color": theme.palette[0], "width": 2},
            customdata=result.calibration_count,
            hovertemplate="mean score %{x:.1%}<br>observed %{y:.1%}<br>%{customdata} cases<extra></extra>",
        )
    )
    fig.update_layout(
        title=(
            f"Calibration · Brier score {format_metric(result.brier_score)}<br><sup>scoring every case at the outcome "
            f"rate of {format_rate(result.positive_rate)} would give {format_metric(result.brier_baseline)}</sup>"
        ),
        xaxis_title=f"Mean {plotly_text(result.score_label)} in the bin",
        yaxis_title=f"Share “{plotly_text(result.outcome_names[1])}”",
    )
    fig.update_xaxes(range=[0, top], tickformat=".0%")
    fig.update_yaxes(range=[0, top], tickformat=".0%")
    return theme.apply(fig, height=380)


def score_distribution_chart(
    result: PerformanceResult, *, threshold: float | None = None, n_bins: int = 40, theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
    """Scores of outcome-0 and outcome-1 cases, each as shares of its own outcome, threshold marked."""
    cut = _cut(result, threshold)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure()
    for outcome, colour in ((0, theme.lowers), (1, theme.raises)):
        scores = result.scores[result.outcomes == outcome]
        counts, _ = np.histogram(scores, bins=edges)
        shares = counts / max(len(scores), 1)
        fig.add_trace(
            go.Bar(
                x=centres,
                y=shares,
                width=1.0 / n_bins,
                name=f"{plotly_text(result.outcome_names[outcome])} ({len(scores):,} cases)",
                marker={"color": colour},
                opacity=0.6,
                customdata=counts,
                hovertemplate="score %{x:.0%}: %{y:.1%} of the outcome (%{customdata} cases)<extra></extra>",
            )
        )
    fig.add_vline(x=cut, line={"color": theme.threshold, "dash": "dash", "width": 2})
    fig.update_layout(
        barmode="overlay",
        title=f"{plotly_text(upper_first(result.score_label))} by outcome · threshold {format_percent(cut)}",
        xaxis_title=plotly_text(upper_first(result.score_label)),
        yaxis_title="Share of the outcome's cases",
    )
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(tickformat=".0%")
    return theme.apply(fig, height=360)


def confusion_matrix_chart(
    result: PerformanceResult, *, threshold: float | None = None, theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
    """The 2×2 confusion matrix at ``threshold``: counts and the share of each outcome's cases."""
    cut = _cut(result, threshold)
    m = result.at(cut)
    counts = np.array([[m.true_positives, m.false_negatives], [m.false_positives, m.true_negatives]], dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    names = [["True positives", "False negatives"], ["False positives", "True negatives"]]
    text = [
        [f"{names[i][j]}<br>{int(counts[i, j]):,} ({format_rate(shares[i, j])})" for j in range(2)] for i in range(2)
    ]
    x = [
        f"{plotly_text(result.verdict_above)} (score ≥ {format_percent(cut)})",
        f"{plotly_text(result.verdict_below)} (score < {format_percent(cut)})",
    ]
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=x,
            y=[
                f"Turned out “{plotly_text(result.outcome_names[1])}”",
                f"Turned out “{plotly_text(result.outcome_names[0])}”",
            ],
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "rgba(0,114,178,0.05)"], [1, "rgba(0,114,178,0.75)"]],
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"At a limit of {format_percent(cut)}: share of each outcome's cases", xaxis_title="Verdict",
        yaxis_title="Known outcome",
    )  # fmt: skip
    return theme.apply(fig, height=320)


def cost_curve_chart(result: CostResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Expected cost per decision by threshold; the best allowed and the current threshold marked."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=result.thresholds,
            y=result.expected_cost,
            mode="lines",
            name="Expected cost per decision",
            line={"color": theme.palette[0], "width": 2},
            customdata=1000 * result.flagged_share,
            hovertemplate="threshold %{x:.1%}<br>cost %{y:.4g}<br>%{customdata:.0f} flagged per 1,000<extra></extra>",
        )
    )
    if not result.feasible.all():
        blocked = np.where(result.feasible, np.nan, result.expected_cost)
        fig.add_trace(
            go.Scatter(
                x=result.thresholds,
                y=blocked,
                mode="lines",
                name=f"Over capacity ({result.review_capacity:g} per 1,000)",
                line={"color": theme.neutral, "width": 6},
                opacity=0.5,
                hoverinfo="skip",
            )
        )
    _mark(fig, result.best_threshold, result.best_cost, f"Best threshold {format_percent(result.best_threshold)}",
          theme.accent, "star")  # fmt: skip
    if result.current_threshold is not None:
        fig.add_vline(
            x=result.current_threshold,
            line={"color": theme.threshold, "dash": "dash", "width": 2},
            annotation={"text": f"current {format_percent(result.current_threshold)}"},
            annotation_position="top",
        )
    fig.update_layout(
        title=f"Cost of a false positive {result.cost_fp:g}, of a false negative {result.cost_fn:g}",
        xaxis_title="Threshold",
        yaxis_title="Expected cost per decision",
    )
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    return theme.apply(fig, height=380)
