"""After a restart (nothing in memory), the workbench is served from the persistent store
without computing anything again; an uploaded batch's results are never stored."""

from __future__ import annotations

from pathlib import Path

import pytest

import explain
from dashboard import cache
from explain import Bundle
from explain.store import default_store_path
from tests.dashboard.conftest import assert_healthy, open_app

PAGES = {
    "views/importance.py": ("shap_importance", "permutation_importance", "shap_values"),
    "views/dependence.py": ("shap_interactions", "dependence", "partial_dependence"),
    "views/performance.py": ("model_performance",),
    "views/fairness.py": ("group_fairness",),
    "views/model.py": ("model_card",),
}


def _texts(at: object) -> list[str]:
    shown = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info]  # type: ignore[attr-defined]
    return [str(e.value) for e in shown]


def test_after_a_restart_the_workbench_comes_from_the_store(
    samples_dir: Path, loan: Bundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_app(bundle="loan")
    before = {}
    for page in PAGES:
        at.switch_page(page).run()
        assert_healthy(at)
        before[page] = _texts(at)
    store = default_store_path(samples_dir / "loan")
    assert store == samples_dir / ".explain-store"
    stored = {p.name.rsplit("-", 1)[0] for p in (store / loan.fingerprint).iterdir()}
    assert {"shap_importance", "permutation", "shap_sample", "interactions", "performance", "card"} <= stored

    monkeypatch.setattr(cache, "_results", cache.ResultCache(max_entries=4_096))  # a new server process

    def recomputed(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed after a restart")

    for names in PAGES.values():
        for name in names:
            monkeypatch.setattr(explain, name, recomputed)
    again = open_app(bundle="loan")
    for page in PAGES:
        again.switch_page(page).run()
        assert_healthy(again)
        assert _texts(again) == before[page], page


def test_an_upload_is_never_stored(loan: Bundle, samples_dir: Path) -> None:
    frame = loan.current.reset_index().head(60)  # type: ignore[union-attr]
    at = open_app(bundle="loan")
    at.get("file_uploader")[0].upload("batch.csv", frame.to_csv(index=False).encode(), "text/csv").run()  # type: ignore[attr-defined]
    assert_healthy(at)
    store = default_store_path(samples_dir / "loan")
    assert not [p for p in store.iterdir() if "upload" in p.name]
