"""Similar past decisions: the reference rows nearest to a decision on the model inputs.

The distance is Gower's: for a number, the absolute difference divided by the reference
range; for a category, 0 if equal and 1 otherwise; a missing value is 0 from another
missing value and 1 from anything else. The average over inputs lies in [0, 1]. Sensitive
columns are never inputs, so they never count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle, TableName
from explain.bundle._profile import population_profile
from explain.decision._task_table import task_verdict_frame
from explain.errors import OutcomesMissingError


@dataclass(frozen=True, eq=False)
class SimilarResult:
    """The nearest reference rows: ids, distances, scores, verdicts and known outcomes."""

    decision_id: str
    ids: tuple[str, ...]
    distances: np.ndarray
    scores: np.ndarray
    verdicts: tuple[str, ...]
    outcomes: np.ndarray  # NaN where unknown
    stamp: AuditStamp

    def to_frame(self) -> pd.DataFrame:
        """A new table, nearest first."""
        return pd.DataFrame(
            {
                "id": self.ids,
                "distance": self.distances.copy(),
                "score": self.scores.copy(),
                "verdict": self.verdicts,
                "outcome": self.outcomes.copy(),
            }
        )


def gower_distances(bundle: Bundle, row: pd.Series, table: pd.DataFrame) -> np.ndarray:
    """Gower distance from ``row`` to every row of ``table`` over the model inputs."""
    profile = population_profile(bundle)
    sensitive = set(bundle.spec.sensitive_features)
    features = [f for f in bundle.features if f not in sensitive]
    total = np.zeros(len(table))
    for name in features:
        fp = profile.features[name]
        value = row[name]
        column = table[name]
        missing = column.isna().to_numpy()
        if pd.isna(value):
            part = (~missing).astype(float)
        elif fp.categorical:
            part = np.where(missing, 1.0, (column.astype("object").astype(str).to_numpy() != str(value)).astype(float))
        else:
            span = float(fp.sorted_values[-1] - fp.sorted_values[0]) if len(fp.sorted_values) else 0.0
            diff = np.abs(pd.to_numeric(column, errors="coerce").to_numpy(dtype=float) - float(value))
            part = np.where(missing, 1.0, np.minimum(diff / span, 1.0) if span > 0 else (diff > 0).astype(float))
        total += part
    return total / max(len(features), 1)


def similar_cases(bundle: Bundle, decision_id: str, *, data: TableName = "decisions", k: int = 5) -> SimilarResult:
    """The ``k`` reference rows nearest to a decision (the decision itself excluded when it is one).

    Examples
    --------
    >>> similar_cases(bundle, "L0100001").to_frame()  # doctest: +SKIP
    """
    if bundle.reference is None:
        raise OutcomesMissingError(f"bundle {bundle.key!r} has no reference data to compare decisions with.")
    row = bundle.rows(data, [decision_id]).iloc[0]
    reference = bundle.reference
    distances = gower_distances(bundle, row, reference)
    if data == "reference":
        distances[reference.index.get_loc(decision_id)] = np.inf  # not its own neighbour
    order = np.argsort(distances, kind="stable")[:k]
    nearest = reference.iloc[order]
    out_col = bundle.spec.outcome_column
    if bundle.model.task == "binary":
        scores = bundle.model.predict_score(nearest)
        verdicts = tuple(bundle.spec.decision.verdict(float(s)) for s in scores)
    else:  # the chance of the most probable class, or the estimate, and the verdict in the spec's words
        verdict_frame = task_verdict_frame(bundle, nearest)
        scores, verdicts = verdict_frame["value"].to_numpy(dtype=float), tuple(verdict_frame["verdict"])
    if not (out_col and out_col in nearest.columns):
        outcomes = np.full(len(order), np.nan)
    elif bundle.model.task == "multiclass":
        outcomes = nearest[out_col].to_numpy(dtype=object)
    else:
        outcomes = nearest[out_col].to_numpy(dtype=float)
    return SimilarResult(
        decision_id=decision_id,
        ids=tuple(str(i) for i in nearest.index),
        distances=distances[order],
        scores=scores,
        verdicts=verdicts,
        outcomes=outcomes,
        stamp=make_stamp(bundle, explainer="Gower distance on the model inputs"),
    )
