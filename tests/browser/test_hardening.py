"""Hardening, in the real browser: a crash-inducing model, the grid's own export, other hosts."""

from __future__ import annotations

import time
import urllib.request

from explain import Bundle
from explain.decision._decision import explain_decision
from tests.browser.conftest import screenshot, wait_for_text


def test_a_crash_inducing_model_is_refused_and_the_server_goes_on(server: str, page: object, loan: Bundle) -> None:
    page.goto(f"{server}/?bundle=broken")  # type: ignore[attr-defined]
    body = wait_for_text(page, "cannot be opened")
    assert "damaged or incomplete" in body and "parameters" in body
    screenshot(page, "broken-bundle")
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=10) as response:
        assert response.status == 200
    decision_id = str(loan.decisions.index[3])
    page.goto(f"{server}/?bundle=loan&decision={decision_id}")  # type: ignore[attr-defined]
    body = wait_for_text(page, "How each input moved the score")
    assert explain_decision(loan, decision_id).prediction.headline in body


def test_the_tables_own_csv_export_is_off_and_the_safe_download_is_offered(server: str, page: object) -> None:
    page.goto(f"{server}/?bundle=loan")  # type: ignore[attr-defined]
    wait_for_text(page, "matching decisions")
    grid = page.locator("[data-testid='stDataFrame']").first  # type: ignore[attr-defined]
    grid.hover()
    time.sleep(1.0)
    toolbar = page.locator("[data-testid='stElementToolbar']")  # type: ignore[attr-defined]
    assert toolbar.count() >= 1, "the grid's toolbar appears on hover"
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # type: ignore[attr-defined]
    assert page.get_by_role("button", name="Prepare a CSV of the").count() == 1  # type: ignore[attr-defined]
