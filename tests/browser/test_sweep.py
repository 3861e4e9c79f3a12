"""A sweep of every page of every sample in headless Chromium, looking as a reader would.

Every business page (the decisions list, a favourable and an adverse decision with each
of its tools) and every workbench page is opened on each sample. On each page: no error,
no "None", "nan" or "inf" shown to the reader, no number with more digits than a person
reads, no label or table cell cut off, no two pieces of chart text drawn over each other,
the outcome in the spec's words, and (by the ``page`` fixture) no host but the app
contacted. Screenshots of every page land in ``tests/.screenshots`` for a person to look at.
"""

from __future__ import annotations

import re
import time

import pytest

from explain import Bundle, outcome_text
from explain.decision._decision import explain_decision
from sample_models import REGISTRY
from tests.browser.conftest import screenshot, wait_for_text

WORKBENCH = {
    "model": "Data dictionary",
    "importance": "How each input pushes the score",
    "dependence": "Partial dependence",
    "checks": "Explanation quality",
    "performance": "A cost-aware threshold",
    "errors": "The worst mistakes",
    "fairness": "Fairness",
    "drift": "Drift",
}
TASK_TITLES = {
    "model": "Data dictionary",
    "importance": "Importance · ",
    "dependence": "Dependence · ",
    "checks": "Checks · ",
    "performance": "Performance · ",
    "errors": "Where the model errs · ",
    "fairness": "Inputs that predict",
    "drift": "Drift · ",
}
TOOL_TABS = {
    "What would change it": "recourse",
    "What if…": "whatif",
    "Similar past decisions": "similar",
    "Case file": "casefile",
}

# A raw missing or non-finite value as a word on its own ("None of them" is English).
RAW_VALUE = re.compile(r"(?<![\w.])(None(?! of)|nan|NaN|inf|-inf|Infinity|null)(?![\w])")
# A number with four or more decimals, or an integer part of more than twelve digits.
LONG_NUMBER = re.compile(r"(?<![\w.])\d+\.\d{4,}(?![\w])|(?<![\w.])\d{13,}(?![\w])")

CLIPPED_JS = """
() => {
  const selectors = [
    '[data-testid="stWidgetLabel"]', 'h1', 'h2', 'h3', 'h4', '[data-testid="stMetricLabel"]',
    '[data-testid="stMetricValue"]', '[data-testid="stTable"] td', '[data-testid="stTable"] th',
    'button[role="tab"]', '[data-testid="stCaptionContainer"]'
  ];
  const out = [];
  for (const el of document.querySelectorAll(selectors.join(','))) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.offsetParent === null) continue;
    const clipsX = el.scrollWidth > el.clientWidth + 2 && style.overflowX !== 'visible' && style.overflowX !== 'auto';
    const clipsY = el.scrollHeight > el.clientHeight + 2 && style.overflowY === 'hidden';
    const ellipsis = [el, ...el.querySelectorAll('*')].some(
      (n) => getComputedStyle(n).textOverflow === 'ellipsis' && n.scrollWidth > n.clientWidth + 1);
    if (clipsX || clipsY || ellipsis) out.push(el.innerText.slice(0, 80));
  }
  return out;
}
"""

OVERLAP_JS = """
() => {
  const found = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, p) => {
    const boxes = [];
    plot.querySelectorAll('svg text').forEach((t) => {
      const text = (t.textContent || '').trim();
      const style = getComputedStyle(t);
      if (!text || style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return;
      if (Number(t.getAttribute('opacity') || 1) === 0 || t.closest('[opacity="0"]')) return;
      const r = t.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) return;
      boxes.push({text, r});
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w <= 0 || h <= 0) continue;
        const smaller = Math.min(a.width * a.height, b.width * b.height);
        if (w * h > 0.15 * smaller) found.push(`chart ${p}: "${boxes[i].text}" over "${boxes[j].text}"`);
      }
    }
  });
  return found;
}
"""


def settle(page: object, heading: str, timeout: float = 240) -> str:
    """Wait for ``heading``, then until no spinner runs and the text stops changing."""
    body = wait_for_text(page, heading, timeout=timeout)
    deadline = time.time() + timeout
    stable_since = time.time()
    while time.time() < deadline:
        time.sleep(0.5)
        now = page.inner_text("body").replace("\u2060", "")  # type: ignore[attr-defined]
        busy = page.locator('[data-testid="stSpinner"], [data-testid="stStatusWidget"]').count()  # type: ignore[attr-defined]
        if now != body or busy or "Running..." in now:
            body, stable_since = now, time.time()
        elif time.time() - stable_since >= 1.5:
            return body
    raise AssertionError(f"the page never settled after {heading!r}")


