"""Global importance with uncertainty: permutation importance and mean |SHAP|.

Permutation importance predicts once per feature and repeat; its 95% interval comes from a
bootstrap over rows that reuses those predictions (each resample only re-weights rows), so
200 resamples cost no extra predicts. The weighted metrics below compute every resample at
once from one sort per prediction vector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from explain._cores import thread_budget, uses_all_cores
from explain._params import check_choice, check_int
from explain._stamp import AuditStamp, make_stamp
from explain.attribution._shap import shap_values
from explain.bundle._bundle import Bundle, TableName
from explain.errors import ExplainError, InvalidParameterError
from explain.models._base import ModelAdapter

if TYPE_CHECKING:
    from explain.models._tree_engine import PermutedPredictions

Scoring = Literal["roc_auc", "average_precision", "log_loss", "rmse", "mae"]
Progress = Callable[[float, str], None]
SCORINGS: tuple[str, ...] = ("roc_auc", "average_precision", "log_loss", "rmse", "mae")
#: The scorers each task accepts (the first is a multiclass or regression model's default).
TASK_SCORINGS: dict[str, tuple[str, ...]] = {
    "binary": ("roc_auc", "average_precision", "log_loss"),
    "multiclass": ("log_loss",),
    "regression": ("rmse", "mae"),
}
_SCORING_NAMES = {
    "roc_auc": "ROC AUC",
    "average_precision": "average precision",
    "log_loss": "log-loss",
    "rmse": "root mean squared error",
    "mae": "mean absolute error",
}


@dataclass(frozen=True, eq=False)
class ImportanceResult:
    """Importance per feature with a 95% bootstrap interval, and how it was computed."""

    method: str
    features: tuple[str, ...]
    labels: tuple[str, ...]
    importance: np.ndarray
    low: np.ndarray
    high: np.ndarray
    scoring: str | None
    baseline_score: float | None
    n_rows: int
    n_repeats: int
    n_bootstrap: int
    random_state: int
    data: str
    stamp: AuditStamp
    per_class: np.ndarray | None = None  # multiclass mean |SHAP|: inputs × classes (summing to importance)
    class_labels: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """A new table, most important first, with ranks (1 = most important)."""
        frame = pd.DataFrame(
            {
                "feature": self.features,
                "label": self.labels,
                "importance": self.importance.copy(),
                "low": self.low.copy(),
                "high": self.high.copy(),
            }
        ).sort_values("importance", ascending=False, kind="stable")
        frame["rank"] = np.arange(1, len(frame) + 1)
        return frame.reset_index(drop=True)

    @property
    def scoring_name(self) -> str:
        """The scorer in words (``ROC AUC``), or the method for SHAP importance."""
        return _SCORING_NAMES.get(self.scoring or "", self.method)


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


def weighted_scores(scoring: str, y: np.ndarray, p: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The metric for each row of ``weights`` (resample counts, shape (B, n)) at once.

    With a row of ones this equals scikit-learn's ``roc_auc_score``,
    ``average_precision_score`` and ``log_loss`` (ties handled the same way). The two rank
    metrics run compiled (:mod:`._rank_kernels`), one pass per resample.
    """
    p = np.asarray(p, dtype=float)
    if scoring in ("roc_auc", "average_precision") and p.ndim == 1:
        from explain.attribution._rank_kernels import weighted_rank_metric

        return weighted_rank_metric(scoring, np.asarray(y, dtype=float), p, np.atleast_2d(weights))
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    if p.ndim == 2:  # multiclass: y holds class indices, p every class's chance
        chosen = np.clip(p[np.arange(len(p)), np.asarray(y, dtype=int)], 1e-15, 1.0)
        return np.asarray((w @ -np.log(chosen)) / w.sum(axis=1))
    y = np.asarray(y, dtype=float)
    if scoring in ("rmse", "mae"):  # regression: y and p in the target's units
        error = (y - p) ** 2 if scoring == "rmse" else np.abs(y - p)
        mean = (w @ error) / w.sum(axis=1)
        return np.asarray(np.sqrt(mean) if scoring == "rmse" else mean)
    if scoring == "log_loss":
        q = np.clip(p, 1e-15, 1 - 1e-15)
        losses = -(y * np.log(q) + (1 - y) * np.log(1 - q))
        return np.asarray((w @ losses) / w.sum(axis=1))
    raise InvalidParameterError(f"scoring must be one of {', '.join(SCORINGS)}; got {scoring!r}.")


def _higher_is_better(scoring: str) -> bool:
    return scoring not in ("log_loss", "rmse", "mae")


