"""Fairness of a multiclass or regression model across the groups of each sensitive column.

Multiclass: the share of each group given each verdict (every class in the spec's words, and
the referral when the spec sets ``min_probability``), and the share given a favourable class
(one the spec does not call adverse) where the spec says which are adverse. Flags follow the
four-fifths rule, with at least 5 points between the shares: for ordered classes, a group's
share at each class or better is below four fifths of the highest group's (cumulative, so a
group moved from B up to A is not flagged for fewer Bs); with adverse classes listed, its
favourable share is, or its share of an adverse class is above 1.25 times the lowest group's;
without either, its share of any class is below four fifths of the highest group's.
Referrals count as adverse. The error rate (the known outcome is not the predicted
class) is judged as for binary models: more than 1.25 times or 10 points above the best
group's.

Regression: the mean estimate per group, flagged when it is below four fifths of the best
group's mean (above 1.25 times, when a lower estimate is favourable); the mean error
(estimate − actual, negative for underestimates) and the mean absolute error, flagged when
it is more than 1.25 times the best group's.

Groups smaller than ``min_group_size`` are shown, never flagged nor used as the comparison;
error rates are judged on groups with at least 10 known outcomes. Proxies are found exactly
as for binary models (:mod:`._proxies`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain._progress import Progress, report
from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle
from explain.bundle._formatting import format_percent, format_ratio
from explain.bundle._task_rules import class_verdicts
from explain.decision._task_table import task_units
from explain.decision._task_view import Units
from explain.errors import UnsupportedTaskError
from explain.evaluation._common import sample_rows
from explain.evaluation._fairness import (
    ERROR_GAP_RATIO,
    FOUR_FIFTHS,
    MIN_OUTCOME_CASES,
    ByColumn,
    check_fairness_options,
    error_gaps,
    sensitive_names,
    shap_shares_if_needed,
)
from explain.evaluation._groups import group_values
from explain.evaluation._proxies import ProxyResult, find_proxies

#: Two groups' shares of one verdict must differ by at least this much to be flagged.
MIN_SHARE_GAP = 0.05


@dataclass(frozen=True)
class GroupGap:
    """One flagged difference between groups, in a sentence."""

    group: str
    measure: str  # "Grade A", "errors", "mean estimate", "mean absolute error"
    text: str


@dataclass(frozen=True, eq=False)
class TaskColumnFairness:
    """A multiclass or regression model's outcomes per group of one sensitive column.

    Arrays run over ``groups``; multiclass ones over ``groups × verdicts`` for the shares.
    Fields of the other task are empty arrays.
    """

    column: str
    label: str
    task: str
    groups: tuple[str, ...]
    n: np.ndarray
    n_known: np.ndarray
    small: np.ndarray
    verdicts: tuple[str, ...]  # multiclass: every verdict in the spec's words, best first
    verdict_shares: np.ndarray  # groups × verdicts
    favourable_share: np.ndarray  # share given a favourable class (NaN when the spec names no adverse class)
    error_rate: np.ndarray  # multiclass: share of known outcomes not predicted
    mean_estimate: np.ndarray  # regression
    mean_actual: np.ndarray
    mean_error: np.ndarray
    mean_absolute_error: np.ndarray
    gaps: tuple[GroupGap, ...]
    model_input: bool
    proxies: ProxyResult | None
    units: Units  # how estimates are written (regression); percentages for multiclass

    def to_frame(self) -> pd.DataFrame:
        """A new table, one row per group: counts, then each verdict's share or the estimates and errors."""
        frame = pd.DataFrame({"group": self.groups, "rows": self.n.copy(), "rows_with_outcome": self.n_known.copy()})
        if self.task == "multiclass":
            for j, verdict in enumerate(self.verdicts):
                frame[verdict] = self.verdict_shares[:, j]
            frame["favourable_share"] = self.favourable_share
            frame["error_rate"] = self.error_rate
        else:
            frame["mean_estimate"] = self.mean_estimate
            frame["mean_actual"] = self.mean_actual
            frame["mean_error"] = self.mean_error
            frame["mean_absolute_error"] = self.mean_absolute_error
        frame["small"] = self.small.copy()
        frame["flagged"] = [any(g.group == group for g in self.gaps) for group in self.groups]
        return frame


