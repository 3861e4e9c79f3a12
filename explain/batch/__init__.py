"""Explaining every decision, or a large file of them, out of core on Dask."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._batch import BatchRun as BatchRun
    from ._batch import batch_path as batch_path
    from ._batch import explain_batch as explain_batch
    from ._batch import stored_scores as stored_scores
    from ._batch import stored_top_reasons as stored_top_reasons

_NAMES = {
    "BatchRun": "._batch",
    "batch_path": "._batch",
    "explain_batch": "._batch",
    "stored_scores": "._batch",
    "stored_top_reasons": "._batch",
}
__getattr__, __dir__ = attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
