"""The only module with Streamlit caches. Cached functions take string keys and primitive
options, never DataFrames or models; cached objects are shared between sessions and never
mutated. Bundles are cached by URL key; results by the bundle's fingerprint, so a changed
bundle never serves a stale result."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import streamlit as st

from dashboard.registry import BundleEntry, bundle_entries
from explain import Bundle, load_bundle
from explain.attribution._importance import ImportanceResult, permutation_importance, shap_importance
from explain.attribution._shap import ShapResult, shap_values
from explain.decision._browse import decision_scores
from explain.decision._decision import DecisionResult, explain_decision
from explain.decision._recourse import RecourseResult, suggest_changes
from explain.decision._similar import SimilarResult, similar_cases

if TYPE_CHECKING:  # the workbench's modules load on first use, which keeps the app's start fast
    from explain.attribution._checks import DirectionResult, QualityResult
    from explain.attribution._dependence import DependenceResult, PartialDependenceResult
    from explain.evaluation._drift import DriftResult
    from explain.evaluation._error_segments import ErrorAnalysisResult
    from explain.evaluation._fairness import FairnessResult
    from explain.evaluation._model_card import ModelCard
    from explain.evaluation._performance import PerformanceResult
from explain.decision._whatif import InputRange, input_ranges


@st.cache_resource(show_spinner=False)
def entries() -> list[BundleEntry]:
    """The bundles on offer (read once per server process)."""
    return bundle_entries()


def entry(key: str) -> BundleEntry | None:
    """The bundle entry for a URL key, or None."""
    return next((e for e in entries() if e.key == key), None)


@st.cache_resource(show_spinner="Loading the model and its data…", max_entries=8)
def bundle(key: str) -> Bundle:
    """The loaded bundle for a URL key (raises ExplainError when it cannot be loaded)."""
    found = entry(key)
    if found is None:
        raise KeyError(key)
    return load_bundle(found.path)


@st.cache_resource(show_spinner="Scoring the decisions…", max_entries=16)
def scores(key: str, fingerprint: str, table: str) -> np.ndarray:
    """Scores of every row of a table; read-only (never mutate the returned array)."""
    values = decision_scores(bundle(key), table)  # type: ignore[arg-type]
    values.setflags(write=False)
    return values


@st.cache_data(show_spinner=False, max_entries=2_000)
def decision(key: str, fingerprint: str, decision_id: str, table: str) -> DecisionResult:
    """One explained decision (raises ExplainError for unknown ids)."""
    return explain_decision(bundle(key), decision_id, data=table)


@st.cache_data(show_spinner="Searching for the smallest changes…", max_entries=2_000)
def recourse(key: str, fingerprint: str, decision_id: str, table: str) -> RecourseResult:
    """What would change this decision (cached per bundle fingerprint and decision)."""
    return suggest_changes(bundle(key), decision_id, data=table)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=2_000)
def similar(key: str, fingerprint: str, decision_id: str, table: str) -> SimilarResult:
    """The nearest reference rows to this decision."""
    return similar_cases(bundle(key), decision_id, data=table)  # type: ignore[arg-type]


@st.cache_resource(show_spinner=False, max_entries=16)
def ranges(key: str, fingerprint: str) -> dict[str, InputRange]:
    """What the what-if widgets may offer for each input."""
    return input_ranges(bundle(key))


Progress = Callable[[float, str], None] | None
T = TypeVar("T")


class _Memo:
    """A bounded in-memory cache for slow global results that report progress while computed.

    ``st.cache_data`` records every Streamlit call made inside a cached function and replays it
    on a hit, which breaks a progress bar created outside; this memo records nothing. One lock
    per key means two sessions asking at once compute once. Values are shared: never mutate.
    """

    def __init__(self, max_entries: int) -> None:
        self._values: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
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


_global_results = _Memo(max_entries=256)

# Global views: computed on seeded samples, cached per bundle fingerprint.


@st.cache_data(show_spinner=False, max_entries=32)
def card(key: str, fingerprint: str) -> ModelCard:
    """The model card."""
    from explain.evaluation._model_card import model_card

    return model_card(bundle(key))


def shap_importance_result(key: str, fingerprint: str, data: str, _progress: Progress = None) -> ImportanceResult:
    """Mean |SHAP| with bootstrap intervals on a seeded sample of a table."""
    return _global_results.get(
        ("shap_importance", key, fingerprint, data), lambda: shap_importance(bundle(key), data=data, progress=_progress)
    )


def permutation_result(key: str, fingerprint: str, _progress: Progress = None) -> ImportanceResult:
    """Permutation importance with bootstrap intervals on the reference data."""
    return _global_results.get(
        ("permutation", key, fingerprint), lambda: permutation_importance(bundle(key), progress=_progress)
    )


@st.cache_data(show_spinner=False, max_entries=32)
def shap_sample(key: str, fingerprint: str, data: str, max_rows: int) -> ShapResult:
    """SHAP values of a seeded sample of a table."""
    return shap_values(bundle(key), data=data, max_rows=max_rows)


def dependence_result(key: str, fingerprint: str, feature: str, _progress: Progress = None) -> DependenceResult:
    """One feature's SHAP dependence, coloured by its strongest partner."""
    from explain.attribution._dependence import dependence

    return _global_results.get(
        ("dependence", key, fingerprint, feature), lambda: dependence(bundle(key), feature, progress=_progress)
    )


