"""The persistent store: every global result is written and read back equal, only for the
fingerprint and options it was computed for, and a corrupt, partial or foreign file is
recomputed rather than read."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from explain import (
    Bundle,
    batch_drift,
    decision_scores,
    dependence,
    direction_check,
    error_segments,
    explanation_quality,
    group_fairness,
    model_card,
    model_performance,
    partial_dependence,
    permutation_importance,
    shap_importance,
    shap_interactions,
    shap_values,
    task_decisions,
    task_fairness,
    task_performance,
)
from explain.store import ResultStore, default_store_path
from explain.store._codec import decode, encode


def assert_same(a: Any, b: Any, path: str = "result") -> None:
    """Deep equality: dataclasses field by field, arrays and tables exactly (NaN equal to NaN);
    a NumPy scalar equals the Python number or text it holds."""
    a = a.item() if isinstance(a, np.generic) else a
    b = b.item() if isinstance(b, np.generic) else b
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, path
        if a.dtype.kind == "O":
            for i, (x, y) in enumerate(zip(a.reshape(-1), b.reshape(-1), strict=True)):
                assert_same(x, y, f"{path}[{i}]")
        else:
            assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), path
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True)
    elif isinstance(a, tuple | list):
        assert type(a) is type(b) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, float) and a != a:
        assert isinstance(b, float) and b != b, path
    else:
        assert type(a) is type(b) and a == b, (path, a, b)


def _global_results(loan: Bundle, grades: Bundle, limits: Bundle) -> dict[str, Callable[[], Any]]:
    return {
        "shap importance": lambda: shap_importance(loan),
        "permutation": lambda: permutation_importance(loan, n_repeats=2),
        "shap values": lambda: shap_values(loan, max_rows=80),
        "interactions": lambda: shap_interactions(loan),
        "dependence": lambda: dependence(loan, "annual_income"),
        "dependence of a category": lambda: dependence(loan, "home_ownership"),
        "partial dependence": lambda: partial_dependence(loan, "debt_to_income"),
        "direction": lambda: direction_check(loan),
        "quality": lambda: explanation_quality(loan, shap_importance(loan), permutation_importance(loan, n_repeats=2)),
        "performance": lambda: model_performance(loan),
        "errors": lambda: error_segments(loan),
        "fairness": lambda: group_fairness(loan),
        "model card": lambda: model_card(loan),
        "drift": lambda: batch_drift(loan, batch="current"),
        "scores": lambda: decision_scores(loan),
        "multiclass importance": lambda: shap_importance(grades),
        "multiclass performance": lambda: task_performance(grades),
        "multiclass fairness": lambda: task_fairness(grades),
        "multiclass decisions": lambda: task_decisions(grades),
        "regression performance": lambda: task_performance(limits),
        "regression fairness": lambda: task_fairness(limits),
        "regression dependence": lambda: dependence(limits, limits.features[0]),
    }


def test_every_global_result_is_read_back_equal(
    loan: Bundle, grades_bundle: Bundle, limits_bundle: Bundle, tmp_path: Path
) -> None:
    store = ResultStore(tmp_path)
    for name, compute in _global_results(loan, grades_bundle, limits_bundle).items():
        value = compute()
        tree, blobs = encode(value)
        json.dumps(tree)  # the structure is plain JSON
        assert_same(value, decode(tree, blobs), name)
        assert store.save(loan.fingerprint, name, value), name
        assert_same(value, store.load(loan.fingerprint, name), name)


def test_a_result_is_read_only_for_its_fingerprint_and_options(loan: Bundle, tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    value = shap_importance(loan, data="reference")
    store.save(loan.fingerprint, "shap_importance", value, {"data": "reference"})
    assert store.load(loan.fingerprint, "shap_importance", {"data": "decisions"}) is None
    assert store.load("0" * 16, "shap_importance", {"data": "reference"}) is None
    meta = json.loads(next(tmp_path.glob(f"{loan.fingerprint}/*/meta.json")).read_text())
    assert meta["fingerprint"] == loan.fingerprint and meta["options"] == {"data": "reference"}
    assert meta["explainer"] == value.stamp.explainer and dict(meta["versions"])["shap"]
    # a result copied under another fingerprint is refused (its meta names the one it was computed for)
    source = next((tmp_path / loan.fingerprint).iterdir())
    target = tmp_path / ("f" * 16) / source.name
    target.parent.mkdir()
    source.rename(target)
    assert store.load("f" * 16, "shap_importance", {"data": "reference"}) is None
    assert not target.exists()


def test_a_corrupt_or_partial_result_is_recomputed(loan: Bundle, tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    calls: list[int] = []

    def compute() -> Any:
        calls.append(1)
        return direction_check(loan)

    first = store.load_or_compute(loan.fingerprint, "direction", compute)
    assert_same(first, store.load_or_compute(loan.fingerprint, "direction", compute))
    assert len(calls) == 1
    place = next((tmp_path / loan.fingerprint).iterdir())
    part = next(place.glob("part-*.parquet"))
    part.write_bytes(part.read_bytes()[:20])  # truncated
    assert_same(first, store.load_or_compute(loan.fingerprint, "direction", compute))
    assert len(calls) == 2
    (place / "meta.json").write_text('{"format": 1, "fingerprint": ')  # cut off mid-write
    assert store.load(loan.fingerprint, "direction") is None and not place.exists()
    place.mkdir()  # a directory left without its meta.json, as a crash between steps would
    (place / "part-0.parquet").write_bytes(b"junk")
    assert store.save(loan.fingerprint, "direction", first)
    assert_same(first, store.load(loan.fingerprint, "direction"))


def test_a_stored_result_never_names_code_outside_the_library(loan: Bundle, tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.save(loan.fingerprint, "card", model_card(loan))
    meta_file = next(tmp_path.glob(f"{loan.fingerprint}/*/meta.json"))
    meta = json.loads(meta_file.read_text())
    meta["value"] = {"~class": "subprocess:Popen", "fields": {}}
    meta_file.write_text(json.dumps(meta))
    assert store.load(loan.fingerprint, "card") is None


def test_an_unstorable_value_stays_in_memory(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    assert not store.save("a" * 16, "odd", {"callable": print})
    assert store.load_or_compute("a" * 16, "odd", lambda: {"set": {1, 2}}) == {"set": {1, 2}}


def test_writers_at_the_same_moment_leave_one_whole_result(loan: Bundle, tmp_path: Path) -> None:
    value = shap_importance(loan)
    outcomes: list[bool] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(ResultStore(tmp_path).save(loan.fingerprint, "imp", value)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(outcomes)
    assert [p.name for p in (tmp_path / loan.fingerprint).iterdir()] == [f"imp-{_digest()}"]
    assert_same(value, ResultStore(tmp_path).load(loan.fingerprint, "imp"))


def _digest() -> str:
    from explain.store._store import options_digest

    return options_digest({})


def test_the_default_place_is_beside_the_bundle_or_in_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXPLAIN_STORE", raising=False)
    (tmp_path / "bundles" / "loan").mkdir(parents=True)
    assert default_store_path(tmp_path / "bundles" / "loan") == (tmp_path / "bundles" / ".explain-store").resolve()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_store_path(None) == tmp_path / "cache" / "explain-dashboard" / "store"
    monkeypatch.setenv("EXPLAIN_STORE", str(tmp_path / "mine"))
    assert default_store_path(tmp_path / "bundles" / "loan") == tmp_path / "mine"
