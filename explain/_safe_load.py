"""Loading model files a user hands us, without trusting them.

* LightGBM text models are parsed once in a child process that loads only LightGBM's
  shared library through ``ctypes``: a truncated or corrupt file can abort the process that
  parses it, and that must not be the app. The verdict is cached per file hash.
* scikit-learn models load through skops with a fixed allow-list of types.
* pickle, joblib and dill files are refused by their content, whatever their name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

from explain.errors import ModelLoadError

#: Types outside skops' default trust that a supported scikit-learn model may contain.
ALLOWED_SKOPS_TYPES: frozenset[str] = frozenset(
    {
        "numpy.dtype",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.tree._tree.Tree",
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.Interval",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss._loss.CyHalfBinomialLoss",
    }
)

SAFE_EXPORT_HINT = (
    "Export scikit-learn models with skops (skops.io.dump(model, 'model.skops')) and "
    "LightGBM models as text (booster.save_model('model.txt'))."
)

_CHILD_CHECK = """
import ctypes, sys
lib = ctypes.cdll.LoadLibrary(sys.argv[1])
handle = ctypes.c_void_p()
n_iter = ctypes.c_int()
rc = lib.LGBM_BoosterCreateFromModelfile(sys.argv[2].encode(), ctypes.byref(n_iter), ctypes.byref(handle))
if rc != 0:
    lib.LGBM_GetLastError.restype = ctypes.c_char_p
    sys.stderr.write(lib.LGBM_GetLastError().decode(errors="replace"))
    sys.exit(3)
lib.LGBM_BoosterFree(handle)
"""

_verdicts: dict[str, str | None] = {}  # file sha256 -> None if fine, else the error text
_verdicts_lock = threading.Lock()


def file_digest(data: bytes) -> str:
    """The sha256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def refuse_pickle(data: bytes, path: Path) -> None:
    """Raise if ``data`` looks like a pickle, joblib or dill file, whatever the file is called."""
    head = data[:4]
    is_pickle = len(head) >= 2 and head[0] == 0x80 and head[1] <= 5
    is_zlib_joblib = head[:1] == b"x" and len(head) > 1 and head[1] in (0x01, 0x5E, 0x9C, 0xDA)
    is_other_compressed = head[:3] in (b"\x1f\x8b\x08", b"BZh") or head[:4] == b"\xfd7zX"
    if is_pickle or is_zlib_joblib or is_other_compressed:
        raise ModelLoadError(
            f"{path}: this looks like a pickle, joblib or dill file. Such files can run any code "
            f"when opened, so they are refused. {SAFE_EXPORT_HINT}"
        )


def _lightgbm_library() -> str:
    spec = importlib.util.find_spec("lightgbm")
    if spec is None or spec.origin is None:  # pragma: no cover - lightgbm is a dependency
        raise ModelLoadError("LightGBM is not installed; install it to load model.txt files.")
    root = Path(spec.origin).parent
    for candidate in (root / "lib" / "lib_lightgbm.so", root / "lib_lightgbm.so", root / "lib" / "lib_lightgbm.dylib"):
        if candidate.exists():
            return str(candidate)
    found = sorted(root.glob("**/lib_lightgbm.*"))
    if not found:  # pragma: no cover
        raise ModelLoadError(f"LightGBM's shared library was not found under {root}.")
    return str(found[0])


def check_lightgbm_text(path: Path, data: bytes) -> None:
    """Parse a LightGBM text model in a child process first; raise if the child fails.

    The result is cached per file hash, so a bundle loads the second time without a child.
    """
    refuse_pickle(data, path)
    if not data.startswith(b"tree\n"):
        raise ModelLoadError(
            f"{path}: not a LightGBM text model (it should start with the line 'tree'). {SAFE_EXPORT_HINT}"
        )
    digest = file_digest(data)
    with _verdicts_lock:
        known = digest in _verdicts
        verdict = _verdicts.get(digest)
    if not known:
        try:
            proc = subprocess.run(
                [sys.executable, "-I", "-S", "-c", _CHILD_CHECK, _lightgbm_library(), str(path)],
                capture_output=True,
                timeout=120,
                check=False,
            )
        except subprocess.TimeoutExpired:
            verdict = "parsing the model took longer than 120 s"
        else:
            if proc.returncode == 0:
                verdict = None
            else:
                detail = proc.stderr.decode(errors="replace").strip().splitlines()
                reason = detail[-1] if detail else f"the parser exited with code {proc.returncode}"
                verdict = f"LightGBM could not parse it ({reason})"
        with _verdicts_lock:
            _verdicts[digest] = verdict
    if verdict is not None:
        raise ModelLoadError(
            f"{path}: the model file is damaged or truncated: {verdict}. Export it again with "
            "booster.save_model('model.txt')."
        )


def load_skops(path: Path, data: bytes) -> Any:
    """Load a skops file, refusing any type outside :data:`ALLOWED_SKOPS_TYPES`."""
    refuse_pickle(data, path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ModelLoadError(f"{path}: not a skops file (skops files are zip archives). {SAFE_EXPORT_HINT}")
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as err:  # skops raises assorted errors on damaged archives
        raise ModelLoadError(f"{path}: the skops file could not be read: {err}") from err
    refused = sorted(t for t in untrusted if t not in ALLOWED_SKOPS_TYPES)
    if refused:
        raise ModelLoadError(
            f"{path}: the model contains types outside the allow-list: {', '.join(refused)}. "
            "Only scikit-learn estimators, pipelines and their standard parts are loaded."
        )
    try:
        return sio.loads(data, trusted=list(untrusted))
    except Exception as err:
        raise ModelLoadError(f"{path}: the skops file could not be loaded: {err}") from err
