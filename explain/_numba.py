"""numba, set up once: kernels compile to a cache directory on disk and release the GIL.

The machine code is written on first use and read back by every later process, so a
kernel compiles once per machine (and again only when numba or the kernel changes), not once
per start. The directory is ``$NUMBA_CACHE_DIR``, else ``~/.cache/explain-dashboard/numba``,
else a temporary one: a read-only home must not stop the engine, only make it compile again.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numba


def cache_directory() -> str:
    """The first writable directory of ``$NUMBA_CACHE_DIR``, the user cache, a temporary one."""
    for candidate in (os.environ.get("NUMBA_CACHE_DIR"), Path.home() / ".cache" / "explain-dashboard" / "numba"):
        if not candidate:
            continue
        try:
            Path(candidate).mkdir(parents=True, exist_ok=True)
            probe = Path(candidate) / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
            return str(candidate)
        except OSError:
            continue
    return str(Path(tempfile.gettempdir()) / "explain-dashboard-numba")


numba.config.CACHE_DIR = cache_directory()  # type: ignore[attr-defined]  # read when a kernel is decorated
#: The decorator of every kernel: compiled on first call, cached on disk, GIL released.
jit: Any = numba.njit(cache=True, nogil=True)
