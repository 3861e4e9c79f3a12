"""A bundle whose user text tries to inject HTML and Markdown, for the safety tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from explain import write_bundle
from explain.bundle._spec_parse import parse_spec

IMG = "<img src=x onerror=alert(1)>"
LINK = "[click](http://example.com)"
PICTURE = "![](http://example.com/p.png)"
HOSTILE = (IMG, LINK, PICTURE)
ICON = ":material/home:"  # Streamlit draws Material icon shortcodes, even with the colons escaped
QUOTED = 'the "quoted" kind'
#: Cells a spreadsheet would run as formulas, in the ways that slip past a naive check.
FORMULAS = (
    '=HYPERLINK("http://example.com","open")',
    "-cmd|' /C calc'!A0",
    " =1+1",
    "\uff1d1+1",
    "\r=1+1",
    "\t@SUM(1,1)",
    "\u200b+1",
)


def build_hostile_bundle(target: Path) -> Path:
    """Write a small LightGBM bundle with hostile labels, descriptions, units, categories and ids."""
    import lightgbm as lgb

    rng = np.random.default_rng(0)
    n = 900
    categories = [IMG, LINK, PICTURE, "plain"]
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "x3": rng.normal(size=n),
            "kind": pd.Categorical(rng.choice(categories, n), categories=categories),
            "group": rng.choice([IMG, LINK, PICTURE], n),
        }
    )
    logits = frame.x1 - 0.5 * frame.x2 + (frame.kind == IMG) * 1.0
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    ids = [f"{HOSTILE[i % 3]}-{i}" for i in range(n)]
    ids[500] = IMG  # a decision whose id is nothing but the attack
    for k, formula in enumerate(FORMULAS):  # decisions whose ids a spreadsheet would execute
        ids[600 + k] = formula
    frame.insert(0, "case", ids)
    features = ["x1", "x2", "x3", "kind"]
    model = lgb.train(
        {
            "objective": "binary",
            "verbose": -1,
            "num_leaves": 7,
            "seed": 0,
            "deterministic": True,
            "num_threads": 1,
            "min_data_per_group": 10,
            "cat_smooth": 1,
        },
        lgb.Dataset(frame.iloc[:500][features], label=frame.iloc[:500]["y"]),
        num_boost_round=20,
    )
    spec = parse_spec(
        {
            "name": f"Hostile {LINK} {ICON}",
            "id_column": "case",
            "outcome_column": "y",
            "score_label": f"risk {PICTURE}",
            "decision": {"threshold": 0.5, "above": f"Flagged {IMG}", "below": f"Cleared {LINK}"},
            "recourse": True,
            "features": {
                "x1": {
                    "label": IMG,
                    "description": LINK,
                    "unit": PICTURE,
                    "reason": IMG,
                    "reason_favorable": LINK,
                    "actionable": True,
                    "expected_effect": "increases",
                },
                "x2": {
                    "label": LINK,
                    "description": PICTURE,
                    "unit": IMG,
                    "reason": LINK,
                    "reason_favorable": PICTURE,
                    "actionable": True,
                },
                "x3": {
                    "label": PICTURE,
                    "description": IMG,
                    "unit": LINK,
                    "reason": FORMULAS[1],
                    "reason_favorable": FORMULAS[3],
                },
                "kind": {
                    "label": f"Kind {IMG} {QUOTED}",
                    "description": PICTURE,
                    "reason": LINK,
                    "reason_favorable": IMG,
                },
            },
            "columns": {"group": {"label": f"Group {LINK}", "sensitive": True, "description": IMG}},
        },
        source="hostile",
    )
    return write_bundle(
        target,
        spec=spec,
        model=model,
        decisions=frame.iloc[500:700],
        reference=frame.iloc[700:],
        current=frame.iloc[500:700].drop(columns="y"),
    )


def assert_no_live_markup(text: str) -> None:
    """Raw HTML or live Markdown links/images must never reach a Markdown element unescaped."""
    import re

    assert not re.search(r"(?<!\\)<img", text), text
    assert not re.search(r"(?<!\\)\]\(", text), text
    assert not re.search(r"(?<!\\)!(?<!\\)\[", text), text
