"""Dependence: how one input's value drives its contribution, and what it interacts with.

The colour of a SHAP dependence plot is the input's strongest interacting partner. SHAP
interaction values are used only where they pass a check (each row of interaction values
sums to that row's SHAP values within 1e-6): shap 0.51 gets LightGBM's categorical splits
wrong (an error on pandas categories, silently wrong values on their codes), so such models
fall back to an approximate ranking. shap's own ``approximate_interactions`` skips every bin
where the partner is missing, so it practically never picks an input with missing values;
the fallback here imputes missing partners (median for numbers) and target-encodes
categories before correlating within bins.

Partial dependence and ICE lines go through the model adapter (scikit-learn's
``partial_dependence`` needs a scikit-learn estimator).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain._params import check_int
from explain._progress import Progress, report
from explain._stamp import AuditStamp, make_stamp
from explain.attribution._shap import ShapResult, shap_values
from explain.bundle._bundle import Bundle, TableName
from explain.bundle._profile import population_profile
from explain.bundle._task_rules import check_target_class
from explain.errors import FeatureNotFoundError

INTERACTION_TOLERANCE = 1e-6
EXACT = "SHAP interaction values"
FALLBACK = "approximate ranking (within-bin correlation, missing values imputed)"


@dataclass(frozen=True, eq=False)
class InteractionRanking:
    """Partners of one input, strongest first, and how the ranking was made."""

    feature: str
    partners: tuple[str, ...]
    strengths: np.ndarray
    method: str
    note: str

    def to_frame(self) -> pd.DataFrame:
        """A new table of partners and strengths."""
        return pd.DataFrame({"partner": self.partners, "strength": self.strengths.copy()})


@dataclass(frozen=True, eq=False)
class DependenceResult:
    """One input's values against its SHAP values, coloured by its strongest partner."""

    feature: str
    ids: tuple[str, ...]
    values: np.ndarray  # object array: numbers or categories, NaN/None when missing
    shap: np.ndarray
    color_feature: str | None
    color_values: np.ndarray
    categorical: bool
    color_categorical: bool
    ranking: InteractionRanking
    output: str
    stamp: AuditStamp
    target: str = "score"  # what the contributions move: "score", "margin of Grade B", "credit limit"

    def to_frame(self) -> pd.DataFrame:
        """A new table: id, value, SHAP value, colour value."""
        return pd.DataFrame(
            {"id": self.ids, "value": self.values, "shap": self.shap.copy(), "color": self.color_values}
        )


def _check_feature(bundle: Bundle, feature: str) -> None:
    if feature not in bundle.features:
        raise FeatureNotFoundError(
            f"{feature!r} is not a model input of bundle {bundle.key!r}; choose one of {', '.join(bundle.features)}."
        )


CHECK_ROWS = 50


@dataclass(frozen=True, eq=False)
class InteractionResult:
    """SHAP values of a sample and, where they pass the check, their interaction values.

    Every feature's dependence plot ranks its partners from this one result, so it is
    computed once per bundle (the caller keeps it) rather than once per feature.
    """

    shap: ShapResult
    data: str
    values: np.ndarray | None  # rows × inputs × inputs, raw-input space; None when unavailable
    method: str
    note: str
    stamp: AuditStamp

    def to_frame(self) -> pd.DataFrame:
        """Mean |interaction| for every pair of inputs (empty when unavailable)."""
        names = list(self.shap.feature_names)
        if self.values is None:
            return pd.DataFrame(columns=["feature", "partner", "strength"])
        strength = np.abs(self.values).mean(axis=0)
        return pd.DataFrame(
            [(a, b, float(strength[i, j])) for i, a in enumerate(names) for j, b in enumerate(names) if i != j],
            columns=["feature", "partner", "strength"],
        )


@uses_all_cores
def shap_interactions(
    bundle: Bundle,
    *,
    data: TableName | None = None,
    max_rows: int = 1_000,
    random_state: int = 0,
    progress: Progress | None = None,
) -> InteractionResult:
    """SHAP values of a seeded sample and their interaction values, kept only if every row's
    interaction values sum to its SHAP values within 1e-6 (checked on 50 rows first)."""
    data = data or bundle.population_table
    report(progress, 0.0, "Computing SHAP values")
    result = shap_values(bundle, data=data, max_rows=max_rows, random_state=random_state)
    rows = bundle.table(data).loc[list(result.ids)]
    report(progress, 0.4, "Checking SHAP interaction values")
    head = _checked_interactions(bundle, result.values[:CHECK_ROWS], rows.iloc[:CHECK_ROWS])
    values = None if head is None else _checked_interactions(bundle, result.values, rows)
    if values is not None:
        method, note = EXACT, "each row of interaction values sums to its SHAP values within 1e-6"
    elif bundle.model.has_interactions:
        method, note = (
            FALLBACK,
            (
                "shap's interaction values do not add up to the SHAP values for this model "
                "(shap 0.51 mishandles LightGBM categorical splits)"
            ),
        )
    else:
        method, note = FALLBACK, "this model family has no exact interaction values"
    report(progress, 1.0, "Interactions ready")
    stamp = make_stamp(bundle, explainer=result.explainer, random_state=random_state)
    return InteractionResult(shap=result, data=data, values=values, method=method, note=note, stamp=stamp)


