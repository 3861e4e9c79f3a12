"""Every page of every unusual-but-valid bundle renders without the generic error.

``explain validate`` accepts these bundles (checked first), so the pages must agree: each
page either shows its content or says plainly what the bundle lacks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from explain import check_bundle, load_bundle
from tests.dashboard.conftest import open_app, visit_every_page, visit_every_tool
from tests.odd_bundles import ODD_BUNDLES


@pytest.mark.parametrize("name", list(ODD_BUNDLES))
def test_validate_accepts_the_odd_bundle(name: str, odd_dirs: list[Path]) -> None:
    assert check_bundle(next(p for p in odd_dirs if p.name == name)) == []


@pytest.mark.parametrize("name", list(ODD_BUNDLES))
def test_every_page_of_an_odd_bundle(name: str, odd_dirs: list[Path]) -> None:
    bundle = load_bundle(next(p for p in odd_dirs if p.name == name))
    at = open_app(bundle=name)
    assert any("matching decisions" in m.value for m in at.markdown)
    visit_every_page(at)
    decision = str(bundle.decisions.index[0])
    at = open_app(bundle=name, decision=decision)
    assert at.subheader, "the verdict is shown"
    visit_every_tool(at)
