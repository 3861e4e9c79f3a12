"""Fairness across the groups of each sensitive column, and the inputs that stand in for them.

Definitions, used in every field and docstring below:

* A case is **flagged** (predicted positive) when its score is at least the threshold; the
  positive class is outcome 1, the event the score predicts (a default, a cancellation, a
  fraud). The true positive rate is the share of outcome-1 cases flagged, the false
  positive rate the share of outcome-0 cases flagged.
* A case is **selected** when it lands on the side of the threshold that is good for the
  person (``spec.favorable``): below it for a loan approval, above it only where a high
  score helps. The selection rate is the share of a group selected.
* Ratios compare each group with the **reference group**, the large-enough group with the
  highest selection rate; the four-fifths rule flags a group whose ratio is below 0.8.
  Groups with fewer than ``min_group_size`` rows are marked ``small`` and neither chosen as
  reference nor flagged: their rates are too noisy to judge.

Proxies: a sensitive column that is not a model input can still reach the model through
inputs that predict it. Each input's power to predict the group is measured honestly, out of
fold: the input is binned (reference deciles, categories, missing), the group shares per bin
are learned on the other folds (smoothed towards the overall shares), and the held-out
predictions are scored by ROC AUC (one-vs-rest macro average for more than two groups;
0.5 means no information). The share of mean |SHAP| flowing through the strong proxies says
how much of the model's reasoning could carry the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain._params import check_int, check_number
from explain._progress import Progress, report
from explain._stamp import AuditStamp, make_stamp
from explain.attribution._shap import shap_values
from explain.bundle._bundle import Bundle
from explain.errors import BundleError, ExplainError
from explain.evaluation._common import scored_reference, threshold_or_spec
from explain.evaluation._groups import group_values
from explain.evaluation._proxies import ProxyResult, find_proxies

FOUR_FIFTHS = 0.8
_RATES = ("selection_rate", "true_positive_rate", "false_positive_rate", "false_negative_rate", "precision")
#: An error rate this many times the best group's, or this many points worse, is a gap (both groups large enough).
ERROR_GAP_RATIO = 1.25
ERROR_GAP_POINTS = 0.10
#: A group's error rate is judged only on at least this many cases with the outcome it is measured on.
MIN_OUTCOME_CASES = 10


@dataclass(frozen=True, eq=False)
class ColumnFairness:
    """Rates per group of one sensitive column at the threshold (see the module for definitions).

    Arrays run over ``groups``. ``n_known`` counts rows with a known outcome, on which the
    true and false positive rates, precision, mean score and observed rate are measured.
    """

    column: str
    label: str
    groups: tuple[str, ...]
    n: np.ndarray
    n_known: np.ndarray
    selection_rate: np.ndarray
    true_positive_rate: np.ndarray
    false_positive_rate: np.ndarray
    false_negative_rate: np.ndarray
    precision: np.ndarray
    mean_score: np.ndarray
    observed_rate: np.ndarray
    small: np.ndarray
    reference_group: str | None
    selection_ratio: np.ndarray
    selection_difference: np.ndarray
    four_fifths_flag: np.ndarray
    false_positive_flag: np.ndarray
    false_negative_flag: np.ndarray
    model_input: bool
    proxies: ProxyResult | None

    @property
    def error_gap_groups(self) -> tuple[str, ...]:
        """Groups whose false positive or false negative rate is far worse than the best group's
        (equalised odds; see :func:`error_gaps`)."""
        flags = self.false_positive_flag | self.false_negative_flag
        return tuple(g for g, f in zip(self.groups, flags, strict=True) if f)

    @property
    def flagged_groups(self) -> tuple[str, ...]:
        """Groups whose selection rate is below four fifths of the reference group's."""
        return tuple(g for g, f in zip(self.groups, self.four_fifths_flag, strict=True) if f)

    @property
    def min_selection_ratio(self) -> float:
        """Lowest selection rate over the highest, among groups that are not small."""
        return self._spread(self.selection_rate)[1]

    @property
    def equalized_odds_difference(self) -> float:
        """The larger of the spreads (max − min) of true and false positive rates, large groups only."""
        return max(self._spread(self.true_positive_rate)[0], self._spread(self.false_positive_rate)[0])

    def _spread(self, values: np.ndarray) -> tuple[float, float]:
        """(max − min, min / max) over groups that are not small and have a value."""
        usable = values[~self.small & ~np.isnan(values)]
        if len(usable) == 0:
            return float("nan"), float("nan")
        high, low = float(usable.max()), float(usable.min())
        return high - low, (low / high if high > 0 else float("nan"))

    def to_frame(self) -> pd.DataFrame:
        """A new table, one row per group."""
        return pd.DataFrame(
            {
                "group": self.groups,
                "rows": self.n.copy(),
                "rows_with_outcome": self.n_known.copy(),
                "selection_rate": self.selection_rate.copy(),
                "selection_ratio": self.selection_ratio.copy(),
                "selection_difference": self.selection_difference.copy(),
                "four_fifths_flag": self.four_fifths_flag.copy(),
                "true_positive_rate": self.true_positive_rate.copy(),
                "false_positive_rate": self.false_positive_rate.copy(),
                "false_negative_rate": self.false_negative_rate.copy(),
                "false_positive_flag": self.false_positive_flag.copy(),
                "false_negative_flag": self.false_negative_flag.copy(),
                "precision": self.precision.copy(),
                "mean_score": self.mean_score.copy(),
                "observed_rate": self.observed_rate.copy(),
                "calibration_gap": self.mean_score - self.observed_rate,
                "small": self.small.copy(),
            }
        )

    def summary_frame(self) -> pd.DataFrame:
        """A new table: per rate, its spread (max − min) and ratio (min / max) over large groups."""
        rows = []
        for name in _RATES:
            difference, ratio_ = self._spread(getattr(self, name))
            rows.append({"metric": name, "difference": difference, "ratio": ratio_})
        return pd.DataFrame(rows)


