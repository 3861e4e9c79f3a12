"""The verdict of a multiclass or regression decision, and the view its contributions are read in.

A binary decision is the score against the threshold (:mod:`._decision`). A multiclass
decision is the most probable class in the spec's words (or the spec's referral when it
falls short of ``min_probability``), with its probability and the runner-up; its
contributions explain one class, the predicted one unless another is asked for. A regression
decision is the estimate in the target's unit and its band; its contributions are in the
target's units from the model's average estimate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from explain.attribution._shap import ShapResult
from explain.bundle._bundle import Bundle
from explain.bundle._formatting import format_percent
from explain.bundle._spec import Side
from explain.bundle._task_rules import class_verdicts, target_verdicts
from explain.decision._task_table import task_units
from explain.decision._task_view import ReaderView, reader_view

if TYPE_CHECKING:
    from explain.decision._decision import Prediction


def task_prediction(
    bundle: Bundle, shap: ShapResult, i: int, target_class: str | None
) -> tuple[Prediction, ReaderView, np.ndarray, float]:
    """Row ``i``'s prediction, the reader's view of its contributions, the raw contributions
    explained and their raw base value."""
    if bundle.model.task == "regression":
        return _regression(bundle, shap, i)
    return _multiclass(bundle, shap, i, target_class)


def _regression(bundle: Bundle, shap: ShapResult, i: int) -> tuple[Prediction, ReaderView, np.ndarray, float]:
    from explain.decision._decision import Prediction

    spec = bundle.spec
    units = task_units(bundle)
    view = reader_view(shap.output, shap.values[i], shap.base_values[i], shap.raw_output[i], units=units)
    estimate = view.total
    verdict = target_verdicts(spec.target, np.array([estimate]), units.value)[0]
    side: Side = "above" if estimate >= view.base else "below"
    prediction = Prediction(
        score=estimate,
        threshold=float("nan"),
        side=side,
        verdict=verdict.verdict,
        score_label=spec.target.label,
        adverse=side == spec.adverse,
        task="regression",
        said=verdict.verdict,
        units=units,
        estimate=estimate,
        band=verdict.band,
    )
    return prediction, view, np.asarray(shap.values[i], dtype=float).copy(), float(shap.base_values[i])


def _multiclass(
    bundle: Bundle, shap: ShapResult, i: int, target_class: str | None
) -> tuple[Prediction, ReaderView, np.ndarray, float]:
    from explain.decision._decision import Prediction

    rules, classes = bundle.spec.classes, bundle.model.classes
    raw_row = np.asarray(shap.raw_output[i], dtype=float)
    probabilities = np.asarray(bundle.model.to_response(raw_row[None, :]))[0]
    verdict = class_verdicts(rules, classes, probabilities[None, :])[0]
    c = classes.index(str(target_class) if target_class is not None else str(verdict.predicted))
    label = rules.label(classes[c])
    view = reader_view(shap.output, shap.values[i], shap.base_values[i], raw_row, cls=c, class_label=label)
    top, runner = rules.label(str(verdict.predicted)), rules.label(str(verdict.runner_up))
    p_top, p_runner = format_percent(verdict.probability or 0.0), format_percent(verdict.runner_up_probability or 0.0)
    if verdict.verdict == top:
        said = f"{top}: {p_top} likely; next {runner} ({p_runner})"
    else:
        needed = format_percent(rules.min_probability or 0.0)
        said = f"{verdict.verdict}: {top} is the most likely at {p_top}, below the {needed} needed; next {runner} ({p_runner})"
    side: Side = "above" if view.total >= view.base else "below"
    class_adverse = rules.is_adverse(classes[c])
    order = np.argsort(-probabilities, kind="stable")
    prediction = Prediction(
        score=float(probabilities[c]),
        threshold=float("nan"),
        side=side,
        verdict=verdict.verdict,
        score_label=f"chance of {label}",
        adverse=rules.is_adverse(str(verdict.predicted)) or verdict.verdict != top,
        task="multiclass",
        said=said,
        units=view.units,
        explained_class=classes[c],
        explained_label=label,
        class_probabilities=tuple((rules.label(classes[k]), float(probabilities[k])) for k in order),
        reasons_adverse=class_adverse if side == "above" else not class_adverse,
    )
    return prediction, view, np.asarray(shap.values[i][:, c], dtype=float).copy(), float(shap.base_values[i][c])
