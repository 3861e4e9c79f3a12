"""AppTest of the business pages: filters against pandas, paging, deep links, hostile text."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from explain import Bundle
from explain.bundle._formatting import format_score
from explain.decision._decision import explain_decision
from tests.dashboard.conftest import assert_healthy, open_app, shown_table
from tests.hostile import HOSTILE, assert_no_live_markup


def shown_total(at: AppTest) -> int:
    for md in at.markdown:
        if "matching decisions" in md.value:
            return int(md.value.split("**")[1].split()[0].replace(",", ""))
    raise AssertionError("no total shown")


def table_rows(at: AppTest) -> pd.DataFrame:
    frames = [df.value for df in at.dataframe if "Verdict" in df.value.columns]
    assert frames, "no decisions table"
    return frames[0]


@pytest.fixture
def loan_app() -> AppTest:
    return open_app(bundle="loan")


def test_default_bundle_is_the_first_sample_and_lists_every_decision(loan: Bundle) -> None:
    at = open_app()
    assert at.query_params["bundle"] == "loan"
    assert shown_total(at) == len(loan.decisions)
    assert at.selectbox(key="bundle_picker").options[:3] == ["loan", "churn", "fraud"]


def test_each_filter_matches_pandas(loan_app: AppTest, loan: Bundle) -> None:
    frame = loan.decisions
    scores = pd.Series(loan.model.predict_score(frame), index=frame.index)
    thr = loan.spec.decision.threshold
    prefix = "browse_loan"
    at = loan_app

    at.multiselect(key=f"{prefix}_verdict").set_value(["Declined"]).run()
    assert shown_total(at) == int((scores >= thr).sum())
    at.multiselect(key=f"{prefix}_verdict").set_value(["Declined", "Approved"]).run()

    at.slider(key=f"{prefix}_score").set_value((10.0, 30.0)).run()
    assert shown_total(at) == int(((scores >= 0.10) & (scores <= 0.30)).sum())
    at.slider(key=f"{prefix}_score").set_value((0.0, 100.0)).run()

    at.multiselect(key=f"{prefix}_outcome").set_value(["unknown"]).run()
    assert shown_total(at) == int(frame["defaulted"].isna().sum())
    at.multiselect(key=f"{prefix}_outcome").set_value(["positive"]).run()
    assert shown_total(at) == int((frame["defaulted"] == 1).sum())
    at.multiselect(key=f"{prefix}_outcome").set_value(["positive", "negative", "unknown"]).run()

    at.text_input(key=f"{prefix}_search").set_value("L01000").run()
    assert shown_total(at) == int(frame.index.str.contains("L01000").sum())
    at.text_input(key=f"{prefix}_search").set_value("").run()

    at.selectbox(key=f"{prefix}_column").set_value("loan_purpose").run()
    at.multiselect(key=f"{prefix}_values_loan_purpose").set_value(["car", "medical"]).run()
    assert shown_total(at) == int(frame["loan_purpose"].isin(["car", "medical"]).sum())

    at.selectbox(key=f"{prefix}_column").set_value("annual_income").run()
    at.slider(key=f"{prefix}_range_annual_income").set_value((40_000.0, 60_000.0)).run()
    income = frame["annual_income"]
    assert shown_total(at) == int(((income >= 40_000) & (income <= 60_000)).sum())
    at.checkbox(key=f"{prefix}_missing").check().run()
    assert shown_total(at) == int(((income >= 40_000) & (income <= 60_000) | income.isna()).sum())

    at.selectbox(key=f"{prefix}_column").set_value("age_group").run()
    at.multiselect(key=f"{prefix}_values_age_group").set_value(["18-25"]).run()
    assert shown_total(at) == int((frame["age_group"] == "18-25").sum())


def test_sorting_and_paging(loan_app: AppTest, loan: Bundle) -> None:
    at = loan_app
    rows = table_rows(at)
    assert len(rows) == 100
    assert list(rows["Score"]) == sorted(rows["Score"], reverse=True)
    top = 100 * np.sort(loan.model.predict_score(loan.decisions))[::-1][:100]
    np.testing.assert_allclose(rows["Score"].to_numpy(), top)
    at.toggle(key="browse_loan_desc").set_value(False).run()
    assert list(table_rows(at)["Score"]) == sorted(table_rows(at)["Score"])
    at.number_input(key="browse_loan_pageno").set_value(2).run()
    assert any("showing 101–200" in m.value for m in at.markdown)
    assert table_rows(at)["Top reason"].str.len().gt(0).all()


def test_fraud_table_holds_one_page_with_the_right_total(fraud: Bundle) -> None:
    at = open_app(bundle="fraud")
    assert shown_total(at) == len(fraud.decisions) > 100
    assert len(table_rows(at)) <= 100


@pytest.mark.parametrize("name", ["loan", "churn", "fraud"])
def test_deep_link_opens_its_decision(name: str, bundles: dict[str, Bundle]) -> None:
    bundle = bundles[name]
    decision_id = str(bundle.decisions.index[17])
    at = open_app(bundle=name, decision=decision_id)
    expected = explain_decision(bundle, decision_id)
    headline = at.subheader[0].value
    assert expected.prediction.verdict in headline.replace("\\", "")
    assert format_score(expected.prediction.score, expected.prediction.threshold) in headline.replace("\\", "")
    assert at.query_params["decision"] == decision_id
    assert any(f"decision={decision_id}" in c.value for c in at.code)
    assert len(at.get("plotly_chart")) == 1
    # navigating away keeps the decision in the URL
    at.switch_page("views/decisions.py").run()
    assert at.query_params["decision"] == decision_id and at.query_params["bundle"] == name


def test_reference_rows_open_with_table_reference(loan: Bundle) -> None:
    assert loan.reference is not None
    ref_id = str(loan.reference.index[3])
    at = open_app(bundle="loan", decision=ref_id, table="reference")
    assert "reference data" in at.caption[0].value
    assert at.query_params["table"] == "reference"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"bundle": "nope", "decision": "x"}, "There is no model called"),
        ({"bundle": "loan", "decision": "NOPE"}, "No decision"),
    ],
)
def test_unknown_bundle_or_decision_is_friendly(query: dict[str, str], message: str) -> None:
    at = open_app(**query)
    texts = [e.value for e in [*at.info, *at.warning]]
    assert any(message in t.replace("\\", "") for t in texts), texts
    assert any("matching decisions" in m.value for m in at.markdown)  # the decisions list is shown


def test_unknown_table_falls_back_to_the_decisions() -> None:
    at = open_app(bundle="loan", decision="L0100001", table="secret")
    assert any("There is no table called 'secret'" in e.value.replace("\\", "") for e in at.info)
    assert "L0100001" in at.caption[0].value and "table" not in at.query_params


def _all_markdown(at: AppTest) -> list[str]:
    texts: list[str] = []
    for kind in ("markdown", "caption", "subheader", "title", "header", "warning", "info", "error", "success"):
        texts += [str(e.value) for e in at.get(kind)]
    for kind in ("selectbox", "multiselect"):  # options are shown literally; labels are Markdown
        texts += [str(widget.label) for widget in at.get(kind)]
    for widget in at.get("radio"):
        texts += [str(widget.label), *(str(o) for o in widget.options)]
    for widget in at.get("slider") + at.get("text_input") + at.get("checkbox") + at.get("toggle"):
        texts.append(str(widget.label))
    return texts


def test_hostile_bundle_shows_only_literal_text(hostile_dir: object) -> None:
    for query in ({"bundle": "hostile"}, {"bundle": "hostile", "decision": HOSTILE[0]}):
        at = open_app(**query)
        texts = _all_markdown(at)
        assert texts
        for text in texts:
            assert_no_live_markup(text)
        joined = " ".join(texts)
        assert "\\<img src=x onerror=alert(1)\\>" in joined  # shown, escaped, not dropped
        options = [str(o) for w in at.get("multiselect") for o in w.options]
        if "decision" not in query:
            assert any(o.startswith("Flagged <img") for o in options)  # options carry the literal text
    # the decision page with its reasons and waterfall
    for page in ("views/decisions.py", "views/decision.py"):
        at.switch_page(page).run()
        assert not at.exception
        for text in _all_markdown(at):
            assert_no_live_markup(text)


def test_bundle_picker_follows_a_new_link_and_switches_bundle() -> None:
    at = open_app(bundle="loan")
    assert at.selectbox(key="bundle_picker").value == "loan"
    at.query_params["bundle"] = "churn"
    at.run()
    assert at.selectbox(key="bundle_picker").value == "churn"
    assert any("Subscriber churn" in t.value for t in at.title)
    at.selectbox(key="bundle_picker").set_value("fraud").run()
    assert at.query_params["bundle"] == "fraud"
    assert any("Card fraud screening" in t.value for t in at.title)


@pytest.mark.parametrize("name", ["grades", "limits"])
def test_a_multiclass_or_regression_bundle_on_every_page(name: str) -> None:
    """Decisions and Decision explain every decision; the workbench pages say plainly what serves them."""
    from explain import explain_decision, input_ranges, load_bundle, task_fairness

    bundle = load_bundle(Path(os.environ["EXPLAIN_SAMPLES_DIR"]) / name)
    at = open_app(bundle=name)
    listed = next(df.value for df in at.dataframe if "Verdict" in df.value.columns)
    assert len(listed) == 100 and any("1,000 matching decisions" in m.value for m in at.markdown)
    at.switch_page("views/fairness.py").run()
    assert_healthy(at)
    fairness = task_fairness(bundle).column("age_band")
    flags = [e.value.replace("\\", "") for e in at.error]
    assert flags == [g.text for g in fairness.gaps] and (name != "grades" or flags)
    groups = shown_table(at, "Group")
    assert ("Grade A" if name == "grades" else "Mean estimate") in groups.columns
    assert len(at.get("plotly_chart")) == 2  # verdicts or estimates by group, and the proxies
    at.switch_page("views/importance.py").run()
    assert_healthy(at)
    assert len(at.get("plotly_chart")) == 2
    if name == "grades":
        at.selectbox(key="importance_class::grades").set_value("3").run()
        assert_healthy(at)
        assert any("pushes the class's margin" in m.value for m in at.markdown)
    at.switch_page("views/dependence.py").run()
    assert_healthy(at)
    assert len(at.get("plotly_chart")) == 2
    if name == "grades":
        at.selectbox(key="dependence_class::grades").set_value("2").run()
        assert_healthy(at)
        assert len(at.get("plotly_chart")) == 2
    at.switch_page("views/checks.py").run()
    assert_healthy(at)
    assert {m.label for m in at.metric} >= {"Additivity residual"}
    at.switch_page("views/errors.py").run()
    assert_healthy(at)
    segments = shown_table(at, "Segment")
    assert ("Mean log-loss" if name == "grades" else "Mean absolute error") in segments.columns
    assert len([df for df in at.dataframe if "Id" in df.value.columns]) == (1 if name == "grades" else 2)
    at.switch_page("views/drift.py").run()
    assert_healthy(at)
    psi_names = {m.label for m in at.metric}
    assert ("Predicted-class PSI" if name == "grades" else "Estimate PSI") in psi_names
    at.switch_page("views/model.py").run()
    assert_healthy(at)
    measures = shown_table(at, "Measure").set_index("Measure")["Value"]
    if name == "grades":
        assert list(measures.index) == ["Accuracy", "Top-2 accuracy", "Log-loss", "Macro ROC AUC"]
    else:
        assert measures["Mean absolute error"].startswith("$") and "R²" in measures.index
    assert len(shown_table(at, "Column")) == len(bundle.features) + len(bundle.spec.columns)
    at.switch_page("views/performance.py").run()
    assert_healthy(at)
    names = {m.label for m in at.metric}
    assert names == (
        {"Accuracy", "Top-2 accuracy", "Log-loss", "Macro ROC AUC"}
        if name == "grades"
        else {"Mean absolute error", "Root mean squared error", "R²"}
    )
    assert len(at.get("plotly_chart")) == (4 if name == "grades" else 3)  # ROC, PR, calibration / by input
    if name == "limits":
        at.selectbox(key="residual_input::limits").set_value("segment").run()
        assert_healthy(at)
    decision_id = str(listed["Id"].iloc[0])
    expected = explain_decision(bundle, decision_id)
    at = open_app(bundle=name, decision=decision_id)
    assert expected.prediction.headline in at.subheader[0].value.replace("\\", "")
    assert len(at.get("plotly_chart")) == 1
    assert [t.label for t in at.tabs] == ["What would change it", "What if…", "Similar past decisions", "Case file"]
    at.session_state["decision_tool_tab"] = "Similar past decisions"
    at.run()
    assert_healthy(at)
    similar = next(df.value for df in at.dataframe if "Similarity" in df.value.columns)
    assert len(similar) == 6 and similar["Verdict"].iloc[0] == expected.prediction.verdict
    at.session_state["decision_tool_tab"] = "What if…"
    at.run()
    form = f"form::{name}::decisions::{decision_id}::False"
    usual = input_ranges(bundle)["revolving_utilization"]
    box = at.number_input(key=f"{form}::revolving_utilization")
    box.set_value(float(round(usual.usual_high)) if box.value < 50 else float(round(usual.usual_low)))
    next(b for b in at.button if b.label == "Show the effect").click()
    at.run()
    assert_healthy(at)
    changed = shown_table(at, "What-if value")
    assert (changed["Input"] == "✏️ Credit card utilization").sum() == 1
    assert any(m.value.replace("\\", "").startswith("**Verdict: ") for m in at.markdown)
    at.session_state["decision_tool_tab"] = "Case file"
    at.run()
    next(b for b in at.button if b.label == "Prepare the case file").click()
    at.run()
    assert_healthy(at)
    html = next(d for d in at.get("download_button") if "HTML" in str(d.proto.label)).proto
    assert html is not None
    at.session_state["decision_tool_tab"] = "What if…"
    at.run()
    if name == "grades":
        picker = at.selectbox(key=f"explained_class::grades::decisions::{decision_id}")
        assert picker.value == expected.prediction.explained_class
        other = next(c for c in bundle.model.classes if c != picker.value)
        picker.set_value(other).run()
        assert_healthy(at)
        why_not = explain_decision(bundle, decision_id, target_class=other)
        headings = " ".join(m.value for m in at.markdown)
        assert f"How each input moved the chance of {why_not.prediction.explained_label}" in headings
        top = expected.prediction.explained_label
        assert f"Why {top} rather than {why_not.prediction.explained_label}" in headings
        assert "times as likely as" in headings
    else:
        assert "(Credit limit: $" in at.subheader[0].value.replace("\\", "")
