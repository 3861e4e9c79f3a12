"""Reasons never contradict the numbers they cite: every reason of every sample decision."""

from __future__ import annotations

import numpy as np

from explain import Bundle, explain_decisions
from explain.decision import value_side


def _named_side(bundle: Bundle, feature: str, statement: str) -> str | None:
    """Which side of the median a statement describes, from the spec (None: it names no side)."""
    spec = bundle.spec.feature(feature)
    if statement and statement == spec.reason_high:
        return "high"
    if statement and statement == spec.reason_low:
        return "low"
    if spec.expected_effect is None:
        return None
    adverse_side = "high" if (spec.expected_effect == "increases") == (bundle.spec.adverse == "above") else "low"
    if statement == spec.reason:
        return adverse_side
    if statement == spec.reason_favorable:
        return "low" if adverse_side == "high" else "high"
    return None


def test_every_statement_names_the_side_of_the_median_the_value_is_on(sample: Bundle) -> None:
    checked = 0
    for start in range(0, len(sample.decisions), 500):
        for result in explain_decisions(sample, list(sample.decisions.index[start : start + 500])):
            distance = abs(result.prediction.score - result.base.probability)
            for reason in result.reasons:
                assert abs(reason.contribution) >= 0.05 * distance - 1e-12, reason
                profile = sample.profile.features[reason.feature]
                if reason.neutral or profile.categorical:
                    continue
                value = result.contributions.values[result.contributions.features.index(reason.feature)]
                named = _named_side(sample, reason.feature, reason.statement)
                assert named is not None, reason
                assert named == value_side(profile, value), (
                    reason.statement,
                    value,
                    float(np.median(profile.sorted_values)),
                )
                checked += 1
    assert checked > 500


def test_the_neutral_wording_names_value_and_effect(churn: Bundle) -> None:
    found = [r for res in explain_decisions(churn, list(churn.decisions.index[:400])) for r in res.reasons if r.neutral]
    assert found
    for reason in found:
        assert reason.text.startswith(f"{reason.label}: ") and "with the other inputs it" in reason.text
        assert ("added" in reason.text) == (reason.contribution >= 0)
