"""A first start builds the first sample while the page waits and the others behind it: the
first sample opens at once, another says it is being built, then opens."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import sample_models
from dashboard import cache
from explain import ExplainError


def test_the_first_sample_opens_while_the_others_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAIN_SAMPLES_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "_results", cache.ResultCache(max_entries=64))  # a new server process
    monkeypatch.setattr(cache, "_samples_ready", False)
    monkeypatch.setattr(cache, "_bundles", {})
    release = threading.Event()
    real_build = sample_models.build_missing
    calls: list[list[str]] = []

    def build(*args: object, names: list[str] | None = None, **kwargs: object) -> object:
        calls.append(list(names or []))
        if names != ["loan"]:
            assert release.wait(timeout=300)  # hold the background build until the test has looked
        return real_build(*args, names=names, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sample_models, "build_missing", build)
    progress: list[str] = []
    cache.samples_built(lambda fraction, message: progress.append(message))
    assert calls[0] == ["loan"] and any("building the loan sample" in m for m in progress)
    assert cache.bundle("loan").spec.name == "Consumer loans"
    with pytest.raises(ExplainError, match="The churn sample is still being built on this first start"):
        cache.bundle("churn")
    release.set()
    assert cache._samples_behind is not None
    cache._samples_behind.join(timeout=600)
    assert calls[1] == ["churn", "fraud", "grades", "limits"]
    assert cache.bundle("churn").spec.task == "binary" and cache.bundle("limits").spec.task == "regression"


def test_a_server_without_samples_never_builds_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``explain serve --no-samples`` on a fresh machine: the page goes straight to the team's
    bundles; no sample is built, in front of the page or behind it."""
    monkeypatch.setenv("EXPLAIN_SAMPLES_DIR", str(tmp_path))
    monkeypatch.setenv("EXPLAIN_NO_SAMPLES", "1")
    monkeypatch.setattr(cache, "_samples_ready", False)
    monkeypatch.setattr(cache, "_samples_behind", None)
    progress: list[str] = []
    cache.samples_built(lambda fraction, message: progress.append(message))
    assert progress == [] and cache._samples_behind is None
    assert list(tmp_path.iterdir()) == []
