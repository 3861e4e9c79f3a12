"""The model card: what the model is, what its inputs mean, and how well it does on held-out data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain._stamp import AuditStamp, make_stamp
from explain.attribution._importance import weighted_scores
from explain.bundle._bundle import Bundle
from explain.errors import OutcomesMissingError


@dataclass(frozen=True, eq=False)
class ModelCard:
    """Task, model, data dictionary and held-out metrics of a bundle."""

    name: str
    task: str
    model: str
    family: str
    output_space: str
    n_inputs: int
    rows: dict[str, int]
    threshold: float
    verdicts: tuple[str, str]
    score_label: str
    metrics: dict[str, float]
    metrics_note: str
    dictionary: pd.DataFrame
    sensitive_inputs: dict[str, float]  # sensitive model inputs → their share of mean |SHAP|
    fingerprint: str
    stamp: AuditStamp

    def to_frame(self) -> pd.DataFrame:
        """The data dictionary (a new copy)."""
        return self.dictionary.copy()


def held_out_metrics(bundle: Bundle) -> tuple[dict[str, float], str]:
    """ROC AUC, average precision, log-loss, Brier score and rates on the reference data."""
    try:
        outcomes = bundle.outcomes("reference")
    except OutcomesMissingError as err:
        return {}, str(err)
    if bundle.model.task != "binary":
        return _task_metrics(bundle)
    y = outcomes.to_numpy(dtype=float)
    p = bundle.model.predict_score(bundle.table("reference").loc[outcomes.index])
    ones = np.ones((1, len(y)))
    metrics = {
        "ROC AUC": float(weighted_scores("roc_auc", y, p, ones)[0]),
        "Average precision": float(weighted_scores("average_precision", y, p, ones)[0]),
        "Log-loss": float(weighted_scores("log_loss", y, p, ones)[0]),
        "Brier score": float(np.mean((p - y) ** 2)),
        "Observed rate": float(y.mean()),
        "Mean score": float(p.mean()),
        "Share above threshold": float((p >= bundle.spec.decision.threshold).mean()),
    }
    return metrics, f"on {len(y):,} held-out reference rows with known outcomes"


def _task_metrics(bundle: Bundle) -> tuple[dict[str, float], str]:
    """The held-out metrics of a multiclass or regression model (see :func:`task_performance`)."""
    from explain.evaluation._task_performance import MulticlassPerformance, task_performance

    result = task_performance(bundle)
    if isinstance(result, MulticlassPerformance):
        metrics = {
            "Accuracy": result.accuracy,
            "Top-2 accuracy": result.top2_accuracy,
            "Log-loss": result.log_loss,
            "Macro ROC AUC": result.macro_roc_auc,
        }
    else:
        metrics = {"Mean absolute error": result.mae, "Root mean squared error": result.rmse, "R²": result.r2}
    return metrics, f"on {result.n_rows:,} held-out reference rows with known outcomes"


def _sensitive_shares(bundle: Bundle, max_rows: int = 500) -> dict[str, float]:
    """Share of mean |SHAP| of each sensitive model input, on a seeded sample of the population."""
    if not bundle.spec.sensitive_features:
        return {}
    from explain.attribution._shap import shap_values

    magnitude = np.abs(shap_values(bundle, data=bundle.population_table, max_rows=max_rows).values).mean(axis=0)
    if magnitude.ndim == 2:  # multiclass: every class's share together
        magnitude = magnitude.sum(axis=1)
    total = float(magnitude.sum()) or 1.0
    return {f: float(magnitude[bundle.features.index(f)] / total) for f in bundle.spec.sensitive_features}


@uses_all_cores
def model_card(bundle: Bundle) -> ModelCard:
    """The model card of a bundle.

    Examples
    --------
    >>> model_card(bundle).metrics["ROC AUC"]  # doctest: +SKIP
    0.81
    """
    spec = bundle.spec
    rows = []
    for name in bundle.features:
        f = spec.feature(name)
        kind = "category" if name in bundle.model.categories else (f.kind or "number")
        rows.append(
            {
                "column": name,
                "label": f.label,
                "role": "model input",
                "kind": kind,
                "unit": f.unit,
                "description": f.description,
                "actionable": f"yes ({f.change.replace('_', ' ')})" if f.actionable else "no",
                "expected effect": f.expected_effect or "",
                "sensitive": "yes" if f.sensitive else "no",
            }
        )
    for c in spec.columns.values():
        rows.append(
            {
                "column": c.name,
                "label": c.label,
                "role": "other column",
                "kind": "",
                "unit": c.unit,
                "description": c.description,
                "actionable": "no",
                "expected effect": "",
                "sensitive": "yes" if c.sensitive else "no",
            }
        )
    metrics, note = held_out_metrics(bundle)
    sensitive_inputs = _sensitive_shares(bundle)
    counts = {"decisions": bundle.decision_count} | {
        name: len(t) for name, t in (("reference", bundle.reference), ("current", bundle.current)) if t is not None
    }
    return ModelCard(
        name=spec.name,
        task={
            "binary": "binary classification",
            "multiclass": f"multiclass classification ({len(bundle.model.classes)} classes)",
            "regression": "regression",
        }[bundle.model.task],
        model=bundle.model.description,
        family=bundle.model.family,
        output_space=bundle.model.output_space,
        n_inputs=len(bundle.features),
        rows=counts,
        threshold=spec.decision.threshold,
        verdicts=(spec.decision.above, spec.decision.below),
        score_label=spec.score_label,
        metrics=metrics,
        metrics_note=note
        + (
            f"; the reference was drawn from the decisions file ({bundle.spec.reference_split:.0%}), not held out "
            "from training: importance and performance may be optimistic"
            if bundle.spec.reference_split is not None
            else ""
        ),
        dictionary=pd.DataFrame(rows),
        sensitive_inputs=sensitive_inputs,
        fingerprint=bundle.fingerprint,
        stamp=make_stamp(bundle),
    )
