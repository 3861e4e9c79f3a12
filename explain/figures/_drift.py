"""Drift figures: PSI per input, bin shares, score shift and the change in mean |SHAP|."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_percent
from explain.evaluation._drift import DriftResult
from explain.figures._theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text

_BATCH_NAMES = {"current": "the current batch", "decisions": "the decisions", "custom": "the uploaded batch"}


def _status_colour(status: str, theme: FigureTheme) -> str:
    return {"major": theme.raises, "moderate": theme.palette[1]}.get(status, theme.neutral)


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
