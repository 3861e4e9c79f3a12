"""Explain every decision, or a large file of them, out of core on Dask.

The input is read partition by partition (Parquet row groups, CSV blocks) by Dask; each task
holds one partition and the model, checks the rows as a bundle's table is checked, and writes
the partition's scores, verdicts, reasons and contributions (:func:`explained_rows`, the same
code as the single-process path) as one Parquet file. The files land in the store
(``<store>/<fingerprint>/batch-<data>/``, renamed into place when every partition is done), so
the dashboard and ``pandas.read_parquet`` read them.

A :class:`~distributed.LocalCluster` is started unless a scheduler address is given.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from explain._stamp import library_versions
from explain.bundle._bundle import Bundle
from explain.bundle._spec import SqlSource
from explain.bundle._tables import normalize_table
from explain.decision._batch_table import explained_rows
from explain.errors import BundleError, ExplainError
from explain.store._store import default_store_path

#: Rows per partition when the input's own row groups or blocks are larger.
PARTITION_ROWS = 50_000
BATCH_META = "_meta.json"  # pyarrow skips files starting with "_" when it reads the directory


@dataclass(frozen=True)
class BatchRun:
    """Where an explained batch was written, and what it took."""

    path: Path
    rows: int
    partitions: int
    seconds: float
    workers: int


def _input_files(bundle: Bundle, data: str | None) -> list[Path]:
    """The files to explain: ``data`` (a file or a glob), else the bundle's decisions file."""
    if data is None:
        if isinstance(bundle.spec.decisions, SqlSource) or bundle.path is None:
            raise BundleError(
                "explain batch reads files: this bundle's decisions come from a database query; export them "
                "(or a part of them) to Parquet and pass --data FILE."
            )
        return [bundle.path / bundle.spec.decisions]
    files = sorted(Path(p) for p in glob.glob(data)) or ([Path(data)] if Path(data).exists() else [])
    if not files:
        raise BundleError(
            f"--data {data!r} names no file; give a CSV or Parquet file, or a glob such as 'part-*.parquet'."
        )
    kinds = {f.suffix.lower() for f in files}
    if not kinds <= {".csv", ".parquet", ".pq"} or len(kinds) > 1:
        raise BundleError(f"--data must name CSV files or Parquet files (one kind); got {', '.join(sorted(kinds))}.")
    return files


def data_digest(files: list[Path]) -> str:
    """An identity of the input files' contents (16 hex digits)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def batch_path(bundle: Bundle, files: list[Path], store: str | os.PathLike[str] | None = None) -> Path:
    """Where the explained batch of these files is (or would be) stored."""
    root = Path(store) if store is not None else default_store_path(bundle.path)
    return root / bundle.fingerprint / f"batch-{data_digest(files)}"


def _slim(bundle: Bundle) -> Bundle:
    """The bundle a worker needs: model, spec, reference (for percentiles and baselines), no decisions."""
    empty = None if bundle.decisions_frame is None else bundle.decisions_frame.iloc[:0]
    slim = replace(bundle, decisions_frame=empty, sql=None)
    slim.__dict__["profile"] = bundle.profile  # computed once here, not per task
    return slim


def explain_partition(frame: pd.DataFrame, bundle: Bundle, where: str) -> pd.DataFrame:
    """One partition of raw rows, checked like a bundle's table, explained."""
    problems: list[ExplainError] = []
    rows = normalize_table(frame.reset_index(drop=True), bundle.spec, bundle.model, where, problems, "current")
    if problems or rows is None:
        raise problems[0] if problems else BundleError(f"{where}: the rows cannot be used.")
    return explained_rows(bundle, rows)


def _read(files: list[Path]) -> Any:
    import dask.dataframe as dd

    names = [str(f) for f in files]
    if files[0].suffix.lower() == ".csv":
        frame = dd.read_csv(names, blocksize="16MB", dtype=str, keep_default_na=False, na_values=[""])
    else:
        frame = dd.read_parquet(names, split_row_groups=True)
    return frame


