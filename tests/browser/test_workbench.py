"""The fairness page of the real app on the loan sample, in headless Chromium."""

from __future__ import annotations

from tests.browser.conftest import screenshot, wait_for_text


def test_fairness_page_flags_the_planted_group(server: str, page: object) -> None:
    page.goto(f"{server}/fairness?bundle=loan")  # type: ignore[attr-defined]
    body = wait_for_text(page, "Inputs that predict", timeout=180)
    assert "Four-fifths rule: group “18-25”" in body
    page.wait_for_selector(".js-plotly-plot .barlayer .point", timeout=30_000)  # type: ignore[attr-defined]
    assert page.locator(".js-plotly-plot").count() >= 2  # type: ignore[attr-defined]
    screenshot(page, "fairness-loan")
