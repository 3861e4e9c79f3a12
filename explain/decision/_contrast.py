"""Why one class rather than another: the contrast of two classes' contributions.

For a multiclass decision, "why Grade C and not Grade B?" is answered exactly by the
difference of the two classes' contributions in the model's raw space: the differences add
up, from the difference of the base values, to the difference of the two classes' raw
outputs. For a softmax model that difference is the log of how many times more likely one
class is than the other (p_C / p_B = exp(m_C − m_B)), so each input's share reads as a
factor ("makes Grade C 1.8 times as likely relative to Grade B"). For a forest averaging
class shares it is a difference of probabilities, in points; for a one-vs-rest model, of
log-odds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain._stamp import AuditStamp
from explain.attribution._shap import shap_values
from explain.bundle._bundle import Bundle, TableName
from explain.bundle._formatting import format_points, format_value
from explain.bundle._task_rules import check_target_class
from explain.errors import AdditivityError
from explain.models._additivity import ADDITIVITY_TOLERANCE


@dataclass(frozen=True, eq=False)
class ClassContrast:
    """Each input's part in favouring ``explained`` over ``versus`` for one decision."""

    decision_id: str
    explained: str
    versus: str
    explained_label: str
    versus_label: str
    output: str  # "margin", "probability" or "log-odds"
    features: tuple[str, ...]
    labels: tuple[str, ...]
    value_texts: tuple[str, ...]
    values: np.ndarray  # explained minus versus, per input, in the raw space
    base: float  # the same difference for the model's average case
    total: float  # base + values.sum(): the difference of the two raw outputs
    stamp: AuditStamp

    def effect_text(self, value: float) -> str:
        """One input's part in words: ``favours Grade C ×1.8``, ``favours Grade B +4.1 pts``."""
        toward = self.explained_label if value >= 0 else self.versus_label
        if self.output == "margin":
            return f"favours {toward} ×{np.exp(abs(value)):.2f}"
        if self.output == "probability":
            return f"favours {toward} {format_points(abs(value))}"
        return f"favours {toward} by {abs(value):.2f} log-odds"

    @property
    def statement(self) -> str:
        """The contrast as a whole, in one sentence."""
        a, b = self.explained_label, self.versus_label
        if self.output == "margin":
            return (
                f"The model finds {a} {np.exp(self.total):.2f} times as likely as {b} for this case "
                f"({np.exp(self.base):.2f} times for the average case); each input multiplies that by its factor."
            )
        if self.output == "probability":
            return (
                f"{a}'s chance is {format_points(self.total)} against {b}'s for this case "
                f"({format_points(self.base)} for the average case); each input adds its points."
            )
        return (
            f"{a}'s log-odds exceed {b}'s by {self.total:.2f} for this case ({self.base:.2f} for the average case); "
            "each input adds its part."
        )

    def to_frame(self) -> pd.DataFrame:
        """A new table, one row per input, the largest parts first."""
        order = np.argsort(-np.abs(self.values), kind="stable")
        return pd.DataFrame(
            {
                "feature": [self.features[i] for i in order],
                "label": [self.labels[i] for i in order],
                "value_text": [self.value_texts[i] for i in order],
                "contrast": self.values[order],
                "effect": [self.effect_text(float(self.values[i])) for i in order],
            }
        )


def class_contrast(
    bundle: Bundle, decision_id: str, versus: str, *, explained: str | None = None, data: TableName = "decisions"
) -> ClassContrast:
    """Why ``explained`` (the predicted class by default) rather than ``versus``, input by input.

    Examples
    --------
    >>> class_contrast(grades, "A0200002", "2").statement  # doctest: +SKIP
    'The model finds Grade D 3.10 times as likely as Grade C for this case (0.60 times …)'
    """
    check_target_class(bundle, versus)
    shap = shap_values(bundle, [decision_id], data=data)
    raw = np.asarray(shap.raw_output[0], dtype=float)
    classes = bundle.model.classes
    if explained is None:
        explained = classes[int(np.argmax(raw))]
    check_target_class(bundle, explained)
    a, b = classes.index(str(explained)), classes.index(str(versus))
    values = np.asarray(shap.values[0][:, a] - shap.values[0][:, b], dtype=float)
    base = float(shap.base_values[0][a] - shap.base_values[0][b])
    total = float(raw[a] - raw[b])
    if abs(base + values.sum() - total) > ADDITIVITY_TOLERANCE:  # pragma: no cover - shap_values checks each class
        raise AdditivityError(f"the contrast does not add up: {base + values.sum()} against {total}.")
    row = bundle.rows(data, [decision_id]).iloc[0]
    rules = bundle.spec.classes
    return ClassContrast(
        decision_id=str(decision_id),
        explained=str(explained),
        versus=str(versus),
        explained_label=rules.label(str(explained)),
        versus_label=rules.label(str(versus)),
        output=shap.output,
        features=tuple(shap.feature_names),
        labels=tuple(bundle.spec.label(f) for f in shap.feature_names),
        value_texts=tuple(format_value(row[f], bundle.spec.feature(f)) for f in shap.feature_names),
        values=values,
        base=base,
        total=total,
        stamp=shap.stamp,
    )
