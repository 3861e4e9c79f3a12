"""Loading model files a user hands us, without trusting them.

* LightGBM text models are parsed and validated in Python (:mod:`explain._lightgbm_text`)
  and written back canonically; that text is then loaded, dumped and used to predict in a
  child process before the app loads it, since LightGBM's C++ loader crashes the process on
  a damaged file. Only the canonical text ever reaches LightGBM in the app's process.
* scikit-learn models load through skops with a fixed allow-list of types.
* pickle, joblib and dill files are refused by their content, whatever their name.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from explain.errors import ModelLoadError
from explain.models._lightgbm_text import LightGBMText, canonical_text, parse_lightgbm_text

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

#: What the child does with a model text: everything the app will do with it (construct the
#: Booster as the app does, read its parameters, dump it, predict raw scores and
#: contributions for rows of zeros and of missing values). Optional libraries that LightGBM
#: would import are blocked, so the child starts in about half a second. Cases arrive as
#: JSON lines on stdin; one line per case is printed as it finishes, so a crash names its case.
_CHILD_CHECK = r"""
import json, sys
for name in ("sklearn", "pandas", "dask", "pyarrow", "matplotlib", "graphviz", "cffi", "psutil", "polars"):
    sys.modules[name] = None
import numpy as np
import lightgbm as lgb
for line in sys.stdin:
    case = json.loads(line)
    try:
        with open(case["path"], encoding="utf-8") as f:
            booster = lgb.Booster(model_str=f.read())
        booster.params
        booster.dump_model()
        n_features = booster.num_feature()
        booster.num_trees()
        booster.feature_name()
        rows = np.vstack([np.zeros(n_features), np.full(n_features, np.nan), np.arange(n_features) % 3])
        booster.predict(rows, raw_score=True, num_threads=1)
        booster.predict(rows, pred_contrib=True, num_threads=1)
        booster.predict(rows, pred_leaf=True, num_threads=1)
        print(json.dumps({"i": case["i"], "error": None}), flush=True)
    except Exception as err:
        print(json.dumps({"i": case["i"], "error": f"{type(err).__name__}: {err}"[:300]}), flush=True)
"""

CHILD_TIMEOUT = 120.0


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


def _run_child(texts: list[str]) -> list[str | None]:
    """Check model texts in child processes; a crash refuses its case and a new child goes on."""
    verdicts: list[str | None] = [None] * len(texts)
    with tempfile.TemporaryDirectory(prefix="explain-check-") as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"{i}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        start = 0
        while start < len(texts):
            lines = "".join(json.dumps({"i": i, "path": paths[i]}) + "\n" for i in range(start, len(texts)))
            try:
                proc = subprocess.run(
                    [sys.executable, "-I", "-c", _CHILD_CHECK],
                    input=lines,
                    capture_output=True,
                    text=True,
                    timeout=CHILD_TIMEOUT,
                    check=False,
                )
                out, code = proc.stdout, proc.returncode
            except subprocess.TimeoutExpired as err:
                out = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
                code = None
            done = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            for item in done:
                verdicts[item["i"]] = item["error"]
            start = done[-1]["i"] + 1 if done else start
            if start < len(texts) and (code != 0 or not done):
                reason = (
                    f"took longer than {CHILD_TIMEOUT:.0f} s"
                    if code is None
                    else f"crashed the parser (exit code {code})"
                )
                verdicts[start] = f"loading it {reason}"
                start += 1
    return verdicts


def check_lightgbm_texts(texts: list[str]) -> list[str | None]:
    """For each canonical model text, ``None`` if LightGBM handles it safely, else why not.

    All texts are loaded, dumped and used to predict in one child process (a new one after a
    crash) before this process touches any of them.
    """
    return _run_child(texts) if texts else []


def lightgbm_refusal(path: Path, verdict: str) -> ModelLoadError:
    """The error for a model text the child process could not use."""
    return ModelLoadError(
        f"{path}: LightGBM cannot use this model safely ({verdict}). Export it again with "
        "booster.save_model('model.txt')."
    )


def prepare_lightgbm_text(path: Path, data: bytes) -> tuple[LightGBMText, str]:
    """Refuse pickles and non-models, then parse and validate; return the parse and canonical text."""
    refuse_pickle(data, path)
    if not data.startswith(b"tree\n") and not data.startswith(b"tree\r\n"):
        raise ModelLoadError(
            f"{path}: not a LightGBM text model (it should start with the line 'tree'). {SAFE_EXPORT_HINT}"
        )
    parsed = parse_lightgbm_text(data, source=str(path))
    return parsed, canonical_text(parsed)


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
