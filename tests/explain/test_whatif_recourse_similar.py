"""What-if, recourse and similar cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, ExplainError
from explain.bundle._profile import population_profile
from explain.decision._recourse import suggest_changes
from explain.decision._similar import similar_cases
from explain.decision._whatif import input_ranges, what_if


def _adverse_ids(bundle: Bundle, n: int, seed: int = 0) -> list[str]:
    scores = bundle.model.predict_score(bundle.decisions)
    adverse = bundle.decisions.index[scores >= bundle.spec.decision.threshold]
    rng = np.random.default_rng(seed)
    return [str(i) for i in rng.choice(adverse.to_numpy(), size=min(n, len(adverse)), replace=False)]


def test_what_if_score_equals_the_model_on_the_edited_row(loan: Bundle) -> None:
    decision_id = str(loan.decisions.index[4])
    before = loan.decisions.loc[decision_id].copy()
    result = what_if(loan, decision_id, {"debt_to_income": 5.0})
    edited = loan.decisions.loc[[decision_id]].copy()
    edited["debt_to_income"] = 5.0
    expected = loan.model.estimator.predict(loan.model.prepare(edited))[0]
    assert result.edited.prediction.score == pytest.approx(expected, abs=1e-12)
    j = loan.features.index("debt_to_income")
    assert result.edited.contributions.raw[j] != result.original.contributions.raw[j]
    assert result.changes == {"debt_to_income": (before["debt_to_income"], 5.0)}
    pd.testing.assert_series_equal(loan.decisions.loc[decision_id], before)  # the stored row is untouched
    frame = result.to_frame()
    assert frame.loc[frame.feature == "debt_to_income", "changed_input"].item()


def test_what_if_categories_missing_values_and_bad_input(loan: Bundle, churn: Bundle) -> None:
    decision_id = str(loan.decisions.index[4])
    ranges = input_ranges(loan)
    assert ranges["loan_purpose"].categories == tuple(loan.model.categories["loan_purpose"])
    assert ranges["annual_income"].accepts_missing and not ranges["annual_income"].categorical
    assert ranges["debt_to_income"].usual_low < ranges["debt_to_income"].usual_high
    result = what_if(loan, decision_id, {"loan_purpose": "small business", "annual_income": None})
    assert result.edited.contributions.value_texts[loan.features.index("annual_income")] == "not provided"
    with pytest.raises(ExplainError, match="Loan purpose cannot be 'crypto'; the model knows"):
        what_if(loan, decision_id, {"loan_purpose": "crypto"})
    with pytest.raises(ExplainError, match="'age_group' is not a model input"):
        what_if(loan, decision_id, {"age_group": "61+"})
    beyond = what_if(loan, decision_id, {"debt_to_income": 500.0})
    assert beyond.beyond_usual == ("debt_to_income",)
    churn_id = str(churn.decisions.index[0])
    edited = what_if(churn, churn_id, {"contract": "two year"})
    row = churn.decisions.loc[[churn_id]].copy()
    row["contract"] = "two year"
    assert edited.edited.prediction.score == pytest.approx(
        churn.model.estimator.predict_proba(row[list(churn.features)])[0, 1]
    )


def _check_suggestion(bundle: Bundle, decision_id: str, suggestion: object) -> None:
    spec = bundle.spec
    row = bundle.decisions.loc[[decision_id]].copy()
    profile = population_profile(bundle)
    for change in suggestion.changes:  # type: ignore[attr-defined]
        f = spec.feature(change.feature)
        assert f.actionable and change.feature not in spec.sensitive_columns
        old, new = change.old, change.new
        if not profile.features[change.feature].categorical:
            values = profile.features[change.feature].sorted_values
            assert values[0] <= new <= values[-1], "within the observed range"
            if f.change == "increase_only" and not pd.isna(old):
                assert new > old
            if f.change == "decrease_only" and not pd.isna(old):
                assert new < old
        else:
            assert str(new) in bundle.model.categories[change.feature]
        if isinstance(row[change.feature].dtype, pd.CategoricalDtype):
            row[change.feature] = row[change.feature].astype("object")
        row.loc[decision_id, change.feature] = new
    rescored = float(bundle.model.predict_score(row)[0])
    assert spec.decision.side(rescored) == spec.favorable, "re-scored, the suggestion flips the verdict"
    assert rescored == pytest.approx(suggestion.score)  # type: ignore[attr-defined]


def _cdf(values: np.ndarray, v: float) -> float:
    return float((values <= v).mean())


def _scan_one_feature(bundle: Bundle, decision_id: str) -> float | None:
    """The test's own scan: each actionable numeric input over a 1% quantile grid, alone."""
    row = bundle.decisions.loc[[decision_id]]
    ref = bundle.reference
    assert ref is not None
    best = None
    for name, f in bundle.spec.features.items():
        if not f.actionable or name in bundle.model.categories:
            continue
        values = ref[name].dropna().to_numpy(dtype=float)
        cur = row[name].iloc[0]
        base = 0.5 if pd.isna(cur) else _cdf(values, cur)
        for q in np.linspace(0, 1, 101):
            v = float(np.quantile(values, q, method="inverted_cdf"))
            if not pd.isna(cur) and (
                (f.change == "decrease_only" and v >= cur) or (f.change == "increase_only" and v <= cur)
            ):
                continue
            edited = row.copy()
            edited[name] = v
            if bundle.model.predict_score(edited)[0] < bundle.spec.decision.threshold:
                cost = abs(_cdf(values, v) - base)
                best = cost if best is None else min(best, cost)
    return best