def default_scoring(positive_rate: float) -> Scoring:
    """Average precision when positives are under 10% (ROC AUC hides rare-class errors), else ROC AUC."""
    return "average_precision" if positive_rate < 0.10 else "roc_auc"


def _interval(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = np.nanpercentile(samples, [2.5, 97.5], axis=0)
    return np.asarray(low), np.asarray(high)


@uses_all_cores
def _shuffled(x: pd.DataFrame, name: str, order: np.ndarray) -> pd.DataFrame:
    """``x`` with column ``name`` reordered by ``order`` (its categories kept)."""
    shuffled = x.copy()
    shuffled[name] = x[name].to_numpy()[order]
    if isinstance(x[name].dtype, pd.CategoricalDtype):
        shuffled[name] = pd.Categorical(shuffled[name], categories=x[name].cat.categories)
    return shuffled


def _permuted_predictions(
    adapter: ModelAdapter, x: pd.DataFrame
) -> tuple[PermutedPredictions, Callable[[np.ndarray], np.ndarray]] | None:
    """The tree engine over rows ``x`` and the map from its summed leaves to the model's raw
    output, or None when the model is not a tree ensemble the engine reads."""
    trees = adapter.tree_arrays()
    if trees is None:
        return None
    from explain.models._tree_arrays import model_matrix
    from explain.models._tree_engine import MAX_LEAF_MATRIX_BYTES, PermutedPredictions

    if 4 * len(x) * trees.n_trees > MAX_LEAF_MATRIX_BYTES:
        return None
    engine = PermutedPredictions(trees, model_matrix(x), threads=thread_budget())

    def as_raw(total: np.ndarray) -> np.ndarray:
        if adapter.task == "binary" and total.shape[1] == 2:
            return total[:, 1]  # a forest's class shares: the positive class
        return total[:, 0] if total.shape[1] == 1 else total

    return engine, as_raw


@uses_all_cores
def permutation_importance(
    bundle: Bundle,
    *,
    n_repeats: int = 5,
    n_bootstrap: int = 200,
    max_rows: int = 20_000,
    scoring: Scoring | None = None,
    random_state: int = 0,
    progress: Progress | None = None,
    method: Literal["auto", "repredict"] = "auto",
) -> ImportanceResult:
    """How much the score on the reference data drops when each input is shuffled.

    Rows with known outcomes, at most ``max_rows`` (a seeded sample). The default scorer of a
    binary model is average precision when positives are under 10%, ROC AUC otherwise; of a
    multiclass model log-loss, of a regression the root mean squared error (``mae`` also). The 95% interval is
    a bootstrap over rows that reuses the permuted predictions.

    ``method="auto"`` computes the shuffled predictions of a LightGBM model or a scikit-learn
    random forest (or extra trees) with the compiled tree engine: each row's leaves are found
    once, and shuffling an input walks again only the trees whose path for that row reads it.
    Other models, and ``method="repredict"``, send each shuffled copy through the model's own
    predict. Both give the same importances (tested to 1e-9) for the same shuffles.

    Examples
    --------
    >>> result = permutation_importance(bundle, n_repeats=3)  # doctest: +SKIP
    >>> result.to_frame().head(3)  # doctest: +SKIP
    """
    check_int("n_repeats", n_repeats, 1)
    check_int("n_bootstrap", n_bootstrap, 1)
    check_int("max_rows", max_rows, 10)
    check_choice("method", method, ("auto", "repredict"))
    task = bundle.model.task
    if scoring is not None:
        check_choice("scoring", scoring, TASK_SCORINGS[task])
    outcomes = bundle.outcomes("reference")
    rng = np.random.default_rng(random_state)
    ids = outcomes.index
    if len(ids) > max_rows:
        ids = ids[np.sort(rng.choice(len(ids), size=max_rows, replace=False))]
    if task == "multiclass":
        y = np.array([bundle.model.classes.index(str(c)) for c in outcomes.loc[ids]])
    else:
        y = outcomes.loc[ids].to_numpy(dtype=float)
    if y.min() == y.max():
        raise ExplainError("the reference outcomes are all the same; importance needs different outcomes present.")
    chosen: str = scoring or (default_scoring(float(y.mean())) if task == "binary" else TASK_SCORINGS[task][0])
    predict = bundle.model.predict_score if task == "binary" else bundle.model.predict_response
    predict_from_raw = bundle.model.to_score if task == "binary" else bundle.model.to_response
    x = bundle.model.prepare(bundle.table("reference").loc[ids])
    n = len(x)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_bootstrap)
    # row 0 weighs every row once (the score itself), the others are the bootstrap resamples
    weights = np.vstack([np.ones((1, n), dtype=counts.dtype), counts]).astype(float)
    if chosen in ("roc_auc", "average_precision"):  # their kernel reads every resample's count of a row at once
        weights = np.ascontiguousarray(weights.T, dtype=np.uint16).T
    base_p = predict(x)
    base_scores = weighted_scores(chosen, y, base_p, weights)
    base_score, base_boot = float(base_scores[0]), base_scores[1:]
    sign = 1.0 if _higher_is_better(chosen) else -1.0
    features = bundle.features
    point = np.zeros(len(features))
    boot = np.zeros((n_bootstrap, len(features)))
    total = len(features) * n_repeats
    fast = _permuted_predictions(bundle.model, x) if method == "auto" else None
    for j, name in enumerate(features):
        drops, boot_drops = [], []
        orders = [rng.permutation(n) for _ in range(n_repeats)]
        _report(progress, j * n_repeats / total, f"Permuting {bundle.spec.label(name)}")
        if fast is not None:  # every repeat at once, only the trees the input can move
            permuted, as_raw = fast
            shuffled_p = [
                predict_from_raw(as_raw(raw))
                for raw in permuted.permuted(list(x.columns).index(name), np.stack(orders))
            ]
        else:
            shuffled_p = [predict(_shuffled(x, name, order)) for order in orders]
        for p in shuffled_p:
            scores = weighted_scores(chosen, y, p, weights)
            drops.append(sign * (base_score - float(scores[0])))
            boot_drops.append(sign * (base_boot - scores[1:]))
        point[j] = float(np.mean(drops))
        boot[:, j] = np.mean(boot_drops, axis=0)
    _report(progress, 1.0, "Permutation importance done")
    low, high = _interval(boot)
    return ImportanceResult(
        method="permutation",
        features=features,
        labels=tuple(bundle.spec.label(f) for f in features),
        importance=point,
        low=low,
        high=high,
        scoring=chosen,
        baseline_score=base_score,
        n_rows=n,
        n_repeats=n_repeats,
        n_bootstrap=n_bootstrap,
        random_state=random_state,
        data="reference",
        stamp=make_stamp(
            bundle, explainer=f"permutation importance, drop in {_SCORING_NAMES[chosen]}", random_state=random_state
        ),
    )


