"""Fairness of a multiclass and a regression model: group shares and means equal pandas on the
same rows, gaps flagged by the four-fifths rule (cumulatively for ordered classes), and plain
refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, UnsupportedTaskError, task_fairness
from explain.bundle._task_rules import class_verdicts
from explain.evaluation._task_fairness import _share_gaps


def test_multiclass_verdict_shares_per_group_equal_pandas(grades_bundle: Bundle) -> None:
    result = task_fairness(grades_bundle, proxies=False)
    column = result.column("age_band")
    reference = grades_bundle.reference
    p = grades_bundle.model.predict_response(reference)
    said = pd.Series([v.verdict for v in class_verdicts(grades_bundle.spec.classes, grades_bundle.model.classes, p)])
    expected = pd.crosstab(reference["age_band"].to_numpy(), said.to_numpy(), normalize="index")
    frame = column.to_frame().set_index("group")
    assert list(column.verdicts) == ["Grade A", "Grade B", "Grade C", "Grade D", "Referred to an underwriter"]
    for verdict in column.verdicts:
        np.testing.assert_allclose(frame[verdict], expected.reindex(frame.index)[verdict].fillna(0.0), atol=1e-12)
    np.testing.assert_allclose(frame[list(column.verdicts)].sum(axis=1), 1.0)
    assert frame["rows"].sum() == len(reference)
    favourable = said.isin(["Grade A", "Grade B"]).groupby(reference["age_band"].to_numpy()).mean()
    np.testing.assert_allclose(frame["favourable_share"], favourable.reindex(frame.index), atol=1e-12)


def test_every_multiclass_gap_holds_on_the_shares_it_names(grades_bundle: Bundle) -> None:
    column = task_fairness(grades_bundle, proxies=False).column("age_band")
    frame = column.to_frame().set_index("group")
    large = frame[~frame["small"]]
    assert column.gaps  # the samples' age bands differ in credit history, a strong input
    for gap in column.gaps:
        assert not frame.loc[gap.group, "small"]
        if gap.measure == "errors":
            continue
        if gap.measure == "Referred to an underwriter":
            share = large[gap.measure]
            assert share[gap.group] > share.min() / 0.8 and share[gap.group] - share.min() >= 0.05
            continue
        cumulative = {"Grade A": 1, "Grade B or better": 2, "Grade C or better": 3}[gap.measure]
        share = large[["Grade A", "Grade B", "Grade C"][:cumulative]].sum(axis=1)
        assert share[gap.group] < 0.8 * share.max() and share.max() - share[gap.group] >= 0.05
        assert gap.text.startswith(f"Four-fifths rule: group “{gap.group}” gets “{gap.measure}”")


def test_regression_means_per_group_equal_pandas(limits_bundle: Bundle) -> None:
    column = task_fairness(limits_bundle, proxies=False).column("age_band")
    reference = limits_bundle.reference
    estimate = pd.Series(limits_bundle.model.predict_response(reference), index=reference.index)
    actual = pd.to_numeric(reference[limits_bundle.spec.outcome_column])
    groups = reference["age_band"]
    frame = column.to_frame().set_index("group")
    np.testing.assert_allclose(frame["mean_estimate"], estimate.groupby(groups).mean().reindex(frame.index))
    known = actual.notna()
    error = (estimate - actual)[known]
    np.testing.assert_allclose(frame["mean_error"], error.groupby(groups[known]).mean().reindex(frame.index))
    np.testing.assert_allclose(
        frame["mean_absolute_error"], error.abs().groupby(groups[known]).mean().reindex(frame.index)
    )
    np.testing.assert_allclose(frame["mean_actual"], actual[known].groupby(groups[known]).mean().reindex(frame.index))
    assert column.proxies is None and column.verdicts == ()


def test_share_gaps_follow_the_four_fifths_rule_with_five_points_between() -> None:
    groups = ("a", "b", "c", "d")
    share = np.array([0.50, 0.39, 0.41, 0.01])
    small = np.array([False, False, False, True])
    low = _share_gaps(groups, share, small, "Grade A", high_is_bad=False)
    assert [g.group for g in low] == ["b"]  # c is above 0.8 × 0.50; d is small
    assert low[0].text == (
        "Four-fifths rule: group “b” gets “Grade A” 39% of the time, 0.78 times the highest group's 50%, below 0.8."
    )
    close = _share_gaps(groups, np.array([0.04, 0.01, 0.04, 0.0]), small, "Grade A", high_is_bad=False)
    assert close == []  # 0.25 times, but only 3 points apart
    high = _share_gaps(groups, np.array([0.10, 0.20, 0.12, 0.9]), small, "Referred", high_is_bad=True)
    assert [g.group for g in high] == ["b"] and "2.00 times the lowest group's 10%" in high[0].text


def test_binary_and_unmarked_bundles_are_refused_by_name(loan: Bundle, limits_bundle: Bundle) -> None:
    with pytest.raises(UnsupportedTaskError, match="task_fairness serves multiclass and regression models"):
        task_fairness(loan)
    with pytest.raises(Exception, match=r"marks no column as sensitive"):
        task_fairness(limits_bundle, columns=())