def test_recourse_on_50_adverse_loan_decisions(loan: Bundle) -> None:
    ids = _adverse_ids(loan, 50)
    assert len(ids) == 50
    with_suggestion = 0
    scanned = 0
    for decision_id in ids:
        result = suggest_changes(loan, decision_id)
        assert len(result.suggestions) <= 3
        with_suggestion += bool(result.suggestions)
        for suggestion in result.suggestions:
            _check_suggestion(loan, decision_id, suggestion)
        counts = [len(s.changes) for s in result.suggestions]
        assert counts == sorted(counts), "fewest changes first"
        if scanned < 12:
            scan = _scan_one_feature(loan, decision_id)
            scanned += 1
            if scan is not None:
                first = result.suggestions[0]
                assert len(first.changes) == 1
                assert first.cost <= scan + 0.01 + 1e-9
    assert with_suggestion >= 40, f"{with_suggestion} of 50 adverse decisions got a suggestion"


def test_recourse_never_touches_non_actionable_or_sensitive(churn: Bundle) -> None:
    actionable = {n for n, f in churn.spec.features.items() if f.actionable}
    for decision_id in _adverse_ids(churn, 10):
        result = suggest_changes(churn, decision_id)
        assert set(result.actionable) == actionable
        for suggestion in result.suggestions:
            _check_suggestion(churn, decision_id, suggestion)


def test_recourse_off_and_favourable_and_infeasible(fraud: Bundle, loan: Bundle) -> None:
    fraud_scores = fraud.model.predict_score(fraud.decisions)
    held = str(fraud.decisions.index[np.argmax(fraud_scores)])
    off = suggest_changes(fraud, held)
    assert not off.available and off.statement == fraud.spec.recourse_off_reason
    approved = suggest_changes(fraud, str(fraud.decisions.index[np.argmin(fraud_scores)]))
    assert approved.statement == "This decision is already favourable; nothing needs to change."
    scores = loan.model.predict_score(loan.decisions)
    good = str(loan.decisions.index[np.argmin(scores)])
    assert suggest_changes(loan, good).statement == "This decision is already favourable; nothing needs to change."

    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"history": rng.normal(size=400), "savings": rng.normal(size=400)})
    y = (x.history * 3 + 0.2 * x.savings + rng.normal(size=400) > 0).astype(int)
    model = LogisticRegression().fit(x, y)
    decisions = pd.DataFrame({"history": [6.0], "savings": [0.0]})
    spec = {
        "recourse": True,
        "features": {"savings": {"actionable": True, "change": "any"}, "history": {"actionable": False}},
    }
    bundle = Bundle.from_estimator(model, decisions, reference=x.assign(outcome=y), outcome_column="outcome", spec=spec)
    result = suggest_changes(bundle, "0")
    assert result.suggestions == ()
    assert result.statement.startswith("No change to the inputs a person can act on, within the values seen")


def test_similar_finds_a_copied_reference_row_first(loan: Bundle) -> None:
    ref = loan.reference
    assert ref is not None
    copied = ref.iloc[[10]].reset_index().assign(application_id="COPY-1")
    decisions = pd.concat([loan.decisions.reset_index().iloc[:50], copied], ignore_index=True)
    bundle = Bundle.from_estimator(
        loan.model, decisions, id_column="application_id", reference=ref.reset_index(), spec=loan.spec
    )
    result = similar_cases(bundle, "COPY-1")
    assert result.ids[0] == str(ref.index[10]) and result.distances[0] == 0.0
    assert len(result.ids) == 5 and list(result.distances) == sorted(result.distances)
    assert result.verdicts[0] in (loan.spec.decision.above, loan.spec.decision.below)
    from_reference = similar_cases(loan, str(ref.index[10]), data="reference")
    assert str(ref.index[10]) not in from_reference.ids  # a reference row is not its own neighbour
