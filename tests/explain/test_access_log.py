"""The access log's chain: every kind of tampering is detected, concurrent writers leave one
chain, export round-trips, a read-only store refuses to record; and the access file's roles."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from explain._csv import neutralize
from explain.access import (
    Access,
    AccessEvent,
    AccessFileError,
    AccessLog,
    AccessLogError,
    AccessPolicy,
    AccessSettings,
)
from explain.access._log import _CONTENT, _genesis, _mac
from explain.cli import main

KEY = "a test key that is long enough"


def event(n: int, *, user: str = "ana@bank.example", decision: str | None = None) -> AccessEvent:
    return AccessEvent(
        action="decision_viewed",
        subject=f"sub-{user}",
        email=user,
        role="viewer",
        bundle_name="Loan",
        bundle_fingerprint="f" * 16,
        decision_id=decision or f"A{n:04d}",
        session="session-1",
    )


@pytest.fixture()
def log(tmp_path: Path) -> AccessLog:
    access_log = AccessLog(f"sqlite:///{tmp_path / 'log.sqlite'}", key=KEY)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for n in range(1, 11):
        access_log.record(event(n), now=start + timedelta(minutes=n))
    return access_log


def database(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "log.sqlite", isolation_level=None)


def test_an_untouched_chain_verifies(log: AccessLog) -> None:
    report = log.verify()
    assert report.ok, report.problems
    assert report.rows == 10
    assert list(log.events()["seq"]) == list(range(1, 11))


def test_an_edited_row_is_detected(log: AccessLog, tmp_path: Path) -> None:
    database(tmp_path).execute("UPDATE access_events SET decision_id = 'B9999' WHERE seq = 4")
    report = log.verify()
    assert not report.ok
    assert report.problems == ("event 4: its content does not match its MAC (edited, or written without the key)",)


def test_an_inserted_row_is_detected(log: AccessLog, tmp_path: Path) -> None:
    db = database(tmp_path)
    db.execute("UPDATE access_events SET seq = seq + 100 WHERE seq >= 5")
    db.execute("UPDATE access_events SET seq = seq - 99 WHERE seq >= 105")
    prev = db.execute("SELECT mac FROM access_events WHERE seq = 4").fetchone()[0]
    db.execute(
        "INSERT INTO access_events VALUES (5, '2026-12-01T09:04:30.000000+00:00', 'x', 'x@evil', 'admin', 'Loan', "
        "'f', 'A9999', 'decision_viewed', '', 's', ?, ?)",
        (prev, "0" * 64),
    )
    report = log.verify()
    assert not report.ok
    assert "event 5: its content does not match its MAC (edited, or written without the key)" in report.problems
    assert "event 6: does not link to the event before it" in report.problems


def test_a_deleted_row_is_detected(log: AccessLog, tmp_path: Path) -> None:
    database(tmp_path).execute("DELETE FROM access_events WHERE seq = 6")
    report = log.verify()
    assert report.problems[:2] == (
        "event 7: expected event 6 here (a row was inserted or deleted)",
        "event 7: does not link to the event before it",
    )


def test_deleting_the_last_rows_is_detected_even_with_the_head_row_moved_back(log: AccessLog, tmp_path: Path) -> None:
    db = database(tmp_path)
    db.execute("DELETE FROM access_events WHERE seq > 8")
    mac8 = db.execute("SELECT mac FROM access_events WHERE seq = 8").fetchone()[0]
    db.execute("UPDATE access_log_head SET seq = 8, mac = ?", (mac8,))  # the database alone now looks whole
    report = log.verify()
    assert report.problems == (
        "the head file says the chain ends at event 10, the database at event 8 "
        "(the last events were deleted, or the chain was rewritten)",
    )


def test_a_chain_rewritten_without_the_key_is_detected(log: AccessLog, tmp_path: Path) -> None:
    forger_key = b"the forger's own key, long enough"
    rows = log.events()
    rows.loc[rows["seq"] == 3, "email"] = "someone-else@bank.example"
    db = database(tmp_path)
    log_id = db.execute("SELECT log_id FROM access_log_head").fetchone()[0]
    db.execute("DELETE FROM access_events")
    prev = _genesis(forger_key, log_id)
    for values in rows.itertuples(index=False):
        content = [getattr(values, name) for name in _CONTENT]
        mac = _mac(forger_key, content, prev)
        db.execute(f"INSERT INTO access_events VALUES ({', '.join('?' * 13)})", [*content, prev, mac])
        prev = mac
    db.execute("UPDATE access_log_head SET seq = 10, mac = ?", (prev,))
    forger = AccessLog(f"sqlite:///{tmp_path / 'forged.sqlite'}", key=forger_key, head_file=log.head_file)
    forger._write_head_file(log_id, 10, prev)
    report = log.verify()
    assert report.problems[0] == "event 1: does not link to the event before it"
    assert sum("does not match its MAC" in p for p in report.problems) == 10
    assert report.problems[-1].endswith("was not written with this key")


def test_a_wiped_log_is_caught_by_its_anchor_and_odd_values_do_not_crash(log: AccessLog, tmp_path: Path) -> None:
    anchor = log.verify()
    assert anchor.ok and anchor.head_seq == 10 and f"event 10, MAC {anchor.head_mac[:16]}" in anchor.summary()
    db = database(tmp_path)
    db.execute("UPDATE access_events SET mac = 'é' WHERE seq = 2")  # not hex, not ASCII: reported, not a crash
    assert "event 2: its content does not match its MAC (edited, or written without the key)" in log.verify().problems
    db.close()
    (tmp_path / "log.sqlite").unlink()
    log.head_file.unlink()  # everything gone: only a count kept elsewhere can tell
    fresh = AccessLog(f"sqlite:///{tmp_path / 'log.sqlite'}", key=KEY)
    assert fresh.verify().ok
    assert fresh.verify(expect_at_least=anchor.head_seq).problems == (
        "the log holds 0 events, fewer than the 10 expected (wiped or rolled back together with its head file)",
    )


def test_a_crash_around_the_commit_leaves_an_accepted_state(log: AccessLog, tmp_path: Path) -> None:
    db = database(tmp_path)
    log_id, seq, mac = db.execute("SELECT log_id, seq, mac FROM access_log_head").fetchone()
    log._write_head_file(log_id, seq, mac, pending=(seq + 1, "f" * 64))  # crashed before the commit
    assert log.verify().ok
    log.record(event(11))
    assert log.verify().ok and log.verify().rows == 11
    log_id, seq, mac = db.execute("SELECT log_id, seq, mac FROM access_log_head").fetchone()
    previous = db.execute("SELECT mac FROM access_events WHERE seq = 10").fetchone()[0]
    log._write_head_file(log_id, seq - 1, previous, pending=(seq, mac))  # crashed after the commit
    assert log.verify().ok
    log.record(event(12))
    assert log.verify().ok and log.verify().rows == 12


def _write_events(url: str, writer: int) -> None:
    writer_log = AccessLog(url, key=KEY)
    for n in range(10):
        writer_log.record(event(n, user=f"writer-{writer}@bank.example"))


def test_twenty_concurrent_writers_leave_one_unbroken_chain(tmp_path: Path) -> None:
    """Twenty processes that race from the first write on (creating the log included)."""
    url = f"sqlite:///{tmp_path / 'log.sqlite'}"
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_events, args=(url, w)) for w in range(20)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
    assert [p.exitcode for p in writers] == [0] * 20
    log = AccessLog(url, key=KEY)
    report = log.verify()
    assert report.ok, report.problems
    events = log.events()
    assert list(events["seq"]) == list(range(1, 201))
    assert events["email"].value_counts().to_dict() == {f"writer-{w}@bank.example": 10 for w in range(20)}


def test_twenty_threads_sharing_one_log_leave_one_unbroken_chain(tmp_path: Path) -> None:
    """How the server uses it: one log object, every session's thread appending at once."""
    from concurrent.futures import ThreadPoolExecutor

    shared = AccessLog(f"sqlite:///{tmp_path / 'log.sqlite'}", key=KEY)
    with ThreadPoolExecutor(20) as pool:
        seqs = list(pool.map(lambda n: shared.record(event(n, user=f"t{n % 20}@bank.example")), range(200)))
    assert sorted(seqs) == list(range(1, 201))
    assert shared.verify().ok and shared.verify().rows == 200


