"""What would change a multiclass or regression decision: the aim (a class, a band, a value),
suggestions that the model itself confirms reach it, the smallest single change on the grid,
and plain errors for aims that do not fit the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, InvalidParameterError, RecourseResult, suggest_changes
from explain.bundle._task_rules import class_verdicts
from explain.decision._recourse import SINGLE_GRID, _candidates


def _applied(bundle: Bundle, decision_id: str, result: RecourseResult, k: int) -> pd.DataFrame:
    """The decision's row with suggestion ``k``'s changes applied, independently of the search."""
    row = bundle.decisions.loc[[decision_id]].copy()
    for change in result.suggestions[k].changes:
        row[change.feature] = row[change.feature].astype(object)
        row.loc[decision_id, change.feature] = change.new
    return row


def _grades_verdict(bundle: Bundle, frame: pd.DataFrame) -> str:
    return class_verdicts(bundle.spec.classes, bundle.model.classes, bundle.model.predict_response(frame))[0].verdict


def _first(bundle: Bundle, wanted: str) -> str:
    p = bundle.model.predict_response(bundle.decisions)
    verdicts = class_verdicts(bundle.spec.classes, bundle.model.classes, p)
    return next(str(i) for i, v in zip(bundle.decisions.index, verdicts, strict=True) if v.verdict == wanted)


def test_multiclass_aims_at_the_next_better_grade_and_the_model_confirms_it(grades_bundle: Bundle) -> None:
    decision = _first(grades_bundle, "Grade D")
    result = suggest_changes(grades_bundle, decision)
    assert result.aim is not None and result.aim.text == "Grade C"  # class order: one grade better
    assert result.suggestions, result.statement
    assert result.statement.endswith("change the decision to Grade C.")
    for k, suggestion in enumerate(result.suggestions):
        assert _grades_verdict(grades_bundle, _applied(grades_bundle, decision, result, k)) == "Grade C"
        assert suggestion.verdict == "Grade C" and suggestion.score >= 0.45  # min_probability holds
        assert suggestion.score_text.startswith("chance of Grade C ")
        assert all(grades_bundle.spec.feature(c.feature).actionable for c in suggestion.changes)


def test_multiclass_aims_at_any_class_the_user_picks(grades_bundle: Bundle) -> None:
    decision = _first(grades_bundle, "Grade D")
    result = suggest_changes(grades_bundle, decision, target_class="0")
    assert result.aim is not None and result.aim.text == "Grade A"
    for k in range(len(result.suggestions)):
        assert _grades_verdict(grades_bundle, _applied(grades_bundle, decision, result, k)) == "Grade A"
    best = suggest_changes(grades_bundle, _first(grades_bundle, "Grade A"))
    assert best.statement == "This decision is already the best outcome the model gives; nothing needs to change."
    same = suggest_changes(grades_bundle, decision, target_class="3")
    assert same.statement == "This decision is already Grade D; nothing needs to change."


def test_a_referral_aims_at_its_most_likely_grade_with_enough_confidence(grades_bundle: Bundle) -> None:
    decision = _first(grades_bundle, "Referred to an underwriter")
    p = grades_bundle.model.predict_response(grades_bundle.decisions.loc[[decision]])[0]
    most_likely = grades_bundle.model.classes[int(np.argmax(p))]
    result = suggest_changes(grades_bundle, decision)
    assert result.aim is not None and result.aim.target == most_likely
    for suggestion in result.suggestions:
        assert suggestion.score >= 0.45


def test_regression_aims_at_a_band_or_a_value_and_the_smallest_single_change(limits_bundle: Bundle) -> None:
    estimates = limits_bundle.model.predict_response(limits_bundle.decisions)
    decision = str(limits_bundle.decisions.index[int(np.argmax((estimates > 6_500) & (estimates < 8_000)))])
    result = suggest_changes(limits_bundle, decision)
    assert result.aim is not None and result.aim.text == "High limit"  # favourable: the next band up
    assert result.suggestions, result.statement
    for k, suggestion in enumerate(result.suggestions):
        estimate = float(limits_bundle.model.predict_response(_applied(limits_bundle, decision, result, k))[0])
        assert estimate >= 8_000 and suggestion.score == pytest.approx(estimate, abs=1e-9)
        assert suggestion.verdict.startswith("High limit (Credit limit: $")
    single = next(s for s in result.suggestions if len(s.changes) == 1)
    change = single.changes[0]
    row = limits_bundle.decisions.loc[decision]
    grid = _candidates(limits_bundle, row, change.feature, SINGLE_GRID)
    cheaper = [v for v, c in zip(grid.values, grid.costs, strict=True) if c < change.cost - 1e-12]
    frame = pd.concat([limits_bundle.decisions.loc[[decision]]] * len(cheaper), ignore_index=True)
    frame[change.feature] = cheaper
    assert (limits_bundle.model.predict_response(frame) < 8_000).all()  # nothing cheaper reaches the band

    lower = float(estimates[limits_bundle.decisions.index.get_loc(decision)]) - 1_500
    down = suggest_changes(limits_bundle, decision, target_value=lower)
    assert down.aim is not None and down.aim.kind == "at_most" and down.aim.text.startswith("at most $")
    for k in range(len(down.suggestions)):
        assert float(limits_bundle.model.predict_response(_applied(limits_bundle, decision, down, k))[0]) <= lower


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target_class": "A"}, r"target_class applies to multiclass models; this model is a regression model"),
        ({"target_band": "Gold"}, r"target_band must be one of the spec's bands \('Starter limit', 'Standard limit', 'High limit'\); got 'Gold'\."),
        ({"target_value": float("nan")}, r"target_value must be a finite number; got nan\."),
        ({"target_band": "High limit", "target_value": 1.0}, r"give one aim at a time; got target_band and target_value\."),
    ],
)  # fmt: skip
def test_aims_that_do_not_fit_the_model_are_refused_by_name(
    limits_bundle: Bundle, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        suggest_changes(limits_bundle, str(limits_bundle.decisions.index[0]), **kwargs)  # type: ignore[arg-type]


def test_a_class_aim_on_a_regression_and_a_band_on_a_multiclass_are_refused(grades_bundle: Bundle) -> None:
    with pytest.raises(
        InvalidParameterError, match=r"target_band applies to regression models; this model is a multiclass"
    ):
        suggest_changes(grades_bundle, str(grades_bundle.decisions.index[0]), target_band="High limit")
    with pytest.raises(
        InvalidParameterError, match=r"target_class must be one of the model's classes 0, 1, 2, 3; got 'Z'"
    ):
        suggest_changes(grades_bundle, str(grades_bundle.decisions.index[0]), target_class="Z")
