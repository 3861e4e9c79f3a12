"""The access log seen from the app (local mode, a log configured): each showing of a decision
and each tool is recorded once, and a read-only store refuses to show a decision at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explain import AccessLog, Bundle, explain_decision
from tests.dashboard.conftest import APP, TIMEOUT, assert_healthy, open_app, unescape

KEY = "dashboard test access log key"


def _subheaders(at: object) -> str:
    return " ".join(s.value for s in at.subheader).replace("\\", "")  # type: ignore[attr-defined]


@pytest.fixture()
def log_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An access log for the app, named in the environment (local mode: no sign-in)."""
    url = f"sqlite:///{tmp_path / 'log.sqlite'}"
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_URL", url)
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_KEY", KEY)
    return url


def test_each_showing_and_tool_is_recorded_once_as_the_local_user(loan: Bundle, log_url: str) -> None:
    url = log_url
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


def signed_in(tmp_path: Path, user: dict[str, object], **query: str) -> AppTest:
    """The app as ``user`` would see it with sign-in on (the provider's part is the browser test's)."""
    access_file = tmp_path / "access.toml"
    access_file.write_text(
        '[[grant]]\nusers = ["ana@bank.example"]\nrole = "viewer"\nbundles = ["loan", "restricted"]\n\n'
        '[[grant]]\ngroups = ["risk-eng"]\nrole = "engineer"\n',
        encoding="utf-8",
    )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "cookie secret for the test",
        "client_id": "explain",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.secrets["access"] = {"file": str(access_file), "log_url": f"sqlite:///{tmp_path / 'log.sqlite'}", "log_key": KEY}
    at.user = {"is_logged_in": True, **user}
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _filter_options(at: AppTest) -> list[str]:
    return [str(o) for o in next(s for s in at.selectbox if s.label == "Filter on an input or column").options]


def _sort_options(at: AppTest) -> list[str]:
    box = next(s for s in at.selectbox if s.label == "Sort by")
    return [str(box.format_func(o)) if box.format_func else str(o) for o in box.options]


def test_engineers_only_columns_are_left_out_for_viewers(tmp_path: Path) -> None:
    viewer = signed_in(
        tmp_path, {"sub": "ana", "email": "ana@bank.example", "email_verified": True}, bundle="restricted"
    )
    assert_healthy(viewer)
    assert "Age group" not in _filter_options(viewer) and "Application channel" in _filter_options(viewer)
    assert "Age group" not in viewer.dataframe[0].value.columns
    assert not any("Age group" in o or o == "age_group" for o in _sort_options(viewer))
    next(b for b in viewer.button if b.label.startswith("Prepare a CSV of the")).click()
    viewer.run()
    csv = next(d for d in viewer.get("download_button") if "matching decisions" in str(d.proto.label)).proto
    header = viewer.session_state[
        next(k for k in viewer.session_state if str(k).startswith("browse_csv::"))
    ].splitlines()[0]
    assert (
        csv is not None and "Age group" not in header and "age_group" not in header and "Application channel" in header
    )
    engineer = signed_in(
        tmp_path, {"sub": "eve", "email": "eve@bank.example", "groups": ["risk-eng"]}, bundle="restricted"
    )
    assert_healthy(engineer)
    assert "Age group" in _filter_options(engineer) and "Age group" in engineer.dataframe[0].value.columns


def test_an_email_counts_only_when_the_provider_verified_it(tmp_path: Path) -> None:
    unverified = signed_in(tmp_path, {"sub": "mallory", "email": "ana@bank.example"}, bundle="loan")
    assert [unescape(e.value) for e in unverified.error] == [
        "You are signed in as ana@bank.example, but no role is granted to you here. Your provider did not mark "
        "your email as verified, and grants by email need that. Ask your administrator."
    ]
    assert not unverified.dataframe


def test_signed_in_users_are_refused_plainly(tmp_path: Path) -> None:
    verified_stranger = {"sub": "zed", "email": "zed@elsewhere.example", "email_verified": True}
    plain = signed_in(tmp_path, verified_stranger, bundle="loan")
    assert [unescape(e.value) for e in plain.error] == [
        "You are signed in as zed@elsewhere.example, but no role is granted to you here. Ask your administrator."
    ]
    stranger = signed_in(tmp_path, {"sub": "zed", "email": "zed@elsewhere.example"}, bundle="loan")
    assert [unescape(e.value) for e in stranger.error] == [
        "You are signed in as zed@elsewhere.example, but no role is granted to you here. Your provider did not mark "
        "your email as verified, and grants by email need that. Ask your administrator."
    ]
    assert not stranger.dataframe
    viewer = signed_in(tmp_path, {"sub": "ana", "email": "ana@bank.example", "email_verified": True}, bundle="churn")
    assert any("There is no model called 'churn' here." in i.value.replace("\\", "") for i in viewer.info)
    assert not any("Local mode" in w.value for w in viewer.warning)


def test_a_broken_access_log_setting_refuses_views_and_says_why(loan: Bundle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_KEY", "short")
    at = open_app(bundle="loan", decision=str(loan.decisions.index[1]))
    banner = " ".join(unescape(w.value) for w in at.warning)
    assert "The access log cannot be used (the access log key must be at least 16 characters" in banner
    assert any("could not be recorded in the access log" in unescape(e.value) for e in at.error)
    assert not at.get("plotly_chart")


def test_the_access_log_page_shows_checks_and_exports(loan: Bundle, log_url: str) -> None:
    url = log_url
    decision_id = str(loan.decisions.index[6])
    at = open_app(bundle="loan", decision=decision_id)
    at.switch_page("views/access_log.py").run()
    assert_healthy(at)
    shown = at.dataframe[0].value
    assert list(shown["Action"]) == ["Recourse shown", "Decision shown"] and set(shown["Decision"]) == {decision_id}
    next(b for b in at.button if b.label == "Check the chain").click()
    at.run()
    assert any("ok: 2 events, the chain is unbroken" in unescape(s.value) for s in at.success)
    next(b for b in at.button if b.label.startswith("Prepare a CSV of these 2 events")).click()
    at.run()
    assert len(at.get("download_button")) == 1
    assert list(AccessLog(url, key=KEY).events()["action"]) == [
        "decision_viewed",
        "recourse_viewed",
        "access_log_export",
    ]


def test_an_unreadable_secrets_file_refuses_everyone(tmp_path: Path) -> None:
    """It may be the file that asks for sign-in: never fall back to local mode over it."""
    from streamlit import config

    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth\nredirect_uri = "x"\n', encoding="utf-8")
    saved = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(broken)])
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.query_params["bundle"] = "loan"
        at.run()
    finally:
        config.set_option("secrets.files", saved)
    assert [unescape(e.value) for e in at.error] == [
        "The server's secrets file cannot be read, so it is unknown who may see what and nothing is shown. "
        "An administrator can see why in the server log."
    ]
    assert not at.dataframe and not any("Local mode" in w.value for w in at.warning)