@dataclass(frozen=True, eq=False)
class TaskFairnessResult(ByColumn[TaskColumnFairness]):
    """Fairness of every sensitive column of a multiclass or regression bundle."""

    columns: tuple[TaskColumnFairness, ...]
    task: str
    n_rows: int
    min_group_size: int
    sensitive_inputs: dict[str, float]
    stamp: AuditStamp


@uses_all_cores
def task_fairness(
    bundle: Bundle,
    *,
    columns: Sequence[str] | None = None,
    min_group_size: int = 50,
    proxies: bool = True,
    proxy_auc: float = 0.65,
    n_folds: int = 5,
    n_bins: int = 10,
    shap_rows: int = 1_000,
    max_rows: int = 50_000,
    random_state: int = 0,
    progress: Progress | None = None,
) -> TaskFairnessResult:
    """Verdict shares (multiclass) or mean estimates and errors (regression) per group, gaps flagged.

    Rows come from the reference data (a seeded sample of at most ``max_rows``); rows
    without an outcome count for shares and estimates only.

    Examples
    --------
    >>> result = task_fairness(grades)  # doctest: +SKIP
    >>> [g.text for g in result.column("age_band").gaps]  # doctest: +SKIP
    """
    task = bundle.model.task
    if task == "binary":
        raise UnsupportedTaskError("task_fairness serves multiclass and regression models; use group_fairness.")
    check_fairness_options(min_group_size, n_folds, n_bins, shap_rows, max_rows, proxy_auc)
    names = sensitive_names(bundle, columns)
    report(progress, 0.0, "Scoring the reference data")
    frame = sample_rows(bundle.table("reference"), max_rows, np.random.default_rng(random_state))
    response = np.asarray(bundle.model.predict_response(frame)) if len(frame) else np.zeros((0,))
    outcomes = bundle.outcomes("reference").reindex(frame.index)
    shap_share = shap_shares_if_needed(bundle, proxies, shap_rows, random_state, progress)
    results = []
    for i, name in enumerate(names):
        report(progress, 0.5 + 0.5 * i / len(names), f"Comparing groups of {bundle.spec.label(name)}")
        values, groups = group_values(bundle, name, frame)
        item = (
            _multiclass(bundle, name, values, groups, response, outcomes, min_group_size)
            if task == "multiclass"
            else _regression(bundle, name, values, groups, response, outcomes, min_group_size)
        )
        if proxies:
            found = find_proxies(
                bundle, item, frame, shap_share, proxy_auc=proxy_auc, n_folds=n_folds, n_bins=n_bins,
                random_state=random_state,
            )  # fmt: skip
            item = replace(item, proxies=found)
        results.append(item)
    report(progress, 1.0, "Fairness done")
    return TaskFairnessResult(
        columns=tuple(results),
        task=task,
        n_rows=len(frame),
        min_group_size=min_group_size,
        sensitive_inputs={f: float(shap_share[bundle.features.index(f)]) for f in bundle.spec.sensitive_features},
        stamp=make_stamp(bundle, random_state=random_state),
    )