class _PerColumn(Protocol):
    @property
    def column(self) -> str: ...

    @property
    def label(self) -> str: ...

    def to_frame(self) -> pd.DataFrame: ...


C = TypeVar("C", bound=_PerColumn)


class ByColumn(Generic[C]):
    """A fairness result holding one result per sensitive column: look one up, list them, tabulate them."""

    columns: tuple[C, ...]

    def column(self, name: str) -> C:
        """The result of one sensitive column by name."""
        for item in self.columns:
            if item.column == name:
                return item
        raise ExplainError(f"no fairness result for {name!r}; the columns are {', '.join(self.names)}.")

    @property
    def names(self) -> tuple[str, ...]:
        """The sensitive columns analysed."""
        return tuple(c.column for c in self.columns)

    def to_frame(self) -> pd.DataFrame:
        """A new table: every group of every column, with the column's name and label first."""
        parts = [c.to_frame().assign(column=c.column, column_label=c.label) for c in self.columns]
        frame = pd.concat(parts, ignore_index=True)
        return frame[["column", "column_label", *[c for c in frame.columns if c not in ("column", "column_label")]]]


@dataclass(frozen=True, eq=False)
class FairnessResult(ByColumn[ColumnFairness]):
    """Fairness of every sensitive column at one threshold, on a sample of the reference data."""

    columns: tuple[ColumnFairness, ...]
    threshold: float
    favorable: str
    selected_verdict: str
    n_rows: int
    min_group_size: int
    max_rows: int
    random_state: int
    rate_words: dict[str, str]
    sensitive_inputs: dict[str, float]  # sensitive model inputs → their share of mean |SHAP|
    stamp: AuditStamp


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def _column_fairness(
    bundle: Bundle,
    name: str,
    frame: pd.DataFrame,
    scores: np.ndarray,
    outcomes: np.ndarray,
    threshold: float,
    min_group_size: int,
) -> ColumnFairness:
    values, groups = group_values(bundle, name, frame)
    flagged = scores >= threshold
    selected = ~flagged if bundle.spec.favorable == "below" else flagged
    known = ~np.isnan(outcomes)
    positive = known & (outcomes == 1)
    negative = known & (outcomes == 0)
    keys = ("n", "n_known", "n_positive", "n_negative", *_RATES, "mean_score", "observed_rate")
    stats: dict[str, list[float]] = {k: [] for k in keys}
    for group in groups:
        member = values == group
        stats["n"].append(float(member.sum()))
        stats["n_known"].append(float((member & known).sum()))
        stats["selection_rate"].append(_mean(selected[member]))
        stats["true_positive_rate"].append(_mean(flagged[member & positive]))
        stats["false_positive_rate"].append(_mean(flagged[member & negative]))
        stats["false_negative_rate"].append(_mean(~flagged[member & positive]))
        stats["n_positive"].append(float((member & positive).sum()))
        stats["n_negative"].append(float((member & negative).sum()))
        stats["precision"].append(_mean(outcomes[member & known & flagged]))
        stats["mean_score"].append(_mean(scores[member & known]))
        stats["observed_rate"].append(_mean(outcomes[member & known]))
    arrays = {k: np.asarray(v, dtype=float) for k, v in stats.items()}
    n = arrays["n"].astype(int)
    small = n < min_group_size
    rates = arrays["selection_rate"]
    candidates = np.flatnonzero(~small)
    if len(candidates):
        best = int(candidates[np.argmax(rates[candidates])])
        reference, best_rate = groups[best], float(rates[best])
    else:
        reference, best_rate = None, float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        selection_ratio = rates / best_rate if best_rate > 0 else np.full(len(groups), np.nan)
    return ColumnFairness(
        column=name,
        label=bundle.spec.label(name),
        groups=groups,
        n=n,
        n_known=arrays["n_known"].astype(int),
        selection_rate=rates,
        true_positive_rate=arrays["true_positive_rate"],
        false_positive_rate=arrays["false_positive_rate"],
        false_negative_rate=arrays["false_negative_rate"],
        precision=arrays["precision"],
        mean_score=arrays["mean_score"],
        observed_rate=arrays["observed_rate"],
        small=small,
        reference_group=reference,
        selection_ratio=selection_ratio,
        selection_difference=rates - best_rate,
        four_fifths_flag=~small & (selection_ratio < FOUR_FIFTHS),
        false_positive_flag=error_gaps(
            arrays["false_positive_rate"], ~small & (arrays["n_negative"] >= MIN_OUTCOME_CASES)
        ),
        false_negative_flag=error_gaps(
            arrays["false_negative_rate"], ~small & (arrays["n_positive"] >= MIN_OUTCOME_CASES)
        ),
        model_input=name in bundle.features,
        proxies=None,
    )


