"""The explanations find what the generators planted (GROUND_TRUTH)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from explain import Bundle, shap_values
from sample_models import REGISTRY


def test_true_drivers_outrank_noise(sample: Bundle) -> None:
    truth = REGISTRY[sample.key].GROUND_TRUTH
    result = shap_values(sample, data="reference", max_rows=2000)
    importance = pd.Series(np.abs(result.values).mean(axis=0), index=result.feature_names)
    weakest_driver = min(importance[d] for d in truth.drivers)
    strongest_noise = max(importance[n] for n in truth.noise)
    assert truth.weak_driver in truth.drivers
    assert weakest_driver > strongest_noise, importance.sort_values()


def test_ground_truth_is_complete(sample: Bundle) -> None:
    truth = REGISTRY[sample.key].GROUND_TRUTH
    inputs = set(sample.features)
    assert set(truth.drivers) <= inputs and set(truth.noise) <= inputs
    assert len(truth.noise) >= 2
    assert truth.drift_feature in inputs and truth.drift_feature not in truth.independent_of_drift
    assert set(truth.independent_of_drift) <= inputs
    assert sample.spec.sensitive_columns, "every sample has a sensitive column"
    for name in sample.spec.sensitive_columns:
        assert name not in inputs


def test_loan_group_gap_is_below_four_fifths(loan: Bundle) -> None:
    gap = REGISTRY["loan"].GROUND_TRUTH.group_gap
    ref = loan.reference
    assert ref is not None
    scores = loan.model.predict_score(ref)
    favourable = pd.Series(scores < loan.spec.decision.threshold, index=ref.index)
    rates = favourable.groupby(ref[gap["column"]].astype(str)).mean()
    assert rates.size > 2
    ratio = rates[gap["group"]] / rates.max()
    assert ratio < gap["ratio_below"]
