"""A bundle whose decisions live in SQLite, in the running app: the list pages through the
query, a shared link opens one decision, scoring every decision turns on the score filters, a
new data version is served on the next run, and a database that goes away leaves the last
good page on screen with the reason."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from explain import explain_decision, load_bundle
from tests.dashboard.conftest import assert_healthy, open_app, visit_every_page, visit_every_tool


def _markdown(at: object) -> str:
    return " ".join(m.value for m in at.markdown).replace("\\", "")  # type: ignore[attr-defined]


def _captions(at: object) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")  # type: ignore[attr-defined]


def test_the_list_pages_through_the_database_and_opens_a_decision(sql_dir: tuple[Path, Path]) -> None:
    at = open_app(bundle="loan-sql")
    assert "3,000 matching decisions** · showing 1–100" in _markdown(at)
    assert "3,000 decisions scored by the model" in _captions(at)
    assert not at.get("slider"), "no score filter before every decision is scored"
    assert "Score" not in at.selectbox(key="browse_loan-sql_sort").options
    at.text_input(key="browse_loan-sql_search").set_value("l0100003-").run()  # any case
    copies = (
        sqlite3.connect(sql_dir[1])
        .execute("SELECT count(*) FROM applications WHERE application_id LIKE 'L0100003-%'")
        .fetchone()[0]
    )
    assert copies > 1 and f"**{copies} matching decisions**" in _markdown(at)

    next(b for b in at.button if b.label.startswith("Score all 3,000 decisions")).click()
    at.run()
    assert_healthy(at)
    assert "Score" in at.selectbox(key="browse_loan-sql_sort").options
    at.multiselect(key="browse_loan-sql_verdict").set_value(["Declined"]).run()
    bundle = load_bundle(sql_dir[0])
    rows = bundle.decisions[bundle.decisions.index.str.contains("L0100003-")]
    declined = int((bundle.model.predict_score(rows) >= bundle.spec.decision.threshold).sum())
    assert f"{declined} matching decisions" in _markdown(at)

    opened = open_app(bundle="loan-sql", decision="L0100004-001")
    expected = explain_decision(bundle, "L0100004-001").prediction.headline
    assert expected.replace("\\", "") in opened.subheader[0].value.replace("\\", "")
    visit_every_tool(opened)
    visit_every_page(opened)


def test_a_new_data_version_is_served_and_a_lost_database_keeps_the_last_page(sql_dir: tuple[Path, Path]) -> None:
    database = sql_dir[1]
    at = open_app(bundle="loan-sql")
    assert "3,000 matching decisions" in _markdown(at)
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM applications WHERE application_id LIKE '%-002'")
        connection.execute("UPDATE applications SET updated_at = '2026-12-06T10:00:00'")
    time.sleep(0.3)  # the spec asks for the data version at most every 0.2 s
    at.run()
    assert_healthy(at)
    remaining = int(sqlite3.connect(database).execute("SELECT count(*) FROM applications").fetchone()[0])
    assert remaining < 3_000 and f"{remaining:,} matching decisions" in _markdown(at)

    with sqlite3.connect(database) as connection:
        connection.execute("ALTER TABLE applications RENAME TO applications_gone")
    try:
        time.sleep(0.3)
        at.run()
        assert_healthy(at)
        problems = " ".join(e.value for e in at.error) + " ".join(w.value for w in at.warning)
        assert "no such table: applications" in problems.replace("\\", "")
        assert f"{remaining:,} matching decisions" in _markdown(at)  # the last good page stays
    finally:
        with sqlite3.connect(database) as connection:
            connection.execute("ALTER TABLE applications_gone RENAME TO applications")
    time.sleep(0.3)
    at.run()
    assert_healthy(at)
    assert not at.error and f"{remaining:,} matching decisions" in _markdown(at)
