"""The error-segment figure: where the model errs most."""

from __future__ import annotations

import plotly.graph_objects as go

from explain.bundle._formatting import format_percent
from explain.evaluation._error_segments import ErrorAnalysisResult
from explain.figures._theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text


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
