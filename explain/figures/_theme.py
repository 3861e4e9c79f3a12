"""One explicit plotly theme: colour-blind safe (Okabe–Ito), readable on light and dark pages.

Backgrounds are transparent and text and grid lines mid-grey, so the same figure reads on
Streamlit's light and dark themes. Figures never depend on a global plotly template.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go


@dataclass(frozen=True)
class FigureTheme:
    """Colours and fonts passed explicitly to every figure builder."""

    raises: str = "#D55E00"  # vermillion: pushes the score up
    lowers: str = "#0072B2"  # blue: pushes the score down
    neutral: str = "#999999"
    total: str = "#6B6B6B"
    threshold: str = "#CC79A7"  # reddish purple
    accent: str = "#009E73"  # bluish green
    text: str = "#7F7F7F"
    grid: str = "rgba(127,127,127,0.25)"
    font_family: str = "Source Sans Pro, Arial, sans-serif"
    font_size: int = 13
    palette: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

    def apply(self, fig: go.Figure, *, height: int | None = None) -> go.Figure:
        """Set the layout every figure shares; returns the same figure."""
        fig.update_layout(
            template="none",
            paper_bgcolor="rgba(0,0,0,0)",
            plot_bgcolor="rgba(0,0,0,0)",
            font={"family": self.font_family, "size": self.font_size, "color": self.text},
            margin={k: getattr(fig.layout.margin, k) or v for k, v in {"l": 10, "r": 30, "t": 40, "b": 40}.items()},
            colorway=list(self.palette),
            hoverlabel={"font": {"family": self.font_family}},
        )
        fig.update_xaxes(gridcolor=self.grid, zerolinecolor=self.grid, linecolor=self.grid, automargin=True)
        fig.update_yaxes(gridcolor=self.grid, zerolinecolor=self.grid, linecolor=self.grid, automargin=True)
        if height is not None:
            fig.update_layout(height=height)
        return fig


DEFAULT_THEME = FigureTheme()


def plotly_text(text: object) -> str:
    """User text made literal for plotly, which renders ``<b>``, ``<a>`` and a few entities in
    chart text. Only ``&``, ``<`` and ``>`` are escaped: plotly decodes those three entities but
    shows ``&quot;`` as it is, so quotes stay quotes."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def empty_figure(note: str, theme: FigureTheme = DEFAULT_THEME) -> go.Figure:
    """A figure that says why there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(text=note, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return theme.apply(fig, height=200)
