"""The real app in headless Chromium: a deep link, navigation, and hostile text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from explain import Bundle
from explain.decision._decision import explain_decision
from tests.browser.conftest import screenshot, wait_for_text


def test_deep_link_navigation_and_url(server: str, page: object, loan: Bundle) -> None:
    decision_id = str(loan.decisions.index[11])
    expected = explain_decision(loan, decision_id)
    page.goto(f"{server}/?bundle=loan&decision={decision_id}")  # type: ignore[attr-defined]
    body = wait_for_text(page, "How each input moved the score")
    assert expected.prediction.headline in body
    page.wait_for_selector(".js-plotly-plot .waterfalllayer .point", timeout=30_000)  # type: ignore[attr-defined]
    assert page.locator(".js-plotly-plot").count() == 1  # type: ignore[attr-defined]
    screenshot(page, "decision-loan")

    page.get_by_role("link", name="Decisions").click()  # type: ignore[attr-defined]
    wait_for_text(page, "matching decisions")
    time.sleep(1.0)
    assert f"decision={decision_id}" in page.url and "bundle=loan" in page.url  # type: ignore[attr-defined]
    screenshot(page, "decisions-loan")

    page.get_by_role("link", name="Decision", exact=True).click()  # type: ignore[attr-defined]
    body = wait_for_text(page, "How each input moved the score")
    assert expected.prediction.headline in body
    time.sleep(0.5)
    assert f"decision={decision_id}" in page.url  # type: ignore[attr-defined]


def test_hostile_bundle_renders_literal_text(server: str, page: object) -> None:
    from urllib.parse import quote

    from tests.hostile import ICON, IMG, QUOTED

    for url in (f"{server}/?bundle=hostile", f"{server}/?bundle=hostile&decision={quote(IMG)}"):
        page.goto(url)  # type: ignore[attr-defined]
        body = wait_for_text(page, "matching decisions" if "decision=" not in url else "Hostile")
        if "decision=" in url:
            body = wait_for_text(page, "How each input moved the score")
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)  # type: ignore[attr-defined]
        body = body.replace("\u2060", "")  # the invisible word joiner that breaks autolinks
        assert IMG in body and "[click](http://example.com)" in body
        assert ICON in body  # the shortcode is shown as text, not drawn as an icon
        assert page.locator("img[src='x']").count() == 0  # type: ignore[attr-defined]
        assert page.locator("a[href*='example.com']").count() == 0  # type: ignore[attr-defined]
        assert page.locator("img[src*='example.com']").count() == 0  # type: ignore[attr-defined]
    chart_text = page.locator(".js-plotly-plot").first.inner_text()  # type: ignore[attr-defined]
    assert QUOTED in chart_text and "&quot;" not in chart_text and "&lt;" not in chart_text
    screenshot(page, "decision-hostile")


def test_case_file_downloads_from_the_browser(server: str, page: object, loan: Bundle) -> None:
    decision_id = str(loan.decisions.index[5])
    expected = explain_decision(loan, decision_id)
    page.goto(f"{server}/?bundle=loan&decision={decision_id}")  # type: ignore[attr-defined]
    wait_for_text(page, "How each input moved the score")
    page.get_by_role("tab", name="Case file").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Prepare the case file").click()  # type: ignore[attr-defined]
    button = page.get_by_role("button", name="Download the case file (HTML)")  # type: ignore[attr-defined]
    button.wait_for(state="visible", timeout=30_000)
    wait_for_text(page, "Download the case file")
    with page.expect_download(timeout=60_000) as info:  # type: ignore[attr-defined]
        button.click()
    download = info.value
    html = Path(download.path()).read_text(encoding="utf-8")
    assert loan.fingerprint in html and expected.prediction.verdict in html
    assert "<script" not in html and "<svg" in html and len(html.encode()) < 1_000_000
    screenshot(page, "decision-case-file")


@pytest.mark.parametrize("name", ["grades", "limits"])
def test_a_grade_and_a_limit_open_by_deep_link(server: str, page: object, name: str) -> None:
    """A shared link to a multiclass or regression decision shows its verdict, its chart and
    the class picker (grades) or the estimate in dollars (limits)."""
    first = "A0200001" if name == "grades" else "M0300001"
    page.goto(f"{server}/?bundle={name}&decision={first}")  # type: ignore[attr-defined]
    body = wait_for_text(page, "All inputs")
    page.wait_for_selector(".js-plotly-plot .waterfalllayer .point", timeout=30_000)  # type: ignore[attr-defined]
    chart = page.locator(".js-plotly-plot").first.inner_text()  # type: ignore[attr-defined]
    if name == "grades":
        assert "Chance of each class" in body and "Explain the chance of" in body
        assert "likely; next Grade" in body or "Referred to an underwriter" in body
    else:
        assert "(Credit limit: $" in body, body[:800]
        assert "Average estimate" in chart and "Credit limit ($)" in chart
    screenshot(page, f"decision-{name}")