@st.cache_data(show_spinner=False, max_entries=256)
def pdp_result(key: str, fingerprint: str, feature: str) -> PartialDependenceResult:
    """Partial dependence with ICE lines."""
    from explain.attribution._dependence import partial_dependence

    return partial_dependence(bundle(key), feature)


@st.cache_data(show_spinner=False, max_entries=32)
def direction_result(key: str, fingerprint: str) -> DirectionResult:
    """The direction check of every feature with an expected effect."""
    from explain.attribution._checks import direction_check

    return direction_check(bundle(key))


def quality_result(key: str, fingerprint: str, _progress: Progress = None) -> QualityResult:
    """The explanation-quality panel (needs both importances)."""
    from explain.attribution._checks import explanation_quality

    def compute() -> QualityResult:
        shap_imp = shap_importance_result(key, fingerprint, bundle(key).population_table)
        perm = permutation_result(key, fingerprint, _progress)
        return explanation_quality(bundle(key), shap_imp, perm)

    return _global_results.get(("quality", key, fingerprint), compute)


def performance(key: str, fingerprint: str, _progress: Progress = None) -> PerformanceResult:
    """Curves, calibration and scores on the reference data (thresholds re-cut without predicting)."""
    from explain.evaluation._performance import model_performance

    return _global_results.get(
        ("performance", key, fingerprint), lambda: model_performance(bundle(key), progress=_progress)
    )


def errors(key: str, fingerprint: str, _progress: Progress = None) -> ErrorAnalysisResult:
    """Segments with the highest log-loss and the worst false positives and negatives."""
    from explain.evaluation._error_segments import error_segments

    return _global_results.get(("errors", key, fingerprint), lambda: error_segments(bundle(key), progress=_progress))


def fairness(key: str, fingerprint: str, threshold: float, _progress: Progress = None) -> FairnessResult:
    """Group rates at ``threshold``; proxies only at the spec's threshold (they do not depend on it)."""
    from explain.evaluation._fairness import group_fairness

    default = bundle(key).spec.decision.threshold
    with_proxies = abs(threshold - default) < 1e-12
    return _global_results.get(
        ("fairness", key, fingerprint, round(threshold, 6)),
        lambda: group_fairness(bundle(key), threshold=threshold, proxies=with_proxies, progress=_progress),
    )


def drift(key: str, fingerprint: str, batch_key: str, _batch: object = None, _progress: Progress = None) -> DriftResult:
    """Drift of the current batch (``batch_key="current"``) or of an uploaded one (its hash)."""
    from explain.evaluation._drift import batch_drift

    source = "current" if batch_key == "current" else _batch
    return _global_results.get(
        ("drift", key, fingerprint, batch_key),
        lambda: batch_drift(bundle(key), batch=source, progress=_progress),  # type: ignore[arg-type]
    )


@st.cache_resource(show_spinner=False)
def samples_built() -> bool:
    """Build missing sample bundles once per server process, with a progress bar."""
    from sample_models import build_missing

    bar = st.empty()

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    build_missing(progress=progress)
    bar.empty()
    return True
