"""Errors and results, uniform: bad options raise InvalidParameterError naming the parameter,
the allowed range and the value; every result type carries the audit stamp and a to_frame()."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import explain
from explain import Bundle, InvalidParameterError


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: explain.shap_values(b, max_rows=0), r"max_rows must be an integer at least 1; got 0\."),
        (lambda b: explain.permutation_importance(b, n_repeats=0), r"n_repeats must be an integer at least 1; got 0"),
        (lambda b: explain.permutation_importance(b, scoring="f1"), r"scoring must be one of roc_auc, .*; got 'f1'"),
        (
            lambda b: explain.model_performance(b, threshold=1.5),
            r"threshold must lie strictly between 0 and 1; got 1\.5",
        ),
        (lambda b: explain.model_performance(b, threshold=True), r"threshold must be a number strictly between"),
        (lambda b: explain.error_segments(b, max_depth=5), r"max_depth must be an integer between 1 and 3; got 5"),
        (
            lambda b: explain.error_segments(b, min_segment_share=0.9),
            r"min_segment_share must be a number in \(0, 0\.5\]",
        ),
        (lambda b: explain.group_fairness(b, proxy_auc=0.2), r"proxy_auc must be a number in \[0\.5, 1\]; got 0\.2"),
        (lambda b: explain.batch_drift(b, epsilon=0.5), r"epsilon must be a number in \(0, 0\.01\); got 0\.5"),
        (lambda b: explain.batch_drift(b, batch="later"), r"batch must be 'current', 'decisions' or a DataFrame"),
        (lambda b: explain.cost_threshold(b, cost_fp=-1, cost_fn=1), r"cost_fp must be a number in \[0, inf\)"),
        (
            lambda b: explain.explain_decisions(b, ["x"], data="archive"),
            r"table must be one of decisions, reference, current; got 'archive'",
        ),
        (
            lambda b: explain.partial_dependence(b, b.features[0], grid_size=1),
            r"grid_size must be an integer at least 2",
        ),
    ],
)
def test_bad_options_name_the_parameter_range_and_value(loan: Bundle, call: object, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message) as info:
        call(loan)  # type: ignore[operator]
    assert isinstance(info.value, ValueError) and isinstance(info.value, explain.ExplainError)


def test_a_failed_additivity_check_is_its_own_error() -> None:
    assert issubclass(explain.AdditivityError, explain.ExplainError)
    assert not issubclass(explain.AdditivityError, InvalidParameterError)


def _results(bundle: Bundle) -> list[object]:
    decision_id = str(bundle.decisions.index[0])
    shap_imp = explain.shap_importance(bundle, max_rows=300, n_bootstrap=5)
    perm = explain.permutation_importance(bundle, n_repeats=1, n_bootstrap=5, max_rows=500)
    perf = explain.model_performance(bundle)
    return [
        explain.shap_values(bundle, max_rows=50),
        shap_imp,
        perm,
        explain.shap_interactions(bundle, max_rows=100),
        explain.dependence(bundle, bundle.features[0], max_rows=100),
        explain.partial_dependence(bundle, bundle.features[0], max_rows=100),
        explain.direction_check(bundle, max_rows=200),
        explain.explanation_quality(bundle, shap_imp, perm, max_rows=200, n_resamples=3),
        explain.explain_decision(bundle, decision_id),
        explain.what_if(
            bundle, decision_id, {bundle.features[0]: float(bundle.population[bundle.features[0]].median())}
        ),
        explain.suggest_changes(bundle, decision_id),
        explain.similar_cases(bundle, decision_id),
        perf,
        explain.cost_threshold(perf, cost_fp=1, cost_fn=5),
        explain.error_segments(bundle),
        explain.group_fairness(bundle, shap_rows=100),
        explain.batch_drift(bundle, shap_rows=100),
        explain.model_card(bundle),
    ]


def test_every_result_carries_the_stamp_and_a_tidy_frame(loan: Bundle, grades_bundle: Bundle) -> None:
    results = _results(loan)
    task_results = [explain.task_fairness(grades_bundle, shap_rows=100)]  # results of other tasks only
    names = {type(r).__name__ for r in results + task_results}
    parts = {"ProxyResult"}  # a part of each column of a FairnessResult, stamped by it
    public = {n for n in explain.__all__ if n.endswith("Result") or n == "ModelCard"} - parts
    assert public <= names, public - names
    for result, bundle in [(r, loan) for r in results] + [(r, grades_bundle) for r in task_results]:
        stamp = result.stamp  # type: ignore[attr-defined]
        assert stamp is not None and stamp.fingerprint == bundle.fingerprint, type(result).__name__
        assert dict(stamp.versions)["explain-dashboard"]
        frame = result.to_frame()  # type: ignore[attr-defined]
        assert isinstance(frame, pd.DataFrame), type(result).__name__
        assert dataclasses.is_dataclass(result)
