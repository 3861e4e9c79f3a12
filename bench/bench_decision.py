"""explain_decision latency and permutation importance next to scikit-learn's.

python bench/bench_decision.py [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _util import percentiles, timed
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import permutation_importance as sk_permutation_importance

from explain import load_bundle
from explain.attribution._importance import permutation_importance
from explain.decision._decision import explain_decision
from sample_models import REGISTRY, build_sample


class _Scorer(ClassifierMixin, BaseEstimator):
    """A scikit-learn estimator over the bundle's model, for sklearn's permutation_importance."""

    def __init__(self, bundle: object = None) -> None:
        self.bundle = bundle
        self.classes_ = np.array([0, 1])

    def fit(self, x: object, y: object) -> _Scorer:
        return self

    def predict_proba(self, x: object) -> np.ndarray:
        p = self.bundle.model.predict_score(x)  # type: ignore[attr-defined]
        return np.column_stack([1 - p, p])


def bench_sample(name: str, out: Path) -> str:
    bundle = load_bundle(build_sample(name, out, size="full", seed=0))
    explain_decision(bundle, bundle.decisions.index[0])  # warm-up: profile and explainer
    times = []
    for decision_id in bundle.decisions.index[1:301]:
        start = time.perf_counter()
        explain_decision(bundle, decision_id)
        times.append(time.perf_counter() - start)
    t_ours = timed(lambda: permutation_importance(bundle))
    result = permutation_importance(bundle)
    ids = bundle.outcomes("reference").index
    rng = np.random.default_rng(0)
    if len(ids) > 20_000:
        ids = ids[np.sort(rng.choice(len(ids), size=20_000, replace=False))]
    x = bundle.model.prepare(bundle.table("reference").loc[ids])
    y = bundle.outcomes("reference").loc[ids].to_numpy()
    est = _Scorer(bundle)
    scoring = result.scoring
    t_sk = timed(lambda: sk_permutation_importance(est, x, y, scoring=scoring, n_repeats=5, random_state=0, n_jobs=1))
    return (
        f"{name:6s} explain_decision {percentiles(times)} | permutation importance ({scoring}, "
        f"{result.n_rows:,} rows, 5 repeats, 200 bootstrap resamples) {t_ours:5.1f} s vs scikit-learn "
        f"(same rows and repeats, no interval) {t_sk:5.1f} s: ratio {t_ours / t_sk:4.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-samples-"))
    for name in REGISTRY:
        print(bench_sample(name, out), flush=True)


if __name__ == "__main__":
    main()
