"""One explained decision: the verdict, the reasons in words and units, and the caveats.

:func:`explain_decision` is what a business user reads: the score against the threshold,
each input's contribution (raw and in probability points), the few reasons that drove the
verdict with their values and percentiles, a summary to read aloud, and warnings where the
explanation is less certain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from explain._stamp import AuditStamp, make_stamp
from explain.attribution._shap import ShapResult, probability_view, shap_values
from explain.bundle._bundle import Bundle, TableName, check_table_name
from explain.bundle._formatting import (
    NOT_PROVIDED,
    format_percent,
    format_percentile,
    format_score,
    format_value,
    is_missing,
)
from explain.bundle._profile import population_profile
from explain.bundle._spec import Side
from explain.bundle._task_rules import check_target_class
from explain.decision._reasons import select_reasons, sensitive_notices, wording
from explain.decision._task_prediction import task_prediction
from explain.decision._task_view import Units
from explain.errors import OutcomesMissingError
from explain.models._base import sigmoid

PROBABILITY_UNITS = Units("probability")
#: A score this close to the threshold (in probability) draws a warning.
NEAR_THRESHOLD = 0.02


@dataclass(frozen=True)
class Prediction:
    """The score against the threshold, and the verdict in the spec's words."""

    score: float
    threshold: float
    side: Side
    verdict: str
    score_label: str
    adverse: bool
    task: str = "binary"
    said: str = ""  # the headline of a multiclass or regression decision
    units: Units = PROBABILITY_UNITS  # what the contributions are read in
    explained_class: str | None = None  # multiclass: the class the contributions explain
    explained_label: str = ""
    class_probabilities: tuple[tuple[str, float], ...] = ()  # multiclass: (class label, probability), largest first
    estimate: float | None = None  # regression
    band: str | None = None
    reasons_adverse: bool | None = None  # multiclass: whether the reasons push toward an adverse outcome

    @property
    def what_moves(self) -> str:
        """What the contributions move, in words: "score", "chance of Grade B", "credit limit"."""
        return "score" if self.task == "binary" else self.score_label

    @property
    def headline(self) -> str:
        """``Declined: estimated default risk 34%, above the 20% limit`` (binary), ``Grade B: 62%
        likely; next Grade C (24%)`` (multiclass), ``Standard limit (Credit limit: $4,200)`` (regression)."""
        if self.task != "binary":
            return self.said
        return (
            f"{self.verdict}: {self.score_label} {format_score(self.score, self.threshold)}, "
            f"{self.side} the {format_percent(self.threshold)} limit"
        )


@dataclass(frozen=True, eq=False)
class Contributions:
    """Per model input: what it is, its value, where it sits, and how much it moved the score."""

    features: tuple[str, ...]
    labels: tuple[str, ...]
    values: tuple[Any, ...]
    value_texts: tuple[str, ...]
    units: tuple[str, ...]
    descriptions: tuple[str, ...]
    categorical: tuple[bool, ...]
    percentiles: np.ndarray
    percentile_texts: tuple[str, ...]
    raw: np.ndarray
    probability: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """A new table, largest absolute contribution first."""
        frame = pd.DataFrame(
            {
                "feature": self.features,
                "label": self.labels,
                "value": [v if not isinstance(v, np.generic) else v.item() for v in self.values],
                "value_text": self.value_texts,
                "unit": self.units,
                "description": self.descriptions,
                "percentile": self.percentiles.copy(),
                "percentile_text": self.percentile_texts,
                "contribution_raw": self.raw.copy(),
                "contribution_probability": self.probability.copy(),
            }
        )
        order = np.argsort(-np.abs(self.raw), kind="stable")
        return frame.iloc[order].reset_index(drop=True)


@dataclass(frozen=True)
class Base:
    """Where the explanation starts: the model baseline, and the observed rate beside it."""

    raw: float
    probability: float
    observed_rate: float | None
    observed_note: str


