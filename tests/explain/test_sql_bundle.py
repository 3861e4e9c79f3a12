"""Decisions read from a real SQLite database: the first page reads one page of rows, filters
and sorts run in the database and agree with the same rows held in memory, a decision opens
by id alone, and the data version is the bundle's identity."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explain import (
    Bundle,
    ColumnFilter,
    DataSourceError,
    DecisionNotFoundError,
    DecisionQuery,
    ExplainError,
    SpecError,
    check_spec,
    connection_url,
    explain_decision,
    load_bundle,
    matching_decisions,
    query_decisions,
    scores_by_id,
    spec_to_toml,
    suggest_changes,
    what_if,
)
from explain.bundle._sql import rows_read
from tests.sql_bundle import CONNECTION_ENV, build_sql_bundle, decisions_rows, sqlite_url, write_table

BIG = 100_000


@pytest.fixture(scope="module")
def big(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    directory, database = build_sql_bundle(samples_dir / "loan", tmp_path_factory.mktemp("sql") / "loan-sql", BIG)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CONNECTION_ENV, sqlite_url(database))
        yield directory, database


@pytest.fixture(scope="module", params=["sqlite", "duckdb"])
def small(
    request: pytest.FixtureRequest, samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Bundle, Bundle]]:
    """The same 1,500 decisions from a database (a SQLite file, then a DuckDB one) and in memory."""
    directory, database = build_sql_bundle(samples_dir / "loan", tmp_path_factory.mktemp("sql") / "small", 1_500)
    with sqlite3.connect(database) as connection:  # some missing values to filter and sort around
        connection.execute("UPDATE applications SET employment_years = NULL WHERE rowid % 7 = 0")
    stored = pd.read_sql_query("SELECT * FROM applications", sqlite3.connect(database))
    frame = stored.drop(columns=["updated_at"]).sort_values("application_id", ignore_index=True)  # ties: by id
    url = sqlite_url(database)
    if request.param == "duckdb":
        import sqlalchemy

        url = f"duckdb:///{database.with_suffix('.duckdb')}"
        with sqlalchemy.create_engine(url).begin() as connection:
            stored.to_sql("applications", connection, index=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CONNECTION_ENV, url)
        from_sql = load_bundle(directory)
        in_memory = Bundle.from_estimator(
            from_sql.model.estimator,
            frame,
            id_column="application_id",
            outcome_column="defaulted",
            reference=from_sql.reference.reset_index(),  # type: ignore[union-attr]
            spec=from_sql.spec.__class__(**{**from_sql.spec.__dict__, "decisions": "decisions.parquet"}),
        )
        yield from_sql, in_memory


def test_the_first_page_of_100000_rows_reads_one_page(big: tuple[Path, Path]) -> None:
    before = rows_read()
    bundle = load_bundle(big[0])
    loaded = rows_read() - before
    assert loaded <= 20  # the first rows, read to check the query's columns
    page = query_decisions(bundle, DecisionQuery(sort_by="annual_income", descending=True))
    assert page.total == BIG and len(page.rows) == 100
    assert rows_read() - before <= 20 + 100
    incomes = page.rows["annual_income"].to_numpy(dtype=float)
    assert (np.diff(incomes) <= 0).all()
    with sqlite3.connect(big[1]) as connection:
        top = connection.execute("SELECT max(annual_income) FROM applications").fetchone()[0]
    assert incomes[0] == pytest.approx(top)
    later = query_decisions(bundle, DecisionQuery(sort_by="id", descending=False, page=500))
    assert later.page == 500 and len(later.rows) == 100
    assert rows_read() - before <= 20 + 200


def test_a_decision_opens_by_id_without_reading_the_table(big: tuple[Path, Path]) -> None:
    bundle = load_bundle(big[0])
    before = rows_read()
    result = explain_decision(bundle, "L0100007-042")
    assert result.id == "L0100007-042"
    assert rows_read() - before <= 5
    with sqlite3.connect(big[1]) as connection:  # the row read straight from the file: the model's own output
        row = pd.read_sql_query("SELECT * FROM applications WHERE application_id = 'L0100007-042'", connection)
    raw = bundle.model.predict_raw(row.set_index("application_id"))[0]
    assert abs(result.base.raw + result.contributions.raw.sum() - raw) < 1e-9
    with pytest.raises(DecisionNotFoundError, match="'nobody' is not in the decisions"):
        explain_decision(bundle, "nobody")


def test_pages_filters_and_sorts_equal_the_same_rows_in_memory(small: tuple[Bundle, Bundle]) -> None:
    from_sql, in_memory = small
    queries = [
        DecisionQuery(sort_by="id", descending=False),
        DecisionQuery(sort_by="employment_years", descending=True, page=3),
        DecisionQuery(sort_by="employment_years", descending=False, page=14),
        DecisionQuery(sort_by="loan_amount", id_contains="-00", outcomes=("positive", "unknown")),
        DecisionQuery(
            sort_by="debt_to_income",
            columns=(ColumnFilter("home_ownership", categories=("rent", "own")),),
            page=2,
        ),
        DecisionQuery(
            sort_by="annual_income",
            descending=False,
            columns=(ColumnFilter("employment_years", low=2.0, high=9.0, include_missing=True),),
        ),
    ]
    for query in queries:
        got = query_decisions(from_sql, query)
        want = query_decisions(in_memory, query)
        assert (got.total, got.page, got.pages) == (want.total, want.page, want.pages), query
        assert list(got.rows.index) == list(want.rows.index), query
        np.testing.assert_allclose(got.rows["score"], want.rows["score"], rtol=0, atol=1e-12)
        assert list(got.rows["top_reason"]) == list(want.rows["top_reason"])


def test_the_score_is_a_filter_once_every_decision_is_scored(small: tuple[Bundle, Bundle]) -> None:
    from_sql, in_memory = small
    by_score = DecisionQuery(sort_by="score", verdicts=("Declined",), score_max=0.6, page=1)
    with pytest.raises(ExplainError, match="needs every decision's score"):
        query_decisions(from_sql, by_score)
    progress: list[float] = []
    scores = scores_by_id(from_sql, progress=lambda f, _: progress.append(f))
    assert len(scores) == 1_500 and progress[-1] == 1.0
    np.testing.assert_allclose(
        scores.loc[in_memory.decisions.index], in_memory.model.predict_score(in_memory.decisions)
    )
    got = query_decisions(from_sql, by_score, scores=scores)
    want = query_decisions(in_memory, by_score)
    assert got.total == want.total and list(got.rows.index) == list(want.rows.index)
    download = matching_decisions(from_sql, by_score, scores=scores, max_rows=40)
    assert list(download["id"]) == list(matching_decisions(in_memory, by_score, max_rows=40)["id"])


def test_decision_tools_work_on_one_fetched_row(small: tuple[Bundle, Bundle]) -> None:
    from_sql, in_memory = small
    decision = "L0100003-000"
    a, b = explain_decision(from_sql, decision), explain_decision(in_memory, decision)
    np.testing.assert_allclose(a.contributions.raw, b.contributions.raw, atol=1e-12)
    assert [r.text for r in a.reasons] == [r.text for r in b.reasons]
    assert what_if(from_sql, decision, {"debt_to_income": 10.0}).edited.prediction.score == pytest.approx(
        what_if(in_memory, decision, {"debt_to_income": 10.0}).edited.prediction.score
    )
    assert [s.text for s in suggest_changes(from_sql, decision).suggestions] == [
        s.text for s in suggest_changes(in_memory, decision).suggestions
    ]


def test_the_data_version_is_the_identity(samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory, database = build_sql_bundle(samples_dir / "loan", tmp_path / "versioned", 300)
    monkeypatch.setenv(CONNECTION_ENV, sqlite_url(database))
    first = load_bundle(directory).fingerprint
    assert load_bundle(directory).fingerprint == first
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE applications SET updated_at = '2026-12-02T09:00:00' WHERE rowid = 1")
    assert load_bundle(directory).fingerprint != first
    spec = (directory / "bundle.toml").read_text()
    (directory / "bundle.toml").write_text(spec.replace("SELECT * FROM applications", "SELECT * FROM applications "
                                                         "WHERE loan_amount > 0"))  # fmt: skip
    assert load_bundle(directory).fingerprint not in (first,)


def test_a_query_with_the_wrong_columns_is_refused_by_name(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, database = build_sql_bundle(samples_dir / "loan", tmp_path / "wrong", 200)
    monkeypatch.setenv(CONNECTION_ENV, sqlite_url(database))
    spec = directory / "bundle.toml"
    spec.write_text(spec.read_text().replace("SELECT * FROM applications", "SELECT application_id, loan_amount "
                                             "FROM applications"))  # fmt: skip
    with pytest.raises(ExplainError, match="the model input 'annual_income' is missing from the data"):
        load_bundle(directory)
    spec.write_text(spec.read_text().replace("application_id, loan_amount FROM applications", "* FROM nowhere"))
    with pytest.raises(
        DataSourceError, match=r"connection 'decisions_db': the decisions query failed: .*no such table"
    ):
        load_bundle(directory)


def test_an_unreachable_database_is_named_without_its_password(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, _ = build_sql_bundle(samples_dir / "loan", tmp_path / "away", 50)
    monkeypatch.setenv(CONNECTION_ENV, "postgresql+nosuchdriver://reader:s3cret@db.invalid/credit")
    with pytest.raises(DataSourceError) as caught:
        load_bundle(directory)
    assert "decisions_db" in str(caught.value) and "s3cret" not in str(caught.value)
    monkeypatch.setenv(CONNECTION_ENV, f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    with pytest.raises(DataSourceError, match="unable to open database file"):
        load_bundle(directory)


def test_the_url_lives_in_secrets_or_the_environment_never_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXPLAIN_CONNECTION_SALES", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(
        DataSourceError, match=r"set the environment variable EXPLAIN_CONNECTION_SALES, or add \[connections.sales\]"
    ):
        connection_url("sales")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[connections.sales]\nurl = "sqlite:///from-secrets.db"\n')
    assert connection_url("sales") == "sqlite:///from-secrets.db"
    monkeypatch.setenv("EXPLAIN_CONNECTION_SALES", "sqlite:///from-env.db")
    assert connection_url("sales") == "sqlite:///from-env.db"

    _, problems = check_spec({"decisions": {"sql": "SELECT 1", "connection": "x", "url": "sqlite:///a.db"}})
    assert any("keep those out of bundle.toml" in str(p) for p in problems)
    spec, problems = check_spec({"decisions": {"sql": "SELECT * FROM t;", "connection": "x", "sort_by": "when"}})
    assert not problems and spec.decisions.sql == "SELECT * FROM t"  # type: ignore[union-attr]
    assert check_spec(__import__("tomllib").loads(spec_to_toml(spec)))[0] == spec
    with pytest.raises(SpecError, match="version_query applies to the decisions query only"):
        from explain import parse_spec

        parse_spec({"reference": {"sql": "SELECT 1", "connection": "x", "version_query": "SELECT 1"}})


def test_a_reference_query_is_read_whole(samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory, database = build_sql_bundle(samples_dir / "loan", tmp_path / "ref", 100)
    reference = pd.read_parquet(directory / "reference.parquet")
    for name in reference.columns:
        if isinstance(reference[name].dtype, pd.CategoricalDtype):
            reference[name] = reference[name].astype(object)
    with sqlite3.connect(database) as connection:
        reference.to_sql("held_out", connection, index=False)
    spec = directory / "bundle.toml"
    spec.write_text(spec.read_text().replace('reference = "reference.parquet"', 'reference = { sql = "SELECT * FROM '
                                             'held_out", connection = "decisions_db" }'))  # fmt: skip
    (directory / "reference.parquet").unlink()
    monkeypatch.setenv(CONNECTION_ENV, sqlite_url(database))
    bundle = load_bundle(directory)
    assert bundle.reference is not None and len(bundle.reference) == len(reference)
    write_table(database, decisions_rows(samples_dir / "loan", 100))
    assert load_bundle(directory).fingerprint == bundle.fingerprint  # same rows, same version


def test_a_query_needs_reference_data_and_unique_ids(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, database = build_sql_bundle(samples_dir / "loan", tmp_path / "plain", 300)
    monkeypatch.setenv(CONNECTION_ENV, sqlite_url(database))
    with sqlite3.connect(database) as connection:  # one id twice, far from the first rows read
        connection.execute("INSERT INTO applications SELECT * FROM applications WHERE rowid = 250")
    bundle = load_bundle(directory)
    with pytest.raises(DataSourceError, match=r"more than once|must be unique"):
        scores_by_id(bundle)
    spec = directory / "bundle.toml"
    spec.write_text(spec.read_text().replace('reference = "reference.parquet"\n', ""))
    with pytest.raises(SpecError, match="decisions read from a database need reference data"):
        load_bundle(directory)
