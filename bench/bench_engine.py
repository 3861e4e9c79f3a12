"""The engine against the libraries it wraps, in one run, as ratios; writes a JSON of the results.

    python bench/bench_engine.py [--rows 20000] [--out bench/results/engine.json] [--skip-browser]

The bench model is a 300-tree LightGBM (31 leaves) on 19 loan-like inputs (the loan sample's
thirteen and six more), trained on 20,000 rows; the bench bundle holds 20,000 decisions and
20,000 reference rows with outcomes, written to a temporary directory.
Every figure is printed beside its reference, measured in the same process on the same cores:

* global SHAP: the compiled engine against LightGBM's own ``pred_contrib`` and shap's
  TreeExplainer, all with every core; exactness against LightGBM on this model and on every
  LightGBM sample;
* permutation importance (5 repeats, every input, 95% bootstrap intervals included) against
  scikit-learn's ``permutation_importance`` (5 repeats, LightGBM predicting on every core);
* start to a decision visible in Chromium, from process start (``explain serve``), against
  shapash's ``compile`` of the 20,000 decisions (a 300-tree, 31-leaf LGBMClassifier fitted on
  the reference rows, the bench model's size) when ``$SHAPASH_PYTHON`` names a Python with
  shapash installed, and against the floor of the stack: a Streamlit page (``bench/floor``)
  that only reads the decisions and draws one plotly waterfall, timed alternately with ours;
  explainerdashboard's explainer and dashboard build for 2,000 rows when
  ``$EXPLAINERDASHBOARD_PYTHON`` names one;
* one decision's full explanation on the loan sample, p50 and p95.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from _util import timed
from bench_dashboard import ARGS, _port, wait_until_serving

from explain import explain_decision, load_bundle, permutation_importance, shap_values, slugify, write_bundle
from explain._cores import all_cores, core_count
from explain._serve import SERVER_SETTINGS, serve_command, serve_environment
from explain.models._tree_arrays import model_matrix
from sample_models import build_sample
from sample_models import loan as loan_sample
from sample_models._common import lightgbm_params

ROOT = Path(__file__).resolve().parents[1]


#: The bench model's six inputs beyond the loan sample's thirteen (19 in all, as in the issue).
EXTRA_INPUTS = ("savings_balance", "open_accounts", "card_count", "months_since_review", "branch_distance_km", "age")


def bench_bundle(samples: Path, target: Path, rows: int) -> Path:
    """A loan-like bundle: a 300-tree LightGBM (31 leaves) on 19 inputs, ``rows`` decisions and
    ``rows`` reference rows with outcomes (seeded; the loan sample's generator and spec)."""
    loan = load_bundle(samples / "loan")
    rng = np.random.default_rng(2026)
    frame = loan_sample.as_categories(loan_sample.generate(3 * rows, rng), loan_sample.CATEGORIES)
    n = len(frame)
    frame["savings_balance"] = np.round(frame["annual_income"] * rng.uniform(0, 0.6, n), -2)
    frame["open_accounts"] = rng.poisson(4, n) + frame["delinquencies_2y"].to_numpy()
    frame["card_count"] = rng.poisson(2.5, n)
    frame["months_since_review"] = rng.integers(0, 48, n)
    frame["branch_distance_km"] = np.round(rng.gamma(2.0, 8.0, n), 1)
    frame["age"] = rng.integers(18, 80, n)
    inputs = [*loan_sample.FEATURES, *EXTRA_INPUTS]
    train = frame.iloc[:rows]
    booster = lgb.train(
        lightgbm_params(0, num_leaves=31, min_child_samples=20, min_data_per_group=100),
        lgb.Dataset(train[inputs], label=train[loan_sample.OUTCOME].astype(int)),
        num_boost_round=300,
    )
    reference = frame.iloc[rows : 2 * rows].copy()
    reference.index = pd.Index([f"R{i:06d}" for i in range(rows)], name=loan_sample.ID)
    decisions = frame.iloc[2 * rows :].drop(columns=[loan_sample.OUTCOME])
    decisions.index = pd.Index([f"B{i:06d}" for i in range(rows)], name=loan_sample.ID)
    spec = replace(loan.spec, name="Loan bench")
    return write_bundle(target, spec=spec, model=booster, decisions=decisions, reference=reference, overwrite=True)


def global_shap(bundle_path: Path) -> dict[str, Any]:
    bundle = load_bundle(bundle_path)
    adapter = bundle.model
    x = adapter.prepare(bundle.table("decisions"))
    booster: lgb.Booster = adapter.estimator
    cores = core_count()
    with all_cores():
        adapter.treeshap_engine()  # tables built once per model (timed separately below)
    start = time.perf_counter()
    with all_cores():
        fresh = adapter.renamed({})
        fresh.treeshap_engine()
    tables = time.perf_counter() - start
    engine = adapter.treeshap_engine()
    assert engine is not None
    matrix = model_matrix(x)
    t_engine = timed(lambda: engine.contributions(matrix, threads=cores), repeat=3)
    t_app = timed(lambda: shap_values(bundle, data="decisions", max_rows=len(x)), repeat=2)
    t_lgb = timed(lambda: booster.predict(x, pred_contrib=True, num_threads=cores), repeat=2)
    import shap

    explainer = shap.TreeExplainer(booster)
    t_shap = timed(lambda: explainer.shap_values(x), repeat=1)
    native = np.asarray(booster.predict(x, pred_contrib=True, num_threads=cores))
    ours = engine.contributions(matrix, threads=cores)[:, :, 0]
    n = len(x)
    return {
        "rows": n,
        "trees": int(booster.num_trees()),
        "inputs": len(adapter.feature_names),
        "table_build_s": tables,
        "table_mb": engine.table_bytes / 1e6,
        "engine_s": t_engine,
        "app_shap_values_s": t_app,
        "lightgbm_pred_contrib_s": t_lgb,
        "shap_tree_explainer_s": t_shap,
        "engine_rows_per_s": n / t_engine,
        "lightgbm_rows_per_s": n / t_lgb,
        "speedup_vs_lightgbm": t_lgb / t_engine,
        "app_speedup_vs_lightgbm": t_lgb / t_app,
        "speedup_vs_shap": t_shap / t_engine,
        "max_abs_error_vs_lightgbm": float(np.abs(ours - native[:, :-1]).max()),
    }


def exactness_on_samples(samples: Path) -> dict[str, float]:
    """Largest gap to LightGBM's own contributions on every table of every LightGBM sample."""
    out = {}
    for name in ("loan", "fraud", "grades", "limits"):
        bundle = load_bundle(samples / name)
        adapter = bundle.model
        engine = adapter.treeshap_engine()
        worst = 0.0
        for table in ("decisions", "reference", "current"):
            x = adapter.prepare(bundle.table(table))
            native = np.asarray(adapter.estimator.predict(x, pred_contrib=True)).reshape(len(x), -1, x.shape[1] + 1)
            with all_cores():
                ours = engine.contributions(model_matrix(x))
            worst = max(worst, float(np.abs(ours - native[:, :, :-1].transpose(0, 2, 1)).max()))
        out[name] = worst
    return out


def _booster_estimator(adapter: Any) -> Any:
    """The booster as scikit-learn's permutation_importance wants it (LightGBM on every core)."""
    from sklearn.base import BaseEstimator, ClassifierMixin

    class BoosterEstimator(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
        def __init__(self) -> None:
            self.classes_ = np.array([0, 1])

        def fit(self, x: Any, y: Any) -> BoosterEstimator:
            return self

        def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
            raw = adapter.estimator.predict(x, raw_score=True, num_threads=core_count())
            p = 1 / (1 + np.exp(-raw))
            return np.column_stack([1 - p, p])

    return BoosterEstimator()


def permutation(bundle_path: Path) -> dict[str, Any]:
    from sklearn.inspection import permutation_importance as sklearn_permutation

    bundle = load_bundle(bundle_path)
    reference = bundle.table("reference")
    x = bundle.model.prepare(reference)
    y = bundle.outcomes("reference").loc[x.index].to_numpy(dtype=int)
    estimator = _booster_estimator(bundle.model)
    start = time.perf_counter()
    theirs = sklearn_permutation(estimator, x, y, scoring="roc_auc", n_repeats=5, random_state=0)
    t_sklearn = time.perf_counter() - start
    start = time.perf_counter()
    ours = permutation_importance(bundle, n_repeats=5, max_rows=len(x), scoring="roc_auc")
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    permutation_importance(bundle, n_repeats=5, max_rows=len(x), scoring="roc_auc", method="repredict")
    t_repredict = time.perf_counter() - start
    agreement = float(np.corrcoef(ours.importance, theirs.importances_mean)[0, 1])
    return {
        "rows": len(x),
        "inputs": x.shape[1],
        "repeats": 5,
        "ours_s": t_ours,
        "ours_repredicting_s": t_repredict,
        "sklearn_s": t_sklearn,
        "ratio_ours_to_sklearn": t_ours / t_sklearn,
        "bootstrap_resamples_included": ours.n_bootstrap,
        "importance_correlation_with_sklearn": agreement,
    }


FLOOR = Path(__file__).resolve().parent / "floor"


def _floor_command(bundle_path: Path, port: int) -> list[str]:
    """The floor app (``bench/floor``) under the same server settings as the dashboard."""
    command = [sys.executable, str(FLOOR / "serve.py"), "run", str(FLOOR / "app.py")]
    for key, value in {**SERVER_SETTINGS, "server.port": str(port)}.items():
        command += [f"--{key}", value]
    return [*command, "--", str(bundle_path / "decisions.parquet")]


@dataclass(frozen=True)
class StartTimes:
    """Seconds from process start to the decision's words (the verdict and its reasons) and to
    its chart (the waterfall drawn), one list entry per start."""

    words: list[float]
    chart: list[float]


def _seconds_to_decision(
    page: Any, command: list[str], env: dict[str, str], port: int, path: str, words: str
) -> tuple[float, float]:
    """Seconds from starting ``command`` (a server on ``port``) to ``words`` visible at
    ``path``, and to its waterfall drawn."""
    start = time.perf_counter()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_until_serving(port, proc)
        except RuntimeError:
            log.seek(0)
            print(log.read().decode(errors="replace")[-3000:], file=sys.stderr)
            raise
        page.goto(f"http://127.0.0.1:{port}{path}")
        page.wait_for_selector(words, timeout=120_000)
        to_words = time.perf_counter() - start
        page.wait_for_selector(".js-plotly-plot .waterfalllayer .point", timeout=120_000)
        return to_words, time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait()
        log.close()


def start_to_decision(bundle_path: Path, runs: int) -> tuple[StartTimes, StartTimes]:
    """Seconds from starting ``explain serve``'s command to the decision in Chromium (its
    verdict and reasons, then its chart) and, alternating with it, the same for the floor app
    (``bench/floor``): a Streamlit page that only reads the table and draws one plotly waterfall."""
    from playwright.sync_api import sync_playwright

    link = f"/?bundle={slugify('Loan bench')}&decision=B000042"  # the form the Share box gives

    def ours_command(port: int) -> list[str]:
        return serve_command([bundle_path], port=port)

    def floor_command(port: int) -> list[str]:
        return _floor_command(bundle_path, port)

    ours, floor = StartTimes([], []), StartTimes([], [])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        for _ in range(runs):
            for times, command, env, path, words in (
                (ours, ours_command, serve_environment(samples=False), link, "h4:has-text('Why') >> nth=0"),
                (floor, floor_command, dict(os.environ), "/", "h1:has-text('Decision')"),
            ):
                port = _port()
                to_words, to_chart = _seconds_to_decision(page, command(port), env, port, path, words)
                times.words.append(to_words)
                times.chart.append(to_chart)
        browser.close()
    return ours, floor


_SHAPASH = """
import sys, time, pandas as pd, lightgbm as lgb
from shapash import SmartExplainer
decisions, reference = pd.read_parquet(sys.argv[2]), pd.read_parquet(sys.argv[3])
inputs = lgb.Booster(model_file=sys.argv[1]).feature_name()
model = lgb.LGBMClassifier(n_estimators=300, num_leaves=31, verbose=-1)
model.fit(reference[inputs], reference[sys.argv[4]].astype(int))  # the bench model's size, shapash's way
start = time.perf_counter()
SmartExplainer(model=model).compile(x=decisions[inputs])
print(time.perf_counter() - start)
"""

_EXPLAINERDASHBOARD = """
import sys, time, pandas as pd, lightgbm as lgb, numpy as np
from explainerdashboard import ClassifierExplainer, ExplainerDashboard
booster = lgb.Booster(model_file=sys.argv[1])
frame = pd.read_parquet(sys.argv[3])
x = frame[booster.feature_name()].iloc[:2000]
y = frame[sys.argv[4]].iloc[:2000].astype(int)
model = lgb.LGBMClassifier(n_estimators=300, num_leaves=31, verbose=-1).fit(frame[x.columns], frame[sys.argv[4]].astype(int))
start = time.perf_counter()
explainer = ClassifierExplainer(model, x, y)
ExplainerDashboard(explainer)
print(time.perf_counter() - start)
"""


def peer_seconds(variable: str, script: str, bundle_path: Path) -> float | None:
    """A peer library's figure, run by the Python that ``$variable`` names, or None."""
    python = os.environ.get(variable)
    if not python:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(textwrap.dedent(script))
    done = subprocess.run(
        [python, handle.name, str(bundle_path / "model.txt"), str(bundle_path / "decisions.parquet"),
         str(bundle_path / "reference.parquet"), loan_sample.OUTCOME],
        capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    if done.returncode != 0:
        print(f"{variable}: the peer's run failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return float(done.stdout.strip().splitlines()[-1])


def one_decision(samples: Path) -> dict[str, float]:
    bundle = load_bundle(samples / "loan")
    ids = list(bundle.decisions.index[:300])
    explain_decision(bundle, ids[0])  # warm
    times = []
    for decision_id in ids:
        start = time.perf_counter()
        explain_decision(bundle, decision_id)
        times.append(time.perf_counter() - start)
    arr = 1000 * np.asarray(times)
    return {"p50_ms": float(np.percentile(arr, 50)), "p95_ms": float(np.percentile(arr, 95)), "n": len(arr)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--samples", type=Path, default=None, help="full samples already built (else built here)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "engine.json")
    parser.add_argument("--runs", type=int, default=3, help="starts of the server to time")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    samples = args.samples or work / "samples"
    if args.samples is None:
        for name in ("loan", "fraud", "grades", "limits"):
            build_sample(name, samples, size="full", seed=0)
    bundle_path = bench_bundle(samples, work / "loan-bench", args.rows)
    results: dict[str, Any] = {
        "machine": {"cores": core_count(), "python": platform.python_version(), "lightgbm": lgb.__version__},
    }
    print(f"cores: {core_count()}; bench bundle: {args.rows:,} decisions, {args.rows:,} reference rows")

    # the browser first: a start measured while the machine is quiet, before the heavy figures
    if not args.skip_browser:
        ours, floor = start_to_decision(bundle_path, args.runs)
        shapash = peer_seconds("SHAPASH_PYTHON", _SHAPASH, bundle_path)
        dashboard = peer_seconds("EXPLAINERDASHBOARD_PYTHON", _EXPLAINERDASHBOARD, bundle_path)
        chart_s, words_s = float(np.median(ours.chart)), float(np.median(ours.words))
        floor_chart_s, floor_words_s = float(np.median(floor.chart)), float(np.median(floor.words))
        results["start_to_decision"] = {
            "runs_s": ours.chart,
            "median_s": chart_s,
            "verdict_and_reasons_runs_s": ours.words,
            "verdict_and_reasons_median_s": words_s,
            "streamlit_floor_runs_s": floor.chart,
            "streamlit_floor_median_s": floor_chart_s,
            "streamlit_floor_title_median_s": floor_words_s,
            "shapash_compile_s": shapash,
            "ratio_shapash_to_ours": None if shapash is None else shapash / chart_s,
            "ratio_shapash_to_ours_verdict": None if shapash is None else shapash / words_s,
            "ratio_shapash_to_floor": None if shapash is None else shapash / floor_chart_s,
            "explainerdashboard_2000_rows_s": dashboard,
        }

        def runs(times: list[float]) -> str:
            return ", ".join(f"{t:.2f}" for t in times) + f" s (median {float(np.median(times)):.2f} s)"

        line = (
            f"start to a decision in Chromium, {args.rows:,}-decision bundle on disk (target ≤ 5 s): verdict and "
            f"reasons {runs(ours.words)}; chart drawn {runs(ours.chart)}. The floor, a Streamlit page that only "
            f"reads the table and draws one waterfall: title {runs(floor.words)}; chart {runs(floor.chart)}"
        )
        if shapash is not None:
            line += (
                f"; shapash compile {shapash:.1f} s → {shapash / chart_s:.1f}× ours to the chart, "
                f"{shapash / words_s:.1f}× to the verdict (target ≥ 7×), {shapash / floor_chart_s:.1f}× the "
                "floor's chart"
            )
        else:
            line += "; shapash not measured (set SHAPASH_PYTHON to a Python with shapash installed)"
        if dashboard is not None:
            line += f"; explainerdashboard, 2,000 rows: {dashboard:.1f} s"
        print(line)

    shap_figures = global_shap(bundle_path)
    shap_figures["max_abs_error_vs_lightgbm_per_sample"] = exactness_on_samples(samples)
    results["global_shap"] = shap_figures
    print(
        f"global SHAP, {shap_figures['rows']:,} rows × {shap_figures['trees']} trees, {core_count()} cores: "
        f"engine {shap_figures['engine_rows_per_s']:,.0f} rows/s, LightGBM pred_contrib "
        f"{shap_figures['lightgbm_rows_per_s']:,.0f} rows/s → {shap_figures['speedup_vs_lightgbm']:.2f}× "
        f"(target ≥ 2×); shap TreeExplainer {shap_figures['speedup_vs_shap']:.2f}× slower than the engine; "
        f"the app's shap_values (with prepare and the additivity check) {shap_figures['app_speedup_vs_lightgbm']:.2f}× "
        f"LightGBM; tables {shap_figures['table_mb']:.1f} MB built in {shap_figures['table_build_s']:.2f} s; "
        f"largest gap to LightGBM {shap_figures['max_abs_error_vs_lightgbm']:.1e}, per sample "
        + ", ".join(f"{k} {v:.1e}" for k, v in shap_figures["max_abs_error_vs_lightgbm_per_sample"].items())
    )

    perm = permutation(bundle_path)
    results["permutation_importance"] = perm
    print(
        f"permutation importance, {perm['rows']:,} rows × {perm['inputs']} inputs × 5 repeats: ours "
        f"{perm['ours_s']:.2f} s (with {perm['bootstrap_resamples_included']} bootstrap resamples), scikit-learn "
        f"{perm['sklearn_s']:.2f} s → ratio {perm['ratio_ours_to_sklearn']:.3f} (target ≤ 0.2); re-predicting "
        f"through LightGBM instead {perm['ours_repredicting_s']:.2f} s; correlation with scikit-learn's "
        f"importances {perm['importance_correlation_with_sklearn']:.3f}"
    )

    decision = one_decision(samples)
    results["one_decision"] = decision
    print(
        f"one decision's full explanation (loan): p50 {decision['p50_ms']:.1f} ms, p95 {decision['p95_ms']:.1f} ms (target ≤ 10 ms)"
    )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
