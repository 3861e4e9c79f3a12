"""Damaged LightGBM model files never take the process down.

Every cut point inside the ``parameters:`` block of a small model (where LightGBM's own
loader used to crash the app), 300 sampled cut points elsewhere and 400 byte changes are
each either refused with a clear error or loaded and explained correctly. The app's loading
path runs in a worker process (``model_fuzz_worker``) so that a crash is reported with the
case that caused it rather than ending the test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
REFUSALS = {"ModelLoadError", "UnsupportedModelError"}


def small_model_text() -> bytes:
    rng = np.random.default_rng(3)
    n = 600
    frame = pd.DataFrame(
        {
            "income": rng.normal(50, 10, n),
            "debt": np.where(rng.random(n) < 0.1, np.nan, rng.normal(0, 1, n)),
            "kind": pd.Categorical(rng.choice(["a", "b", "c"], n), categories=["a", "b", "c"]),
        }
    )
    y = (frame.income / 50 + np.nan_to_num(frame.debt) + (frame.kind == "b") + rng.normal(0, 1, n) > 1.5).astype(int)
    params = {"objective": "binary", "num_leaves": 5, "min_data_in_leaf": 20, "verbose": -1, "seed": 0}
    booster = lgb.train(params, lgb.Dataset(frame, y), num_boost_round=6)
    return booster.model_to_string().encode()


def cases(data: bytes) -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    start = data.index(b"\nparameters:") + 1
    end = data.index(b"end of parameters\n") + len(b"end of parameters\n")
    out = {f"params-cut-{c}": data[:c] for c in range(start, end + 1)}
    elsewhere = [c for c in range(len(data)) if not start <= c <= end]
    for c in rng.choice(elsewhere, size=300, replace=False):
        out[f"cut-{c}"] = data[: int(c)]
    digits = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) - ord("0") < 10)
    for k in range(200):  # any byte at any place
        at = int(rng.integers(len(data)))
        out[f"flip-{k}-{at}"] = data[:at] + bytes([int(rng.integers(256))]) + data[at + 1 :]
    for k in range(200):  # a digit for another: the damage most likely to pass a format check
        at = int(rng.choice(digits))
        out[f"digit-{k}-{at}"] = data[:at] + str(int(rng.integers(10))).encode() + data[at + 1 :]
    return out


def run_worker(paths: list[Path]) -> tuple[list[dict[str, object]], list[str]]:
    """Run the worker over the cases; restart it after a crash. Returns outcomes and crashes."""
    outcomes: list[dict[str, object]] = []
    crashes: list[str] = []
    todo = list(paths)
    while todo:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.explain.model_fuzz_worker"],
            input="\n".join(map(str, todo)),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            check=False,
        )
        done = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        outcomes += done
        todo = todo[len(done) :]
        if proc.returncode != 0:
            if not todo:
                crashes.append(f"after the last case: exit code {proc.returncode}: {proc.stderr[-500:]}")
                break
            crashes.append(f"{todo[0].name}: exit code {proc.returncode}: {proc.stderr[-300:]}")
            todo = todo[1:]
    return outcomes, crashes


def test_damaged_models_are_refused_or_explained_and_never_crash(tmp_path: Path) -> None:
    data = small_model_text()
    paths = []
    for name, content in cases(data).items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(content)
        paths.append(path)
    outcomes, crashes = run_worker(paths)
    assert not crashes, crashes
    assert len(outcomes) == len(paths)
    by_result: dict[str, int] = {}
    for outcome in outcomes:
        result = str(outcome["result"])
        by_result[result] = by_result.get(result, 0) + 1
        if result == "loaded":
            assert float(outcome["residual"]) <= 1e-6, outcome  # type: ignore[arg-type]
        else:
            assert result in REFUSALS, outcome
            assert "model" in str(outcome["message"]), outcome
    params_cuts = [o for o in outcomes if str(o["case"]).startswith("params-cut-")]
    assert len(params_cuts) > 1_000
    assert by_result.get("loaded", 0) > 50, by_result  # the harness really explains models
    assert sum(by_result.get(r, 0) for r in REFUSALS) > 1_000, by_result


def test_the_untouched_model_loads_through_the_same_path(tmp_path: Path) -> None:
    path = tmp_path / "model.txt"
    path.write_bytes(small_model_text())
    outcomes, crashes = run_worker([path])
    assert not crashes
    assert outcomes[0]["result"] == "loaded" and float(outcomes[0]["residual"]) <= 1e-9  # type: ignore[arg-type]


def test_num_class_that_contradicts_the_objective_is_a_model_load_error(tmp_path: Path) -> None:
    from explain.errors import ModelLoadError
    from explain.models._load import load_model

    path = tmp_path / "model.txt"
    path.write_bytes(small_model_text().replace(b"num_class=1\n", b"num_class=99\n"))
    with pytest.raises(ModelLoadError, match=r"num_class=99 does not match the objective 'binary'"):
        load_model(path)