@dataclass(frozen=True)
class Reason:
    """One driver of the verdict, in words."""

    feature: str
    label: str
    statement: str
    value_text: str
    percentile_text: str
    contribution: float
    contribution_raw: float
    neutral: bool = False

    @property
    def text(self) -> str:
        """``Debt obligations are high relative to income (Debt-to-income ratio: 34.5%, 91st percentile)``,
        or the neutral wording as it is (it names the input and its value itself)."""
        if self.neutral:
            return self.statement
        return f"{self.statement} ({self.label}: {self.value_text}, {self.percentile_text})"


@dataclass(frozen=True, eq=False)
class DecisionResult:
    """Everything said about one decision. Frames come from ``to_frame()`` as new copies."""

    id: str
    table: str
    prediction: Prediction
    contributions: Contributions
    base: Base
    reasons: tuple[Reason, ...]
    notices: tuple[str, ...]
    summary: str
    warnings: tuple[str, ...]
    stamp: AuditStamp
    outcome: float | str | None
    view_note: str = ""  # why a multiclass decision is shown in margins rather than probability points

    def to_frame(self) -> pd.DataFrame:
        """The contributions table (a new copy)."""
        return self.contributions.to_frame()


def _observed(bundle: Bundle) -> tuple[float | None, str]:
    try:
        outcomes = bundle.outcomes("reference")
    except OutcomesMissingError as err:
        return None, str(err)
    return float(outcomes.mean()), f"observed rate in {len(outcomes):,} reference cases"


def _prediction(bundle: Bundle, raw_total: float) -> Prediction:
    spec = bundle.spec
    score = float(bundle.model.to_score(np.array([raw_total]))[0])
    side = spec.decision.side(score)
    return Prediction(
        score=score,
        threshold=spec.decision.threshold,
        side=side,
        verdict=spec.decision.verdict(score),
        score_label=spec.score_label,
        adverse=side == spec.adverse,
    )


def _contributions(bundle: Bundle, row: pd.Series, raw: np.ndarray, probability: np.ndarray) -> Contributions:
    profile = population_profile(bundle)
    features = bundle.features
    feature_specs = [bundle.spec.feature(f) for f in features]
    values = tuple(row[f] for f in features)
    categorical = tuple(profile.features[f].categorical for f in features)
    percentiles = np.array([profile.features[f].percentile(v) for f, v in zip(features, values, strict=True)])
    percentile_texts = tuple(
        format_percentile(p, categorical=c) if not is_missing(v) else NOT_PROVIDED
        for p, c, v in zip(percentiles, categorical, values, strict=True)
    )
    return Contributions(
        features=features,
        labels=tuple(fs.label for fs in feature_specs),
        values=values,
        value_texts=tuple(format_value(v, fs) for v, fs in zip(values, feature_specs, strict=True)),
        units=tuple(fs.unit for fs in feature_specs),
        descriptions=tuple(fs.description for fs in feature_specs),
        categorical=categorical,
        percentiles=percentiles,
        percentile_texts=percentile_texts,
        raw=raw,
        probability=probability,
    )


def _base(bundle: Bundle, base_raw: float, output: str) -> Base:
    base_prob = base_raw if output == "probability" else float(sigmoid(np.array(base_raw)))
    observed, note = _observed(bundle)
    return Base(raw=base_raw, probability=base_prob, observed_rate=observed, observed_note=note)


def _reasons(
    bundle: Bundle, contributions: Contributions, prediction: Prediction, distance: float
) -> tuple[Reason, ...]:
    c = contributions
    multiclass = prediction.task == "multiclass"
    toward_adverse = prediction.reasons_adverse if prediction.reasons_adverse is not None else prediction.adverse
    raising_is_adverse = (toward_adverse == (prediction.side == "above")) if multiclass else None
    reasons = []
    for j in select_reasons(bundle, c.raw, c.probability, prediction.side, distance):
        said = wording(
            bundle,
            c.features[j],
            c.values[j],
            c.percentiles[j],
            c.probability[j],
            toward_adverse,
            units=prediction.units,
            raising_is_adverse=raising_is_adverse,
        )
        reasons.append(
            Reason(
                feature=c.features[j],
                label=c.labels[j],
                statement=said.statement,
                value_text=c.value_texts[j],
                percentile_text=c.percentile_texts[j],
                contribution=float(c.probability[j]),
                contribution_raw=float(c.raw[j]),
                neutral=said.neutral,
            )
        )
    return tuple(reasons)


