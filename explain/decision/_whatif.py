"""What-if: edit a decision's inputs and see the new score beside the original.

Editing works on a copy of the row; the stored decision never changes. The ranges offered
for each input come from the reference data (1st–99th percentile by default, the observed
minimum and maximum beyond that), and categories from what the model knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from explain._stamp import AuditStamp
from explain.bundle._bundle import Bundle, TableName
from explain.bundle._formatting import is_missing
from explain.bundle._profile import population_profile
from explain.decision._decision import DecisionResult, explain_decisions
from explain.errors import ExplainError, FeatureNotFoundError


@dataclass(frozen=True)
class InputRange:
    """What a what-if widget may offer for one input."""

    feature: str
    label: str
    categorical: bool
    categories: tuple[str, ...]
    usual_low: float
    usual_high: float
    observed_low: float
    observed_high: float
    accepts_missing: bool
    integer: bool


def input_ranges(bundle: Bundle) -> dict[str, InputRange]:
    """Ranges and choices for every model input, from the population and the model."""
    profile = population_profile(bundle)
    frame = bundle.population
    out: dict[str, InputRange] = {}
    for name in bundle.features:
        fp = profile.features[name]
        accepts_missing = bool(frame[name].isna().any()) or bundle.model.accepts_missing(name, frame.head(1))
        if fp.categorical:
            known = bundle.model.categories.get(name) or tuple(sorted(fp.frequencies))
            out[name] = InputRange(
                name,
                bundle.spec.label(name),
                True,
                tuple(known),
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                accepts_missing,
                False,
            )
        else:
            values = fp.sorted_values
            integer = bool(len(values)) and bool(np.all(np.mod(values, 1) == 0))
            low = float(values[0]) if len(values) else np.nan
            high = float(values[-1]) if len(values) else np.nan
            out[name] = InputRange(
                name, bundle.spec.label(name), False, (), fp.low, fp.high, low, high, accepts_missing, integer
            )
    return out


@dataclass(frozen=True, eq=False)
class WhatIfResult:
    """The original and edited explanations of one decision, and what changed."""

    original: DecisionResult
    edited: DecisionResult
    changes: dict[str, tuple[Any, Any]]
    beyond_usual: tuple[str, ...]

    @property
    def stamp(self) -> AuditStamp:
        """The stamp of the edited explanation (the same bundle and explainer as the original)."""
        return self.edited.stamp

    @property
    def contribution_change(self) -> np.ndarray:
        """Edited minus original contribution per feature, in the reader's units (probability points
        for a binary model)."""
        return np.asarray(self.edited.contributions.probability - self.original.contributions.probability)

    @property
    def verdict_changed(self) -> bool:
        """Whether the edit changed the verdict: the other side of the threshold (binary), another
        class or the referral (multiclass), another band (regression)."""
        o, e = self.original.prediction, self.edited.prediction
        if o.task == "binary":
            return e.side != o.side
        return e.band != o.band if o.task == "regression" else e.verdict != o.verdict

    def to_frame(self) -> pd.DataFrame:
        """Per feature: label, original and edited value, contributions and their change."""
        o, e = self.original.contributions, self.edited.contributions
        return pd.DataFrame(
            {
                "feature": o.features,
                "label": o.labels,
                "original_value": o.value_texts,
                "edited_value": e.value_texts,
                "changed_input": [f in self.changes for f in o.features],
                "original_contribution": o.probability.copy(),
                "edited_contribution": e.probability.copy(),
                "change": self.contribution_change,
            }
        )


def _coerce(bundle: Bundle, name: str, value: Any, ranges: Mapping[str, InputRange]) -> Any:
    rng = ranges[name]
    if is_missing(value):
        if not rng.accepts_missing:
            raise ExplainError(f"{rng.label} must be provided: the model does not accept a missing value here.")
        return np.nan
    if rng.categorical:
        text = str(value)
        if text not in rng.categories:
            raise ExplainError(f"{rng.label} cannot be {text!r}; the model knows {', '.join(rng.categories)}.")
        return text
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise ExplainError(f"{rng.label} must be a number; got {value!r}.") from err


def input_changed(old: Any, new: Any) -> bool:
    """Whether a what-if value differs from the stored one: the one rule for the library and the
    app (missing equals missing; numbers within 1e-9; categories as text)."""
    if is_missing(old) or is_missing(new):
        return not (is_missing(old) and is_missing(new))
    if isinstance(old, str) or isinstance(new, str):
        return str(old) != str(new)
    try:
        return not bool(np.isclose(float(old), float(new), rtol=0, atol=1e-9))
    except (TypeError, ValueError):
        return str(old) != str(new)


def edited_row(
    bundle: Bundle, decision_id: str, changes: Mapping[str, Any], *, data: TableName = "decisions"
) -> pd.DataFrame:
    """A one-row copy of the decision with ``changes`` applied (validated), indexed by its id."""
    ranges = input_ranges(bundle)
    row = bundle.rows(data, [decision_id]).copy()
    for name, value in changes.items():
        if name not in ranges:
            raise FeatureNotFoundError(f"{name!r} is not a model input; what-if edits model inputs only.")
        new = _coerce(bundle, name, value, ranges)
        if ranges[name].categorical:
            column = row[name].astype("object")
            column.iloc[0] = new
            row[name] = column
        else:
            row[name] = row[name].astype(float)
            row.iloc[0, row.columns.get_loc(name)] = new  # type: ignore[index]
    return row


def what_if(
    bundle: Bundle,
    decision_id: str,
    changes: Mapping[str, Any],
    *,
    data: TableName = "decisions",
    target_class: str | None = None,
) -> WhatIfResult:
    """Explain the decision again with some inputs changed; the stored row is untouched.

    For a multiclass model both explanations explain ``target_class`` (by default the class
    predicted for the original row), so their effects compare input by input.

    Examples
    --------
    >>> result = what_if(bundle, "L0100001", {"debt_to_income": 15.0})  # doctest: +SKIP
    >>> result.edited.prediction.score  # doctest: +SKIP
    """
    row = edited_row(bundle, decision_id, changes, data=data)
    original = explain_decisions(bundle, [decision_id], data=data, target_class=target_class)[0]
    # the edited row explains the same class as the original, so the two sets of effects compare
    edited = explain_decisions(bundle, [decision_id], data=row, target_class=original.prediction.explained_class)[0]
    ranges = input_ranges(bundle)
    before = bundle.rows(data, [decision_id]).iloc[0]
    actual: dict[str, tuple[Any, Any]] = {}
    beyond: list[str] = []
    for name in changes:
        old, new = before[name], row.iloc[0][name]
        if input_changed(old, new):
            actual[name] = (old, new)
        rng = ranges[name]
        if not rng.categorical and not is_missing(new) and not rng.usual_low <= float(new) <= rng.usual_high:
            beyond.append(name)
    return WhatIfResult(original=original, edited=edited, changes=actual, beyond_usual=tuple(beyond))
