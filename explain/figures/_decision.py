"""The contribution waterfall of one decision: from the model baseline to the score."""

from __future__ import annotations

from typing import Literal

import numpy as np
import plotly.graph_objects as go

from explain.bundle._formatting import format_percent, upper_first
from explain.decision._decision import DecisionResult
from explain.figures._theme import DEFAULT_THEME, FigureTheme, plotly_text
from explain.models._base import logit

Space = Literal["probability", "log-odds"]


def waterfall_steps(
    result: DecisionResult, *, space: Space = "probability", max_features: int = 8
) -> tuple[list[str], list[float], list[str]]:
    """The bars of the waterfall: names, values and measures (absolute, relative, total).

    Up to ``max_features`` features by absolute contribution, then one bar for the rest.
    Values are probability points (``space="probability"``) or raw model units.
    """
    c = result.contributions
    values = c.probability if space == "probability" else c.raw
    start = result.base.probability if space == "probability" else result.base.raw
    order = np.argsort(-np.abs(values), kind="stable")
    shown, rest = order[:max_features], order[max_features:]
    first = "Average estimate" if result.prediction.task == "regression" else "Model baseline"
    names = [first] + [f"{c.labels[j]} = {c.value_texts[j]}" for j in shown]
    steps = [float(start)] + [float(values[j]) for j in shown]
    measures = ["absolute"] + ["relative"] * len(shown)
    if len(rest):
        names.append(f"{len(rest)} other inputs")
        steps.append(float(values[rest].sum()))
        measures.append("relative")
    names.append("Score")
    steps.append(0.0)
    measures.append("total")
    return names, steps, measures


def _signed(value: float, space: Space, result: DecisionResult) -> str:
    if space == "probability":
        return result.prediction.units.effect(value)
    sign = "+" if value >= 0 else "−"
    return f"{sign}{abs(value):.3f}"


def _level(value: float, space: Space, result: DecisionResult) -> str:
    return result.prediction.units.value(value) if space == "probability" else f"{value:.3f}"


def contribution_waterfall(
    result: DecisionResult,
    *,
    space: Space = "probability",
    max_features: int = 8,
    theme: FigureTheme = DEFAULT_THEME,
) -> go.Figure:
    """A horizontal waterfall from the model baseline to the score, threshold marked.

    Each bar's label ends with its value, signed ("+4.1 pts", "−2.0 pts"), not shown by colour
    alone; the first bar is the model baseline and says its own value.
    """
    names, steps, measures = waterfall_steps(result, space=space, max_features=max_features)
    final = steps[0] + sum(steps[1:-1])
    texts = []
    for value, measure in zip(steps, measures, strict=True):
        if measure == "absolute":
            texts.append(_level(value, space, result))
        elif measure == "total":
            texts.append(_level(final, space, result))
        else:
            texts.append(_signed(value, space, result))
    labels = [plotly_text(n) for n in names]
    p = result.prediction
    last = upper_first(p.score_label)
    if p.task == "binary":
        last += f": {p.verdict}"
    elif p.units.kind == "margin":
        last = f"Margin of {p.explained_label}"
    labels[-1] = plotly_text(last)
    # each label names its own bar's value, so no number sits on the chart where the limit line could cross it
    ticks = [f"{label}  <b>{text}</b>" for label, text in zip(labels, texts, strict=True)]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            measure=measures,
            y=ticks,
            x=steps,
            text=texts,
            textposition="none",
            connector={"line": {"color": theme.grid}},
            increasing={"marker": {"color": theme.raises}},
            decreasing={"marker": {"color": theme.lowers}},
            totals={"marker": {"color": theme.total}},
            hovertemplate="%{y}<extra></extra>",
        )
    )
    prediction = result.prediction
    units = prediction.units
    if prediction.task == "binary":
        threshold = prediction.threshold
        line_at = threshold if space == "probability" else float(logit(np.array(threshold)))
        fig.add_vline(
            x=line_at,
            line={"color": theme.threshold, "dash": "dash", "width": 2},
            annotation={"text": f"limit {format_percent(threshold)}", "font": {"color": theme.threshold}},
            annotation_position="top",
        )
    label = plotly_text(upper_first(prediction.score_label))
    if space != "probability":
        axis = "Model output (log-odds)"
    elif units.kind == "probability":
        axis = f"{label} (probability)"
    elif units.kind == "margin":
        axis = f"Margin of {plotly_text(prediction.explained_label)} (raw model output)"
    else:
        axis = label + (f" ({plotly_text(units.unit)})" if units.unit else "")
    fig.update_layout(showlegend=False, xaxis_title=axis)
    fig.update_yaxes(autorange="reversed")
    if space == "probability" and units.kind == "probability":
        fig.update_xaxes(tickformat=".0%")
    elif units.kind == "target" and units.unit in ("$", "€", "£", "¥"):
        fig.update_xaxes(tickprefix=units.unit, tickformat=",.0f")
    return theme.apply(fig, height=90 + 34 * len(names))
