"""AppTest of the what-if, recourse, similar cases and case file panels."""

from __future__ import annotations

import numpy as np
import pytest

from explain import Bundle, RecourseResult, task_decisions
from explain.bundle._formatting import format_percent
from explain.decision._recourse import suggest_changes
from tests.dashboard.conftest import assert_healthy, open_app, shown_table
from tests.dashboard.test_app import _all_markdown
from tests.hostile import HOSTILE, assert_no_live_markup


def _adverse(bundle: Bundle) -> str:
    scores = bundle.model.predict_score(bundle.decisions)
    return str(bundle.decisions.index[scores >= bundle.spec.decision.threshold][0])


def test_what_if_shows_the_models_score_for_the_edited_row(loan: Bundle) -> None:
    decision_id = _adverse(loan)
    at = open_app(bundle="loan", decision=decision_id)
    assert not at.number_input  # only the open tab runs: the what-if form waits for its tab
    at.session_state["decision_tool_tab"] = "What if…"
    at.run()
    form = f"form::loan::decisions::{decision_id}::False"
    low = float(loan.reference["debt_to_income"].quantile(0.05))  # type: ignore[index]
    at.number_input(key=f"{form}::debt_to_income").set_value(round(low, 1))
    next(b for b in at.button if b.label == "Show the effect").click()
    at.run()
    assert_healthy(at)
    edited = loan.decisions.loc[[decision_id]].copy()
    edited["debt_to_income"] = round(low, 1)
    expected = loan.model.predict_score(edited)[0]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["With your changes"] == format_percent(expected)
    table = shown_table(at, "What-if value")
    row = table[table["Input"] == "✏️ Debt-to-income ratio"].iloc[0]  # marked as the changed input
    assert row["Original effect"] != row["What-if effect"]
    assert (table["Input"].str.startswith("✏️")).sum() == 1
    # the stored decision is unchanged: reopening shows the original score
    again = open_app(bundle="loan", decision=decision_id)
    assert format_percent(loan.model.predict_score(loan.decisions.loc[[decision_id]])[0]) in again.subheader[
        0
    ].value.replace("\\", "")


def test_recourse_panel_shows_the_librarys_suggestions(loan: Bundle, fraud: Bundle) -> None:
    decision_id = _adverse(loan)
    at = open_app(bundle="loan", decision=decision_id)
    expected = suggest_changes(loan, decision_id)
    assert expected.suggestions
    text = " ".join(m.value for m in at.markdown).replace("\\", "").replace("\u2060", "")
    for suggestion in expected.suggestions:
        assert suggestion.text in text
    off = open_app(bundle="fraud", decision=_adverse(fraud))
    assert any("misusing a card" in i.value for i in off.info)


def _task_bundle(name: str) -> Bundle:
    import os

    from explain import load_bundle

    return load_bundle(os.path.join(os.environ["EXPLAIN_SAMPLES_DIR"], name))


def _suggestions_shown(at: object, result: RecourseResult) -> None:
    text = " ".join(m.value for m in at.markdown).replace("\\", "").replace("\u2060", "")  # type: ignore[attr-defined]
    assert result.statement in text
    for suggestion in result.suggestions:
        assert suggestion.text in text and suggestion.score_text in text


def test_recourse_panel_aims_at_a_class_a_band_or_a_value() -> None:
    grades = _task_bundle("grades")
    decision = next(str(i) for i, v in task_decisions(grades)["verdict"].items() if v == "Grade D")
    at = open_app(bundle="grades", decision=decision)
    at.session_state["decision_tool_tab"] = "What would change it"
    at.run()
    assert_healthy(at)
    picker = at.selectbox(key=f"recourse_aim::grades::decisions::{decision}")
    assert picker.value == "2"  # the next better grade, C
    _suggestions_shown(at, suggest_changes(grades, decision, target_class="2"))
    picker.set_value("0").run()
    assert_healthy(at)
    _suggestions_shown(at, suggest_changes(grades, decision, target_class="0"))

    limits = _task_bundle("limits")
    estimates = limits.model.predict_response(limits.decisions)
    decision = str(limits.decisions.index[int(np.argmax((estimates > 6_500) & (estimates < 8_000)))])
    at = open_app(bundle="limits", decision=decision)
    at.session_state["decision_tool_tab"] = "What would change it"
    at.run()
    picker = at.selectbox(key=f"recourse_aim::limits::decisions::{decision}")
    assert picker.value == "High limit" and picker.options == ["High limit", "Starter limit", "A value…"]
    found = suggest_changes(limits, decision, target_band="High limit")
    assert found.suggestions
    _suggestions_shown(at, found)
    picker.set_value("A value…").run()
    at.number_input(key=f"recourse_aim::limits::decisions::{decision}::value").set_value(5_000.0).run()
    assert_healthy(at)
    _suggestions_shown(at, suggest_changes(limits, decision, target_value=5_000.0))


@pytest.mark.parametrize("decision", ["first", "adverse"])
def test_hostile_bundle_on_every_panel(hostile_bundle: Bundle, decision: str) -> None:
    decision_id = str(hostile_bundle.decisions.index[0]) if decision == "first" else _adverse(hostile_bundle)
    at = open_app(bundle="hostile", decision=decision_id)
    for tab in ("What would change it", "What if…", "Similar past decisions", "Case file"):
        at.session_state["decision_tool_tab"] = tab
        at.run()
        assert_healthy(at)
        for text in _all_markdown(at):
            assert_no_live_markup(text)
        if tab == "What if…":
            labels = [w.label for w in at.get("number_input")] + [w.label for w in at.get("selectbox")]
            assert any("\\<img src=x onerror=alert(1)\\>" in lbl for lbl in labels)  # labels, escaped
            options = [str(o) for w in at.get("selectbox") for o in w.options]
            assert any(o in HOSTILE for o in options)  # category options carry the literal text
        if tab == "Similar past decisions":
            similar = next(df.value for df in at.dataframe if "Similarity" in df.value.columns)
            assert len(similar) == 6 and similar["Id"].iloc[0] == "This case"  # the case itself, then five
            assert any(str(i).startswith(HOSTILE) for i in similar["Id"].iloc[1:])
        if tab == "Case file":
            assert len(at.get("download_button")) == 0  # both wait for "Prepare", which records the export
            next(b for b in at.button if b.label == "Prepare the case file").click()
            at.run()
            assert len(at.get("download_button")) == 2