def _outcome(bundle: Bundle, row: pd.Series) -> float | str | None:
    column = bundle.spec.outcome_column
    if column is None or column not in row.index or is_missing(row[column]):
        return None
    return str(row[column]) if bundle.model.task == "multiclass" else float(row[column])


def _build(
    bundle: Bundle, row: pd.Series, shap: ShapResult, i: int, table: str, target_class: str | None = None
) -> DecisionResult:
    """Assemble one decision's explanation from its row and its SHAP values."""
    view_note = ""
    if bundle.model.task == "binary":
        raw_total = float(shap.raw_output[i])
        prediction = _prediction(bundle, raw_total)
        raw = shap.values[i].copy()
        probability = probability_view(raw, shap.base_values[i], raw_total, shap.output)
        base = _base(bundle, float(shap.base_values[i]), shap.output)
    else:
        prediction, view, raw, base_raw = task_prediction(bundle, shap, i, target_class)
        probability, view_note = view.values, view.note
        observed, note = _observed_for(bundle, prediction)
        base = Base(raw=base_raw, probability=view.base, observed_rate=observed, observed_note=note)
    contributions = _contributions(bundle, row, raw, probability)
    # the move from the baseline in the reader's units
    distance = prediction.score - base.probability if prediction.task == "binary" else float(probability.sum())
    reasons = _reasons(bundle, contributions, prediction, distance)
    what = None  # a binary notice names the spec's score label
    if prediction.task != "binary":
        what = f"margin of {prediction.explained_label}" if prediction.units.kind == "margin" else prediction.what_moves
    notices = sensitive_notices(
        bundle, probability, [r.contribution for r in reasons], distance, prediction.units, what
    )
    stamp = make_stamp(bundle, explainer=shap.explainer, additivity_residual=shap.additivity_residual)
    return DecisionResult(
        id=str(shap.ids[i]),
        table=table,
        prediction=prediction,
        contributions=contributions,
        base=base,
        reasons=reasons,
        notices=notices,
        summary=_summary(prediction, reasons),
        warnings=_warnings(bundle, bundle.features, contributions.values, prediction),
        stamp=stamp,
        outcome=_outcome(bundle, row),
        view_note=view_note,
    )


def _observed_for(bundle: Bundle, prediction: Prediction) -> tuple[float | None, str]:
    """The observed counterpart of the baseline: the class's share, or the mean target, in the reference."""
    try:
        outcomes = bundle.outcomes("reference")
    except OutcomesMissingError as err:
        return None, str(err)
    if prediction.task == "regression":
        return float(outcomes.mean()), f"observed mean in {len(outcomes):,} reference cases"
    share = float((outcomes == prediction.explained_class).mean())
    return share, f"share of {prediction.explained_label} in {len(outcomes):,} reference cases"


def _summary(prediction: Prediction, reasons: Sequence[Reason]) -> str:
    text = prediction.headline + "."
    if not reasons:
        return text + " No single input stands out: the score sits close to the model baseline."
    lead = "The main reasons" if len(reasons) > 1 else "The main reason"
    parts = [_lower_first(r.text) for r in reasons[:2]]
    return f"{text} {lead}: " + "; ".join(parts) + "."


def _lower_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, unless the first word is an acronym."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _warnings(
    bundle: Bundle, features: Sequence[str], values: Sequence[Any], prediction: Prediction
) -> tuple[str, ...]:
    spec = bundle.spec
    profile = population_profile(bundle)
    out: list[str] = []
    for name, value in zip(features, values, strict=True):
        if is_missing(value):
            continue
        fp = profile.features[name]
        fs = spec.feature(name)
        if fp.categorical:
            known = bundle.model.categories.get(name)
            if known is not None and str(value) not in known:
                out.append(
                    f"{fs.label}: the value {value!s} was never seen when the model was trained; the model "
                    "treats it as unknown, so this part of the explanation is uncertain."
                )
        elif not np.isnan(fp.low) and not fp.low <= float(value) <= fp.high:
            out.append(
                f"{fs.label} is {format_value(value, fs)}, outside the range of 98% of the {profile.source} "
                f"({format_value(fp.low, fs)} to {format_value(fp.high, fs)}); the model has seen few such cases."
            )
    gap = abs(prediction.score - prediction.threshold) if prediction.task == "binary" else np.inf
    if gap < NEAR_THRESHOLD:
        out.append(
            f"The {prediction.score_label} ({format_percent(prediction.score)}) is within "
            f"{100 * NEAR_THRESHOLD:.0f} points of the {format_percent(prediction.threshold)} limit: a small "
            "change in any input could change the verdict."
        )
    if bundle.reference is None:
        out.append("This bundle has no reference data: percentiles are measured against the decisions themselves.")
    return tuple(out)


