"""The app's one cache: loaded bundles (reloaded when their files change) and every result.

Results are keyed by the bundle's fingerprint and primitive options, never by DataFrames or
models, so a changed bundle never serves a stale result. Cached objects are shared between
sessions (Streamlit runs each in a thread) and never mutated. One lock per key means two
sessions asking for the same slow result at once compute it once. Nothing is recorded and
replayed (unlike ``st.cache_data``), so a progress bar shown while computing works.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from dashboard.registry import BundleEntry, bundle_entries, samples_offered
from explain import Bundle, ExplainError, load_bundle

if TYPE_CHECKING:
    from explain import (
        AccessLog,
        AccessPolicy,
        AccessSettings,
        ClassContrast,
        DecisionResult,
        DependenceResult,
        DirectionResult,
        DriftResult,
        ErrorAnalysisResult,
        FairnessResult,
        ImportanceResult,
        InputRange,
        InteractionResult,
        ModelCard,
        MulticlassPerformance,
        PartialDependenceResult,
        PerformanceResult,
        QualityResult,
        RecourseOptions,
        RecourseResult,
        RegressionPerformance,
        ResultStore,
        ShapResult,
        SimilarResult,
        TaskFairnessResult,
    )

T = TypeVar("T")
Progress = Callable[[float, str], None] | None


class ResultCache:
    """A bounded, thread-safe map from keys to computed values, computing each key once."""

    def __init__(self, max_entries: int) -> None:
        self._values: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The value for ``key`` if it has been computed, else None (nothing is computed)."""
        with self._lock:
            return self._values.get(key)

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """The value for ``key``, computed by ``compute`` if absent (once, however many ask)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self._max:
                    self._values.popitem(last=False)
                self._locks.pop(key, None)
        return value


_results = ResultCache(max_entries=4_096)


def entries() -> list[BundleEntry]:
    """The bundles on offer (read once per server process)."""
    return _results.get(("entries",), bundle_entries)


def preload(script_args: list[str]) -> None:
    """Load the bundles named in the app's arguments (``--bundle PATH``) before anyone asks:
    the server calls this while it starts (see :mod:`dashboard.serve`), when ``sys.argv`` is
    still Streamlit's own, so the app's arguments are given."""
    for found in _results.get(("entries",), lambda: bundle_entries(script_args)):
        if not found.is_sample:
            with contextlib.suppress(ExplainError):  # the page shows the problem when someone opens it
                bundle(found.key)


def entry(key: str) -> BundleEntry | None:
    """The bundle entry for a URL key, or None."""
    return next((e for e in entries() if e.key == key), None)


# Bundles: served from memory while their files are unchanged.


@dataclass
class _Loaded:
    stamp: tuple[tuple[str, int, int], ...]
    bundle: Bundle | None
    problem: str | None
    checked_at: float = 0.0  # when a database's data version was last asked (monotonic seconds)
    database_problem: str | None = None  # why the database could not be asked for its data version


def _data_changed(current: _Loaded) -> bool:
    """Whether the database behind a bundle's decisions holds a new data version (asked at most
    every ``refresh_seconds``). An unreachable database keeps the bundle and records why."""
    from explain import data_version

    sql = None if current.bundle is None else current.bundle.sql
    if sql is None or not sql.source.version_query:
        return False
    now = time.monotonic()
    if now - current.checked_at < sql.source.refresh_seconds:
        return False
    current.checked_at = now
    try:
        changed = data_version(sql.source) != sql.version
    except ExplainError as err:
        current.database_problem = str(err)
        return False
    current.database_problem = None
    return changed


_bundles: dict[str, _Loaded] = {}
_bundle_locks: dict[str, threading.Lock] = {}
_bundles_lock = threading.Lock()


def files_stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every file of a bundle directory: cheap to take
    on every page load, and different as soon as any file is replaced or edited."""
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                try:
                    info = os.stat(os.path.join(root, name))
                except OSError:  # removed while we looked
                    continue
                found.append((os.path.relpath(os.path.join(root, name), path), info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


#: Bundles with an uploaded batch as their decisions, by key (``loan@upload-…``). Only the
#: session that uploaded a batch knows its key: it holds the frame and registers it on every run.
_uploads: OrderedDict[str, Bundle] = OrderedDict()
MAX_UPLOADS = 32
UPLOAD_MARK = "@upload-"


def upload_bundle(key: str, digest: str, frame: pd.DataFrame) -> tuple[str, Bundle]:
    """The bundle ``key`` with an uploaded batch as its decisions, under a key of its own."""
    from explain import with_uploaded_decisions

    base = bundle(key)
    upload_key = f"{key}{UPLOAD_MARK}{digest[:16]}"
    with _bundles_lock:
        held = _uploads.get(upload_key)
        if held is None or not held.fingerprint.startswith(f"{base.fingerprint}+"):  # new, or the bundle changed
            held = with_uploaded_decisions(base, frame, digest)
        _uploads[upload_key] = held
        _uploads.move_to_end(upload_key)
        while len(_uploads) > MAX_UPLOADS:
            _uploads.popitem(last=False)
    return upload_key, held


def bundle(key: str) -> Bundle:
    """The current bundle for a URL key: reloaded when its files changed; when a change leaves
    it unloadable, the last good version (see :func:`bundle_problem`). Raises ExplainError
    when no version has ever loaded. An upload key gives the bundle with that upload."""
    if UPLOAD_MARK in key:
        with _bundles_lock:
            held = _uploads.get(key)
        if held is None:
            raise ExplainError("the uploaded batch is no longer held by the server; upload it again.")
        return held
    found = entry(key)
    if found is None:
        raise KeyError(key)
    if found.is_sample and sample_still_building(found.path):
        raise ExplainError(
            f"The {key} sample is still being built on this first start (a few seconds); reload the page in a moment."
        )
    stamp = files_stamp(found.path)
    with _bundles_lock:
        lock = _bundle_locks.setdefault(key, threading.Lock())
    seen = _bundles.get(key)
    # asked outside the lock: a slow database delays the one session that asks, not every session
    news = seen is not None and seen.stamp == stamp and _data_changed(seen)
    with lock:
        current = _bundles.get(key)
        if current is None or current.stamp != stamp or (news and current is seen):
            try:
                current = _Loaded(stamp, load_bundle(found.path), None, time.monotonic())
            except ExplainError as err:
                current = _Loaded(stamp, current.bundle if current else None, str(err), time.monotonic())
            _bundles[key] = current
    if current.bundle is None:
        raise ExplainError(str(current.problem))
    return current.bundle


def bundle_problem(key: str) -> str | None:
    """Why the bundle's files, as they are now, cannot be loaded (the app shows the last good version)."""
    current = _bundles.get(key)
    return None if current is None or current.bundle is None else current.problem


def database_problem(key: str) -> str | None:
    """Why the database behind a bundle's decisions could not be asked for news just now."""
    current = _bundles.get(key)
    return None if current is None else current.database_problem


# The persistent store: global results survive restarts (never an upload's: it lives in its session).


def _store_root(key: str) -> Path | None:
    """Where a bundle's results are stored; None for an uploaded batch, which no other session may see."""
    from explain import default_store_path

    if UPLOAD_MARK in key:
        return None
    sql = bundle(key).sql
    if sql is not None and not sql.source.version_query:  # its changes cannot be told apart: memory only
        return None
    found = entry(key)
    return default_store_path(found.path if found else None)


def _store(key: str) -> ResultStore | None:
    """The store of a bundle's results (None for an uploaded batch)."""
    from explain import ResultStore

    root = _store_root(key)
    return None if root is None else ResultStore(root)


def _stored(key: str, fingerprint: str, name: str, compute: Callable[[], T], **options: object) -> T:
    """A global result: from memory, else from the store, else computed (once per server, however
    many sessions ask) and stored."""

    def load_or_compute() -> T:
        if bundle(key).fingerprint != fingerprint:  # the data changed since the page asked: never mix them
            raise ExplainError("The data changed while this page was being computed; reload the page.")
        store = _store(key)
        return compute() if store is None else store.load_or_compute(fingerprint, name, compute, options)

    return _results.get((name, fingerprint, *sorted(options.items())), load_or_compute)


def _stored_if_known(key: str, fingerprint: str, name: str) -> Any:
    """A global result already in memory or in the store, else None (nothing is computed)."""
    held = _results.peek((name, fingerprint))
    if held is not None:
        return held
    store = _store(key)
    found = None if store is None else store.load(fingerprint, name, {})
    return None if found is None else _results.get((name, fingerprint), lambda: found)


# Per decision.


def verdicts_with_reasons(key: str, fingerprint: str, _progress: Progress = None) -> pd.DataFrame:
    """Every decision's verdict and top reasons, for a download."""
    from explain import verdicts_with_reasons as compute

    return _results.get(("verdicts_with_reasons", fingerprint), lambda: compute(bundle(key), progress=_progress))


def task_decisions(key: str, fingerprint: str) -> pd.DataFrame:
    """Verdicts and chances or estimates of a multiclass or regression bundle's decisions (read-only use)."""
    from explain import task_decisions as compute

    return _stored(key, fingerprint, "task_decisions", lambda: compute(bundle(key)))


def scores(key: str, fingerprint: str, table: str) -> np.ndarray:
    """Scores of every row of a table; read-only (never mutate the returned array)."""
    from explain import decision_scores, stored_scores

    def compute() -> np.ndarray:
        held = bundle(key)
        from_batch = stored_scores(held, _store_root(key)) if table == "decisions" else None  # explain batch's
        values = from_batch if from_batch is not None else decision_scores(held, table)  # type: ignore[arg-type]
        values.setflags(write=False)
        return values

    values = _stored(key, fingerprint, "scores", compute, table=table)
    values.setflags(write=False)  # read back from the store: shared, so read-only too
    return values


def stored_top_reasons(key: str, fingerprint: str) -> pd.Series | None:
    """Every decision's top reason from an ``explain batch`` in the store, or None (read once)."""
    from explain import stored_top_reasons as read

    return _results.get(("stored_top_reasons", fingerprint), lambda: read(bundle(key), _store_root(key)))  # type: ignore[no-any-return]


def scores_by_id(key: str, fingerprint: str, _progress: Progress = None) -> pd.Series:
    """Every decision's score by id (a database query is read in bounded batches); read-only."""
    from explain import scores_by_id as compute

    return _stored(key, fingerprint, "scores_by_id", lambda: compute(bundle(key), progress=_progress))


def scores_by_id_if_known(key: str, fingerprint: str) -> pd.Series | None:
    """:func:`scores_by_id` when already computed (in memory or in the store), else None."""
    return _stored_if_known(key, fingerprint, "scores_by_id")  # type: ignore[no-any-return]


def decision_count(key: str, fingerprint: str) -> int:
    """How many decisions a bundle has (counted by the database for a query)."""
    return _results.get(("decision_count", fingerprint), lambda: bundle(key).decision_count)


def stored_values(key: str, fingerprint: str, column: str) -> tuple[list[str] | None, tuple[float, float] | None, bool]:
    """A database column's choices (text) or range (numbers), and whether any value is missing,
    for the list's filter; computed by the database."""

    def compute() -> tuple[list[str] | None, tuple[float, float] | None, bool]:
        held = bundle(key)
        assert held.sql is not None
        missing = held.sql.has_missing(column)
        if column not in held.sql.numeric_columns:
            return held.sql.distinct(column), None, missing
        low, high = held.sql.value_range(column)
        return None, None if low is None or high is None else (low, high), missing

    return _results.get(("stored_values", fingerprint, column), compute)


def decision(
    key: str, fingerprint: str, decision_id: str, table: str, target_class: str | None = None
) -> DecisionResult:
    """One explained decision, of the predicted class or ``target_class`` (raises ExplainError for unknown ids)."""
    from explain import explain_decision

    return _results.get(
        ("decision", fingerprint, decision_id, table, target_class),
        lambda: explain_decision(bundle(key), decision_id, data=table, target_class=target_class),
    )


def recourse(
    key: str, fingerprint: str, decision_id: str, table: str, aim: tuple[tuple[str, object], ...] = ()
) -> RecourseResult:
    """What would change this decision; ``aim`` holds :func:`explain.suggest_changes`'s target keywords."""
    from explain import suggest_changes

    return _results.get(
        ("recourse", fingerprint, decision_id, table, aim),
        lambda: suggest_changes(bundle(key), decision_id, data=table, **dict(aim)),  # type: ignore[arg-type]
    )


def class_contrast(key: str, fingerprint: str, decision_id: str, table: str, versus: str) -> ClassContrast:
    """Why the most probable class rather than ``versus`` (multiclass)."""
    from explain import class_contrast as contrast

    return _results.get(
        ("class_contrast", fingerprint, decision_id, table, versus),
        lambda: contrast(bundle(key), decision_id, versus, data=table),  # type: ignore[arg-type]
    )


def recourse_options(key: str, fingerprint: str, decision_id: str, table: str) -> RecourseOptions:
    """What a user may aim at from this decision."""
    from explain import recourse_options as options

    return _results.get(
        ("recourse_options", fingerprint, decision_id, table),
        lambda: options(bundle(key), decision_id, data=table),  # type: ignore[arg-type]
    )


def similar(key: str, fingerprint: str, decision_id: str, table: str) -> SimilarResult:
    """The nearest reference rows to this decision."""
    from explain import similar_cases

    return _results.get(
        ("similar", fingerprint, decision_id, table),
        lambda: similar_cases(bundle(key), decision_id, data=table),  # type: ignore[arg-type]
    )


def ranges(key: str, fingerprint: str) -> dict[str, InputRange]:
    """What the what-if widgets may offer for each input."""
    from explain import input_ranges

    return _results.get(("ranges", fingerprint), lambda: input_ranges(bundle(key)))


# Global views: computed on seeded samples.


def card(key: str, fingerprint: str) -> ModelCard:
    """The model card."""
    from explain import model_card

    return _stored(key, fingerprint, "card", lambda: model_card(bundle(key)))


def shap_importance_result(key: str, fingerprint: str, data: str, _progress: Progress = None) -> ImportanceResult:
    """Mean |SHAP| with bootstrap intervals on a seeded sample of a table."""
    from explain import shap_importance

    return _stored(
        key,
        fingerprint,
        "shap_importance",
        lambda: shap_importance(bundle(key), data=data, progress=_progress),
        data=data,
    )


def permutation_result(key: str, fingerprint: str, _progress: Progress = None) -> ImportanceResult:
    """Permutation importance with bootstrap intervals on the reference data."""
    from explain import permutation_importance

    return _stored(key, fingerprint, "permutation", lambda: permutation_importance(bundle(key), progress=_progress))


def shap_sample(key: str, fingerprint: str, data: str, max_rows: int) -> ShapResult:
    """SHAP values of a seeded sample of a table."""
    from explain import shap_values

    return _stored(
        key,
        fingerprint,
        "shap_sample",
        lambda: shap_values(bundle(key), data=data, max_rows=max_rows),
        data=data,
        max_rows=max_rows,
    )


def interactions(key: str, fingerprint: str, _progress: Progress = None) -> InteractionResult:
    """SHAP values and interaction values of a sample, shared by every feature's dependence plot."""
    from explain import shap_interactions

    return _stored(key, fingerprint, "interactions", lambda: shap_interactions(bundle(key), progress=_progress))


def dependence_result(
    key: str, fingerprint: str, feature: str, target_class: str | None = None, _progress: Progress = None
) -> DependenceResult:
    """One feature's SHAP dependence, coloured by its strongest partner (of one class, for multiclass)."""
    from explain import dependence

    def compute() -> DependenceResult:
        shared = interactions(key, fingerprint, _progress)
        return dependence(bundle(key), feature, interactions=shared, target_class=target_class)

    return _stored(key, fingerprint, "dependence", compute, feature=feature, target_class=target_class)


def pdp_result(key: str, fingerprint: str, feature: str, target_class: str | None = None) -> PartialDependenceResult:
    """Partial dependence with ICE lines (of one class's chance, for multiclass)."""
    from explain import partial_dependence

    return _stored(
        key,
        fingerprint,
        "pdp",
        lambda: partial_dependence(bundle(key), feature, target_class=target_class),
        feature=feature,
        target_class=target_class,
    )


def direction_result(key: str, fingerprint: str) -> DirectionResult:
    """The direction check of every feature with an expected effect."""
    from explain import direction_check

    return _stored(key, fingerprint, "direction", lambda: direction_check(bundle(key)))


def quality_result(key: str, fingerprint: str, _progress: Progress = None) -> QualityResult:
    """The explanation-quality panel (needs both importances)."""
    from explain import explanation_quality

    def compute() -> QualityResult:
        shap_imp = shap_importance_result(key, fingerprint, bundle(key).population_table)
        perm = permutation_result(key, fingerprint, _progress)
        return explanation_quality(bundle(key), shap_imp, perm)

    return _stored(key, fingerprint, "quality", compute)


def performance(key: str, fingerprint: str, _progress: Progress = None) -> PerformanceResult:
    """Curves, calibration and scores on the reference data (thresholds re-cut without predicting)."""
    from explain import model_performance

    return _stored(key, fingerprint, "performance", lambda: model_performance(bundle(key), progress=_progress))


def task_performance(key: str, fingerprint: str) -> MulticlassPerformance | RegressionPerformance:
    """Held-out performance of a multiclass or regression model."""
    from explain import task_performance as compute

    return _stored(key, fingerprint, "task_performance", lambda: compute(bundle(key)))


def errors(key: str, fingerprint: str, _progress: Progress = None) -> ErrorAnalysisResult:
    """Segments with the highest log-loss and the worst false positives and negatives."""
    from explain import error_segments

    return _stored(key, fingerprint, "errors", lambda: error_segments(bundle(key), progress=_progress))


def fairness(key: str, fingerprint: str, threshold: float, _progress: Progress = None) -> FairnessResult:
    """Group rates at ``threshold``; proxies only at the spec's threshold (they do not depend on it)."""
    from explain import group_fairness

    default = bundle(key).spec.decision.threshold
    with_proxies = abs(threshold - default) < 1e-12
    compute = partial(group_fairness, bundle(key), threshold=threshold, proxies=with_proxies, progress=_progress)
    if with_proxies:  # the spec's threshold: kept in the store (a slider's other values: in memory)
        return _stored(key, fingerprint, "fairness", compute, threshold=round(threshold, 6))
    return _results.get(("fairness", fingerprint, round(threshold, 6)), compute)


def task_fairness(key: str, fingerprint: str, _progress: Progress = None) -> TaskFairnessResult:
    """Verdict shares or estimates and errors per group, and the proxies (multiclass, regression)."""
    from explain import task_fairness as compute

    return _stored(key, fingerprint, "task_fairness", lambda: compute(bundle(key), progress=_progress))


def drift(key: str, fingerprint: str, batch_key: str, _batch: object = None, _progress: Progress = None) -> DriftResult:
    """Drift of the current batch (``batch_key="current"``) or of an uploaded one (its hash)."""
    from explain import batch_drift

    if batch_key == "current":  # the bundle's own batch is stored; an uploaded one stays in memory
        return _stored(key, fingerprint, "drift", lambda: batch_drift(bundle(key), batch="current", progress=_progress))
    return _results.get(
        ("drift", fingerprint, batch_key),
        lambda: batch_drift(bundle(key), batch=_batch, progress=_progress),  # type: ignore[arg-type]
    )


_samples_lock = threading.Lock()
_samples_ready = False
_samples_behind: threading.Thread | None = None


def samples_built(progress: Callable[[float, str], None]) -> None:
    """On a first start, build the first sample while the page waits (with progress), then the
    others in a background thread, so the first decision shows as soon as its sample exists.
    Once per server process; other sessions wait for the first sample only. Nothing is built
    when the samples are not on offer (``explain serve --no-samples``): a server for a team's
    own bundles never spends its first start on them."""
    global _samples_ready, _samples_behind
    with _samples_lock:
        if _samples_ready or not samples_offered():
            return
        from sample_models import REGISTRY, build_missing

        first = next(iter(REGISTRY))
        build_missing(progress=progress, names=[first])
        rest = [name for name in REGISTRY if name != first]

        def build_rest() -> None:
            try:
                build_missing(names=rest)
            except Exception:  # the page of a sample that failed to build says it has no bundle
                logging.getLogger("dashboard").exception("building the samples failed")

        _samples_behind = threading.Thread(target=build_rest, name="build-samples", daemon=True)
        _samples_behind.start()
        _samples_ready = True


def sample_still_building(path: Path) -> bool:
    """Whether a sample's directory is yet to appear because it is being built behind the first."""
    return _samples_behind is not None and _samples_behind.is_alive() and not (path / "bundle.toml").exists()


# Access: the access file (reread when it changes) and one access log per configuration.

_access_logs: dict[AccessSettings, AccessLog | None] = {}
_access_logs_lock = threading.Lock()


def access_policy(path: Path) -> AccessPolicy:
    """The access file at ``path``, read again when its size or time changes (an unreadable
    file raises :class:`~explain.access.AccessFileError` every time, so access stays refused)."""
    from explain import AccessFileError, AccessPolicy

    try:
        stat = path.stat()
    except OSError:
        raise AccessFileError(f"the access file {path} does not exist; [access] file names it.") from None
    return _results.get(("access_policy", str(path), stat.st_mtime_ns, stat.st_size), lambda: AccessPolicy.load(path))


def access_log(settings: AccessSettings) -> AccessLog | None:
    """The access log these settings name (one per server, shared by every session), or None without a key."""
    with _access_logs_lock:
        if settings not in _access_logs:
            _access_logs[settings] = settings.open_log()
        return _access_logs[settings]
