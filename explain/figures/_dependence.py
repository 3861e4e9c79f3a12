"""Dependence figures: SHAP dependence coloured by the strongest partner, and PD with ICE lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explain.attribution._dependence import DependenceResult, PartialDependenceResult
from explain.bundle._formatting import format_value, upper_first
from explain.bundle._spec import Spec
from explain.figures._theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text


def dependence_scatter(result: DependenceResult, spec: Spec, *, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """SHAP values of a feature against its values, coloured by its strongest partner."""
    if len(result.ids) == 0:
        return empty_figure("No rows to show.", theme)
    label = plotly_text(spec.label(result.feature))
    color_label = plotly_text(spec.label(result.color_feature)) if result.color_feature else ""
    values = pd.Series(result.values)
    x = (
        values.astype("object").where(values.notna(), "not provided").astype(str)
        if result.categorical
        else pd.to_numeric(values, errors="coerce")
    )
    fig = go.Figure()
    if result.color_feature is None:
        fig.add_trace(go.Scatter(x=x, y=result.shap, mode="markers", marker={"size": 5, "color": theme.palette[0]}))
    elif result.color_categorical:
        colour = pd.Series(result.color_values).astype("object")
        colour = colour.where(colour.notna(), "not provided").astype(str)
        for i, cat in enumerate(sorted(colour.unique())):
            mask = (colour == cat).to_numpy()
            fig.add_trace(
                go.Scatter(
                    x=np.asarray(x)[mask],
                    y=result.shap[mask],
                    mode="markers",
                    name=plotly_text(cat),
                    marker={"size": 5, "color": theme.palette[i % len(theme.palette)], "opacity": 0.75},
                )
            )
    else:
        colour = pd.to_numeric(pd.Series(result.color_values), errors="coerce")
        pct = colour.rank(pct=True).to_numpy(dtype=float)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=result.shap,
                mode="markers",
                showlegend=False,
                marker={
                    "size": 5,
                    "opacity": 0.75,
                    "color": np.where(np.isnan(pct), 50, 100 * pct),
                    "cmin": 0,
                    "cmax": 100,
                    "colorscale": [[0, theme.lowers], [0.5, "#BBBBBB"], [1, theme.raises]],
                    "showscale": True,
                    "colorbar": {
                        "title": {"text": f"{color_label} (percentile)", "side": "right"},
                        "tickvals": [0, 50, 100],
                        "ticktext": ["0 (low)", "50", "100 (high)"],
                    },
                },
                text=[plotly_text(format_value(v, spec.feature(result.color_feature))) for v in colour],
                hovertemplate=f"{label} %{{x}}<br>SHAP %{{y:.3f}}<br>{color_label} %{{text}}<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": theme.grid})
    unit = plotly_text(spec.feature(result.feature).unit)
    fig.update_layout(
        xaxis_title=f"{label} ({unit})" if unit else label,
        yaxis_title=f"Contribution to the {plotly_text(result.target)}<br>(SHAP, {result.output})",
        legend_title_text=color_label,
    )
    return theme.apply(fig, height=460)


def pdp_ice(
    result: PartialDependenceResult, spec: Spec, *, centered: bool = False, theme: FigureTheme = DEFAULT_THEME
) -> go.Figure:
    """Partial dependence (thick line, or bars for categories) with up to 200 ICE lines."""
    label = plotly_text(spec.label(result.feature))
    average, ice = result.centered() if centered else (result.average, result.ice)
    fig = go.Figure()
    if result.categorical:
        grid = [plotly_text(str(g)) for g in result.grid]
        fig.add_trace(go.Bar(x=grid, y=average, marker={"color": theme.palette[0]}, name="partial dependence"))
        for line in ice:
            fig.add_trace(
                go.Scatter(
                    x=grid,
                    y=line,
                    mode="markers",
                    marker={"size": 4, "color": theme.grid},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    else:
        grid_x = np.asarray(result.grid, dtype=float)
        xs = np.concatenate([np.append(grid_x, np.nan) for _ in range(len(ice))]) if len(ice) else np.zeros(0)
        ys = np.concatenate([np.append(line, np.nan) for line in ice]) if len(ice) else np.zeros(0)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "rgba(127,127,127,0.25)", "width": 1},
                name="ICE lines",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=grid_x,
                y=average,
                mode="lines+markers",
                line={"color": theme.raises, "width": 4},
                name="partial dependence",
            )
        )
    score = plotly_text(result.what or spec.score_label)
    axis = f"Change in {score} since the first value" if centered else f"{upper_first(score)} (average over cases)"
    if result.unit:
        axis += f" ({plotly_text(result.unit)})"
    unit = plotly_text(spec.feature(result.feature).unit)
    fig.update_layout(xaxis_title=f"{label} ({unit})" if unit else label, yaxis_title=axis)
    if result.probability:
        fig.update_yaxes(tickformat=".0%" if not centered else "+.0%")
    else:
        fig.update_yaxes(tickformat=",.0f" if not centered else "+,.0f")
    return theme.apply(fig, height=440)