@uses_all_cores
def shap_importance(
    bundle: Bundle,
    *,
    data: TableName | str | pd.DataFrame | None = None,
    max_rows: int = 2_000,
    n_bootstrap: int = 50,
    random_state: int = 0,
    progress: Progress | None = None,
) -> ImportanceResult:
    """Mean |SHAP| per input on a seeded sample, with a 95% bootstrap interval over rows.

    ``data`` is any table :func:`~explain.attributions.shap_values` accepts.
    """
    check_int("n_bootstrap", n_bootstrap, 1)
    if data is None:
        data = bundle.population_table
    _report(progress, 0.0, "Computing SHAP values")
    result = shap_values(bundle, data=data, max_rows=max_rows, random_state=random_state)
    _report(progress, 0.8, "Bootstrapping intervals")
    magnitude = np.abs(result.values)
    per_class = None
    if magnitude.ndim == 3:  # multiclass: each class's mean |SHAP|, summed for the ranking
        per_class = magnitude.mean(axis=0)
        magnitude = magnitude.sum(axis=2)
    n = len(magnitude)
    if n == 0:
        raise ExplainError("the table is empty; there is nothing to measure importance on.")
    rng = np.random.default_rng(random_state)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_bootstrap) / n
    low, high = _interval(weights @ magnitude)
    _report(progress, 1.0, "SHAP importance done")
    return ImportanceResult(
        method="mean |SHAP|",
        features=result.feature_names,
        labels=tuple(bundle.spec.label(f) for f in result.feature_names),
        importance=magnitude.mean(axis=0),
        low=low,
        high=high,
        scoring=None,
        baseline_score=None,
        n_rows=n,
        n_repeats=0,
        n_bootstrap=n_bootstrap,
        random_state=random_state,
        data="custom" if isinstance(data, pd.DataFrame) else str(data),
        stamp=make_stamp(bundle, explainer=result.explainer, random_state=random_state),
        per_class=per_class,
        class_labels=tuple(bundle.spec.classes.label(c) for c in bundle.model.classes) if per_class is not None else (),
    )