def explain_decision(
    bundle: Bundle,
    decision_id: str,
    *,
    data: TableName | str | pd.DataFrame = "decisions",
    target_class: str | None = None,
) -> DecisionResult:
    """Explain one decision of a bundle, of any task.

    ``data`` names the table the id belongs to ("decisions", "reference", "current") or is a
    DataFrame indexed by id (for example an edited row in a what-if). For a multiclass model
    the contributions explain the predicted class, or ``target_class`` (one of the model's
    classes: "why not grade B?").

    Examples
    --------
    >>> result = explain_decision(bundle, "L0100001")  # doctest: +SKIP
    >>> result.prediction.headline  # doctest: +SKIP
    'Declined: estimated default risk 34%, above the 20% limit'
    """
    return explain_decisions(bundle, [decision_id], data=data, target_class=target_class)[0]


def _rows_explained(
    bundle: Bundle, ids: Sequence[str], data: TableName | str | pd.DataFrame
) -> tuple[pd.DataFrame, ShapResult]:
    """The rows with these ids and their SHAP values; a table's rows are read once (a database
    query: only these rows), then explained."""
    if isinstance(data, pd.DataFrame):
        shap = shap_values(bundle, [str(i) for i in ids], data=data)
        return data.loc[list(shap.ids)], shap
    rows = bundle.rows(data, ids)
    return rows, shap_values(bundle, list(rows.index), data=rows)


def top_reasons(bundle: Bundle, ids: Sequence[str], *, data: TableName | str | pd.DataFrame = "decisions") -> list[str]:
    """The first reason of each decision in words (empty when none), without building whole
    explanations: one SHAP call for all rows. Equals ``explain_decisions(...)[i].reasons[0].statement``."""
    if bundle.model.task != "binary":
        return [r.reasons[0].statement if r.reasons else "" for r in explain_decisions(bundle, ids, data=data)]
    rows, shap = _rows_explained(bundle, ids, data)
    out = []
    for i in range(len(shap.ids)):
        raw_total = float(shap.raw_output[i])
        prediction = _prediction(bundle, raw_total)
        points = probability_view(shap.values[i], shap.base_values[i], raw_total, shap.output)
        base = _base(bundle, float(shap.base_values[i]), shap.output)
        chosen = select_reasons(bundle, shap.values[i], points, prediction.side, prediction.score - base.probability)
        if not chosen:
            out.append("")
            continue
        j = chosen[0]
        name = bundle.features[j]
        value = rows.iloc[i][name]
        percentile = bundle.profile.features[name].percentile(value)
        out.append(wording(bundle, name, value, percentile, float(points[j]), prediction.adverse).statement)
    return out


def explain_decisions(
    bundle: Bundle,
    ids: Sequence[str],
    *,
    data: TableName | str | pd.DataFrame = "decisions",
    target_class: str | None = None,
) -> list[DecisionResult]:
    """Explain several decisions with one SHAP call (results in the order of ``ids``)."""
    if target_class is not None:
        check_target_class(bundle, target_class)
    if not isinstance(data, pd.DataFrame):
        check_table_name(data)
    table = "custom" if isinstance(data, pd.DataFrame) else str(data)
    rows, shap = _rows_explained(bundle, ids, data)
    return [_build(bundle, rows.iloc[i], shap, i, table, target_class) for i in range(len(shap.ids))]
