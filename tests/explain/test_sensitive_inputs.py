"""A model that uses a sensitive input (here an age band): never a reason, never changed by a
suggestion, and said plainly where it moved the score."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from explain import Bundle, explain_decisions, group_fairness, model_card, suggest_changes

AGES = ["18-25", "26-40", "41-60", "61+"]


@pytest.fixture(scope="module")
def aged() -> Bundle:
    rng = np.random.default_rng(7)
    n = 3_000
    frame = pd.DataFrame(
        {
            "case": [f"A{i:05d}" for i in range(n)],
            "income": rng.normal(50_000, 15_000, n).round(-2),
            "debt": rng.uniform(0, 60, n).round(1),
            "age_band": pd.Categorical(rng.choice(AGES, n), categories=AGES),
        }
    )
    logit = -2 + frame.debt / 20 - (frame.income - 50_000) / 20_000 + 2.0 * (frame.age_band == "18-25")
    frame["bad"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    inputs = ["income", "debt", "age_band"]
    params = {"objective": "binary", "num_leaves": 15, "verbose": -1, "seed": 0, "min_data_per_group": 20}
    model = lgb.train(params, lgb.Dataset(frame.iloc[:1500][inputs], frame.iloc[:1500]["bad"]), num_boost_round=60)
    spec = {
        "decision": {"threshold": 0.3, "above": "Declined", "below": "Approved"},
        "recourse": True,
        "features": {
            "income": {"label": "Income", "unit": "$", "actionable": True, "expected_effect": "decreases",
                       "reason": "Income is low", "reason_favorable": "Income is comfortable"},
            "debt": {"label": "Debt ratio", "unit": "%", "actionable": True, "change": "decrease_only",
                     "expected_effect": "increases", "reason": "Debt is high", "reason_favorable": "Debt is low"},
            "age_band": {"label": "Age band", "sensitive": True, "actionable": True},
        },
    }  # fmt: skip
    return Bundle.from_estimator(
        model, frame.iloc[1500:2500], id_column="case", outcome_column="bad", reference=frame.iloc[2500:], spec=spec
    )


def test_a_sensitive_input_is_never_a_reason_and_its_effect_is_said(aged: Bundle) -> None:
    results = explain_decisions(aged, list(aged.decisions.index))
    assert not any(r.feature == "age_band" for res in results for r in res.reasons)
    assert not any("Age band" in res.summary for res in results)
    noticed = [res for res in results if res.notices]
    assert len(noticed) > 50  # the age band often drives the score
    for res in noticed:
        age = res.contributions.probability[res.contributions.features.index("age_band")]
        smallest = min((abs(r.contribution) for r in res.reasons), default=0.0)
        assert abs(age) > smallest
        assert res.notices[0].startswith("This model also uses Age band, which is not given as a reason; it moved the")


def test_suggestions_never_change_a_sensitive_input(aged: Bundle) -> None:
    scores = aged.model.predict_score(aged.decisions)
    adverse = list(aged.decisions.index[scores >= 0.3][:30])
    assert adverse
    changed = {c.feature for d in adverse for s in suggest_changes(aged, str(d)).suggestions for c in s.changes}
    assert changed and "age_band" not in changed


def test_model_card_and_fairness_say_the_model_uses_it(aged: Bundle) -> None:
    card = model_card(aged)
    row = card.dictionary.set_index("column").loc["age_band"]
    assert row["role"] == "model input" and row["sensitive"] == "yes"
    assert card.sensitive_inputs["age_band"] > 0.05
    fairness = group_fairness(aged, shap_rows=300)
    assert fairness.column("age_band").model_input
    assert fairness.sensitive_inputs["age_band"] == pytest.approx(card.sensitive_inputs["age_band"], abs=0.1)
