"""Importance figures: mean |SHAP| and permutation importance bars, and the SHAP beeswarm."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explain.attribution._importance import ImportanceResult
from explain.attribution._shap import ShapResult
from explain.bundle._formatting import format_value
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
    alone when there is no permutation importance, for want of outcomes). A multiclass
    model's mean |SHAP| is stacked by class, the legend naming the classes."""
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
    stacked = shap_importance.per_class is not None
    if stacked:  # multiclass: one segment per class, summing to the input's total mean |SHAP|
        per_class = shap_importance.to_frame()["feature"].map({f: k for k, f in enumerate(shap_importance.features)})
        rows = shap_importance.per_class[per_class.to_numpy()]  # type: ignore[index]
        for c, name in enumerate(shap_importance.class_labels):
            fig.add_trace(
                go.Bar(
                    x=rows[:, c], y=labels, orientation="h", name=plotly_text(name),
                    marker={"color": theme.palette[c % len(theme.palette)]},
                    hovertemplate=f"%{{y}}: %{{x:.4f}} for {plotly_text(name)}<extra></extra>",
                ),
                row=1, col=1,
            )  # fmt: skip
        fig.update_layout(
            barmode="stack", legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0, "traceorder": "normal"}
        )
        panels = panels[1:]
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
    return theme.apply(fig, height=120 + 28 * len(labels) + (60 if stacked else 0))


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
    shown_scale = False
    most_categories = 0  # the tallest group of the legend sets the room kept for it below the chart
    for position, j in enumerate(order):
        name = result.feature_names[j]
        y = count - position + rng.uniform(-0.3, 0.3, len(keep))
        column = rows[name].iloc[keep]
        label = plotly_text(spec.label(name))
        x = result.values[keep, j]
        if name in categorical or not pd.api.types.is_numeric_dtype(column):
            most_categories = max(most_categories, _category_traces(fig, x, y, column, label, theme))
            continue
        pct = _normalise(column)
        marker = {
            "color": np.where(np.isnan(pct), 50, 100 * pct),
            "colorscale": [[0, theme.lowers], [0.5, "#BBBBBB"], [1, theme.raises]],
            "cmin": 0,
            "cmax": 100,
            "size": 4,
            "opacity": 0.7,
            "showscale": not shown_scale,
            "colorbar": {
                "title": {"text": "Value (percentile of the reference)", "side": "right"},
                "tickvals": [0, 50, 100],
                "ticktext": ["0 (low)", "50", "100 (high)"],
                "len": 0.6,
                "y": 1.0,
                "yanchor": "top",
            },
        }
        shown_scale = True
        feature = spec.feature(name)
        hover = [plotly_text(format_value(v, feature)) for v in column]
        fig.add_trace(
            go.Scatter(
                x=x,
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
    fig.update_xaxes(title_text=f"Contribution to the score (SHAP value, {result.output})", zeroline=True)
    # categories in a legend below the axis title, in room of its own measured in pixels (a legend placed
    # in plot units drifts into the axis title as the chart's height changes); the colour scale to the right
    legend_height = 28 + 18 * most_categories if most_categories else 0
    fig.update_layout(
        legend={
            "title": {"text": "Categories of categorical inputs"}, "orientation": "h", "yref": "container",
            "yanchor": "bottom", "y": 0, "x": 0, "groupclick": "toggleitem", "font": {"size": 11},
        },
        margin={"b": 60 + legend_height},
    )  # fmt: skip
    return theme.apply(fig, height=max(100 + 30 * count, 420) + legend_height)


def _category_traces(
    fig: go.Figure, x: np.ndarray, y: np.ndarray, column: pd.Series, label: str, theme: FigureTheme
) -> int:
    """One trace per category of a categorical input, named in the legend under the input's label,
    so categories are told apart by name and colour rather than on a low–high scale."""
    text = column.astype("object").where(column.notna(), "not provided").astype(str).to_numpy()
    categories = sorted(set(text))
    for k, category in enumerate(categories):
        member = text == category
        name = plotly_text(category)
        fig.add_trace(
            go.Scatter(
                x=x[member],
                y=y[member],
                mode="markers",
                name=name,
                legendgroup=label,
                legendgrouptitle={"text": label},
                marker={"color": theme.palette[k % len(theme.palette)], "size": 4, "opacity": 0.7},
                hovertemplate=f"{label}<br>{name}<br>SHAP %{{x:.3f}}<extra></extra>",
            )
        )
    return len(categories)