def error_gaps(rates: np.ndarray, judged: np.ndarray) -> np.ndarray:
    """Groups whose error rate is more than 1.25 times the best judged group's, or 10 points
    worse; only groups large enough to judge (``judged``) are compared or flagged."""
    usable = judged & ~np.isnan(rates)
    if usable.sum() < 2:
        return np.zeros(len(rates), dtype=bool)
    best = float(rates[usable].min())
    worse = (rates > ERROR_GAP_RATIO * best) | (rates - best > ERROR_GAP_POINTS)
    return np.asarray(usable & worse & (rates > best))


@uses_all_cores
def group_fairness(
    bundle: Bundle,
    *,
    columns: Sequence[str] | None = None,
    threshold: float | None = None,
    min_group_size: int = 50,
    proxies: bool = True,
    proxy_auc: float = 0.65,
    n_folds: int = 5,
    n_bins: int = 10,
    shap_rows: int = 1_000,
    max_rows: int = 50_000,
    random_state: int = 0,
    progress: Progress | None = None,
) -> FairnessResult:
    """Selection, error and calibration rates per group of each sensitive column, and proxies.

    Rows come from the reference data (at most ``max_rows``, a seeded sample); rows without
    an outcome count for selection rates only. ``columns`` defaults to the spec's sensitive
    columns. An input is a strong proxy when its out-of-fold AUC for the group is at least
    ``proxy_auc``; SHAP shares come from at most ``shap_rows`` reference rows.

    Examples
    --------
    >>> result = group_fairness(bundle)  # doctest: +SKIP
    >>> result.column("age_group").flagged_groups  # doctest: +SKIP
    ('18-25',)
    """
    cut = threshold_or_spec(threshold, bundle)
    check_fairness_options(min_group_size, n_folds, n_bins, shap_rows, max_rows, proxy_auc)
    names = sensitive_names(bundle, columns)
    report(progress, 0.0, "Scoring the reference data")
    sample = scored_reference(bundle, max_rows=max_rows, random_state=random_state, outcomes_required=False)
    shap_share = shap_shares_if_needed(bundle, proxies, shap_rows, random_state, progress)
    results = []
    for i, name in enumerate(names):
        report(progress, 0.5 + 0.5 * i / len(names), f"Comparing groups of {bundle.spec.label(name)}")
        item = _column_fairness(bundle, name, sample.frame, sample.scores, sample.outcomes, cut, min_group_size)
        if proxies:
            found = find_proxies(
                bundle,
                item,
                sample.frame,
                shap_share,
                proxy_auc=proxy_auc,
                n_folds=n_folds,
                n_bins=n_bins,
                random_state=random_state,
            )
            item = replace(item, proxies=found)
        results.append(item)
    report(progress, 1.0, "Fairness done")
    rule = bundle.spec.decision
    return FairnessResult(
        columns=tuple(results),
        threshold=cut,
        favorable=bundle.spec.favorable,
        selected_verdict=rule.below if bundle.spec.favorable == "below" else rule.above,
        n_rows=len(sample.frame),
        min_group_size=min_group_size,
        max_rows=max_rows,
        random_state=random_state,
        rate_words=rate_words(bundle),
        sensitive_inputs={f: float(shap_share[bundle.features.index(f)]) for f in bundle.spec.sensitive_features},
        stamp=make_stamp(bundle, random_state=random_state),
    )


