"""Dashboard tests run the real app script with AppTest against test-size samples and a
hostile bundle. Streamlit caches are per process, so the environment is set once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile import build_hostile_bundle

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TIMEOUT = 90


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_bundle(tmp_path_factory.mktemp("hostile") / "hostile")


@pytest.fixture(scope="session")
def odd_dirs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from tests.odd_bundles import build_odd_bundles

    return build_odd_bundles(tmp_path_factory.mktemp("odd"))


@pytest.fixture(scope="session")
def live_dir(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the loan sample that tests edit while the app runs (URL key ``live``)."""
    import shutil

    target = tmp_path_factory.mktemp("live") / "live"
    shutil.copytree(samples_dir / "loan", target)
    return target


@pytest.fixture(scope="session")
def restricted_dir(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the loan sample whose age group only engineers see (URL key ``restricted``)."""
    import shutil

    target = tmp_path_factory.mktemp("restricted") / "restricted"
    shutil.copytree(samples_dir / "loan", target)
    spec = target / "bundle.toml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace("[columns.age_group]\n", "[columns.age_group]\nengineers_only = true\n"), encoding="utf-8"
    )
    assert "engineers_only = true" in spec.read_text(encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def sql_dir(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The loan sample with 3,000 decisions in a SQLite file (URL key ``loan-sql``): the bundle
    directory and the database, which tests edit while the app runs."""
    from tests.sql_bundle import build_sql_bundle

    return build_sql_bundle(samples_dir / "loan", tmp_path_factory.mktemp("sql") / "loan-sql", 3_000)


@pytest.fixture(scope="session", autouse=True)
def app_environment(
    samples_dir: Path,
    hostile_dir: Path,
    odd_dirs: list[Path],
    live_dir: Path,
    sql_dir: tuple[Path, Path],
    restricted_dir: Path,
) -> Iterator[None]:
    from tests.sql_bundle import CONNECTION_ENV, sqlite_url

    saved = {k: os.environ.get(k) for k in ("EXPLAIN_SAMPLES_DIR", "EXPLAIN_BUNDLES", CONNECTION_ENV)}
    os.environ["EXPLAIN_SAMPLES_DIR"] = str(samples_dir)
    os.environ["EXPLAIN_BUNDLES"] = os.pathsep.join(
        map(str, [hostile_dir, *odd_dirs, live_dir, sql_dir[0], restricted_dir])
    )
    os.environ[CONNECTION_ENV] = sqlite_url(sql_dir[1])
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def open_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert_healthy(at)
    return at


def assert_healthy(at: AppTest) -> None:
    """No exception and no "something went wrong" message on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not any("Something went wrong" in e.value for e in at.error), [e.value for e in at.error]


def unescape(text: object) -> str:
    """A Markdown-escaped cell or label as the reader sees it."""
    import re

    return re.sub(r"\\(.)", r"\1", str(text)).replace("\u2060", "")


def shown_table(at: AppTest, column: str) -> pd.DataFrame:
    """The first whole table (``st.table``) with a column named ``column``, cells as the reader sees them."""

    for element in at.table:
        frame = element.value.reset_index()
        frame.columns = [unescape(c) for c in frame.columns]
        if column in frame.columns:
            return pd.DataFrame({c: [unescape(v) for v in frame[c]] for c in frame.columns})
    raise AssertionError(f"no table with a column {column!r}")


PAGES = ["model", "importance", "dependence", "checks", "performance", "errors", "fairness", "drift"]
TABS = ["What would change it", "What if…", "Similar past decisions", "Case file"]


def visit_every_page(at: AppTest) -> None:
    """Every workbench page renders, and none says it cannot be shown."""
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert_healthy(at)
        assert not any("This page cannot be shown" in e.value for e in at.error), (page, [e.value for e in at.error])


def visit_every_tool(at: AppTest) -> None:
    """Every tool tab of an open decision renders."""
    for tab in TABS:
        at.session_state["decision_tool_tab"] = tab
        at.run()
        assert_healthy(at)
