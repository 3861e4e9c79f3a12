"""Plotly figure builders: a result in, a new ``go.Figure`` out. No I/O, no globals."""

from explain.figures.theme import DEFAULT_THEME, FigureTheme, empty_figure
from explain.figures.waterfall import contribution_waterfall, waterfall_steps

__all__ = ["DEFAULT_THEME", "FigureTheme", "contribution_waterfall", "empty_figure", "waterfall_steps"]
