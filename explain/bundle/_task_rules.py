"""How a multiclass or regression model's output becomes a verdict in the business's words.

Multiclass (``[classes]`` in ``bundle.toml``): the model's classes named (``labels``),
optionally ordered best first (``order``) or with the adverse ones listed (``adverse``); the
verdict is the most probable class, unless ``min_probability`` is set and the most probable
class falls short of it, in which case the verdict is ``otherwise`` (a referral, say).

Regression (``[target]``): what the estimate is (``label``, ``unit``, ``decimals``) and
optional ``bands`` that turn it into an action (``{ below = 1000, label = "Low" }``, …, the
last band without ``below``); without bands the verdict is the estimate itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from explain.errors import ExplainError, InvalidParameterError, SpecError

if TYPE_CHECKING:  # the bundle module imports the spec, which imports this one
    from explain.bundle._bundle import Bundle


@dataclass(frozen=True)
class ClassRules:
    """The classes of a multiclass model in the spec's words, and how one becomes the verdict."""

    labels: dict[str, str] = field(default_factory=dict)  # the model's class ("0", "A") → words
    order: tuple[str, ...] = ()  # best first, worst last
    adverse: tuple[str, ...] = ()
    min_probability: float | None = None
    otherwise: str = "Referred for review"

    def label(self, cls: str) -> str:
        """A class in the spec's words ("Class 2" when the spec does not name it)."""
        return self.labels.get(str(cls), f"Class {cls}")

    def is_adverse(self, cls: str) -> bool:
        """Whether ``cls`` is an outcome the spec calls adverse (listed, or in the worse half of the order)."""
        if self.adverse:
            return str(cls) in self.adverse
        if self.order and str(cls) in self.order:
            return self.order.index(str(cls)) >= (len(self.order) + 1) // 2
        return False


@dataclass(frozen=True)
class Band:
    """Estimates below ``below`` (or any estimate, for the last band) get ``label``."""

    label: str
    below: float | None = None


@dataclass(frozen=True)
class TargetRules:
    """What a regression model estimates, in the spec's words and unit, and its bands."""

    label: str = "estimate"
    unit: str = ""
    decimals: int | None = None
    bands: tuple[Band, ...] = ()

    def band(self, estimate: float) -> str | None:
        """The band ``estimate`` falls in, or None without bands."""
        for band in self.bands:
            if band.below is None or estimate < band.below:
                return band.label
        return None


@dataclass(frozen=True)
class TaskVerdict:
    """One row's verdict for a multiclass or regression model."""

    verdict: str
    predicted: str | None = None  # multiclass: the most probable class
    probability: float | None = None  # and its probability
    runner_up: str | None = None
    runner_up_probability: float | None = None
    estimate: float | None = None  # regression
    band: str | None = None


def class_verdicts(rules: ClassRules, classes: Sequence[str], probabilities: np.ndarray) -> list[TaskVerdict]:
    """The verdict of each row from its class probabilities (rows × classes, in ``classes`` order)."""
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 2 or p.shape[1] != len(classes) or len(classes) < 2:
        raise SpecError(f"expected probabilities for {len(classes)} classes, got an array of shape {p.shape}.")
    order = np.argsort(-p, axis=1, kind="stable")
    out: list[TaskVerdict] = []
    for row, ranks in zip(p, order, strict=True):
        first, second = int(ranks[0]), int(ranks[1])
        top = str(classes[first])
        short = rules.min_probability is not None and row[first] < rules.min_probability
        out.append(
            TaskVerdict(
                verdict=rules.otherwise if short else rules.label(top),
                predicted=top,
                probability=float(row[first]),
                runner_up=str(classes[second]),
                runner_up_probability=float(row[second]),
            )
        )
    return out


def target_verdicts(rules: TargetRules, estimates: np.ndarray, write: Any) -> list[TaskVerdict]:
    """The verdict of each row from its estimate; ``write`` turns a number into text in the target's unit."""
    out: list[TaskVerdict] = []
    for value in np.asarray(estimates, dtype=float).ravel():
        band = rules.band(float(value))
        said = f"{rules.label[:1].upper()}{rules.label[1:]}: {write(float(value))}"  # _formatting imports the spec
        out.append(TaskVerdict(verdict=f"{band} ({said})" if band else said, estimate=float(value), band=band))
    return out


def check_target_class(bundle: Bundle, target_class: str) -> None:
    """``target_class`` must be one of a multiclass model's classes."""
    if bundle.model.task != "multiclass":
        raise InvalidParameterError(
            f"target_class applies to multiclass models; this model is {bundle.model.what_it_is}."
        )
    if str(target_class) not in bundle.model.classes:
        raise InvalidParameterError(
            f"target_class must be one of the model's classes {', '.join(bundle.model.classes)}; got {target_class!r}."
        )


