"""Browser tests: start the real server and drive it in Debian's headless Chromium.

Locally a missing Chromium skips these tests; with ``CI=true`` it fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.hostile import build_hostile_bundle

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "tests" / ".screenshots"


def crashing_copy(source: Path, target: Path) -> Path:
    """A copy of a bundle whose model.txt is cut off inside its parameters block: the file
    that used to crash LightGBM's loader, and with it the whole server."""
    shutil.copytree(source, target)
    model = target / "model.txt"
    data = model.read_bytes()
    start = data.index(b"\nparameters:")
    model.write_bytes(data[: start + 120])
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(url: str, proc: subprocess.Popen[bytes], what: str, timeout: float = 90) -> None:
    """Wait for a Streamlit server's health check; kill it and fail the test if it never answers."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"{what} did not start within {timeout:g} s")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return CHROMIUM if os.path.exists(CHROMIUM) else str(shutil.which("chromium"))


@pytest.fixture(scope="session")
def server(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    hostile = build_hostile_bundle(tmp_path_factory.mktemp("browser-hostile") / "hostile")
    broken = crashing_copy(samples_dir / "loan", tmp_path_factory.mktemp("browser-broken") / "broken")
    port = _free_port()
    bundles = os.pathsep.join([str(hostile), str(broken)])
    env = dict(os.environ, EXPLAIN_SAMPLES_DIR=str(samples_dir), EXPLAIN_BUNDLES=bundles)
    log = open(tmp_path_factory.mktemp("server") / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
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
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, proc, "the Streamlit server")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    """A fresh browser page; after the test, every request it made must have gone to the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)  # type: ignore[attr-defined]
    pg = context.new_page()
    hosts: set[str] = set()
    pg.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    yield pg
    context.close()
    assert hosts <= {urlsplit(server).netloc}, f"the page contacted other hosts: {sorted(hosts)}"


def wait_for_text(page: object, text: str, timeout: float = 60) -> str:
    """Wait until ``text`` is on the page and Streamlit has finished running."""
    start = time.time()
    body = ""
    while time.time() - start < timeout:
        body = page.inner_text("body").replace("\u2060", "")  # type: ignore[attr-defined]  # invisible word joiners
        if text in body and "Running..." not in body:
            return str(body)
        time.sleep(0.25)
    raise AssertionError(f"{text!r} did not appear; the page says: {body[:500]}")


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its main block, so a "full page" shot shows only the viewport:
    # grow the viewport to the main block's height for the shot, then put it back.
    size = page.viewport_size  # type: ignore[attr-defined]
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 0; }"
    )
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})  # type: ignore[attr-defined]
        page.wait_for_timeout(400)  # type: ignore[attr-defined]
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    if size and height > size["height"]:
        page.set_viewport_size(size)  # type: ignore[attr-defined]
    return path