def _checked_interactions(bundle: Bundle, shap_rows: np.ndarray, rows: pd.DataFrame) -> np.ndarray | None:
    adapter = bundle.model
    try:
        values = adapter.interaction_values(adapter.prepare(rows))
    except Exception:  # shap raises assorted errors on models it cannot handle
        return None
    if values is None:
        return None
    values = np.asarray(values, dtype=float)
    if values.ndim != 3 or values.shape[1:] != (len(adapter.feature_names),) * 2:
        return None
    if not np.max(np.abs(values.sum(axis=2) - shap_rows)) <= INTERACTION_TOLERANCE:
        return None
    return values


def _encode_partner(column: pd.Series, target: np.ndarray, categorical: bool) -> np.ndarray:
    """Numbers: missing imputed with the median. Categories: each replaced by the mean target in it."""
    if categorical:
        text = column.astype("object").where(column.notna(), "<missing>").astype(str).to_numpy()
        means = pd.Series(target).groupby(text).mean()
        return np.asarray(pd.Series(text).map(means).to_numpy(dtype=float))
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    median = np.nanmedian(values) if np.isfinite(values).any() else 0.0
    return np.where(np.isnan(values), median, values)


def approximate_ranking(bundle: Bundle, feature: str, rows: pd.DataFrame, shap_column: np.ndarray) -> np.ndarray:
    """Strength of each input's interaction with ``feature``: the summed absolute correlation
    between ``feature``'s SHAP values and the partner within bins of ``feature``'s value."""
    profile = population_profile(bundle)
    own = rows[feature]
    if profile.features[feature].categorical:
        key = own.astype("object").where(own.notna(), "<missing>").astype(str).to_numpy()
        order = np.argsort(key, kind="stable")
    else:
        numeric = pd.to_numeric(own, errors="coerce").to_numpy(dtype=float)
        order = np.argsort(np.where(np.isnan(numeric), np.inf, numeric), kind="stable")  # missing: last bins
    n = len(rows)
    size = max(min(n // 10, 50), 2)
    strengths = np.zeros(len(bundle.features))
    target = shap_column[order]
    for j, partner in enumerate(bundle.features):
        if partner == feature:
            continue
        encoded = _encode_partner(rows[partner], shap_column, profile.features[partner].categorical)[order]
        total = 0.0
        for start in range(0, n, size):
            a, b = encoded[start : start + size], target[start : start + size]
            if len(a) > 2 and np.std(a) > 0 and np.std(b) > 0:
                total += abs(float(np.corrcoef(a, b)[0, 1]))
        strengths[j] = total
    return strengths


@uses_all_cores
def dependence(
    bundle: Bundle,
    feature: str,
    *,
    interactions: InteractionResult | None = None,
    data: TableName | None = None,
    max_rows: int = 1_000,
    random_state: int = 0,
    progress: Progress | None = None,
    target_class: str | None = None,
) -> DependenceResult:
    """SHAP values of ``feature`` against its values, coloured by its strongest partner.

    A multiclass model's contributions are those to ``target_class``'s margin (by default its
    first class); a regression's are in the target's units.

    Pass ``interactions`` (from :func:`shap_interactions`) to reuse them across features;
    otherwise they are computed here with ``data``, ``max_rows`` and ``random_state``.

    Examples
    --------
    >>> result = dependence(bundle, "debt_to_income")  # doctest: +SKIP
    >>> result.color_feature, result.ranking.method  # doctest: +SKIP
    """
    _check_feature(bundle, feature)
    if interactions is None:
        interactions = shap_interactions(
            bundle, data=data, max_rows=max_rows, random_state=random_state, progress=progress
        )
    result = interactions.shap
    rows = bundle.table(interactions.data).loc[list(result.ids)]
    j = bundle.features.index(feature)
    values, target = _task_values(bundle, result.values, target_class)
    others = [k for k in range(len(bundle.features)) if k != j]
    if interactions.values is not None:
        strengths = np.abs(interactions.values[:, j, :]).mean(axis=0)
    else:
        strengths = approximate_ranking(bundle, feature, rows, values[:, j])
    order = sorted(others, key=lambda k: -strengths[k])
    ranking = InteractionRanking(
        feature=feature,
        partners=tuple(bundle.features[k] for k in order),
        strengths=np.asarray([strengths[k] for k in order]),
        method=interactions.method,
        note=interactions.note,
    )
    profile = population_profile(bundle)
    color = ranking.partners[0] if ranking.partners else None
    return DependenceResult(
        feature=feature,
        ids=result.ids,
        values=rows[feature].astype("object").to_numpy(),
        shap=values[:, j].copy(),
        color_feature=color,
        color_values=rows[color].astype("object").to_numpy() if color else np.zeros(0),
        categorical=profile.features[feature].categorical,
        color_categorical=bool(color and profile.features[color].categorical),
        ranking=ranking,
        output=result.output,
        stamp=interactions.stamp,
        target=target,
    )


def _class_index(bundle: Bundle, target_class: str | None) -> int:
    """The position of ``target_class`` among a multiclass model's classes (its first by default)."""
    if target_class is None:
        return 0
    check_target_class(bundle, target_class)
    return bundle.model.classes.index(str(target_class))


def _task_values(bundle: Bundle, values: np.ndarray, target_class: str | None) -> tuple[np.ndarray, str]:
    """Rows × inputs contributions to what a page shows, and its name, for every task."""
    if bundle.model.task == "multiclass":
        c = _class_index(bundle, target_class)
        return values[:, :, c], f"margin of {bundle.spec.classes.label(bundle.model.classes[c])}"
    if bundle.model.task == "regression":
        return values, bundle.spec.target.label
    return values, "score"


@dataclass(frozen=True, eq=False)
class PartialDependenceResult:
    """Average prediction (PD) and individual lines (ICE) over a grid of one input's values."""

    feature: str
    grid: tuple[Any, ...]
    categorical: bool
    average: np.ndarray  # per grid point, mean score
    ice: np.ndarray  # (lines, grid) scores
    ice_ids: tuple[str, ...]
    n_rows: int
    stamp: AuditStamp
    what: str = ""  # what the lines are: "" (the spec's score), "chance of Grade B", "credit limit"
    unit: str = ""  # a regression target's unit
    probability: bool = True  # whether the lines are probabilities (else the target's values)

    def centered(self) -> tuple[np.ndarray, np.ndarray]:
        """ICE lines and average minus their value at the first grid point (c-ICE)."""
        ice = self.ice - self.ice[:, :1]
        return self.average - self.average[0], ice

    def to_frame(self) -> pd.DataFrame:
        """A new table: grid value and partial dependence."""
        return pd.DataFrame({"value": list(self.grid), "partial_dependence": self.average.copy()})


@uses_all_cores
def partial_dependence(
    bundle: Bundle,
    feature: str,
    *,
    data: TableName | None = None,
    grid_size: int = 20,
    n_ice: int = 200,
    max_rows: int = 500,
    random_state: int = 0,
    target_class: str | None = None,
) -> PartialDependenceResult:
    """Partial dependence with ICE lines on a quantile grid (numbers) or every known category.

    Predictions go through the bundle's model adapter, so any supported model works: the
    score of a binary model, the chance of ``target_class`` (by default the first class) of
    a multiclass one, the estimate of a regression.
    """
    _check_feature(bundle, feature)
    check_int("grid_size", grid_size, 2)
    check_int("n_ice", n_ice, 0)
    check_int("max_rows", max_rows, 1)
    table = bundle.table(data or bundle.population_table)
    rows = table.sample(n=min(max_rows, len(table)), random_state=random_state)
    fp = population_profile(bundle).features[feature]
    if fp.categorical:
        grid: tuple[Any, ...] = tuple(bundle.model.categories.get(feature) or sorted(fp.frequencies))
    else:
        quantiles = np.quantile(fp.sorted_values, np.linspace(0.02, 0.98, grid_size), method="inverted_cdf")
        grid = tuple(float(v) for v in np.unique(quantiles))
    n = len(rows)
    frame = pd.concat([rows] * len(grid), ignore_index=True)
    column = np.repeat(np.asarray(grid, dtype=object), n)
    frame[feature] = column if fp.categorical else column.astype(float)
    what, unit, probability = "", "", True
    if bundle.model.task == "binary":
        predicted = bundle.model.predict_score(frame)
    elif bundle.model.task == "multiclass":
        c = _class_index(bundle, target_class)
        predicted = np.asarray(bundle.model.predict_response(frame))[:, c]
        what = f"chance of {bundle.spec.classes.label(bundle.model.classes[c])}"
    else:
        predicted = np.asarray(bundle.model.predict_response(frame))
        what, unit, probability = bundle.spec.target.label, bundle.spec.target.unit, False
    scores = predicted.reshape(len(grid), n).T  # (rows, grid)
    lines = min(n_ice, n)
    return PartialDependenceResult(
        feature=feature,
        grid=grid,
        categorical=fp.categorical,
        average=scores.mean(axis=0),
        ice=scores[:lines].copy(),
        ice_ids=tuple(str(i) for i in rows.index[:lines]),
        n_rows=n,
        stamp=make_stamp(
            bundle, explainer="partial dependence (model predictions on a grid)", random_state=random_state
        ),
        what=what,
        unit=unit,
        probability=probability,
    )
