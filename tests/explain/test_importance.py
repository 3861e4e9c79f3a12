"""Global importance: scorer choice, bootstrap metrics, known rankings, agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score

from explain import Bundle
from explain.attribution._importance import permutation_importance, shap_importance, weighted_scores


@pytest.mark.parametrize("scoring", ["roc_auc", "average_precision", "log_loss"])
def test_weighted_scores_equal_sklearn(scoring: str) -> None:
    rng = np.random.default_rng(1)
    y = (rng.random(500) < 0.2).astype(int)
    p = np.round(rng.random(500) * 0.5 + 0.3 * y, 2)  # rounding makes ties
    reference = {"roc_auc": roc_auc_score, "average_precision": average_precision_score, "log_loss": log_loss}[scoring]
    assert weighted_scores(scoring, y, p, np.ones((1, 500)))[0] == pytest.approx(reference(y, p), abs=1e-12)
    counts = rng.multinomial(500, np.full(500, 1 / 500), size=3)
    for row in counts:
        idx = np.repeat(np.arange(500), row)
        assert weighted_scores(scoring, y, p, row[None, :])[0] == pytest.approx(reference(y[idx], p[idx]), abs=1e-12)


def test_permutation_importance_ranks_a_linear_model_by_its_coefficients() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    n = 4000
    x = pd.DataFrame({name: rng.normal(size=n) for name in ["strong", "medium", "weak", "none"]})
    logits = 2.0 * x.strong + 1.0 * x.medium + 0.4 * x.weak
    y = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    model = LogisticRegression().fit(x, y)
    ref = x.assign(y=y)
    bundle = Bundle.from_estimator(model, x.iloc[:100], outcome_column="y", reference=ref)
    progress: list[float] = []
    result = permutation_importance(bundle, n_repeats=3, n_bootstrap=50, progress=lambda f, m: progress.append(f))
    assert result.scoring == "roc_auc"
    assert list(result.to_frame()["feature"]) == ["strong", "medium", "weak", "none"]
    frame = result.to_frame().set_index("feature")
    assert frame.loc["none", "low"] <= 0 <= frame.loc["none", "high"] + 1e-3
    assert (frame["low"] <= frame["importance"]).all() and (frame["importance"] <= frame["high"]).all()
    assert progress[-1] == 1.0 and progress == sorted(progress)


def test_default_scorer_is_average_precision_for_rare_positives(fraud: Bundle, loan: Bundle) -> None:
    rare = permutation_importance(fraud, n_repeats=1, n_bootstrap=10, max_rows=3000)
    assert rare.scoring == "average_precision" and rare.scoring_name == "average precision"
    common = permutation_importance(loan, n_repeats=1, n_bootstrap=10, max_rows=1000)
    assert common.scoring == "roc_auc" and common.n_rows == 1000


def test_top_three_agree_between_permutation_and_shap(sample: Bundle) -> None:
    perm = permutation_importance(sample, n_repeats=3, n_bootstrap=20).to_frame()
    shap = shap_importance(sample, n_bootstrap=20).to_frame()
    shared = set(perm["feature"][:3]) & set(shap["feature"][:3])
    assert len(shared) >= 2, (list(perm["feature"][:3]), list(shap["feature"][:3]))


def test_shap_importance_on_any_table(churn: Bundle) -> None:
    on_current = shap_importance(churn, data="current", max_rows=300, n_bootstrap=20)
    assert on_current.data == "current" and on_current.n_rows == 300
    frame = churn.decisions.iloc[:100]
    custom = shap_importance(churn, data=frame, n_bootstrap=20)
    assert custom.data == "custom" and custom.n_rows == 100
    assert np.all(custom.low <= custom.importance + 1e-12) and np.all(custom.importance <= custom.high + 1e-12)
