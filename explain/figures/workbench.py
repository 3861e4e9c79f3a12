"""Figures of the engineer's workbench: importance, the SHAP summary, dependence, PD/ICE."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explain.attributions import ShapResult
from explain.dependence import DependenceResult, PartialDependenceResult
from explain.figures.theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text
from explain.importance import ImportanceResult
from explain.spec import Spec

MAX_BEESWARM_POINTS = 2_000


def importance_bars(
    shap_importance: ImportanceResult,
    permutation_importance: ImportanceResult | None,
    *,
    theme: FigureTheme = DEFAULT_THEME,
) -> go.Figure:
    """Mean |SHAP| and permutation importance side by side, each with its 95% interval (SHAP
    alone when there is no permutation importance, for want of outcomes)."""
    titles = ["Mean |SHAP| (model output units)"]
    if permutation_importance is not None:
        titles.append(f"Permutation: drop in {plotly_text(permutation_importance.scoring_name)}")
    fig = make_subplots(rows=1, cols=len(titles), shared_yaxes=True, horizontal_spacing=0.04, subplot_titles=titles)
    order = shap_importance.to_frame()
    labels = [plotly_text(lbl) for lbl in order["label"]]
    panels = [(1, order, theme.palette[0])]
    if permutation_importance is not None:
        perm = permutation_importance.to_frame().set_index("feature").loc[order["feature"]]
        panels.append((2, perm.reset_index(), theme.palette[1]))
    for col, frame, colour in panels:
        fig.add_trace(
            go.Bar(
                x=frame["importance"],
                y=labels,
                orientation="h",
                marker={"color": colour},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (frame["high"] - frame["importance"]).clip(lower=0),
                    "arrayminus": (frame["importance"] - frame["low"]).clip(lower=0),
                    "color": theme.text,
                },
                hovertemplate="%{y}: %{x:.4f}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    fig.update_yaxes(autorange="reversed")
    return theme.apply(fig, height=120 + 28 * len(labels))


def _normalise(values: pd.Series) -> np.ndarray:
    numeric = pd.to_numeric(values, errors="coerce")
    ranks = numeric.rank(pct=True)
    return np.asarray(ranks.to_numpy(dtype=float))


def shap_beeswarm(
    result: ShapResult,
    rows: pd.DataFrame,
    spec: Spec,
    *,
    categorical: Sequence[str] = (),
    max_points: int = MAX_BEESWARM_POINTS,
    random_state: int = 0,
    theme: FigureTheme = DEFAULT_THEME,
) -> go.Figure:
    """A SHAP summary in the beeswarm style: one scatter trace per feature (most important on
    top), points coloured by the feature's value (numbers by their percentile on a blue–orange
    scale, categories by a discrete palette), at most ``max_points`` points per feature."""
    if len(result.ids) == 0:
        return empty_figure("No rows to summarise.", theme)
    rng = np.random.default_rng(random_state)
    n = len(result.ids)
    keep = np.sort(rng.choice(n, size=max_points, replace=False)) if n > max_points else np.arange(n)
    order = np.argsort(-np.abs(result.values).mean(axis=0), kind="stable")
    fig = go.Figure()
    count = len(order)
    for position, j in enumerate(order):
        name = result.feature_names[j]
        y = count - position + rng.uniform(-0.3, 0.3, len(keep))
        column = rows[name].iloc[keep]
        label = plotly_text(spec.label(name))
        if name in categorical or not pd.api.types.is_numeric_dtype(column):
            text = column.astype("object").where(column.notna(), "not provided").astype(str)
            cats = sorted(text.unique())
            colours = [theme.palette[cats.index(t) % len(theme.palette)] for t in text]
            marker = {"color": colours, "size": 4, "opacity": 0.7}
            hover = [plotly_text(t) for t in text]
        else:
            pct = _normalise(column)
            marker = {
                "color": np.where(np.isnan(pct), 0.5, pct),
                "colorscale": [[0, theme.lowers], [0.5, "#BBBBBB"], [1, theme.raises]],
                "cmin": 0,
                "cmax": 1,
                "size": 4,
                "opacity": 0.7,
                "showscale": position == 0,
                "colorbar": {"title": {"text": "value<br>percentile"}, "tickvals": [0, 1], "ticktext": ["low", "high"]},
            }
            hover = [("not provided" if pd.isna(v) else f"{v:,.4g}") for v in column]
        fig.add_trace(
            go.Scatter(
                x=result.values[keep, j],
                y=y,
                mode="markers",
                marker=marker,
                name=label,
                text=hover,
                hovertemplate=f"{label}<br>value %{{text}}<br>SHAP %{{x:.3f}}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_yaxes(
        tickvals=[count - p for p in range(count)],
        ticktext=[plotly_text(spec.label(result.feature_names[j])) for j in order],
        range=[0.4, count + 0.6],
    )
    fig.update_xaxes(title_text=f"SHAP value ({result.output})", zeroline=True)
    return theme.apply(fig, height=100 + 30 * count)


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
                    "color": np.where(np.isnan(pct), 0.5, pct),
                    "cmin": 0,
                    "cmax": 1,
                    "colorscale": [[0, theme.lowers], [0.5, "#BBBBBB"], [1, theme.raises]],
                    "showscale": True,
                    "colorbar": {"title": {"text": f"{color_label}<br>percentile"}},
                },
                text=[("not provided" if pd.isna(v) else f"{v:,.4g}") for v in colour],
                hovertemplate=f"{label} %{{x}}<br>SHAP %{{y:.3f}}<br>{color_label} %{{text}}<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": theme.grid})
    fig.update_layout(
        xaxis_title=label, yaxis_title=f"SHAP value of {label} ({result.output})", legend_title_text=color_label
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
    axis = "change in score since the first grid value" if centered else "score (probability)"
    fig.update_layout(xaxis_title=label, yaxis_title=axis)
    return theme.apply(fig, height=440)
