"""Loading a bundle directory: the spec file, the model, the tables, every problem at once."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from explain.bundle._assemble import assemble
from explain.bundle._bundle import TABLES, Bundle, TableName
from explain.bundle._spec import SqlSource
from explain.bundle._spec_parse import check_spec
from explain.bundle._sql import data_version, probe_query, read_query
from explain.bundle._tables import EXPLAIN_PROBE_ROWS
from explain.errors import BundleError, ExplainError, SpecError
from explain.models._load import load_model

SPEC_FILE = "bundle.toml"


def _read_table(path: Path, where: str, problems: list[ExplainError]) -> pd.DataFrame | None:
    if not path.exists():
        problems.append(BundleError(f"{where}: the file {path} does not exist."))
        return None
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path)
        return pd.read_parquet(path)
    except Exception as err:
        problems.append(BundleError(f"{where}: {path.name} could not be read as a table: {err}"))
        return None


def read_spec_file(spec_path: Path, problems: list[ExplainError]) -> dict[str, Any] | None:
    """The parsed TOML of ``bundle.toml``, or None with a problem that names the file and the fix."""
    data = spec_path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(
            SpecError(
                f"{spec_path}: the file starts with a byte-order mark (BOM), which TOML does not allow; save it as "
                "UTF-8 without BOM (in most editors: Save with encoding → UTF-8)."
            )
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(
            SpecError(
                f"{spec_path}: the file is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}, perhaps saved "
                "as Latin-1 or Windows-1252); save it again with the encoding UTF-8."
            )
        )
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        problems.append(SpecError(f"{spec_path}: not valid TOML: {err}"))
        return None


def _inside(directory: Path, name: str, field_name: str, problems: list[ExplainError]) -> Path | None:
    """``directory / name`` when it stays inside the directory once symlinks are resolved."""
    target = (directory / name).resolve()
    if not target.is_relative_to(directory.resolve()):
        problems.append(
            SpecError(
                f"{directory / SPEC_FILE}: {field_name} = {name!r} leads outside the bundle directory "
                f"(to {target}); keep the bundle's files inside it."
            )
        )
        return None
    return target


def _load(path: Path, problems: list[ExplainError]) -> Bundle | None:
    path = Path(path)
    spec_path = path / SPEC_FILE
    if not spec_path.exists():
        problems.append(BundleError(f"{path}: no {SPEC_FILE} here; a bundle directory needs one."))
        return None
    raw = read_spec_file(spec_path, problems)
    if raw is None:
        return None
    spec, spec_problems = check_spec(raw, source=str(spec_path))
    problems.extend(spec_problems)
    model = None
    model_path = _inside(path, spec.model, "model", problems)
    if model_path is not None:
        try:
            model = load_model(model_path)
        except ExplainError as err:
            problems.append(err)
    frames: dict[TableName, pd.DataFrame | None] = {}
    sources: dict[TableName, str] = {}
    version = None
    for name in TABLES:
        where = getattr(spec, name)
        if isinstance(where, SqlSource):
            sources[name] = f"the {name} query (connection {where.connection!r})"
            try:
                if name == "decisions":  # paged later: read its first rows to check them
                    frames[name] = probe_query(where, EXPLAIN_PROBE_ROWS)
                    version = data_version(where)
                else:
                    frames[name] = read_query(where, where=sources[name])
            except ExplainError as err:
                problems.append(err)
                frames[name] = None
            continue
        sources[name] = str(path / (where or name))
        table_path = None if where is None else _inside(path, where, name, problems)
        frames[name] = None if table_path is None else _read_table(table_path, sources[name], problems)
    if model is None:
        return None
    return assemble(
        spec,
        model,
        frames,
        source=str(spec_path),
        table_sources=sources,
        key=path.name,
        path=path,
        problems=problems,
        decisions_version=version,
    )


def load_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Load and validate a bundle directory; raise the first problem as an :class:`ExplainError`.

    Examples
    --------
    >>> bundle = load_bundle("path/to/loan")  # doctest: +SKIP
    >>> bundle.spec.score_label  # doctest: +SKIP
    'estimated default risk'
    """
    problems: list[ExplainError] = []
    bundle = _load(Path(path), problems)
    if problems:
        raise problems[0]
    assert bundle is not None
    return bundle


def check_bundle(path: str | os.PathLike[str]) -> list[str]:
    """Every problem :func:`load_bundle` would report for ``path``; empty when it loads."""
    problems: list[ExplainError] = []
    _load(Path(path), problems)
    return [str(p) for p in problems]
