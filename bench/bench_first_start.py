"""First start on a fresh machine: from `streamlit run` with no samples built to the first loan
decision visible in the browser (the app builds the first sample while the page waits and the
others behind it).

    python bench/bench_first_start.py [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from bench_dashboard import ARGS, time_to_first_decision
from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    firsts = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        for _ in range(args.runs):
            out = Path(tempfile.mkdtemp(prefix="bench-first-start-"))  # nothing built
            firsts.append(time_to_first_decision(out, page))
    print(f"cores: {os.cpu_count()}")
    print("first start → first loan decision visible: " + ", ".join(f"{t:.1f} s" for t in firsts))
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "first_start.json").write_text(json.dumps({"cores": os.cpu_count(), "first_decision_s": firsts}))


if __name__ == "__main__":
    main()
