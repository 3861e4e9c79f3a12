"""The error-segment figure: where the model errs most."""

from __future__ import annotations

import plotly.graph_objects as go

from explain.bundle._formatting import format_metric, format_rate
from explain.decision._task_view import Units
from explain.evaluation._error_segments import ErrorAnalysisResult
from explain.figures._theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text


def error_segments_chart(result: ErrorAnalysisResult, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """Mean log-loss per segment, worst at the top, the overall mean marked."""
    if not result.segments:
        return empty_figure("No segments to show.", theme)
    segments = result.segments[::-1]

    def loss(v: float) -> str:
        return Units("target", result.loss_unit, 0).value(v) if result.task == "regression" else format_metric(v)

    wrong = {"binary": "wrong side", "multiclass": "misclassified", "regression": "wrong band"}.get(
        result.task, "wrong"
    )
    labels = ["<br>".join(plotly_text(c) for c in s.conditions) or "All cases" for s in segments]
    fig = go.Figure(
        go.Bar(
            x=[s.mean_log_loss for s in segments],
            y=labels,
            orientation="h",
            marker={"color": [theme.raises if s.lift > 1 else theme.lowers for s in segments]},
            text=[f"{format_rate(s.share)} of cases · {format_rate(s.error_rate)} {wrong}" for s in segments],
            textposition="outside",
            cliponaxis=False,
            customdata=[loss(s.mean_log_loss) for s in segments],
            hovertemplate=f"%{{y}}<br>mean {result.loss_name} %{{customdata}}<br>%{{text}}<extra></extra>",
        )
    )
    fig.add_vline(
        x=result.overall_log_loss,
        line={"color": theme.threshold, "dash": "dash"},
        layer="above",
    )
    fig.add_annotation(
        x=result.overall_log_loss,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"overall {plotly_text(loss(result.overall_log_loss))}",
    )
    fig.update_layout(
        showlegend=False,
        title="Where the model errs most",
        xaxis_title=f"Mean {result.loss_name} (lower is better)",
        margin={"t": 70},
    )
    fig.update_xaxes(range=[0, 1.6 * max(s.mean_log_loss for s in segments)])  # room for the text
    if result.task == "regression" and result.loss_unit in ("$", "€", "£", "¥"):
        fig.update_xaxes(tickprefix=result.loss_unit, tickformat=",.0f")
    return theme.apply(fig, height=120 + 60 * len(segments))
