"""How many cores a computation may use, decided by what the user is waiting for.

A decision's page explains one row: it runs on one thread, so many sessions can share two
cores without oversubscribing them. A global result (SHAP over thousands of rows,
permutation importance, dependence, checks) is one long wait for one user: it takes every
core, and two such computations run one after the other rather than fighting over the
cores. :func:`all_cores` marks that scope; the engines read :func:`thread_budget`.

The budget is per thread (each Streamlit session runs in its own), so one session's global
computation never widens another session's decision page.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

_local = threading.local()
#: One global computation at a time in this process: each one already uses every core.
_global_work = threading.RLock()


def core_count() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


def thread_budget() -> int:
    """Threads the current computation may use: every core inside :func:`all_cores`, else one."""
    return int(getattr(_local, "threads", 1))


@contextmanager
def all_cores() -> Iterator[int]:
    """Run the body on every core, after any other global computation of this process ends.

    Re-entrant: a global result computed inside another (SHAP importance inside a model card)
    keeps the budget it was given. Yields the number of threads.
    """
    with _global_work:
        before = getattr(_local, "threads", None)
        _local.threads = core_count()
        try:
            yield _local.threads
        finally:
            if before is None:
                del _local.threads
            else:
                _local.threads = before


def split_rows(n_rows: int, parts: int, *, minimum: int = 64) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges covering ``n_rows`` in at most ``parts`` near-equal pieces of at
    least ``minimum`` rows (small inputs stay in one piece: a thread costs more than it saves)."""
    parts = max(1, min(parts, n_rows // max(minimum, 1)))
    bounds = [round(i * n_rows / parts) for i in range(parts + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(parts) if bounds[i + 1] > bounds[i]]


def run_split(work: Callable[[int, int], None], n_rows: int, threads: int | None = None, *, minimum: int = 64) -> None:
    """Call ``work(start, stop)`` over ``n_rows`` rows, in parallel on ``threads`` threads
    (default :func:`thread_budget`) in pieces of at least ``minimum`` rows. ``work`` must release
    the GIL (a ``nogil`` kernel) and write only its own rows."""
    pieces = split_rows(n_rows, threads or thread_budget(), minimum=minimum)
    if len(pieces) <= 1:
        for start, stop in pieces:
            work(start, stop)
        return
    # the caller's thread takes the first piece; the pool's threads (started once) the others
    futures = [_pool().submit(work, start, stop) for start, stop in pieces[1:]]
    work(*pieces[0])
    for future in futures:
        future.result()


_pool_lock = threading.Lock()
_pools: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    """The process's worker threads for :func:`run_split` (one fewer than the cores)."""
    with _pool_lock:
        if not _pools:
            _pools.append(ThreadPoolExecutor(max_workers=max(core_count() - 1, 1), thread_name_prefix="explain-core"))
        return _pools[0]


def uses_all_cores(function: F) -> F:
    """Mark ``function`` as a global computation: it runs inside :func:`all_cores`."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with all_cores():
            return function(*args, **kwargs)

    return cast(F, wrapper)
