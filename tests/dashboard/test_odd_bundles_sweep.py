"""Every page of every unusual-but-valid bundle renders without the generic error.

``explain validate`` accepts these bundles (checked first), so the pages must agree: each
page either shows its content or says plainly what the bundle lacks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from explain import check_bundle, load_bundle
from tests.dashboard.conftest import assert_healthy, open_app
from tests.odd_bundles import ODD_BUNDLES

PAGES = ["model", "importance", "dependence", "checks", "performance", "errors", "fairness", "drift"]
TABS = ["What would change it", "What if…", "Similar past decisions", "Case file"]


@pytest.mark.parametrize("name", list(ODD_BUNDLES))
def test_validate_accepts_the_odd_bundle(name: str, odd_dirs: list[Path]) -> None:
    assert check_bundle(next(p for p in odd_dirs if p.name == name)) == []


@pytest.mark.parametrize("name", list(ODD_BUNDLES))
def test_every_page_of_an_odd_bundle(name: str, odd_dirs: list[Path]) -> None:
    bundle = load_bundle(next(p for p in odd_dirs if p.name == name))
    at = open_app(bundle=name)
    assert any("matching decisions" in m.value for m in at.markdown)
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert_healthy(at)
        assert not any("This page cannot be shown" in e.value for e in at.error), (page, [e.value for e in at.error])
    decision = str(bundle.decisions.index[0])
    at = open_app(bundle=name, decision=decision)
    assert at.subheader, "the verdict is shown"
    for tab in TABS:
        at.session_state["decision_tool_tab"] = tab
        at.run()
        assert_healthy(at)