def parse_class_rules(raw: Any, source: str, problems: list[SpecError]) -> ClassRules:
    """``[classes]`` of ``bundle.toml``, every problem collected."""
    if not isinstance(raw, Mapping):
        problems.append(SpecError(f"{source}: [classes] must be a table; got {type(raw).__name__}."))
        return ClassRules()
    allowed = {"labels", "order", "adverse", "min_probability", "otherwise"}
    for key in raw:
        if key not in allowed:
            problems.append(
                SpecError(f"{source}: unknown key {key!r} in [classes]; known: {', '.join(sorted(allowed))}.")
            )
    labels_raw = raw.get("labels", {})
    labels: dict[str, str] = {}
    if not isinstance(labels_raw, Mapping):
        problems.append(SpecError(f'{source}: classes.labels must be a table of class = "words".'))
    else:
        for key, value in labels_raw.items():
            if not isinstance(value, str) or not value.strip():
                problems.append(SpecError(f"{source}: classes.labels.{key} must be a non-empty string; got {value!r}."))
            else:
                labels[str(key)] = value
    order = _class_list(raw.get("order", []), "classes.order", source, problems)
    adverse = _class_list(raw.get("adverse", []), "classes.adverse", source, problems)
    minimum = raw.get("min_probability")
    if minimum is not None and not (
        isinstance(minimum, int | float) and not isinstance(minimum, bool) and 0 < minimum < 1
    ):
        problems.append(
            SpecError(f"{source}: classes.min_probability must lie strictly between 0 and 1; got {minimum!r}.")
        )
        minimum = None
    otherwise = raw.get("otherwise", "Referred for review")
    if not isinstance(otherwise, str) or not otherwise.strip():
        problems.append(SpecError(f"{source}: classes.otherwise must be a non-empty string; got {otherwise!r}."))
        otherwise = "Referred for review"
    return ClassRules(labels, order, adverse, None if minimum is None else float(minimum), otherwise)


def check_classes(rules: ClassRules, classes: Sequence[str], source: str, problems: list[ExplainError]) -> None:
    """Every class the spec names must be one of the model's."""
    known = {str(c) for c in classes}
    for where, named in (("labels", tuple(rules.labels)), ("order", rules.order), ("adverse", rules.adverse)):
        for cls in named:
            if cls not in known:
                problems.append(
                    SpecError(
                        f"{source}: classes.{where} names class {cls!r}, which the model does not have; "
                        f"its classes are {', '.join(map(str, classes))}."
                    )
                )
    if rules.order and set(rules.order) != known:
        problems.append(SpecError(f"{source}: classes.order must list every class of the model exactly once."))


def parse_target_rules(raw: Any, source: str, problems: list[SpecError]) -> TargetRules:
    """``[target]`` of ``bundle.toml``, every problem collected."""
    if not isinstance(raw, Mapping):
        problems.append(SpecError(f"{source}: [target] must be a table; got {type(raw).__name__}."))
        return TargetRules()
    allowed = {"label", "unit", "decimals", "bands"}
    for key in raw:
        if key not in allowed:
            problems.append(
                SpecError(f"{source}: unknown key {key!r} in [target]; known: {', '.join(sorted(allowed))}.")
            )
    label, unit = raw.get("label", "estimate"), raw.get("unit", "")
    for name, value in (("label", label), ("unit", unit)):
        if not isinstance(value, str):
            problems.append(SpecError(f"{source}: target.{name} must be a string; got {value!r}."))
    decimals = raw.get("decimals")
    if decimals is not None and not (
        isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= 10
    ):
        problems.append(SpecError(f"{source}: target.decimals must be a whole number from 0 to 10; got {decimals!r}."))
        decimals = None
    bands = _parse_bands(raw.get("bands", []), source, problems)
    return TargetRules(
        label=label if isinstance(label, str) and label else "estimate",
        unit=unit if isinstance(unit, str) else "",
        decimals=decimals,
        bands=bands,
    )


def _parse_bands(raw: Any, source: str, problems: list[SpecError]) -> tuple[Band, ...]:
    if not isinstance(raw, list):
        problems.append(SpecError(f"{source}: target.bands must be a list of {{ below = …, label = … }}."))
        return ()
    bands: list[Band] = []
    for i, entry in enumerate(raw):
        where = f"target.bands[{i}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("label"), str) or not entry["label"].strip():
            problems.append(SpecError(f"{source}: {where} must have a non-empty label."))
            return ()
        below = entry.get("below")
        last = i == len(raw) - 1
        if below is None and not last:
            problems.append(SpecError(f"{source}: {where} has no 'below'; only the last band may leave it out."))
            return ()
        if below is not None and not (
            isinstance(below, int | float) and not isinstance(below, bool) and math.isfinite(below)
        ):
            problems.append(SpecError(f"{source}: {where}.below must be a finite number; got {below!r}."))
            return ()
        if bands and below is not None and bands[-1].below is not None and below <= bands[-1].below:
            problems.append(
                SpecError(f"{source}: target.bands must rise: {where}.below = {below} is not above the last.")
            )
            return ()
        bands.append(Band(entry["label"], None if below is None else float(below)))
    if bands and bands[-1].below is not None:
        problems.append(
            SpecError(f"{source}: the last of target.bands needs no 'below': it takes every larger estimate.")
        )
        return ()
    return tuple(bands)


def _class_list(raw: Any, where: str, source: str, problems: list[SpecError]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in raw):
        problems.append(SpecError(f"{source}: {where} must be a list of class names; got {raw!r}."))
        return ()
    values = tuple(str(v) for v in raw)
    if len(set(values)) != len(values):
        problems.append(SpecError(f"{source}: {where} names a class twice."))
    return values
