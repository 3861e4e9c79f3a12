"""Figures of the engineer's workbench: performance, cost, fairness, drift and error segments.

Each builder takes a result and returns a new ``go.Figure`` themed by ``theme.apply``.
Every user-derived string (labels, categories, groups, verdicts) is HTML-escaped before it
reaches plotly, which renders ``<a>``, ``<b>`` and friends in chart text.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.cost import CostResult
from explain.drift import DriftResult
from explain.errors_analysis import ErrorAnalysisResult
from explain.fairness import FOUR_FIFTHS, ColumnFairness
from explain.figures.theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text
from explain.formatting import format_percent
from explain.performance import PerformanceResult

_OUTCOME_NAMES = ("Outcome 0", "Outcome 1")


def _cap(text: str) -> str:
    """The first letter upper-cased, the rest untouched (unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


_BATCH_NAMES = {"current": "the current batch", "decisions": "the decisions", "custom": "the uploaded batch"}


def _status_colour(status: str, theme: FigureTheme) -> str:
    return {"major": theme.raises, "moderate": theme.palette[1]}.get(status, theme.neutral)


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
    fig.add_trace(
        go.Scatter(
            x=result.roc_fpr,
            y=result.roc_tpr,
            mode="lines",
            name=f"ROC (AUC {result.roc_auc:.3f})",
            line={"color": theme.palette[0], "width": 2},
            customdata=result.roc_thresholds,
            hovertemplate="threshold %{customdata:.1%}<br>FPR %{x:.1%}, TPR %{y:.1%}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[point.false_positive_rate],
            y=[point.recall],
            mode="markers",
            name=f"At {format_percent(cut)}",
            marker={"color": theme.threshold, "size": 11, "symbol": "diamond"},
        )
    )
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
    fig.add_trace(
        go.Scatter(
            x=result.pr_recall,
            y=result.pr_precision,
            mode="lines",
            name=f"Precision-recall (AP {result.average_precision:.3f})",
            line={"color": theme.palette[0], "width": 2},
            customdata=result.pr_thresholds,
            hovertemplate="threshold %{customdata:.1%}<br>recall %{x:.1%}, precision %{y:.1%}<extra></extra>",
        )
    )
    precision = point.precision if not np.isnan(point.precision) else 1.0
    fig.add_trace(
        go.Scatter(
            x=[point.recall],
            y=[precision],
            mode="markers",
            name=f"At {format_percent(cut)}",
            marker={"color": theme.threshold, "size": 11, "symbol": "diamond"},
        )
    )
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
        title=f"Calibration · Brier {result.brier_score:.4f} (base rate {result.brier_baseline:.4f})",
        xaxis_title=f"Mean {plotly_text(result.score_label)} in the bin",
        yaxis_title="Observed outcome rate",
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
                name=f"{_OUTCOME_NAMES[outcome]} ({len(scores):,} cases)",
                marker={"color": colour},
                opacity=0.6,
                customdata=counts,
                hovertemplate="score %{x:.0%}: %{y:.1%} of the outcome (%{customdata} cases)<extra></extra>",
            )
        )
    fig.add_vline(x=cut, line={"color": theme.threshold, "dash": "dash", "width": 2})
    fig.update_layout(
        barmode="overlay",
        title=f"{plotly_text(_cap(result.score_label))} by outcome · threshold {format_percent(cut)}",
        xaxis_title=plotly_text(_cap(result.score_label)),
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
        [f"{names[i][j]}<br>{int(counts[i, j]):,} ({format_percent(shares[i, j])})" for j in range(2)] for i in range(2)
    ]
    x = [
        f"{plotly_text(result.verdict_above)} (score ≥ {format_percent(cut)})",
        f"{plotly_text(result.verdict_below)} (score < {format_percent(cut)})",
    ]
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=x,
            y=["Outcome 1", "Outcome 0"],
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "rgba(0,114,178,0.05)"], [1, "rgba(0,114,178,0.75)"]],
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(title=f"At threshold {format_percent(cut)}", xaxis_title="Decision", yaxis_title="Outcome")
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
    fig.add_trace(
        go.Scatter(
            x=[result.best_threshold],
            y=[result.best_cost],
            mode="markers",
            name=f"Best threshold {format_percent(result.best_threshold)}",
            marker={"color": theme.accent, "size": 12, "symbol": "star"},
        )
    )
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


