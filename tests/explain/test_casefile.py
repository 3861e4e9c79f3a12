"""The case file and the contributions CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pandas as pd

from explain import Bundle
from explain.decision._casefile import case_file_html, contributions_csv
from explain.decision._decision import explain_decision
from explain.decision._whatif import what_if
from tests.hostile import IMG


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]


def test_case_file_is_self_contained(loan: Bundle) -> None:
    decision_id = str(loan.decisions.index[3])
    result = explain_decision(loan, decision_id)
    explored = what_if(loan, decision_id, {"debt_to_income": 5.0})
    html = case_file_html(
        result, bundle_name=loan.name, what_if=explored, generated_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    )
    assert len(html.encode()) < 1_000_000
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert {"html", "head", "body", "svg", "rect", "table"} <= set(parser.tags)
    assert "script" not in parser.tags
    assert all(not ref or ref.startswith("#") for ref in parser.refs)
    assert not re.search(r"(src|href)\s*=", html) and "url(" not in html
    assert result.summary.replace("'", "&#x27;") in html
    assert loan.fingerprint in html and "2026-11-27" in html
    assert "What-if explored" in html and "Debt-to-income ratio" in html
    assert html.count("<rect") == 11  # baseline, 8 inputs, the rest, the score


def test_case_file_escapes_hostile_text(hostile_bundle: Bundle) -> None:
    result = explain_decision(hostile_bundle, hostile_bundle.decisions.index[0])
    html = case_file_html(result, bundle_name=hostile_bundle.name)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    parser = _Collector()
    parser.feed(html)
    assert "img" not in parser.tags and "a" not in parser.tags and not parser.refs


def test_contributions_csv_neutralises_formulas_and_keeps_numbers(hostile_bundle: Bundle) -> None:
    result = explain_decision(hostile_bundle, hostile_bundle.decisions.index[0])
    text = contributions_csv(result)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "decision_id"
    frame = pd.read_csv(io.StringIO(text))
    assert pd.api.types.is_float_dtype(frame["contribution_raw"]) and (frame["contribution_raw"] < 0).any()
    formula = pd.DataFrame({"=SUM(A1)": ["=1+1", "-3", "@me"], "n": [-1.5, 2.0, 3.0]})
    from explain._csv import safe_csv

    parsed = list(csv.reader(io.StringIO(safe_csv(formula))))
    assert parsed[0] == ["'=SUM(A1)", "n"]
    assert [r[0] for r in parsed[1:]] == ["'=1+1", "'-3", "'@me"]
    assert parsed[1][1] == "-1.5"
    assert IMG in text  # literal text, unchanged apart from neutralising
