"""A bundle whose decisions live in a real SQLite file: the loan sample's decisions repeated
under new ids to any number of rows, its reference and current batch kept as files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd

CONNECTION = "decisions_db"
CONNECTION_ENV = "EXPLAIN_CONNECTION_DECISIONS_DB"
TABLE = "applications"
SQL_SPEC = (
    'decisions = { sql = "SELECT * FROM applications", connection = "decisions_db", '
    'version_query = "SELECT max(updated_at) FROM applications", refresh_seconds = 0.2 }'
)


def decisions_rows(loan_dir: Path, rows: int) -> pd.DataFrame:
    """``rows`` decisions: the loan sample's, repeated with ids ``<id>-<copy>``, categories as text."""
    base = pd.read_parquet(loan_dir / "decisions.parquet")
    copies = -(-rows // len(base))
    frame = pd.concat(
        [base.assign(application_id=base["application_id"] + f"-{k:03d}") for k in range(copies)], ignore_index=True
    ).head(rows)
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype) or frame[name].dtype == object:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
            frame[name] = frame[name].map(lambda v: None if v is None else str(v))
    frame["updated_at"] = "2026-12-01T00:00:00"
    return frame


def write_table(database: Path, frame: pd.DataFrame) -> None:
    """Replace the applications table of a SQLite file."""
    with sqlite3.connect(database) as connection:
        frame.to_sql(TABLE, connection, if_exists="replace", index=False)


def build_sql_bundle(loan_dir: Path, target: Path, rows: int) -> tuple[Path, Path]:
    """A copy of the loan bundle reading its decisions from ``target.parent/<name>.db``; the
    directory and the database file."""
    shutil.copytree(loan_dir, target)
    (target / "decisions.parquet").unlink()
    database = target.parent / f"{target.name}.db"
    write_table(database, decisions_rows(loan_dir, rows))
    spec = (target / "bundle.toml").read_text()
    spec = spec.replace('decisions = "decisions.parquet"', SQL_SPEC)
    spec = spec.replace('name = "Consumer loans"', 'name = "Consumer loans from SQL"')
    (target / "bundle.toml").write_text(spec)
    return target, database


def sqlite_url(database: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{database}"
