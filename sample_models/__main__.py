"""``python -m sample_models build [--out DIR] [--size full|test] [--seed N] [--force] [--fraud-rows N]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sample_models._common import default_samples_dir
from sample_models.build import REGISTRY, build_sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the sample bundles that are missing or out of date")
    build.add_argument("--out", type=Path, default=None, help=f"output directory (default {default_samples_dir()})")
    build.add_argument("--size", choices=["full", "test"], default="full")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    build.add_argument("--only", choices=list(REGISTRY), action="append", help="build only this sample")
    build.add_argument(
        "--fraud-rows", type=int, default=None, help="decisions in the fraud sample (a large one: 1000000)"
    )
    args = parser.parse_args(argv)
    out = args.out or default_samples_dir()
    for name in args.only or list(REGISTRY):
        start = time.perf_counter()
        rows = args.fraud_rows if name == "fraud" else None
        path = build_sample(name, out, size=args.size, seed=args.seed, force=args.force, decision_rows=rows)
        print(f"{name}: {path} ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
