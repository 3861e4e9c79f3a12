"""What-if update time and recourse time per decision (p50/p95) on the loan and churn samples.

python bench/bench_decision_tools.py [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _util import percentiles

from explain import load_bundle
from explain.decision._recourse import suggest_changes
from explain.decision._whatif import what_if
from sample_models import build_sample


def bench_sample(name: str, out: Path) -> str:
    bundle = load_bundle(build_sample(name, out, size="full", seed=0))
    scores = bundle.model.predict_score(bundle.decisions)
    adverse = [str(i) for i in bundle.decisions.index[scores >= bundle.spec.decision.threshold][:101]]
    feature = next(f for f in bundle.features if f not in bundle.model.categories)
    value = float(bundle.table("reference")[feature].median())
    what_if(bundle, adverse[0], {feature: value})  # warm-up
    edits, searches, found = [], [], 0
    for decision_id in adverse[1:]:
        start = time.perf_counter()
        what_if(bundle, decision_id, {feature: value})
        edits.append(time.perf_counter() - start)
        start = time.perf_counter()
        found += bool(suggest_changes(bundle, decision_id).suggestions)
        searches.append(time.perf_counter() - start)
    return (
        f"{name:6s} what-if update {percentiles(edits)} | recourse per adverse decision {percentiles(searches)}, "
        f"max {1000 * np.max(searches):.0f} ms; {found} of {len(searches)} got a suggestion"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-samples-"))
    for name in ("loan", "churn"):
        print(bench_sample(name, out), flush=True)


if __name__ == "__main__":
    main()
