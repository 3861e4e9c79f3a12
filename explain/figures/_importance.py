"""Importance figures: mean |SHAP| and permutation importance bars, and the SHAP beeswarm."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explain.attribution._importance import ImportanceResult
from explain.attribution._shap import ShapResult
from explain.bundle._spec import Spec
from explain.figures._theme import DEFAULT_THEME, FigureTheme, empty_figure, plotly_text

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
