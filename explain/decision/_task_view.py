"""What one decision's explanation is measured in, for every task.

A binary decision is read in probability points. A regression is read in the target's own
units (a log-link model's contributions rescaled from the link space to the estimate, as
log-odds are rescaled to probability). A multiclass decision explains one class: its
contributions to that class's probability when that is honest, else to the class's margin.

For a softmax model a class's probability can fall while its margin rises (the other classes
rose more), so the rescaled view is used only where the class's probability and margin moved
the same way and the margin moved more than 1e-6; otherwise the margin view is shown with one
sentence saying why (:attr:`ReaderView.note`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from explain.bundle._formatting import format_number, format_percent, format_points
from explain.models._base import sigmoid, softmax

#: A margin change smaller than this is no change at all: no rescaling is attempted.
MIN_MARGIN_MOVE = 1e-6


@dataclass(frozen=True)
class Units:
    """How a value and an effect of one explanation are written."""

    kind: Literal["probability", "margin", "target"]
    unit: str = ""
    decimals: int | None = None

    def value(self, v: float) -> str:
        """``34%``, ``margin 1.23``, ``$4,200``."""
        if self.kind == "probability":
            return format_percent(v)
        if self.kind == "margin":
            return f"margin {v:.2f}"
        return _in_unit(format_number(v, self.decimals), self.unit)

    def effect(self, v: float) -> str:
        """``+4.6 pts``, ``+0.42`` (margin), ``−$310``."""
        if self.kind == "probability":
            return format_points(v)
        sign = "+" if v >= 0 else "−"
        if self.kind == "margin":
            return f"{sign}{abs(v):.2f}"
        return sign + _in_unit(format_number(abs(v), self.decimals), self.unit)


def _in_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{unit}{text}" if unit in ("$", "€", "£", "¥") else f"{text}\u00a0{unit}"


@dataclass(frozen=True)
class ReaderView:
    """One decision's contributions in the units a person reads, with where they start and end."""

    values: np.ndarray
    base: float
    total: float
    units: Units
    note: str = ""


def reader_view(
    output: str,
    values: np.ndarray,
    base: np.ndarray | float,
    raw: np.ndarray | float,
    *,
    cls: int | None = None,
    units: Units | None = None,
    class_label: str = "",
) -> ReaderView:
    """The reader's view of one row's contributions (``values``: inputs, or inputs × classes with ``cls``)."""
    vals = np.asarray(values, dtype=float)
    b = np.atleast_1d(np.asarray(base, dtype=float))
    f = np.atleast_1d(np.asarray(raw, dtype=float))
    if cls is not None:  # one class of a multiclass model
        phi, b0, f0 = vals[:, cls], float(b[cls]), float(f[cls])
        if output == "probability":
            return ReaderView(phi.copy(), b0, f0, Units("probability"))
        if output == "log-odds":  # one-vs-rest: each class its own sigmoid
            return _rescaled(
                phi, b0, f0, float(sigmoid(np.array(b0))), float(sigmoid(np.array(f0))), Units("probability")
            )
        p_base, p_final = float(softmax(b[None, :])[0, cls]), float(softmax(f[None, :])[0, cls])
        moved = f0 - b0
        if abs(moved) > MIN_MARGIN_MOVE and np.sign(p_final - p_base) == np.sign(moved):
            return _rescaled(phi, b0, f0, p_base, p_final, Units("probability"))
        note = (
            f"Shown as the model's margin for {class_label or 'this class'}, not in probability points: "
            "its probability moved "
            + (
                "against its margin, because other classes moved more,"
                if abs(moved) > MIN_MARGIN_MOVE
                else "hardly at all"
            )
            + " so points would mislead."
        )
        return ReaderView(phi.copy(), b0, f0, Units("margin"), note)
    b0, f0 = float(b[0]), float(f[0])
    if output in ("probability", "target"):
        return ReaderView(vals.copy(), b0, f0, units or Units("probability" if output == "probability" else "target"))
    if output == "log-target":
        return _rescaled(vals, b0, f0, float(np.exp(b0)), float(np.exp(f0)), units or Units("target"))
    return _rescaled(vals, b0, f0, float(sigmoid(np.array(b0))), float(sigmoid(np.array(f0))), Units("probability"))


def _rescaled(phi: np.ndarray, b0: float, f0: float, start: float, end: float, units: Units) -> ReaderView:
    """Each contribution times (end − start) / (f − φ₀): they add up to the move in the reader's units,
    and every sign is kept (the transform is increasing)."""
    moved = f0 - b0
    scale = (end - start) / moved if abs(moved) > 1e-12 else 0.0
    return ReaderView(phi * scale, start, end, units)
