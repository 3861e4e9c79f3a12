"""The access log seen from the app (local mode, a log configured): each showing of a decision
and each tool is recorded once, and a read-only store refuses to show a decision at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from explain import AccessLog, Bundle, explain_decision
from tests.dashboard.conftest import assert_healthy, open_app

KEY = "dashboard test access log key"


def _subheaders(at: object) -> str:
    return " ".join(s.value for s in at.subheader).replace("\\", "")  # type: ignore[attr-defined]


def test_each_showing_and_tool_is_recorded_once_as_the_local_user(
    loan: Bundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'log.sqlite'}"
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_URL", url)
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_KEY", KEY)
    first, second = (str(i) for i in loan.decisions.index[[2, 9]])
    at = open_app(bundle="loan", decision=first)
    assert explain_decision(loan, first).prediction.headline in _subheaders(at)
    assert any("Local mode: no sign-in is set up" in w.value for w in at.warning)
    at.run()  # a rerun shows nothing new
    at.session_state["current_decision"] = second
    at.run()
    at.session_state["current_decision"] = first  # shown again after another decision
    at.run()
    at.session_state["decision_tool_tab"] = "Case file"
    at.run()
    next(b for b in at.button if b.label == "Prepare the case file").click()
    at.run()
    assert_healthy(at)
    assert len(at.get("download_button")) == 2
    log = AccessLog(url, key=KEY)
    events = log.events()
    assert list(zip(events["action"], events["decision_id"], strict=True)) == [
        ("decision_viewed", first),
        ("recourse_viewed", first),
        ("decision_viewed", second),
        ("recourse_viewed", second),
        ("decision_viewed", first),
        ("export", first),
    ]
    assert set(events["subject"]) == {"local"} and set(events["role"]) == {"admin"}
    assert set(events["bundle_fingerprint"]) == {loan.fingerprint} and events["session"].nunique() == 1
    assert log.verify().ok


def test_a_read_only_access_log_refuses_to_show_a_decision(
    loan: Bundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writable = AccessLog(f"sqlite:///{tmp_path / 'log.sqlite'}", key=KEY)
    assert writable.verify().ok  # the database exists, with its tables, before it is opened read-only
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_URL", f"sqlite:///file:{tmp_path / 'log.sqlite'}?mode=ro&uri=true")
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_HEAD", str(writable.head_file))
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_KEY", KEY)
    decision_id = str(loan.decisions.index[4])
    at = open_app(bundle="loan", decision=decision_id)
    refusals = [e.value.replace("\\", "") for e in at.error]
    assert any(
        r.startswith("This action could not be recorded in the access log, so it was not carried out: the access "
                     "log could not be written (attempt to write a readonly database).") for r in refusals
    ), refusals  # fmt: skip
    headline = explain_decision(loan, decision_id).prediction.headline
    assert headline not in _subheaders(at) and not at.get("plotly_chart")
    at.switch_page("views/decisions.py").run()  # the app keeps running
    assert_healthy(at)
    assert writable.events().empty