def check_fairness_options(
    min_group_size: int, n_folds: int, n_bins: int, shap_rows: int, max_rows: int, proxy_auc: float
) -> None:
    """The options every fairness computation takes, each checked by name."""
    check_int("min_group_size", min_group_size, 1)
    check_int("n_folds", n_folds, 2)
    check_int("n_bins", n_bins, 2)
    check_int("shap_rows", shap_rows, 1)
    check_int("max_rows", max_rows, 10)
    check_number("proxy_auc", proxy_auc, 0.5, 1.0)


def shap_shares_if_needed(
    bundle: Bundle, proxies: bool, shap_rows: int, random_state: int, progress: Progress | None
) -> np.ndarray:
    """Each input's share of mean |SHAP| where proxies or sensitive inputs need it, else zeros."""
    if not (proxies or bundle.spec.sensitive_features):
        return np.zeros(len(bundle.features))
    report(progress, 0.1, "Computing SHAP values on the reference data")
    return mean_abs_shap_share(bundle, shap_rows, random_state)


def sensitive_names(bundle: Bundle, columns: Sequence[str] | None) -> tuple[str, ...]:
    """The columns to compare groups of (the spec's sensitive ones by default), each in the reference data."""
    sensitive = (*bundle.spec.sensitive_columns, *bundle.spec.sensitive_features)
    names = tuple(sensitive if columns is None else columns)
    if not names:
        raise BundleError(
            f"bundle {bundle.key!r} marks no column as sensitive; add `sensitive = true` under "
            "[columns.<name>] (or [features.<name>] for a model input) in bundle.toml for the columns to check "
            "(for example an age band)."
        )
    reference = bundle.table("reference")
    absent = [c for c in names if c not in reference.columns]
    if absent:
        raise BundleError(
            f"the sensitive column {absent[0]!r} is not in the reference data of bundle {bundle.key!r}; "
            "fairness is measured on the reference rows, so add the column there."
        )
    return names


def mean_abs_shap_share(bundle: Bundle, shap_rows: int, random_state: int) -> np.ndarray:
    """Each input's share of the model's mean |SHAP| on reference rows (summed over a multiclass model's classes)."""
    values = shap_values(bundle, data="reference", max_rows=shap_rows, random_state=random_state).values
    total = np.abs(values).mean(axis=0)
    if total.ndim == 2:
        total = total.sum(axis=1)
    return np.asarray(total / total.sum() if total.sum() > 0 else total)


def rate_words(bundle: Bundle) -> dict[str, str]:
    """Each rate in the spec's words, naming the side it measures: "Repaid cases declined"."""
    spec = bundle.spec
    above, below = spec.decision.above.lower(), spec.decision.below.lower()
    positive, negative = spec.outcome_label(1), spec.outcome_label(0)
    selected = below if spec.favorable == "below" else above
    return {
        "selection_rate": f"share {selected}",
        "true_positive_rate": f"{positive} cases {above}",
        "false_positive_rate": f"{negative} cases {above}",
        "false_negative_rate": f"{positive} cases {below}",
        "precision": f"{above} cases that were {positive}",
        "mean_score": f"mean {spec.score_label}",
        "observed_rate": f"share {positive}",
    }


__all__ = ["FOUR_FIFTHS", "ColumnFairness", "FairnessResult", "group_fairness"]
