"""Every CSV the app writes is inert in a spreadsheet: no live formula, no line break in a cell."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from explain import Bundle, explain_decision
from explain._csv import is_live, neutralize, safe_csv
from explain.cli import reasons_table
from explain.decision._casefile import contributions_csv
from tests.hostile import FORMULAS


@pytest.mark.parametrize("text", [*FORMULAS, "=1", "+1", "-1", "@A1", "  \t=1", "\x00=1", "\ufe62 1"])
def test_every_formula_form_is_live_and_neutralised(text: str) -> None:
    assert is_live(text)
    out = neutralize(text)
    assert isinstance(out, str) and out.startswith("'") and "\r" not in out and "\n" not in out


@pytest.mark.parametrize("text", ["plain", "a=b", "12", "", "e-mail", "O'Brien"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralize(text) == text


def _cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    return [cell for row in rows for cell in row]


def assert_inert(text: str) -> None:
    """Read a CSV back as a spreadsheet would: every cell is a number or inert text."""
    lines = text.splitlines()
    assert all(len(row) == len(next(csv.reader(io.StringIO(lines[0])))) for row in csv.reader(io.StringIO(text)))
    for cell in _cells(text):
        try:
            float(cell)
            continue
        except ValueError:
            pass
        assert not is_live(cell), cell
        assert "\r" not in cell and "\n" not in cell, cell


def test_safe_csv_of_hostile_cells() -> None:
    frame = pd.DataFrame({"=bad header": list(FORMULAS), "n": range(len(FORMULAS))})
    text = safe_csv(frame)
    assert_inert(text)
    assert len(text.splitlines()) == len(FORMULAS) + 1  # one physical line per row


def test_contributions_export_of_a_decision_with_a_formula_id(hostile_bundle: Bundle) -> None:
    for formula in FORMULAS:
        assert_inert(contributions_csv(explain_decision(hostile_bundle, formula)))


def test_reasons_export_of_the_hostile_bundle(hostile_bundle: Bundle) -> None:
    table = reasons_table(hostile_bundle, adverse_only=False)
    assert set(FORMULAS) <= set(table["id"])
    assert_inert(safe_csv(table))
