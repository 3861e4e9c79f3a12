"""Dashboard timings in the real browser (Debian's headless Chromium).

    python bench/bench_dashboard.py [--out DIR]

1. From `streamlit run` to the first decision visible (a deep link opened as soon as the
   server answers), twice: a cold first start and a second start with warm OS caches.
2. Selecting a decision in the table to its page rendered, p50/p95 over 20 selections
   after a warm-up.
3. A filter (id search) on the fraud sample's 200,000 decisions, p50/p95.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _util import percentiles
from playwright.sync_api import Page, sync_playwright

from explain import load_bundle
from sample_models import build_all

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(port: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 180) -> None:
    """Return once the Streamlit server on ``port`` answers its health check; raise if the
    server process ends first or ``timeout`` seconds pass (a bench must not hang)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with status {proc.returncode} before serving")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"the server on port {port} did not answer within {timeout:g} s")


def _wait(page: Page, text: str, timeout: float = 120) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = page.inner_text("body")
        if text in body and "Running..." not in body:
            return
        time.sleep(0.02)
    raise TimeoutError(text)


def _start(out: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, EXPLAIN_SAMPLES_DIR=str(out))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def time_to_first_decision(out: Path, page: Page) -> float:
    port = _port()
    start = time.perf_counter()
    proc = _start(out, port)
    try:
        wait_until_serving(port, proc)
        page.goto(f"http://127.0.0.1:{port}/?bundle=loan&decision=L0100003")
        _wait(page, "How each input moved the score")
        page.wait_for_selector(".js-plotly-plot .waterfalllayer .point")
        return time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-samples-"))
    build_all(out)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        starts = [time_to_first_decision(out, page) for _ in range(2)]
        print(f"streamlit run → first decision visible: cold {starts[0]:.1f} s, second start {starts[1]:.1f} s")

        port = _port()
        proc = _start(out, port)
        try:
            time.sleep(3)
            base = f"http://127.0.0.1:{port}"
            page.goto(f"{base}/?bundle=loan")
            _wait(page, "matching decisions")
            selections = []
            for i in range(22):
                grid = page.locator("[data-testid='stDataFrame']").first.bounding_box()
                assert grid is not None
                page.mouse.click(grid["x"] + 18, grid["y"] + 35 + 35 * (i % 10) + 17)
                start = time.perf_counter()
                _wait(page, "How each input moved the score")
                page.wait_for_selector(".js-plotly-plot .waterfalllayer .point")
                selections.append(time.perf_counter() - start)
                page.get_by_role("link", name="Decisions").click()
                _wait(page, "matching decisions")
            print(f"select a decision → page rendered: {percentiles(selections[2:])}")

            page.goto(f"{base}/?bundle=fraud")
            _wait(page, "200,000 matching decisions")
            box = page.get_by_label("Search by id")
            ids = load_bundle(out / "fraud").decisions.index.astype(str)
            filters = []
            for needle in ["T10", "T11", "T105", "T1199", "T12", "T100", "T101", "T13", "T119", "T102"] * 2:
                expected = int(ids.str.contains(needle, regex=False).sum())
                box.fill(needle)
                start = time.perf_counter()
                box.press("Enter")
                _wait(page, f"{expected:,} matching decisions")
                filters.append(time.perf_counter() - start)
            print(f"filter (id search) on 200,000 fraud decisions: {percentiles(filters[2:])}")
        finally:
            proc.terminate()
        browser.close()


if __name__ == "__main__":
    main()
