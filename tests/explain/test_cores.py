"""Cores by what the user waits for: one thread for a decision, every core for a global result,
one global computation at a time; and compiled kernels that compile once per machine."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from explain._cores import all_cores, core_count, run_split, split_rows, thread_budget, uses_all_cores


def test_a_decision_gets_one_thread_and_a_global_result_every_core() -> None:
    assert thread_budget() == 1
    with all_cores() as threads:
        assert threads == core_count() == thread_budget()
        with all_cores():  # a global result computed inside another keeps the budget
            assert thread_budget() == core_count()
        assert thread_budget() == core_count()
    assert thread_budget() == 1


def test_global_computations_run_one_after_the_other_and_decisions_do_not_wait() -> None:
    spans: list[tuple[str, float, float]] = []
    lock = threading.Lock()

    @uses_all_cores
    def global_result(name: str) -> int:
        start = time.perf_counter()
        time.sleep(1.0)
        with lock:
            spans.append((name, start, time.perf_counter()))
        return thread_budget()

    budgets: dict[str, int] = {}
    decided: list[float] = []

    def decision() -> None:
        budgets["decision"] = thread_budget()
        decided.append(time.perf_counter())

    threads = [threading.Thread(target=lambda n=n: budgets.__setitem__(n, global_result(n))) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    threading.Thread(target=decision).start()
    for thread in threads:
        thread.join()
    first, second = sorted(spans, key=lambda s: s[1])
    assert first[2] <= second[1]  # never side by side
    assert decided[0] < first[2]  # a decision does not wait for a global result
    assert budgets == {"a": core_count(), "b": core_count(), "decision": 1}


def test_rows_are_split_into_whole_pieces_and_each_row_is_done_once() -> None:
    assert split_rows(1_000, 2) == [(0, 500), (500, 1000)]
    assert split_rows(10, 2) == [(0, 10)]
    assert split_rows(0, 2) == []
    seen: list[tuple[int, int]] = []
    run_split(lambda a, b: seen.append((a, b)), 1_001, threads=3, minimum=1)
    assert sorted(seen) == [(0, 334), (334, 667), (667, 1001)]


_ENGINE_RUN = """
import numpy as np, pandas as pd, lightgbm as lgb
from explain.models._lightgbm import adapt_lightgbm
from explain.models._tree_arrays import model_matrix
from explain.models import _tree_kernels as kernels
rng = np.random.default_rng(0)
x = pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "c"])
booster = lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(x, (x.a > 0).astype(int)), 5)
engine = adapt_lightgbm(booster).treeshap_engine()
engine.contributions(model_matrix(x))
print(sum(kernels.treeshap.stats.cache_hits.values()), sum(kernels.treeshap.stats.cache_misses.values()))
"""


def test_kernels_compile_once_per_machine_into_the_cache_directory(tmp_path: Path) -> None:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))

    def run() -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(_ENGINE_RUN)], env=env, capture_output=True,
                              text=True, check=True, timeout=600)  # fmt: skip
        hits, misses = done.stdout.split()
        return int(hits), int(misses)

    assert run() == (0, 1)  # a fresh machine compiles the kernel, once
    assert list((tmp_path / "numba").rglob("*.nbi"))  # and writes it to the cache directory
    assert run() == (1, 0)  # the next process reads it back instead of compiling


def test_an_unwritable_cache_directory_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from explain._numba import cache_directory

    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocked / "numba"))
    monkeypatch.setenv("HOME", str(blocked))
    assert Path(cache_directory()).parent == Path(tempfile.gettempdir())
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "ok"))
    assert cache_directory() == str(tmp_path / "ok")
