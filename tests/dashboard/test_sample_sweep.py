"""Every page of every sample (binary, multiclass and regression) renders without an error:
the decisions list, every workbench page, and an adverse and a favourable decision with each
of its tools."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explain import load_bundle, task_decisions
from sample_models import REGISTRY
from tests.dashboard.conftest import open_app, visit_every_page, visit_every_tool


def _decisions(name: str) -> list[str]:
    """One decision the spec calls adverse and one it does not (binary: by the threshold)."""
    bundle = load_bundle(Path(os.environ["EXPLAIN_SAMPLES_DIR"]) / name)
    if bundle.spec.task == "binary":
        scores = bundle.model.predict_score(bundle.decisions)
        adverse = (scores >= bundle.spec.decision.threshold) == (bundle.spec.favorable == "below")
    else:
        table = task_decisions(bundle)
        worst = table["predicted"].iloc[int(table["value"].argmin())] if bundle.spec.task == "regression" else None
        adverse = (table["predicted"] == worst).to_numpy() if worst is not None else (
            table["verdict"].isin([bundle.spec.classes.label(c) for c in bundle.model.classes
                                   if bundle.spec.classes.is_adverse(c)]).to_numpy()
        )  # fmt: skip
    ids = bundle.decisions.index.astype(str)
    return [str(ids[adverse][0]), str(ids[~adverse][0])]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_page_of_every_sample(name: str) -> None:
    at = open_app(bundle=name)
    assert any("matching decisions" in m.value for m in at.markdown)
    visit_every_page(at)
    for decision in _decisions(name):
        at = open_app(bundle=name, decision=decision)
        assert at.subheader, "the verdict is shown"
        visit_every_tool(at)
