"""The README's "Your own model" path, as a new user would take it: ``explain init`` on a
model file and CSV files, ``explain validate``, ``explain serve`` from another directory, and
a decision of that bundle opened by deep link in the browser."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import _free_port, screenshot, wait_for_text, wait_until_healthy
from tests.own_model import lightgbm_files


def _explain(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("explain")
    command = [exe] if exe else [sys.executable, "-m", "explain.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("own-model")
    lightgbm_files(work)
    made = _explain("init", "--model", "model.txt", "--decisions", "decisions.csv", "--reference", "holdout.csv",
                    "--id", "application_id", "--outcome", "defaulted", "--out", "loans", cwd=work)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "explain validate loans" in made.stdout and "explain serve loans" in made.stdout
    checked = _explain("validate", "loans", cwd=work)
    assert checked.returncode == 0 and "Problems: none" in checked.stdout, checked.stdout
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # no .streamlit/config.toml here
    port = _free_port()
    exe = shutil.which("explain")
    command = [exe] if exe else [sys.executable, "-m", "explain.cli"]
    proc = subprocess.Popen([*command, "serve", str(work / "loans"), "--port", str(port), "--no-samples"],
                            cwd=elsewhere, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, proc, "explain serve")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.browser
def test_init_validate_serve_and_open_a_decision_by_link(served: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{served}/decision?bundle=loans&decision=A00003")
    body = wait_for_text(page, "How each input moved the", timeout=90)
    assert "Defaulted model · decision A00003" in body
    assert "Defaulted likely" in body or "Defaulted unlikely" in body
    page.wait_for_selector(".js-plotly-plot .waterfalllayer .point", timeout=30_000)
    names = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert names, "the navigation is shown"
    screenshot(page, "own-model-decision")
    context.close()
