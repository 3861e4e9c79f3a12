"""`explain batch` on the fraud sample: one worker against two (one thread each), in the same
run, with each worker's peak memory, and the single-process path for reference.

    python bench/bench_batch.py [--rows 100000] [--out DIR]

The fraud sample is built with ``--rows`` decisions (``python -m sample_models build
--fraud-rows N``); the full target is 1,000,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--partition-rows", type=int, default=50_000)
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from explain import explain_batch, load_bundle
    from sample_models import build_sample

    out = args.out or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    start = time.perf_counter()
    build_sample("fraud", out, decision_rows=args.rows)
    print(f"cores: {os.cpu_count()}; fraud with {args.rows:,} decisions built in {time.perf_counter() - start:.1f} s")
    bundle = load_bundle(out / "fraud")
    figures: dict[str, float] = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            store = Path(tempfile.mkdtemp(prefix="bench-batch-store-"))
            result = explain_batch(
                bundle, store=store, scheduler=cluster.scheduler_address, partition_rows=args.partition_rows
            )
            with Client(cluster) as client:
                peaks = client.run(_peak_mb)
            figures[f"{workers}_workers_s"] = result.seconds
            figures[f"{workers}_workers_peak_mb"] = max(peaks.values())
            print(
                f"{workers} worker(s): {result.rows:,} decisions in {result.partitions} partitions, "
                f"{result.seconds:.1f} s ({result.rows / result.seconds:,.0f} rows/s); peak memory per worker "
                f"{max(peaks.values()):,.0f} MB"
            )
    speedup = figures["1_workers_s"] / figures["2_workers_s"]
    print(f"2 workers / 1 worker: {speedup:.2f}× faster (target ≥ 1.6×)")
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "batch.json").write_text(json.dumps({"cores": os.cpu_count(), "rows": args.rows, **figures}, indent=2))


if __name__ == "__main__":
    main()
