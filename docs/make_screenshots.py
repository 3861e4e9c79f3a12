"""Make the README's screenshots from the real app on the seeded samples.

    python docs/make_screenshots.py            # writes docs/screenshots/*.png

Builds the samples in a temporary directory, starts the dashboard on a free local port,
opens each page in Debian's headless Chromium (``apt-get install -y chromium``) and saves a
1400-pixel-wide shot of the top of the page. Run it after a change that alters a page.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# (file name, path and query, text that appears once the page has drawn, height of the shot)
SHOTS = [
    ("decisions.png", "/?bundle=loan", "matching decisions", 900),
    ("decision.png", "/decision?bundle=loan&decision={adverse}", "All inputs", 1250),
    ("importance.png", "/importance?bundle=loan", "How each input pushes the score", 1250),
    ("fairness.png", "/fairness?bundle=loan", "Inputs that predict", 1400),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(page: object, text: str, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        body = page.inner_text("body")  # type: ignore[attr-defined]
        busy = page.locator('[data-testid="stSpinner"]').count()  # type: ignore[attr-defined]
        if text in body and "Running..." not in body and not busy:
            time.sleep(2.0)  # let the charts finish drawing
            return
        time.sleep(0.5)
    raise SystemExit(f"{text!r} did not appear within {timeout:.0f} s")


def _first_adverse(samples: Path) -> str:
    from explain import explain_decision, load_bundle

    bundle = load_bundle(samples / "loan")
    for decision_id in bundle.decisions.index[:500]:
        if explain_decision(bundle, str(decision_id)).prediction.adverse:
            return str(decision_id)
    raise SystemExit("no adverse decision among the first 500")


def main() -> None:
    from playwright.sync_api import sync_playwright

    from sample_models import build_all

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        samples = Path(tmp) / "samples"
        build_all(samples, seed=0)
        adverse = _first_adverse(samples)
        port = _free_port()
        env = dict(os.environ, EXPLAIN_SAMPLES_DIR=str(samples))
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.3)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for name, path, text, height in SHOTS:
                    page = browser.new_page(viewport={"width": 1400, "height": height})
                    page.goto(url + path.format(adverse=adverse))
                    _wait_for(page, text)
                    page.screenshot(path=str(OUT / name))
                    page.close()
                    print(f"wrote {OUT / name}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