def _counts(values: np.ndarray, groups: tuple[str, ...], known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = np.array([(values == g).sum() for g in groups], dtype=int)
    n_known = np.array([((values == g) & known).sum() for g in groups], dtype=int)
    return n, n_known


def _means(values: np.ndarray, groups: tuple[str, ...], x: np.ndarray, where: np.ndarray) -> np.ndarray:
    out = np.full(len(groups), np.nan)
    for k, g in enumerate(groups):
        member = (values == g) & where
        if member.any():
            out[k] = float(np.mean(x[member]))
    return out


def _multiclass(
    bundle: Bundle,
    name: str,
    values: np.ndarray,
    groups: tuple[str, ...],
    p: np.ndarray,
    outcomes: pd.Series,
    min_group_size: int,
) -> TaskColumnFairness:
    rules, classes = bundle.spec.classes, bundle.model.classes
    verdicts = class_verdicts(rules, classes, p) if len(p) else []
    said = np.asarray([v.verdict for v in verdicts], dtype=object)
    ordered = list(rules.order) or list(classes)
    words = [rules.label(c) for c in ordered] + ([rules.otherwise] if rules.min_probability is not None else [])
    known = outcomes.notna().to_numpy()
    truth = outcomes.astype(str).to_numpy()
    predicted = np.asarray([v.predicted for v in verdicts], dtype=object)
    n, n_known = _counts(values, groups, known)
    small = n < min_group_size
    every = np.ones(len(values), dtype=bool)
    shares = np.column_stack([_means(values, groups, (said == w).astype(float), every) for w in words])
    directed = bool(rules.order or rules.adverse)
    good = [rules.label(c) for c in classes if directed and not rules.is_adverse(c)]
    favourable = (
        _means(values, groups, np.isin(said, good).astype(float), every) if directed else np.full(len(groups), np.nan)
    )
    wrong = (predicted != truth).astype(float)
    error_rate = _means(values, groups, wrong, known)
    gaps = _verdict_gaps(bundle, values, groups, said, small)
    judged = ~small & (n_known >= MIN_OUTCOME_CASES)
    for k in np.flatnonzero(error_gaps(error_rate, judged)):
        best = float(np.nanmin(np.where(judged, error_rate, np.nan)))
        gaps.append(
            GroupGap(
                groups[k],
                "errors",
                f"The predicted class is wrong for {format_percent(error_rate[k])} of group “{groups[k]}” with a known "
                f"outcome, against {format_percent(best)} in the best group.",
            )
        )
    empty = np.full(len(groups), np.nan)
    return TaskColumnFairness(
        column=name, label=bundle.spec.label(name), task="multiclass", groups=groups, n=n, n_known=n_known,
        small=small, verdicts=tuple(words), verdict_shares=shares, favourable_share=favourable,
        error_rate=error_rate, mean_estimate=empty, mean_actual=empty, mean_error=empty,
        mean_absolute_error=empty, gaps=tuple(gaps), model_input=name in bundle.features, proxies=None,
        units=Units("probability"),
    )  # fmt: skip


def _verdict_gaps(
    bundle: Bundle, values: np.ndarray, groups: tuple[str, ...], said: np.ndarray, small: np.ndarray
) -> list[GroupGap]:
    """Flag verdict shares far apart between groups. Ordered classes are judged cumulatively
    ("Grade B or better"), so a group moved up from B to A is not flagged for fewer Bs; with
    adverse classes only, the favourable share and each adverse class; otherwise every class."""
    rules, classes = bundle.spec.classes, bundle.model.classes
    every = np.ones(len(values), dtype=bool)

    def share(words: list[str]) -> np.ndarray:
        return _means(values, groups, np.isin(said, words).astype(float), every)

    gaps: list[GroupGap] = []
    if rules.order:
        for k in range(len(rules.order) - 1):
            better = [rules.label(c) for c in rules.order[: k + 1]]
            word = better[0] if k == 0 else f"{better[-1]} or better"
            gaps += _share_gaps(groups, share(better), small, word, high_is_bad=False)
    elif rules.adverse:
        good = [rules.label(c) for c in classes if not rules.is_adverse(c)]
        gaps += _share_gaps(groups, share(good), small, " or ".join(good), high_is_bad=False)
        for c in rules.adverse:
            gaps += _share_gaps(groups, share([rules.label(c)]), small, rules.label(c), high_is_bad=True)
    else:
        for c in classes:
            gaps += _share_gaps(groups, share([rules.label(c)]), small, rules.label(c), high_is_bad=False)
    if rules.min_probability is not None:
        gaps += _share_gaps(groups, share([rules.otherwise]), small, rules.otherwise, high_is_bad=True)
    return gaps


def _share_gaps(
    groups: tuple[str, ...], share: np.ndarray, small: np.ndarray, word: str, *, high_is_bad: bool
) -> list[GroupGap]:
    """Groups whose share of one verdict is far from the best large group's (see the module)."""
    usable = ~small & ~np.isnan(share)
    if usable.sum() < 2:
        return []
    out: list[GroupGap] = []
    if high_is_bad:
        best = float(share[usable].min())
        for k in np.flatnonzero(usable & (share > best / FOUR_FIFTHS) & (share - best >= MIN_SHARE_GAP)):
            out.append(
                GroupGap(
                    groups[k],
                    word,
                    f"Group “{groups[k]}” gets “{word}” {format_percent(share[k])} of the time, "
                    f"{format_ratio(share[k] / best) if best > 0 else 'far more'} times the lowest group's "
                    f"{format_percent(best)}.",
                )
            )
        return out
    best = float(share[usable].max())
    for k in np.flatnonzero(usable & (share < FOUR_FIFTHS * best) & (best - share >= MIN_SHARE_GAP)):
        out.append(
            GroupGap(
                groups[k],
                word,
                f"Four-fifths rule: group “{groups[k]}” gets “{word}” {format_percent(share[k])} of the time, "
                f"{format_ratio(share[k] / best)} times the highest group's {format_percent(best)}, below 0.8.",
            )
        )
    return out


def _regression(
    bundle: Bundle,
    name: str,
    values: np.ndarray,
    groups: tuple[str, ...],
    estimates: np.ndarray,
    outcomes: pd.Series,
    min_group_size: int,
) -> TaskColumnFairness:
    units, target = task_units(bundle), bundle.spec.target
    known = outcomes.notna().to_numpy()
    actual = pd.to_numeric(outcomes, errors="coerce").to_numpy(dtype=float)
    n, n_known = _counts(values, groups, known)
    small = n < min_group_size
    estimate = np.asarray(estimates, dtype=float)
    mean_estimate = _means(values, groups, estimate, np.ones(len(values), dtype=bool))
    error = estimate - np.where(known, actual, 0.0)
    mean_actual = _means(values, groups, np.where(known, actual, 0.0), known)
    mean_error = _means(values, groups, error, known)
    mae = _means(values, groups, np.abs(error), known)
    gaps: list[GroupGap] = []
    usable = ~small & ~np.isnan(mean_estimate)
    what = f"mean {target.label}"
    if usable.sum() >= 2:
        if bundle.spec.favorable == "above":
            best = float(mean_estimate[usable].max())
            flagged = usable & (mean_estimate < FOUR_FIFTHS * best)
        else:
            best = float(mean_estimate[usable].min())
            flagged = usable & (mean_estimate > best / FOUR_FIFTHS)
        for k in np.flatnonzero(flagged):
            gaps.append(
                GroupGap(
                    groups[k],
                    what,
                    f"Group “{groups[k]}” gets a {what} of {units.value(mean_estimate[k])}, "
                    f"{format_ratio(mean_estimate[k] / best) if best else 'far from'} times the best group's "
                    f"{units.value(best)}.",
                )
            )
    judged = ~small & (n_known >= MIN_OUTCOME_CASES) & ~np.isnan(mae)
    best = float(mae[judged].min()) if judged.sum() >= 2 else np.nan
    for k in np.flatnonzero(judged & (mae > ERROR_GAP_RATIO * best)):  # a ratio only: amounts have no "points"
        side = "underestimates" if mean_error[k] < 0 else "overestimates"
        gaps.append(
            GroupGap(
                groups[k],
                "mean absolute error",
                f"The model misses group “{groups[k]}” by {units.value(mae[k])} on average, against "
                f"{units.value(best)} in the best group; it mostly {side} them "
                f"(mean error {units.effect(mean_error[k])}).",
            )
        )
    empty = np.full(len(groups), np.nan)
    return TaskColumnFairness(
        column=name, label=bundle.spec.label(name), task="regression", groups=groups, n=n, n_known=n_known,
        small=small, verdicts=(), verdict_shares=np.zeros((len(groups), 0)), favourable_share=empty,
        error_rate=empty, mean_estimate=mean_estimate, mean_actual=mean_actual, mean_error=mean_error,
        mean_absolute_error=mae, gaps=tuple(gaps), model_input=name in bundle.features, proxies=None,
        units=units,
    )  # fmt: skip


__all__ = ["GroupGap", "TaskColumnFairness", "TaskFairnessResult", "task_fairness"]