def test_a_read_only_store_refuses_to_record(log: AccessLog, tmp_path: Path) -> None:
    read_only = AccessLog(
        f"sqlite:///file:{tmp_path / 'log.sqlite'}?mode=ro&uri=true", key=KEY, head_file=log.head_file
    )
    with pytest.raises(AccessLogError, match=r"^the access log could not be written \(attempt to write a readonly"):
        read_only.record(event(11))
    assert log.verify().ok and log.verify().rows == 10


def test_filters_and_unknown_actions(log: AccessLog) -> None:
    log.record(event(99, user="bo@bank.example", decision="Z1"), now=datetime(2026, 12, 2, tzinfo=UTC))
    assert list(log.events(user="bo@bank.example")["decision_id"]) == ["Z1"]
    assert list(log.events(user="sub-bo@bank.example")["decision_id"]) == ["Z1"]
    assert list(log.events(decision="A0003")["seq"]) == [3]
    assert list(log.events(since=datetime(2026, 12, 1, 9, 9))["seq"]) == [9, 10, 11]
    with pytest.raises(AccessLogError, match="unknown access-log action 'peek'"):
        AccessEvent("peek", "s", "e", "viewer")
    with pytest.raises(AccessLogError, match="at least 16 characters"):
        AccessLog("sqlite:///x.sqlite", key="short")