def drift_psi_chart(result: DriftResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """PSI per input, largest at the top, coloured by status; lines at 0.1 and 0.25."""
    order = np.argsort(result.psi, kind="stable")
    status = result.status
    fig = go.Figure(
        go.Bar(
            x=result.psi[order],
            y=[plotly_text(result.labels[i]) for i in order],
            orientation="h",
            marker={"color": [_status_colour(status[i], theme) for i in order]},
            text=[f"{result.psi[i]:.3f} {status[i]}" for i in order],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: PSI %{x:.3f}<extra></extra>",
        )
    )
    for x, word, side in ((0.1, "moderate", "top left"), (0.25, "major", "top right")):
        fig.add_vline(
            x=x,
            line={"color": theme.neutral, "dash": "dash"},
            annotation={"text": word},
            annotation_position=side,
        )
    fig.update_layout(
        showlegend=False,
        title=f"Population stability, reference against {_BATCH_NAMES.get(result.batch, plotly_text(result.batch))} · scores PSI {result.score_psi:.3f}",
        xaxis_title="Population stability index",
    )
    fig.update_xaxes(range=[0, max(0.3, float(result.psi.max()) * 1.25)])
    return theme.apply(fig, height=120 + 28 * len(order))


def _shares_chart(
    labels: list[str], reference: np.ndarray, batch: np.ndarray, title: str, theme: FigureTheme
) -> go.Figure:
    fig = go.Figure()
    for name, values, colour in (("Reference", reference, theme.palette[0]), ("Batch", batch, theme.palette[1])):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=name,
                marker={"color": colour},
                hovertemplate=f"%{{x}}: %{{y:.1%}} of the {name.lower()}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", title=title, yaxis_title="Share of rows")
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=".0%")
    return theme.apply(fig, height=360)


def drift_bins_chart(result: DriftResult, feature: str, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Shares of the reference and the batch in each bin of one input (bins empty on both sides left out)."""
    bins = result.feature_bins(feature)
    keep = (bins.reference > 0) | (bins.batch > 0)
    labels = [plotly_text(label) for label, k in zip(bins.labels, keep, strict=True) if k]
    psi = float(result.psi[result.features.index(feature)])
    label = plotly_text(result.labels[result.features.index(feature)])
    return _shares_chart(labels, bins.reference[keep], bins.batch[keep], f"{label} · PSI {psi:.3f}", theme)


def drift_score_chart(result: DriftResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Shares of reference and batch scores in the reference score deciles, with the mean scores."""
    bins = result.score_bins
    keep = (bins.reference > 0) | (bins.batch > 0)
    labels = [plotly_text(label) for label, k in zip(bins.labels, keep, strict=True) if k]
    title = (
        f"Scores · PSI {result.score_psi:.3f} · mean {format_percent(result.score_mean_reference)} → "
        f"{format_percent(result.score_mean_batch)}"
    )
    return _shares_chart(labels, bins.reference[keep], bins.batch[keep], title, theme)


def drift_importance_chart(result: DriftResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Mean |SHAP| per input on the reference and on the batch, largest on the reference at the top."""
    ref, new = result.importance_reference, result.importance_batch
    if ref is None or new is None:
        return empty_figure("SHAP was not computed for this comparison.", theme)
    order = np.argsort(ref.importance, kind="stable")
    labels = [plotly_text(result.labels[i]) for i in order]
    fig = go.Figure()
    for name, values, colour in (
        ("Reference", ref.importance, theme.palette[0]),
        ("Batch", new.importance, theme.palette[1]),
    ):
        fig.add_trace(
            go.Bar(
                x=values[order],
                y=labels,
                name=name,
                orientation="h",
                marker={"color": colour},
                hovertemplate=f"%{{y}}: mean |SHAP| %{{x:.3f}} on the {name.lower()}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", title="Mean |SHAP| before and after", xaxis_title="Mean |SHAP| (log-odds)")
    return theme.apply(fig, height=140 + 34 * len(order))


def error_segments_chart(result: ErrorAnalysisResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Mean log-loss per segment, worst at the top, the overall mean marked."""
    if not result.segments:
        return empty_figure("No segments to show.", theme)
    segments = result.segments[::-1]
    labels = ["<br>".join(plotly_text(c) for c in s.conditions) or "All cases" for s in segments]
    fig = go.Figure(
        go.Bar(
            x=[s.mean_log_loss for s in segments],
            y=labels,
            orientation="h",
            marker={"color": [theme.raises if s.lift > 1 else theme.lowers for s in segments]},
            text=[f"{format_percent(s.share)} of cases · error rate {format_percent(s.error_rate)}" for s in segments],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>mean log-loss %{x:.3f}<br>%{text}<extra></extra>",
        )
    )
    fig.add_vline(
        x=result.overall_log_loss,
        line={"color": theme.threshold, "dash": "dash"},
        annotation={"text": f"overall {result.overall_log_loss:.3f}"},
        annotation_position="top",
    )
    fig.update_layout(showlegend=False, title="Where the model errs most", xaxis_title="Mean log-loss")
    fig.update_xaxes(range=[0, 1.6 * max(s.mean_log_loss for s in segments)])  # room for the text
    return theme.apply(fig, height=120 + 60 * len(segments))


__all__ = [
    "calibration_chart",
    "confusion_matrix_chart",
    "cost_curve_chart",
    "drift_bins_chart",
    "drift_importance_chart",
    "drift_psi_chart",
    "drift_score_chart",
    "error_segments_chart",
    "fairness_proxy_chart",
    "fairness_rates_chart",
    "precision_recall_chart",
    "roc_chart",
    "score_distribution_chart",
]