def explain_batch(
    bundle: Bundle,
    *,
    data: str | None = None,
    store: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    threads_per_worker: int = 1,
    partition_rows: int = PARTITION_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> BatchRun:
    """Explain every decision (or the rows of ``data``) on Dask; write the results to the store.

    ``scheduler`` is an existing cluster's address (``tcp://host:8786``); without it a
    ``LocalCluster`` of ``workers`` processes with ``threads_per_worker`` threads each runs
    here. ``progress(done, total)`` hears of each finished partition.
    """
    import dask
    from distributed import Client, LocalCluster, as_completed

    files = _input_files(bundle, data)
    target = batch_path(bundle, files, store)
    started = time.perf_counter()
    raw = _read(files)
    if files[0].suffix.lower() != ".csv":
        n_rows = sum(_parquet_rows(f) for f in files)
        wanted = max(raw.npartitions, -(-n_rows // partition_rows))
        if wanted > raw.npartitions:
            raw = raw.repartition(npartitions=wanted)
    staging: Path | None = None
    cluster = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=_ensure(target.parent)))
        if not scheduler:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=threads_per_worker, processes=True, dashboard_address=None
            )
        with Client(scheduler or cluster) as client:
            slim = client.scatter(_slim(bundle), broadcast=True)  # the model once per worker
            write = dask.delayed(_write_part, pure=False)
            where = data or "the decisions"
            tasks = [  # read, explain and write one partition per task: each holds one partition at a time
                write(part, slim, str(staging / f"part-{i:05d}.parquet"), f"partition {i + 1} of {where}")
                for i, part in enumerate(raw.to_delayed())
            ]
            futures = client.compute(tasks)
            rows, filled = 0, 0
            for done, future in enumerate(as_completed(futures), start=1):
                counted = future.result()
                rows, filled = rows + counted, filled + (counted > 0)
                if progress is not None:
                    progress(done, len(futures))
            used = len(client.scheduler_info()["workers"])
        written = len(list(staging.glob("part-*.parquet")))
        if written != filled:
            raise BundleError(
                f"the workers wrote {written} of {filled} partition files to {staging}; on a cluster of other "
                "machines the store must be on a disk every worker shares (--store)."
            )
        meta = {
            "fingerprint": bundle.fingerprint,
            "data": [str(f) for f in files],
            "rows": rows,
            "partitions": len(futures),
            "versions": dict(library_versions()),
            "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (staging / BATCH_META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if cluster is not None:
            cluster.close()
    return BatchRun(target, rows, len(futures), time.perf_counter() - started, used)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _write_part(frame: pd.DataFrame, bundle: Bundle, path: str, where: str) -> int:
    """Explain one partition and write it (a worker's task); the number of rows (an empty
    partition writes nothing)."""
    if frame.empty:
        return 0
    out = explain_partition(frame, bundle, where)
    out.to_parquet(path, index=False)
    return len(out)


def _stored_column(bundle: Bundle, column: str, store: str | os.PathLike[str] | None) -> pd.Series | None:
    """One column of an ``explain batch`` of the bundle's own decisions, indexed by id, in the
    table's order; None when there is none, it cannot be read, or it misses a decision."""
    try:
        path = batch_path(bundle, _input_files(bundle, None), store)
    except (ExplainError, OSError):
        return None
    if not (path / BATCH_META).is_file():
        return None
    try:
        values = pd.read_parquet(path, columns=["id", column]).set_index("id")[column]
        values = values.reindex(bundle.decisions.index)
    except Exception:  # a store file that cannot be read: the values are computed instead
        return None
    return None if bool(values.isna().any()) else values


def stored_scores(bundle: Bundle, store: str | os.PathLike[str] | None = None) -> np.ndarray | None:
    """Every decision's score from an ``explain batch`` of the bundle's own decisions, in the
    table's order; None when there is none (or it does not cover every decision)."""
    values = _stored_column(bundle, "score", store)
    return None if values is None else values.to_numpy(dtype=float)


def stored_top_reasons(bundle: Bundle, store: str | os.PathLike[str] | None = None) -> pd.Series | None:
    """Every decision's top reason (as the decisions list words it) from an ``explain batch``, by id."""
    return _stored_column(bundle, "top_reason", store)
