"""Time to first render of each workbench page per sample, cold and cached, in the real browser.

    python bench/bench_workbench.py [--out DIR]

"Cold" is the first visit after the server starts (SHAP, permutation importance and the
rest computed); "cached" is a fresh page load after that.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_dashboard import ARGS, _port, _start, _wait
from playwright.sync_api import sync_playwright

from sample_models import REGISTRY, build_all

PAGES = {
    "model": "Data dictionary",
    "importance": "How each input pushes the score",
    "dependence": "Partial dependence and individual lines",
    "checks": "Top five",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-samples-"))
    build_all(out)
    port = _port()
    proc = _start(out, port)
    try:
        time.sleep(4)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            for name in REGISTRY:
                cells = []
                for view in args.pages:
                    times = []
                    for _ in range(2):
                        start = time.perf_counter()
                        page.goto(f"http://127.0.0.1:{port}/{view}?bundle={name}")
                        _wait(page, PAGES[view], timeout=600)
                        times.append(time.perf_counter() - start)
                    cells.append(f"{view} {times[0]:.1f} s cold / {times[1]:.1f} s cached")
                print(f"{name:6s} " + " | ".join(cells), flush=True)
            browser.close()
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
