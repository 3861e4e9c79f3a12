"""Global importance with uncertainty: permutation importance and mean |SHAP|.

Permutation importance predicts once per feature and repeat; its 95% interval comes from a
bootstrap over rows that reuses those predictions (each resample only re-weights rows), so
200 resamples cost no extra predicts. The weighted metrics below compute every resample at
once from one sort per prediction vector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from explain._params import check_choice, check_int
from explain._stamp import AuditStamp, make_stamp
from explain.attribution._shap import shap_values
from explain.bundle._bundle import Bundle, TableName
from explain.errors import ExplainError, InvalidParameterError

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
    ``average_precision_score`` and ``log_loss`` (ties handled the same way).
    """
    p = np.asarray(p, dtype=float)
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
    order = np.argsort(p, kind="mergesort")
    ps, ys = p[order], y[order]
    # resample counts are small integers: float32 sums of them are exact and halve the memory traffic
    ws = w[:, order].astype(np.float32) if w.shape[0] > 1 else w[:, order]
    pos = ws * ys.astype(ws.dtype)
    neg = ws - pos
    starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]])  # groups of tied scores, ascending
    if len(starts) < len(ps):
        pos = np.add.reduceat(pos, starts, axis=1)
        neg = np.add.reduceat(neg, starts, axis=1)
    total_pos, total_neg = pos.sum(axis=1, dtype=float), neg.sum(axis=1, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if scoring == "roc_auc":
            below = np.cumsum(neg, axis=1) - neg
            return np.asarray((pos * (below + 0.5 * neg)).sum(axis=1, dtype=float) / (total_pos * total_neg))
        if scoring == "average_precision":
            pos_d, neg_d = pos[:, ::-1], neg[:, ::-1]  # thresholds from the highest score down
            tp, fp = np.cumsum(pos_d, axis=1), np.cumsum(neg_d, axis=1)
            precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
            return np.asarray((pos_d * precision).sum(axis=1, dtype=float) / total_pos)
    raise InvalidParameterError(f"scoring must be one of {', '.join(SCORINGS)}; got {scoring!r}.")


def _higher_is_better(scoring: str) -> bool:
    return scoring not in ("log_loss", "rmse", "mae")


def default_scoring(positive_rate: float) -> Scoring:
    """Average precision when positives are under 10% (ROC AUC hides rare-class errors), else ROC AUC."""
    return "average_precision" if positive_rate < 0.10 else "roc_auc"


def _interval(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = np.nanpercentile(samples, [2.5, 97.5], axis=0)
    return np.asarray(low), np.asarray(high)


def permutation_importance(
    bundle: Bundle,
    *,
    n_repeats: int = 5,
    n_bootstrap: int = 200,
    max_rows: int = 20_000,
    scoring: Scoring | None = None,
    random_state: int = 0,
    progress: Progress | None = None,
) -> ImportanceResult:
    """How much the score on the reference data drops when each input is shuffled.

    Rows with known outcomes, at most ``max_rows`` (a seeded sample). The default scorer of a
    binary model is average precision when positives are under 10%, ROC AUC otherwise; of a
    multiclass model log-loss, of a regression the root mean squared error (``mae`` also). The 95% interval is
    a bootstrap over rows that reuses the permuted predictions.

    Examples
    --------
    >>> result = permutation_importance(bundle, n_repeats=3)  # doctest: +SKIP
    >>> result.to_frame().head(3)  # doctest: +SKIP
    """
    check_int("n_repeats", n_repeats, 1)
    check_int("n_bootstrap", n_bootstrap, 1)
    check_int("max_rows", max_rows, 10)
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
    x = bundle.model.prepare(bundle.table("reference").loc[ids])
    n = len(x)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_bootstrap).astype(float)
    base_p = predict(x)
    ones = np.ones((1, n))
    base_score = float(weighted_scores(chosen, y, base_p, ones)[0])
    base_boot = weighted_scores(chosen, y, base_p, weights)
    sign = 1.0 if _higher_is_better(chosen) else -1.0
    features = bundle.features
    point = np.zeros(len(features))
    boot = np.zeros((n_bootstrap, len(features)))
    total = len(features) * n_repeats
    for j, name in enumerate(features):
        drops, boot_drops = [], []
        for r in range(n_repeats):
            _report(progress, (j * n_repeats + r) / total, f"Permuting {bundle.spec.label(name)} ({r + 1}/{n_repeats})")
            shuffled = x.copy()
            shuffled[name] = x[name].to_numpy()[rng.permutation(n)]
            if isinstance(x[name].dtype, pd.CategoricalDtype):
                shuffled[name] = pd.Categorical(shuffled[name], categories=x[name].cat.categories)
            p = predict(shuffled)
            drops.append(sign * (base_score - float(weighted_scores(chosen, y, p, ones)[0])))
            boot_drops.append(sign * (base_boot - weighted_scores(chosen, y, p, weights)))
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
