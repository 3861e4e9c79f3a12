"""One explained decision: golden text, the probability view, reasons, percentiles, warnings."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, explain_decisions
from explain.bundle._formatting import format_percent, format_score
from explain.decision._decision import NEAR_THRESHOLD, explain_decision
from explain.models._base import sigmoid


def _first(bundle: Bundle, *, adverse: bool) -> str:
    scores = bundle.model.predict_score(bundle.decisions)
    above = scores >= bundle.spec.decision.threshold
    mask = above if (bundle.spec.adverse == "above") == adverse else ~above
    return str(bundle.decisions.index[np.flatnonzero(mask)[0]])


def test_golden_summary_of_a_fixed_adverse_decision(sample: Bundle) -> None:
    decision_id = _first(sample, adverse=True)
    result = explain_decision(sample, decision_id)
    summary = result.summary
    p = result.prediction
    assert p.adverse and p.verdict == sample.spec.decision.above
    assert summary.startswith(
        f"{p.verdict}: {sample.spec.score_label} {format_score(p.score, p.threshold)}, above the "
    )
    assert f"the {format_percent(sample.spec.decision.threshold)} limit" in summary
    assert len(result.reasons) >= 2
    for reason in result.reasons[:2]:
        assert f"({reason.label}: {reason.value_text}, {reason.percentile_text})" in summary
        assert reason.percentile_text in summary
        unit = sample.spec.feature(reason.feature).unit
        assert unit.rstrip("s") in reason.value_text or reason.value_text == "not provided"
    # no raw column name that differs from its label, no sensitive column
    for name, feature in sample.spec.features.items():
        if name != feature.label:
            assert not re.search(rf"\b{re.escape(name)}\b", summary), name
    for column in sample.spec.columns.values():
        if column.sensitive:
            assert column.name not in summary and column.label not in summary


def test_golden_text_loan() -> None:
    """A fully pinned text for a hand-built loan-like bundle (no randomness)."""
    from sklearn.linear_model import LogisticRegression

    x = pd.DataFrame({"debt_to_income": [10.0, 20, 30, 40, 50, 60], "income": [90e3, 80e3, 70e3, 60e3, 50e3, 40e3]})
    y = [0, 0, 0, 1, 1, 1]
    spec = {
        "score_label": "estimated default risk",
        "decision": {"threshold": 0.2, "above": "Declined", "below": "Approved"},
        "features": {
            "debt_to_income": {
                "label": "Debt-to-income ratio",
                "unit": "%",
                "decimals": 1,
                "expected_effect": "increases",
                "reason": "Debt obligations are high relative to income",
            },
            "income": {
                "label": "Annual income",
                "unit": "$",
                "decimals": 0,
                "expected_effect": "decreases",
                "reason": "Income is low",
            },
        },
    }
    model = LogisticRegression(C=1e-4).fit(x.assign(income=x.income / 1_000), y)
    model.coef_[0, 1] /= 1_000  # the same model on income in dollars, so both inputs matter
    bundle = Bundle.from_estimator(
        model, x.assign(id=list("abcdef")), id_column="id", reference=x.assign(id=list("ABCDEF")), spec=spec
    )
    result = explain_decision(bundle, "f")
    score = format_percent(result.prediction.score)
    assert result.summary == (
        f"Declined: estimated default risk {score}, above the 20% limit. The main reasons: "
        "income is low (Annual income: $40,000, 16th percentile); debt obligations are high relative to income "
        "(Debt-to-income ratio: 60.0%, 100th percentile)."
    ) or result.summary == (
        f"Declined: estimated default risk {score}, above the 20% limit. The main reasons: "
        "debt obligations are high relative to income (Debt-to-income ratio: 60.0%, 100th percentile); "
        "income is low (Annual income: $40,000, 16th percentile)."
    )


def test_probability_view_adds_up_and_keeps_signs(sample: Bundle) -> None:
    for decision_id in sample.decisions.index[:40]:
        result = explain_decision(sample, decision_id)
        c = result.contributions
        f = result.base.raw + c.raw.sum()
        expected = sigmoid(np.array(f)) - sigmoid(np.array(result.base.raw))
        if result.stamp.output_space == "probability":
            expected = f - result.base.raw
        assert abs(c.probability.sum() - expected) < 1e-9
        assert np.all(np.sign(c.probability) == np.sign(c.raw))
        assert abs(result.base.probability + c.probability.sum() - result.prediction.score) < 1e-9


def test_probability_view_when_the_score_equals_the_baseline() -> None:
    from explain.attribution._shap import probability_view

    raw = np.array([0.3, -0.3])
    out = probability_view(raw, 0.5, 0.5, "log-odds")
    s = sigmoid(np.array(0.5))
    np.testing.assert_allclose(out, raw * s * (1 - s))


def test_a_sensitive_column_cannot_be_a_model_input(loan: Bundle) -> None:
    from explain import SpecError

    spec = {"columns": {"debt_to_income": {"label": "DTI", "sensitive": True}}}
    with pytest.raises(SpecError, match=r"\[columns.debt_to_income\] is a model input; list it under \[features"):
        Bundle.from_estimator(loan.model.estimator, loan.decisions, spec=spec)


def test_at_most_four_reasons(sample: Bundle) -> None:
    rng = np.random.default_rng(0)
    ids = rng.choice(sample.decisions.index.to_numpy(), size=100, replace=False)
    assert max(len(r.reasons) for r in explain_decisions(sample, list(ids))) <= 4


def test_reasons_follow_the_verdict(sample: Bundle) -> None:
    for adverse in (True, False):
        result = explain_decision(sample, _first(sample, adverse=adverse))
        fs = sample.spec.feature
        toward_above = result.prediction.side == "above"
        contributions = [r.contribution_raw for r in result.reasons]
        assert contributions == sorted(contributions, key=lambda v: -abs(v))  # largest first
        for reason in result.reasons:
            assert (reason.contribution_raw > 0) == toward_above
            expected = fs(reason.feature).reason if adverse else fs(reason.feature).reason_favorable
            assert reason.statement == expected


def test_percentiles_match_an_independent_computation(loan: Bundle) -> None:
    ref = loan.reference
    assert ref is not None
    for decision_id in loan.decisions.index[:25]:
        result = explain_decision(loan, decision_id)
        c = result.contributions
        for j, name in enumerate(c.features):
            value = c.values[j]
            if pd.isna(value):
                assert np.isnan(c.percentiles[j]) and c.percentile_texts[j] == "not provided"
                assert c.value_texts[j] == "not provided"
            elif c.categorical[j]:
                share = (ref[name].astype(str) == str(value)).sum() / len(ref)
                assert c.percentiles[j] == pytest.approx(share, abs=1e-12)
            else:
                column = ref[name].dropna()
                assert c.percentiles[j] == pytest.approx((column <= value).mean(), abs=1e-12)


def test_prediction_equals_the_model_and_threshold_ties_are_above(loan: Bundle) -> None:
    decision_id = loan.decisions.index[7]
    result = explain_decision(loan, decision_id)
    score = loan.model.estimator.predict(loan.model.prepare(loan.decisions.loc[[decision_id]]))[0]
    assert result.prediction.score == pytest.approx(score, abs=1e-12)
    assert loan.spec.decision.side(loan.spec.decision.threshold) == "above"


def _row(bundle: Bundle, decision_id: str) -> pd.DataFrame:
    return bundle.decisions.loc[[decision_id]].copy()


def test_warnings_out_of_range_unseen_category_and_near_threshold(loan: Bundle) -> None:
    ordinary = None
    for decision_id in loan.decisions.index[:200]:
        r = explain_decision(loan, decision_id)
        if not r.warnings:
            ordinary = decision_id
            break
    assert ordinary is not None, "an ordinary decision produces no warnings"

    far = _row(loan, ordinary)
    far["debt_to_income"] = 250.0
    warnings = explain_decision(loan, ordinary, data=far).warnings
    assert any("Debt-to-income ratio is 250.0%, outside the range of 98%" in w for w in warnings)

    unseen = _row(loan, ordinary)
    unseen["loan_purpose"] = pd.Categorical(["crypto"])
    warnings = explain_decision(loan, ordinary, data=unseen).warnings
    assert any("Loan purpose: the value crypto was never seen" in w for w in warnings)

    # move the score onto the threshold by editing the strongest input until it is close
    near = _row(loan, ordinary)
    threshold = loan.spec.decision.threshold
    for dti in np.linspace(0, 60, 601):
        near["debt_to_income"] = dti
        if abs(loan.model.predict_score(near)[0] - threshold) < NEAR_THRESHOLD / 2:
            break
    warnings = explain_decision(loan, ordinary, data=near).warnings
    assert any("points of the 20% limit" in w for w in warnings), warnings


def test_base_and_audit(fraud: Bundle) -> None:
    result = explain_decision(fraud, fraud.decisions.index[0])
    assert result.base.probability == pytest.approx(float(sigmoid(np.array(result.base.raw))))
    assert result.base.observed_rate == pytest.approx(fraud.reference["is_fraud"].mean())  # type: ignore[index]
    assert result.stamp.fingerprint == fraud.fingerprint
    assert "TreeSHAP" in result.stamp.explainer and result.stamp.output_space == "log-odds"
    assert dict(result.stamp.versions)["shap"]
    frame = result.to_frame()
    frame.loc[0, "label"] = "changed"
    assert "changed" not in result.contributions.labels


def test_top_reasons_equal_the_full_explanations(sample: Bundle) -> None:
    from explain.decision._decision import explain_decisions, top_reasons

    ids = [str(i) for i in sample.decisions.index[:60]]
    full = [r.reasons[0].statement if r.reasons else "" for r in explain_decisions(sample, ids)]
    assert top_reasons(sample, ids) == full
