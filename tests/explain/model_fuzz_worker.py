"""Run the app's own loading path on many damaged model files, in a process that may crash.

Used by ``test_model_fuzz.py``: reads case files named on stdin (one path per line), loads
each through the steps of :func:`explain.models.load_models` (one child-process check for
all cases up front), and for each model that loads, explains rows and checks
additivity. Prints one JSON line per case as it finishes, so the test can tell which case
killed the process if one ever does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from explain.errors import ExplainError
from explain.models import _safe_load
from explain.models._load import lightgbm_adapter


def _rows(adapter: object, n: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({name: rng.normal(size=n) for name in adapter.feature_names})  # type: ignore[attr-defined]
    frame.iloc[::4, 0] = np.nan
    for name, known in adapter.categories.items():  # type: ignore[attr-defined]
        values = [known[i % len(known)] if known else None for i in range(n)]
        values[1] = None
        frame[name] = pd.Series(values, dtype=object)
    return frame


def main() -> None:
    paths = [Path(line.strip()) for line in sys.stdin if line.strip()]
    # the steps of explain.models.load_models, one case at a time after one batched child check
    prepared: dict[int, tuple[str, object]] = {}
    refused: dict[int, ExplainError] = {}
    for i, path in enumerate(paths):
        try:
            parsed, text = _safe_load.prepare_lightgbm_text(path, path.read_bytes())
            prepared[i] = (text, parsed)
        except ExplainError as err:
            refused[i] = err
    verdicts = dict(zip(prepared, _safe_load.check_lightgbm_texts([t for t, _ in prepared.values()]), strict=True))
    for i, path in enumerate(paths):
        outcome: dict[str, object] = {"case": path.name}
        try:
            if i in refused:
                raise refused[i]
            text, parsed = prepared[i]
            verdict = verdicts[i]
            result = (
                lightgbm_adapter(path, text, parsed) if verdict is None else _safe_load.lightgbm_refusal(path, verdict)
            )  # type: ignore[arg-type]
            if isinstance(result, ExplainError):
                raise result
            x = result.prepare(_rows(result))
            values, base, _ = result.contributions(x, None, 0)
            raw = result.predict_raw(x)
            outcome["residual"] = float(np.max(np.abs(base + values.sum(axis=1) - raw)))
            outcome["result"] = "loaded"
        except ExplainError as err:
            outcome["result"] = type(err).__name__
            outcome["message"] = str(err)
        except Exception as err:  # reported, and the test fails on it
            outcome["result"] = f"unexpected {type(err).__name__}"
            outcome["message"] = str(err)[:300]
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
