"""What a "what would change it" search aims at, for every task, and how a candidate is judged.

Binary: the favourable side of the threshold. Multiclass: a class the user picks (the verdict
must become that class under the spec's rules, ``min_probability`` included). Regression: a
band the user picks, or an estimate of at least (or at most) a value. Without a choice the aim
is the next better outcome: the favourable side; the next better class in the spec's order
(or a non-adverse class, or the runner-up); the next band in the favourable direction.

Each aim judges rows of model output three ways: whether the aim is reached, how close a row
came (for the greedy step, larger is closer), and the number a suggestion shows beside its
verdict (the score, the chance of the aimed class, the estimate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from explain.bundle._bundle import Bundle
from explain.bundle._formatting import format_percent, format_score
from explain.bundle._task_rules import class_verdicts, target_verdicts
from explain.decision._task_table import task_units
from explain.errors import InvalidParameterError

AimKind = Literal["favourable", "class", "band", "at_least", "at_most"]


@dataclass(frozen=True)
class RecourseAim:
    """The outcome the suggestions aim at: its kind, its target and the words for it."""

    kind: AimKind
    target: str | float | None
    text: str  # "the favourable side", "Grade B", "Standard limit", "an estimate of at least $5,000"

    def reached(self, bundle: Bundle, response: np.ndarray) -> np.ndarray:
        """Whether each row of model output (:func:`model_output`) reaches the aim."""
        if len(response) == 0:
            return np.zeros(0, dtype=bool)
        if self.kind == "favourable":
            scores = np.asarray(response, dtype=float)
            return (
                scores >= bundle.spec.decision.threshold
                if bundle.spec.favorable == "above"
                else (scores < bundle.spec.decision.threshold)
            )
        if self.kind == "class":
            rules = bundle.spec.classes
            verdicts = class_verdicts(rules, bundle.model.classes, response)
            wanted = rules.label(str(self.target))
            return np.array([v.predicted == str(self.target) and v.verdict == wanted for v in verdicts], dtype=bool)
        estimates = np.asarray(response, dtype=float)
        if self.kind == "band":
            target = bundle.spec.target
            return np.array([target.band(float(e)) == self.target for e in estimates], dtype=bool)
        assert isinstance(self.target, float)
        return estimates >= self.target if self.kind == "at_least" else estimates <= self.target

    def progress(self, bundle: Bundle, response: np.ndarray) -> np.ndarray:
        """How close each row came to the aim: larger is closer (for the greedy search)."""
        if self.kind == "favourable":
            scores = np.asarray(response, dtype=float)
            return scores if bundle.spec.favorable == "above" else -scores
        if self.kind == "class":
            p = np.asarray(response, dtype=float)
            c = bundle.model.classes.index(str(self.target))
            others = np.delete(p, c, axis=1)
            return p[:, c] - others.max(axis=1)
        estimates = np.asarray(response, dtype=float)
        if self.kind == "at_least":
            return estimates
        if self.kind == "at_most":
            return -estimates
        low, high = _band_limits(bundle, str(self.target))
        return -(np.maximum(low - estimates, 0.0) + np.maximum(estimates - high, 0.0))

    def measure(self, bundle: Bundle, response: np.ndarray) -> float:
        """The number shown beside one row's verdict: its score, the aimed class's chance, its estimate."""
        if self.kind == "class":
            return float(np.asarray(response)[0, bundle.model.classes.index(str(self.target))])
        return float(np.asarray(response, dtype=float).ravel()[0])

    def verdict(self, bundle: Bundle, response: np.ndarray) -> str:
        """One row's verdict in the spec's words."""
        if self.kind == "favourable":
            return bundle.spec.decision.verdict(float(np.asarray(response).ravel()[0]))
        if self.kind == "class":
            return class_verdicts(bundle.spec.classes, bundle.model.classes, response)[0].verdict
        return target_verdicts(bundle.spec.target, np.asarray(response)[:1], task_units(bundle).value)[0].verdict

    def measure_text(self, bundle: Bundle, value: float) -> str:
        """``risk of default 18.2%``, ``chance of Grade B 52%``; empty for a regression, whose
        verdict already states the estimate."""
        if self.kind == "favourable":
            return f"{bundle.spec.score_label} {format_score(value, bundle.spec.decision.threshold)}"
        if self.kind == "class":
            return f"chance of {bundle.spec.classes.label(str(self.target))} {format_percent(value)}"
        return ""

    def unreachable(self, bundle: Bundle) -> str:
        """Why there is no suggestion, once the search found none."""
        lead = "No change to the inputs a person can act on, within the values seen in the reference data, would"
        if self.kind == "favourable":
            direction = "below" if bundle.spec.favorable == "below" else "above"
            limit = format_percent(bundle.spec.decision.threshold)
            return f"{lead} bring the {bundle.spec.score_label} {direction} the {limit} limit."
        if self.kind == "class":
            return f"{lead} make the decision {self.text}."
        if self.kind == "band":
            return f"{lead} bring the {bundle.spec.target.label} into the band {self.text}."
        return f"{lead} bring the {bundle.spec.target.label} to {self.text}."


def _band_limits(bundle: Bundle, label: str) -> tuple[float, float]:
    """The estimates a band covers, ``[low, high)``."""
    low = -np.inf
    for band in bundle.spec.target.bands:
        high = np.inf if band.below is None else band.below
        if band.label == label:
            return low, np.nextafter(high, -np.inf) if np.isfinite(high) else high
        low = high
    raise InvalidParameterError(f"no band {label!r}")  # pragma: no cover - aims are checked when made


def recourse_aims(bundle: Bundle, response: np.ndarray) -> tuple[RecourseAim, ...]:
    """Every outcome a user may aim at from a decision with this model output (one row), best first.

    Binary: the favourable side. Multiclass: every class other than the verdict, best first
    when the spec orders them. Regression: every band but the current one, best first in the
    favourable direction (a value is always possible too: :func:`value_aim`).
    """
    spec, task = bundle.spec, bundle.model.task
    if task == "binary":
        return (RecourseAim("favourable", None, "the favourable side"),)
    if task == "multiclass":
        rules = spec.classes
        verdict = class_verdicts(rules, bundle.model.classes, response)[0]
        classes = bundle.model.classes
        ordered = list(rules.order) or sorted(classes, key=rules.is_adverse)  # stable: favourable ones first
        settled = verdict.predicted if verdict.verdict == rules.label(str(verdict.predicted)) else None
        return tuple(RecourseAim("class", c, rules.label(c)) for c in ordered if c != settled)
    estimate = float(np.asarray(response, dtype=float).ravel()[0])
    current = spec.target.band(estimate)
    bands = [b.label for b in spec.target.bands]
    if spec.favorable == "above":
        bands.reverse()
    return tuple(RecourseAim("band", b, b) for b in bands if b != current)


def default_aim(bundle: Bundle, response: np.ndarray) -> RecourseAim | None:
    """The next better outcome from this decision, or None when it is already the best there is."""
    spec, task = bundle.spec, bundle.model.task
    if task == "binary":
        return RecourseAim("favourable", None, "the favourable side")
    if task == "multiclass":
        rules, classes = spec.classes, bundle.model.classes
        verdict = class_verdicts(rules, classes, response)[0]
        predicted = str(verdict.predicted)
        if verdict.verdict != rules.label(predicted):  # referred: the most likely class, settled
            return RecourseAim("class", predicted, rules.label(predicted))
        if rules.order:
            rank = rules.order.index(predicted)
            return RecourseAim("class", rules.order[rank - 1], rules.label(rules.order[rank - 1])) if rank else None
        if rules.adverse:
            if not rules.is_adverse(predicted):
                return None
            p = np.asarray(response, dtype=float)[0]
            options = [k for k, c in enumerate(classes) if not rules.is_adverse(c)]
            best = classes[max(options, key=lambda k: p[k])]
            return RecourseAim("class", best, rules.label(best))
        runner = str(verdict.runner_up)
        return RecourseAim("class", runner, rules.label(runner))
    bands = spec.target.bands
    if not bands:
        return None
    estimate = float(np.asarray(response, dtype=float).ravel()[0])
    labels = [b.label for b in bands]
    k = labels.index(str(spec.target.band(estimate)))
    k += 1 if spec.favorable == "above" else -1
    return RecourseAim("band", labels[k], labels[k]) if 0 <= k < len(labels) else None


def class_aim(bundle: Bundle, target_class: str) -> RecourseAim:
    """Aim at ``target_class`` of a multiclass model."""
    from explain.bundle._task_rules import check_target_class

    check_target_class(bundle, target_class)
    return RecourseAim("class", str(target_class), bundle.spec.classes.label(str(target_class)))


def band_aim(bundle: Bundle, band: str) -> RecourseAim:
    """Aim at one of a regression bundle's bands."""
    if bundle.model.task != "regression":
        raise InvalidParameterError(
            f"target_band applies to regression models; this model is {bundle.model.what_it_is}."
        )
    labels = [b.label for b in bundle.spec.target.bands]
    if band not in labels:
        known = ", ".join(repr(b) for b in labels) if labels else "none: the spec defines no bands"
        raise InvalidParameterError(f"target_band must be one of the spec's bands ({known}); got {band!r}.")
    return RecourseAim("band", band, band)


def value_aim(bundle: Bundle, value: float, current: float) -> RecourseAim:
    """Aim at an estimate of at least ``value`` (above the current one) or at most (below it)."""
    if bundle.model.task != "regression":
        raise InvalidParameterError(
            f"target_value applies to regression models; this model is {bundle.model.what_it_is}."
        )
    if not np.isfinite(value):
        raise InvalidParameterError(f"target_value must be a finite number; got {value!r}.")
    kind: AimKind = "at_least" if value >= current else "at_most"
    words = "at least" if kind == "at_least" else "at most"
    return RecourseAim(kind, float(value), f"{words} {task_units(bundle).value(float(value))}")


def model_output(bundle: Bundle, frame: pd.DataFrame) -> np.ndarray:
    """What the aims judge: the score of a binary model, else what the model predicts for people."""
    if bundle.model.task == "binary":
        return np.asarray(bundle.model.predict_score(frame), dtype=float)
    return np.asarray(bundle.model.predict_response(frame), dtype=float)
