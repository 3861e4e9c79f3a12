"""Drift figures: PSI per input, bin shares, score shift and the change in mean |SHAP|."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_percent, format_psi
from explain.decision._task_view import Units
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
            text=[f"{format_psi(result.psi[i])} {status[i]}" for i in order],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: PSI %{text}<extra></extra>",
        )
    )
    for x, word, side in ((0.1, "moderate from 0.1 ", "right"), (0.25, " major from 0.25", "left")):
        # drawn above the bars and labelled above the plot, so neither hides behind a bar; the two labels
        # grow away from each other, so they never overlap however wide the axis
        fig.add_shape(
            type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", layer="above",
            line={"color": theme.neutral, "dash": "dash", "width": 1.5},
        )  # fmt: skip
        fig.add_annotation(
            x=x, y=1.0, yref="paper", yanchor="bottom", xanchor=side, text=word, showarrow=False, font={"size": 11}
        )
    batch = _BATCH_NAMES.get(result.batch, plotly_text(result.batch))
    fig.update_layout(
        showlegend=False,
        title=f"Population stability, reference against {batch} · scores PSI {format_psi(result.score_psi)}",
        xaxis_title="Population stability index (PSI)",
        margin={"t": 70},
    )
    fig.update_xaxes(range=[0, max(0.3, float(result.psi.max()) * 1.25)])
    return theme.apply(fig, height=120 + 28 * len(order))


def _shares_chart(
    labels: list[str], reference: np.ndarray, batch: np.ndarray, title: str, theme: FigureTheme
) -> go.Figure:
    """Shares per bin as horizontal bars: bin labels read across, never rotated over each other."""
    fig = go.Figure()
    for name, values, colour in (("Reference", reference, theme.palette[0]), ("Batch", batch, theme.palette[1])):
        fig.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=name,
                marker={"color": colour},
                hovertemplate=f"%{{y}}: %{{x:.1%}} of the {name.lower()}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", title=title, xaxis_title="Share of rows")
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(tickformat=".0%")
    return theme.apply(fig, height=max(320, 90 + 30 * len(labels)))


def drift_bins_chart(result: DriftResult, feature: str, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Shares of the reference and the batch in each bin of one input (bins empty on both sides left out)."""
    bins = result.feature_bins(feature)
    keep = (bins.reference > 0) | (bins.batch > 0)
    labels = [plotly_text(label) for label, k in zip(bins.labels, keep, strict=True) if k]
    psi = float(result.psi[result.features.index(feature)])
    label = plotly_text(result.labels[result.features.index(feature)])
    return _shares_chart(labels, bins.reference[keep], bins.batch[keep], f"{label} · PSI {format_psi(psi)}", theme)


def drift_score_chart(result: DriftResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Shares of reference and batch scores in the reference score deciles, with the mean scores."""
    bins = result.score_bins
    keep = (bins.reference > 0) | (bins.batch > 0)
    labels = [plotly_text(label) for label, k in zip(bins.labels, keep, strict=True) if k]
    if result.output_kind == "estimate":
        units = Units("target", result.output_unit, result.output_decimals)
        means = f"{units.value(result.score_mean_reference)} → {units.value(result.score_mean_batch)}"
        title = f"Estimates · PSI {format_psi(result.score_psi)} · mean {plotly_text(means)}"
    elif result.output_kind == "class":
        title = (
            f"Predicted classes · PSI {format_psi(result.score_psi)} · mean chance "
            f"{format_percent(result.score_mean_reference)} → {format_percent(result.score_mean_batch)}"
        )
    else:
        title = (
            f"Scores · PSI {format_psi(result.score_psi)} · mean {format_percent(result.score_mean_reference)} → "
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
    fig.update_layout(
        barmode="group", title="Mean |SHAP| before and after", xaxis_title=f"Mean |SHAP| ({ref.stamp.output_space})"
    )
    return theme.apply(fig, height=140 + 34 * len(order))