def _settings_file(tmp_path: Path, url: str) -> Path:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[access]\nlog_url = "{url}"\nlog_key = "{KEY}"\n', encoding="utf-8")
    return secrets


def test_audit_export_round_trips_and_verify_exits_by_the_chain(
    log: AccessLog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log.record(event(11, decision='=HYPERLINK("http://x")'), now=datetime(2026, 12, 3, tzinfo=UTC))
    secrets = _settings_file(tmp_path, log.url)
    assert main(["audit", "verify", "--secrets", str(secrets)]) == 0
    assert capsys.readouterr().out.startswith("ok: 11 events")
    parquet, csv = tmp_path / "log.parquet", tmp_path / "log.csv"
    assert main(["audit", "export", "--secrets", str(secrets), "--out", str(parquet)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), log.events())
    assert main(["audit", "export", "--secrets", str(secrets), "--out", str(csv), "--since", "2026-12-01T09:10"]) == 0
    back = pd.read_csv(csv, dtype=str, keep_default_na=False)
    expected = log.events(since=datetime(2026, 12, 1, 9, 10)).astype(str).map(neutralize)
    pd.testing.assert_frame_equal(back, expected.astype(str))
    assert back["decision_id"].iloc[-1] == '\'=HYPERLINK("http://x")'
    database(tmp_path).execute("DELETE FROM access_events WHERE seq = 2")
    assert main(["audit", "verify", "--secrets", str(secrets)]) == 1
    assert "BROKEN" in capsys.readouterr().out
    assert main(["audit", "export", "--secrets", str(secrets), "--out", str(tmp_path / "x.txt")]) == 2
    assert "--out must end in .csv or .parquet" in capsys.readouterr().err


def test_audit_commands_never_create_a_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secrets = _settings_file(tmp_path, f"sqlite:///{tmp_path / 'nowhere' / 'log.sqlite'}")
    assert main(["audit", "verify", "--secrets", str(secrets)]) == 2
    assert "error: there is no access log at sqlite:///" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()
    bad = _settings_file(tmp_path, "nonsense")
    assert main(["audit", "verify", "--secrets", str(bad)]) == 2
    assert "the access log database URL is not usable" in capsys.readouterr().err


def test_settings_from_secrets_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert AccessSettings.from_secrets_file(tmp_path / "none.toml").open_log() is None
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[access]\nfile = "access.toml"\nlog_kee = "x"\n', encoding="utf-8")
    with pytest.raises(AccessLogError, match=r"\[access\] has unknown key\(s\) log_kee"):
        AccessSettings.from_secrets_file(secrets)
    monkeypatch.setenv("EXPLAIN_ACCESS_LOG_URL", "sqlite:///elsewhere.sqlite")
    assert AccessSettings.from_section({"log_url": "sqlite:///here.sqlite"}).log_url == "sqlite:///elsewhere.sqlite"


POLICY = {
    "grant": [
        {"users": ["ana@bank.example"], "role": "viewer", "bundles": ["loan"]},
        {"users": ["sub-ana"], "role": "viewer", "bundles": ["churn"]},
        {"groups": ["risk-engineering"], "role": "engineer", "bundles": ["loan", "fraud"]},
        {"users": ["root@bank.example"], "role": "admin"},
    ]
}


def test_roles_come_from_users_and_group_claims() -> None:
    policy = AccessPolicy.from_mapping(POLICY)
    verified = {"email_verified": True}
    assert policy.resolve("sub-ana", "ana@bank.example", verified) == Access("viewer", frozenset({"loan", "churn"}))
    assert policy.resolve("sub-ana", "ana@bank.example", {}) == Access("viewer", frozenset({"churn"}))  # email unproven
    assert policy.resolve("s9", "ana@bank.example", {"email_verified": "true"}) is None  # only a real true counts
    trusting = AccessPolicy.from_mapping({**POLICY, "trust_email": "any"})
    assert trusting.resolve("s9", "ana@bank.example", {}) == Access("viewer", frozenset({"loan"}))
    engineer = policy.resolve("s2", "eve@bank.example", {"groups": ["staff", "risk-engineering"]})
    assert engineer == Access("engineer", frozenset({"loan", "fraud"}))
    assert engineer.allows("viewer") and engineer.allows("engineer") and not engineer.allows("admin")
    assert policy.resolve("s3", "root@bank.example", verified) == Access("admin", None)
    assert policy.resolve("s4", "nobody@bank.example", {"groups": "staff"}) is None
    both = policy.resolve("sub-ana", "ana@bank.example", {"groups": "risk-engineering", **verified})
    assert both == Access("engineer", frozenset({"loan", "churn", "fraud"}))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"grant": [{"users": ["a"], "role": "boss"}]},
            "grant 1: role must be one of viewer, engineer, admin; got 'boss'",
        ),
        ({"grant": [{"role": "viewer"}]}, "grant 1: name the users or the groups it grants to"),
        ({"grant": [{"users": "a", "role": "viewer"}]}, "grant 1: users must be a list of non-empty strings"),
        ({"grants": []}, "unknown key(s) grants; allowed: claim, grant, trust_email"),
        ({"trust_email": "yes"}, 'trust_email must be "verified" or "any"; got \'yes\''),
        ({"grant": [{"users": ["a"], "role": "viewer", "bundle": ["x"]}]}, "unknown key(s) bundle"),
    ],
)
def test_a_malformed_access_file_says_where(raw: dict[str, object], message: str) -> None:
    with pytest.raises(AccessFileError) as caught:
        AccessPolicy.from_mapping(raw)
    assert message in str(caught.value)


