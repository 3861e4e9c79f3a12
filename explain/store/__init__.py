"""The persistent explanation store: global results kept on disk by bundle fingerprint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._codec import Unstorable as Unstorable
    from ._store import STORE_ENV as STORE_ENV
    from ._store import ResultStore as ResultStore
    from ._store import default_store_path as default_store_path

_NAMES = {
    "Unstorable": "._codec",
    "STORE_ENV": "._store",
    "ResultStore": "._store",
    "default_store_path": "._store",
}
__getattr__, __dir__ = attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
