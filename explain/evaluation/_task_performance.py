"""Held-out performance of a multiclass or a regression model on the reference data.

Multiclass: accuracy and top-2 accuracy, log-loss, macro one-vs-rest ROC AUC, the confusion
matrix (counts, and each true class's row as rates), and per class its precision, recall and
ROC AUC. Regression: MAE, RMSE and R², the estimates against the actual values, and the
error within each band of the spec. The threshold-based binary metrics live in
:mod:`._performance`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle
from explain.errors import OutcomesMissingError, UnsupportedTaskError


@dataclass(frozen=True, eq=False)
class MulticlassPerformance:
    """How well a multiclass model's chances match the outcomes of the reference data."""

    classes: tuple[str, ...]  # the model's classes
    labels: tuple[str, ...]  # in the spec's words
    n_rows: int
    accuracy: float
    top2_accuracy: float
    log_loss: float
    macro_roc_auc: float
    confusion: np.ndarray  # rows: true class, columns: predicted class (counts)
    per_class: pd.DataFrame  # label, rows, precision, recall, roc_auc, average_precision
    outcomes: np.ndarray  # class index per row
    probabilities: np.ndarray  # rows × classes
    stamp: AuditStamp

    def confusion_rates(self) -> np.ndarray:
        """Each true class's row of the confusion matrix as shares of that class (a new array)."""
        totals = self.confusion.sum(axis=1, keepdims=True)
        return np.divide(self.confusion, totals, out=np.zeros_like(self.confusion, dtype=float), where=totals > 0)

    def to_frame(self) -> pd.DataFrame:
        """Per class: label, rows, precision, recall, ROC AUC, average precision (a new copy)."""
        return self.per_class.copy()

    def calibration(self, n_bins: int = 10) -> pd.DataFrame:
        """Per class and bin of its predicted chance (tenths by default): the mean chance the model
        gave and the share of cases that were that class. Empty bins are left out."""
        edges = np.linspace(0.0, 1.0, n_bins + 1)
        rows = []
        for c, label in enumerate(self.labels):
            chance = self.probabilities[:, c]
            bins = np.clip(np.digitize(chance, edges[1:-1]), 0, n_bins - 1)
            for b in np.unique(bins):
                member = bins == b
                rows.append(
                    {
                        "class": self.classes[c],
                        "label": label,
                        "bin": int(b),
                        "rows": int(member.sum()),
                        "mean_predicted": float(chance[member].mean()),
                        "observed": float(np.mean(self.outcomes[member] == c)),
                    }
                )
        return pd.DataFrame(rows, columns=["class", "label", "bin", "rows", "mean_predicted", "observed"])


@dataclass(frozen=True, eq=False)
class RegressionPerformance:
    """How close a regression model's estimates come to the actual values of the reference data."""

    n_rows: int
    mae: float
    rmse: float
    r2: float
    actual: np.ndarray
    predicted: np.ndarray
    by_band: pd.DataFrame  # band, rows, mean actual, mean estimate, MAE (empty without bands)
    inputs: pd.DataFrame  # the model inputs of the same rows, for residuals against any input
    stamp: AuditStamp

    @property
    def residuals(self) -> np.ndarray:
        """Actual minus estimate, per row (a new array)."""
        return np.asarray(self.actual - self.predicted)

    def to_frame(self) -> pd.DataFrame:
        """Per row: actual, estimate, residual (a new table)."""
        return pd.DataFrame({"actual": self.actual, "estimate": self.predicted, "residual": self.residuals})


@uses_all_cores
def task_performance(bundle: Bundle) -> MulticlassPerformance | RegressionPerformance:
    """Performance of a multiclass or regression bundle's model on its reference data with outcomes."""
    task = bundle.model.task
    if task == "binary":
        raise UnsupportedTaskError("task_performance serves multiclass and regression models; use model_performance.")
    outcomes = bundle.outcomes("reference")
    rows = bundle.table("reference").loc[outcomes.index]
    response = np.asarray(bundle.model.predict_response(rows))
    stamp = make_stamp(bundle, explainer="held-out reference data")
    if task == "regression":
        return _regression(bundle, outcomes.to_numpy(dtype=float), response, rows[list(bundle.features)], stamp)
    return _multiclass(bundle, outcomes.astype(str).to_numpy(), response, stamp)


def _regression(
    bundle: Bundle, actual: np.ndarray, predicted: np.ndarray, inputs: pd.DataFrame, stamp: AuditStamp
) -> RegressionPerformance:
    error = actual - predicted
    total = float(np.sum((actual - actual.mean()) ** 2))
    bands = bundle.spec.target.bands
    rows = []
    if bands:
        names = np.array([bundle.spec.target.band(float(v)) for v in predicted], dtype=object)
        for band in bands:
            member = names == band.label
            if member.any():
                rows.append(
                    {
                        "band": band.label,
                        "rows": int(member.sum()),
                        "mean_actual": float(actual[member].mean()),
                        "mean_estimate": float(predicted[member].mean()),
                        "mae": float(np.abs(error[member]).mean()),
                    }
                )
    return RegressionPerformance(
        n_rows=len(actual),
        mae=float(np.abs(error).mean()),
        rmse=float(np.sqrt(np.mean(error**2))),
        r2=float(1 - np.sum(error**2) / total) if total > 0 else float("nan"),
        actual=actual,
        predicted=predicted,
        by_band=pd.DataFrame(rows, columns=["band", "rows", "mean_actual", "mean_estimate", "mae"]),
        inputs=inputs.reset_index(drop=True),
        stamp=stamp,
    )


def _multiclass(bundle: Bundle, outcomes: np.ndarray, p: np.ndarray, stamp: AuditStamp) -> MulticlassPerformance:
    from sklearn.metrics import average_precision_score, roc_auc_score

    classes = bundle.model.classes
    labels = tuple(bundle.spec.classes.label(c) for c in classes)
    index = {c: k for k, c in enumerate(classes)}
    y = np.array([index[o] for o in outcomes])
    if len(np.unique(y)) < 2:
        raise OutcomesMissingError("the reference data holds a single class; performance needs at least two.")
    k = len(classes)
    predicted = np.argmax(p, axis=1)
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (y, predicted), 1)
    top2 = np.argsort(-p, axis=1)[:, :2]
    clipped = np.clip(p[np.arange(len(y)), y], 1e-15, 1.0)
    both = [0 < (y == c).sum() < len(y) for c in range(k)]
    aucs = [float(roc_auc_score(y == c, p[:, c])) if both[c] else float("nan") for c in range(k)]
    aps = [float(average_precision_score(y == c, p[:, c])) if both[c] else float("nan") for c in range(k)]
    per_class = pd.DataFrame(
        {
            "label": labels,
            "rows": confusion.sum(axis=1),
            "precision": [
                confusion[c, c] / confusion[:, c].sum() if confusion[:, c].sum() else float("nan") for c in range(k)
            ],
            "recall": [
                confusion[c, c] / confusion[c, :].sum() if confusion[c, :].sum() else float("nan") for c in range(k)
            ],
            "roc_auc": aucs,
            "average_precision": aps,
        }
    )
    return MulticlassPerformance(
        classes=classes,
        labels=labels,
        n_rows=len(y),
        accuracy=float(np.mean(predicted == y)),
        top2_accuracy=float(np.mean((top2 == y[:, None]).any(axis=1))),
        log_loss=float(-np.mean(np.log(clipped))),
        macro_roc_auc=float(np.nanmean(aucs)),
        confusion=confusion,
        per_class=per_class,
        outcomes=y,
        probabilities=p,
        stamp=stamp,
    )
