"""The decisions of a multiclass or regression bundle as one table: verdict, chance or estimate,
known outcome, in the spec's words, for the list people browse."""

from __future__ import annotations

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain.bundle._bundle import Bundle, TableName
from explain.bundle._formatting import is_missing
from explain.bundle._task_rules import class_verdicts, target_verdicts
from explain.decision._task_view import Units


def task_units(bundle: Bundle) -> Units:
    """How a regression bundle's estimates are written (a multiclass one's chances are percentages)."""
    target = bundle.spec.target
    return Units("target", target.unit, target.decimals) if bundle.model.task == "regression" else Units("probability")


def outcome_text(bundle: Bundle, outcome: object) -> str:
    """A known outcome in the spec's words, for any task."""
    if outcome is None or is_missing(outcome):
        return "Not known yet"
    if bundle.model.task == "multiclass":
        return bundle.spec.classes.label(str(outcome))
    if bundle.model.task == "regression":
        return task_units(bundle).value(float(outcome))  # type: ignore[arg-type]
    return bundle.spec.outcome_label(outcome)


@uses_all_cores
def task_decisions(bundle: Bundle, table: TableName = "decisions") -> pd.DataFrame:
    """Every row's verdict and its chance (multiclass: of the most probable class) or estimate
    (regression), and the known outcome in words; indexed by id, in the table's order."""
    return task_verdict_frame(bundle, bundle.table(table))


def task_verdict_frame(bundle: Bundle, frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`task_decisions` for any rows of the bundle's form (reference neighbours, say)."""
    response = np.asarray(bundle.model.predict_response(frame))
    if bundle.model.task == "multiclass":
        verdicts = class_verdicts(bundle.spec.classes, bundle.model.classes, response)
        value = [v.probability for v in verdicts]
        predicted = [bundle.spec.classes.label(str(v.predicted)) for v in verdicts]
    else:
        verdicts = target_verdicts(bundle.spec.target, response, task_units(bundle).value)
        value = [v.estimate for v in verdicts]
        predicted = [v.band or "" for v in verdicts]
    column = bundle.spec.outcome_column
    known = frame[column] if column is not None and column in frame.columns else pd.Series(None, index=frame.index)
    return pd.DataFrame(
        {
            "verdict": [v.verdict for v in verdicts],
            "predicted": predicted,
            "value": np.asarray(value, dtype=float),
            "outcome": [outcome_text(bundle, o) for o in known],
        },
        index=frame.index,
    )
