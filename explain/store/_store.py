"""The persistent explanation store: global results written once, reused across sessions and
restarts.

A result lives in ``<store>/<fingerprint>/<name>-<options digest>/``: ``meta.json`` (the
bundle fingerprint, the result's name and options, the explainer, library versions, when it
was written, and the structure of the value) and one Parquet file per array or table. A
result is written into a temporary directory and renamed into place, so a reader sees a whole
result or none; ``meta.json`` is checked against the fingerprint and options asked for, so a
result is only ever read for what it was computed for; a file that cannot be read is deleted
and the result recomputed, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from explain._stamp import library_versions
from explain.store._codec import Unstorable, decode, encode

T = TypeVar("T")

#: Environment variable naming the store directory (overrides the default place).
STORE_ENV = "EXPLAIN_STORE"
#: The store's directory name beside a bundle's directory.
STORE_DIR_NAME = ".explain-store"
STORE_FORMAT = 1
_META = "meta.json"


def default_store_path(bundle_path: Path | None) -> Path:
    """Where results of a bundle are stored: ``$EXPLAIN_STORE``; else ``.explain-store/`` beside
    the bundle's directory when that is writable; else the user's cache directory."""
    named = os.environ.get(STORE_ENV)
    if named:
        return Path(named)
    if bundle_path is not None:
        parent = Path(bundle_path).resolve().parent
        if os.access(parent, os.W_OK):
            return parent / STORE_DIR_NAME
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "explain-dashboard" / "store"


def options_digest(options: Mapping[str, Any]) -> str:
    """A short digest of a result's options (sorted, as JSON)."""
    text = json.dumps(dict(options), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class ResultStore:
    """Results on disk under ``root``, by bundle fingerprint, name and options."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _place(self, fingerprint: str, name: str, options: Mapping[str, Any]) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        return self.root / fingerprint / f"{safe}-{options_digest(options)}"

    def load(self, fingerprint: str, name: str, options: Mapping[str, Any] | None = None) -> Any | None:
        """The stored result, or None when there is none (or it cannot be read: then it is removed)."""
        options = dict(options or {})
        place = self._place(fingerprint, name, options)
        meta_file = place / _META
        if not meta_file.is_file():
            return None
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if (
                meta.get("format") != STORE_FORMAT
                or meta.get("fingerprint") != fingerprint
                or meta.get("name") != name
                or meta.get("options_digest") != options_digest(options)
            ):
                raise ValueError("the stored result was computed for something else")
            blobs = [(place / f"part-{i}.parquet").read_bytes() for i in range(int(meta["parts"]))]
            return decode(meta["value"], blobs)
        except Exception:  # a partial, corrupt or foreign file: recompute rather than crash
            shutil.rmtree(place, ignore_errors=True)
            return None

    def save(self, fingerprint: str, name: str, value: Any, options: Mapping[str, Any] | None = None) -> bool:
        """Write a result (atomically); False when it cannot be stored (then it stays in memory only)."""
        options = dict(options or {})
        try:
            tree, blobs = encode(value)
        except Unstorable:
            return False
        place = self._place(fingerprint, name, options)
        stamp = getattr(value, "stamp", None)
        meta = {
            "format": STORE_FORMAT,
            "fingerprint": fingerprint,
            "name": name,
            "options": {k: str(v) for k, v in options.items()},
            "options_digest": options_digest(options),
            "explainer": getattr(stamp, "explainer", None),
            "versions": dict(library_versions()),
            "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "parts": len(blobs),
            "value": tree,
        }
        staging: Path | None = None
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{place.name}.", dir=place.parent))
            for i, blob in enumerate(blobs):
                (staging / f"part-{i}.parquet").write_bytes(blob)
            (staging / _META).write_text(json.dumps(meta), encoding="utf-8")  # last: its presence means whole
            if place.exists() and not (place / _META).is_file():  # left half-removed: clear it
                shutil.rmtree(place, ignore_errors=True)
            try:
                os.replace(staging, place)
                staging = None
            except OSError:  # another process stored it first: theirs is as good
                pass
        except OSError:  # a full or read-only disk: the result stays in memory
            return False
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        return True

    def load_or_compute(
        self, fingerprint: str, name: str, compute: Callable[[], T], options: Mapping[str, Any] | None = None
    ) -> T:
        """The stored result, else ``compute()`` stored for next time."""
        found = self.load(fingerprint, name, options)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = compute()
        self.save(fingerprint, name, value, options)
        return value

    def forget(self, fingerprint: str) -> None:
        """Remove every result of a bundle fingerprint."""
        shutil.rmtree(self.root / fingerprint, ignore_errors=True)
