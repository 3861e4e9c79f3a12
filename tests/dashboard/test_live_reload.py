"""The app serves a bundle's current files: an edit shows on the next page load, and an edit
that breaks the bundle keeps the last good version on screen with the problem named."""

from __future__ import annotations

import os
from pathlib import Path

from explain import explain_decision, load_bundle
from tests.dashboard.conftest import open_app


def _headline(at: object) -> str:
    return str(at.subheader[0].value).replace("\\\\", "")  # type: ignore[attr-defined]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a new time even on a coarse clock


def test_an_edited_threshold_is_served_on_the_next_load(live_dir: Path) -> None:
    toml = live_dir / "bundle.toml"
    original = toml.read_text()
    bundle = load_bundle(live_dir)
    scores = bundle.model.predict_score(bundle.decisions)
    decision = str(bundle.decisions.index[(scores > 0.25) & (scores < 0.6)][0])
    try:
        at = open_app(bundle="live", decision=decision)
        assert "Declined" in _headline(at) and "20% limit" in _headline(at)
        _edit(toml, "threshold = 0.2", "threshold = 0.7")
        at.run()
        after = explain_decision(load_bundle(live_dir), decision).prediction.headline
        assert "Approved" in _headline(at) and "70% limit" in _headline(at)
        assert _headline(at).endswith(after.split(": ", 1)[1]) or after.split(":")[0] in _headline(at)
        fingerprint = load_bundle(live_dir).fingerprint
        assert fingerprint in " ".join(c.value for c in at.caption)  # the audit stamp names the new bundle

        _edit(toml, "threshold = 0.7", "threshold = = 0.7")  # now invalid TOML
        at.run()
        warnings = " ".join(w.value.replace("\\\\", "") for w in at.warning)
        assert "cannot be loaded" in warnings and "not valid TOML" in warnings
        assert "70% limit" in _headline(at)  # the last good version is still served
    finally:
        toml.write_text(original)
