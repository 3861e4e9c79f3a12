"""Server time of each workbench page on an empty store, cached in memory, and after a restart
(memory empty, results read from the persistent store), per sample.

    python bench/bench_store.py [--samples loan fraud] [--out DIR]

Pages run as the server runs them (Streamlit's AppTest executes the real page script in this
process), so the figures are server time without the browser. "After a restart" replaces the
in-memory cache, as a new server process starts with one.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

PAGES = ["importance", "dependence", "checks", "performance", "errors", "fairness", "model"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", nargs="*", default=["loan", "churn", "fraud"])
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from sample_models import build_all

    out = args.out or Path(tempfile.mkdtemp(prefix="bench-store-"))
    if not (out / "loan" / "bundle.toml").exists():
        build_all(out)
    store = Path(tempfile.mkdtemp(prefix="bench-store-results-"))
    os.environ["EXPLAIN_SAMPLES_DIR"] = str(out)
    os.environ["EXPLAIN_STORE"] = str(store)

    from streamlit.testing.v1 import AppTest

    from dashboard import cache

    app = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")

    def visit(name: str, page: str) -> float:
        at = AppTest.from_file(app, default_timeout=900)
        at.query_params["bundle"] = name
        at.run()
        start = time.perf_counter()
        at.switch_page(f"views/{page}.py").run()
        elapsed = time.perf_counter() - start
        assert not at.exception, [e.value for e in at.exception]
        return elapsed

    figures: dict[str, dict[str, dict[str, float]]] = {}
    print(f"cores: {os.cpu_count()}; store: {store}")
    print(f"{'sample':8} {'page':12} {'empty store':>12} {'in memory':>10} {'restart':>9}")
    for name in args.samples:
        figures[name] = {}
        for page in args.pages:
            cold = visit(name, page)
            warm = visit(name, page)
            cache._results = cache.ResultCache(max_entries=4_096)  # a new server process: nothing in memory
            cache._bundles.clear()
            restart = visit(name, page)
            figures[name][page] = {"empty_store_s": cold, "in_memory_s": warm, "after_restart_s": restart}
            print(
                f"{name:8} {page:12} {cold:11.2f}s {warm:9.2f}s {restart:8.2f}s  ({cold / max(restart, 1e-9):.0f}× faster)"
            )
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "store.json").write_text(json.dumps({"cores": os.cpu_count(), "figures": figures}, indent=2))


if __name__ == "__main__":
    main()