def look(page: object, name: str, body: str) -> list[str]:
    """Everything a reader would notice on the page, as a list of complaints."""
    complaints: list[str] = []
    if page.locator('[data-testid="stException"]').count():  # type: ignore[attr-defined]
        complaints.append("a traceback is shown")
    if "Something went wrong" in body:
        complaints.append("the page failed to draw")
    # the small print names library versions and the bundle's fingerprint: not for this check
    reader_text = "\n".join(line for line in body.splitlines() if not line.startswith("Bundle "))
    complaints += [f"raw value {m.group(0)!r}" for m in RAW_VALUE.finditer(reader_text)]
    complaints += [f"long number {m.group(0)!r}" for m in LONG_NUMBER.finditer(reader_text)]
    complaints += [f"cut off: {t!r}" for t in page.evaluate(CLIPPED_JS)]  # type: ignore[attr-defined]
    complaints += page.evaluate(OVERLAP_JS)  # type: ignore[attr-defined]
    screenshot(page, f"sweep-{name}")
    return [f"{name}: {c}" for c in complaints]


def _one_each_way(bundle: Bundle) -> tuple[str, str]:
    """The first favourable and the first adverse decision of the bundle."""
    favourable = adverse = ""
    for decision_id in bundle.decisions.index[:200]:
        result = explain_decision(bundle, str(decision_id))
        if result.prediction.adverse and not adverse:
            adverse = str(decision_id)
        if not result.prediction.adverse and not favourable:
            favourable = str(decision_id)
        if favourable and adverse:
            return favourable, adverse
    raise AssertionError(f"{bundle.key} has no favourable and adverse decision among its first 200")


@pytest.mark.browser
@pytest.mark.parametrize("sample_name", list(REGISTRY))
def test_every_business_page_reads_well(
    server: str, page: object, bundles: dict[str, Bundle], sample_name: str
) -> None:
    bundle = bundles[sample_name]
    known = bundle.decisions[bundle.spec.outcome_column].head(100).dropna()  # type: ignore[index]
    labels = {outcome_text(bundle, o) for o in known}
    if bundle.spec.task == "regression":  # known amounts sit in the grid's canvas; the filter names the target
        labels = {bundle.spec.target.label}
    complaints: list[str] = []
    page.goto(f"{server}/?bundle={sample_name}")  # type: ignore[attr-defined]
    body = settle(page, "matching decisions")
    assert any(label.lower() in body.lower() for label in labels), f"no outcome in the spec's words {labels}"
    complaints += look(page, f"{sample_name}-decisions", body)
    for side, decision_id in zip(("favourable", "adverse"), _one_each_way(bundle), strict=True):
        page.goto(f"{server}/decision?bundle={sample_name}&decision={decision_id}")  # type: ignore[attr-defined]
        body = settle(page, "How each input moved the")
        page.wait_for_selector(".js-plotly-plot .waterfalllayer .point", timeout=30_000)  # type: ignore[attr-defined]
        known = bundle.decisions.loc[decision_id].get(bundle.spec.outcome_column or "", None)
        if known is not None and known == known:
            assert outcome_text(bundle, known) in body, f"{decision_id}: outcome not in the spec's words"
        complaints += look(page, f"{sample_name}-{side}", body)
        for tab, slug in TOOL_TABS.items():
            page.get_by_role("tab", name=tab).click()  # type: ignore[attr-defined]
            body = settle(page, "How each input moved the")
            complaints += look(page, f"{sample_name}-{side}-{slug}", body)
    assert not complaints, "\n".join(complaints)


@pytest.mark.browser
@pytest.mark.parametrize("sample_name", list(REGISTRY))
def test_every_workbench_page_reads_well(server: str, page: object, sample_name: str) -> None:
    complaints: list[str] = []
    binary = REGISTRY[sample_name].SPEC.get("task", "binary") == "binary"
    for path, heading in WORKBENCH.items():
        page.goto(f"{server}/{path}?bundle={sample_name}")  # type: ignore[attr-defined]
        # other tasks' pages differ below their title; settle() waits for them to finish drawing
        body = settle(page, heading if binary else TASK_TITLES[path])
        complaints += look(page, f"{sample_name}-{path}", body)
    assert not complaints, "\n".join(complaints)
