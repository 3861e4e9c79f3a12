"""Foundation figures: build time, bundle load, shap_values throughput next to shap, one decision.

    python bench/bench_foundation.py [--out DIR]

Builds the full samples into a temporary directory (never the default one) unless --out
points at existing builds. LightGBM runs with one thread per call in the app (sessions share
the cores); shap lets LightGBM use every core, so ours is shown at both settings.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import shap
from _util import percentiles, timed

from explain import load_bundle, shap_values
from explain._cores import all_cores
from sample_models import REGISTRY, build_sample


def bench_sample(name: str, out: Path, rebuild: bool) -> str:
    start = time.perf_counter()
    build_sample(name, out, size="full", seed=0, force=rebuild)
    build = time.perf_counter() - start
    cold = timed(lambda: load_bundle(out / name))
    cached = timed(lambda: load_bundle(out / name), repeat=3)
    bundle = load_bundle(out / name)
    ours = shap_values(bundle, data="reference", max_rows=2000)  # warm the explainer
    ids = list(ours.ids)
    t_ours = timed(lambda: shap_values(bundle, ids, data="reference"), repeat=3)
    with all_cores():
        t_ours2 = timed(lambda: shap_values(bundle, ids, data="reference"), repeat=3)
    x = bundle.model.prepare(bundle.table("reference").loc[ids])
    if bundle.model.family == "lightgbm":
        explainer = shap.TreeExplainer(bundle.model.estimator)
        t_shap = timed(lambda: explainer.shap_values(x), repeat=3)
    else:
        pipe = bundle.model.estimator
        explainer = shap.TreeExplainer(pipe[-1])
        t_shap = timed(lambda: explainer.shap_values(pipe[:-1].transform(x)), repeat=3)
    one = []
    for decision_id in bundle.decisions.index[:200]:
        s = time.perf_counter()
        shap_values(bundle, [decision_id])
        one.append(time.perf_counter() - s)
    n = len(ids)
    return (
        f"{name:6s} build {build:5.1f} s | load cold {1000 * cold:5.0f} ms, cached check {1000 * cached:5.0f} ms | "
        f"shap_values {n / t_ours:6.0f} rows/s (1 thread), {n / t_ours2:6.0f} rows/s (2 threads) vs shap "
        f"{n / t_shap:6.0f} rows/s: time ratio ours/shap {t_ours / t_shap:4.2f}× (1 thread), "
        f"{t_ours2 / t_shap:4.2f}× (2 threads) | one decision {percentiles(one)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-samples-"))
    print(f"samples in {out}", flush=True)
    for name in REGISTRY:
        print(bench_sample(name, out, rebuild=args.out is None), flush=True)


if __name__ == "__main__":
    main()