def test_an_access_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "access.toml"
    path.write_text("[[grant]\n", encoding="utf-8")
    with pytest.raises(AccessFileError, match="is not valid TOML"):
        AccessPolicy.load(path)
    with pytest.raises(AccessFileError, match="does not exist"):
        AccessPolicy.load(tmp_path / "missing.toml")


def test_the_example_files_in_dot_streamlit_parse() -> None:
    folder = Path(__file__).resolve().parents[2] / ".streamlit"
    policy = AccessPolicy.load(folder / "access.example.toml")
    assert policy.resolve("s", "ana@bank.example", {"email_verified": True}) == Access("viewer", frozenset({"loan"}))
    assert policy.resolve("s", "x@bank.example", {"groups": ["risk-engineering"]}) == Access("engineer", None)
    settings = AccessSettings.from_secrets_file(folder / "secrets.example.toml")
    assert settings.access_file == Path(".streamlit/access.toml") and settings.log_key is not None


def test_after_tampering_with_the_end_nothing_more_is_recorded(log: AccessLog, tmp_path: Path) -> None:
    """Fail closed: an app that kept appending would overwrite the head file and hide the deletion."""
    db = database(tmp_path)
    db.execute("DELETE FROM access_events WHERE seq > 8")
    mac8 = db.execute("SELECT mac FROM access_events WHERE seq = 8").fetchone()[0]
    db.execute("UPDATE access_log_head SET seq = 8, mac = ?", (mac8,))
    with pytest.raises(
        AccessLogError, match=r"does not match its head file \(events deleted, or the database replaced\)"
    ):
        log.record(event(11))
    db.close()
    (tmp_path / "log.sqlite").unlink()  # the whole database replaced by an empty one
    fresh = AccessLog(f"sqlite:///{tmp_path / 'log.sqlite'}", key=KEY)
    with pytest.raises(AccessLogError, match="names a log this database does not hold"):
        fresh.record(event(1))
