"""SHAP values per model family, normalised to one column per raw input.

Each model family's adapter (:mod:`explain.models`) computes its exact contributions:
LightGBM's own TreeSHAP, shap's TreeExplainer for scikit-learn trees, the closed form for
linear models, shap's PermutationExplainer for anything else (with a capped, seeded
background). Pipelines' encoded columns are summed back to the column the user knows.

Every result is checked for additivity against the model's own predict: base value plus
contributions must equal the raw output within 1e-6, or an :class:`~explain.errors.AdditivityError` is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain._cores import all_cores
from explain._params import check_int
from explain._stamp import AuditStamp, make_stamp
from explain.bundle._bundle import Bundle, TableName
from explain.errors import DecisionNotFoundError
from explain.models._additivity import checked_contributions
from explain.models._base import sigmoid

FALLBACK_BACKGROUND_ROWS = 100


@dataclass(frozen=True, eq=False)
class ShapResult:
    """Contributions of each raw input to each row's raw output.

    ``values[i].sum() + base_values[i] == raw_output[i]`` within 1e-6 for every row.
    """

    values: np.ndarray
    base_values: np.ndarray
    feature_names: tuple[str, ...]
    ids: tuple[str, ...]
    output: str
    explainer: str
    raw_output: np.ndarray
    additivity_residual: float
    stamp: AuditStamp

    @property
    def base_value(self) -> float:
        """The one base value of the bundle (the model's expected raw output)."""
        return float(self.base_values[0]) if len(self.base_values) else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """A new DataFrame: one row per id, one column per feature."""
        return pd.DataFrame(
            self.values.copy(), index=pd.Index(list(self.ids), name="id"), columns=list(self.feature_names)
        )

    def probability_view(self) -> np.ndarray:
        """Contributions rescaled to probability points (see :func:`probability_view`)."""
        return probability_view(self.values, self.base_values, self.raw_output, self.output)


def probability_view(values: np.ndarray, base: np.ndarray | float, raw: np.ndarray | float, output: str) -> np.ndarray:
    """Rescale log-odds contributions so that they add up in probability.

    Each φᵢ is multiplied by (σ(f) − σ(φ₀)) / (f − φ₀): the sum becomes σ(f) − σ(φ₀) and every
    sign is kept. Where f equals φ₀ the factor's limit σ'(f) is used. Contributions already in
    probability space come back unchanged.
    """
    vals = np.asarray(values, dtype=float)
    if output == "probability":
        return vals.copy()
    f = np.asarray(raw, dtype=float)
    b = np.asarray(base, dtype=float)
    diff = f - b
    close = np.abs(diff) < 1e-12
    safe = np.where(close, 1.0, diff)
    scale = np.where(close, sigmoid(f) * (1 - sigmoid(f)), (sigmoid(f) - sigmoid(b)) / safe)
    return vals * (scale[..., None] if vals.ndim == 2 else scale)


def _background(bundle: Bundle, random_state: int) -> pd.DataFrame:
    """A seeded background sample (reference data when present) of the model's inputs."""
    pool = bundle.population
    n = min(FALLBACK_BACKGROUND_ROWS, len(pool))
    rows = pool.sample(n=n, random_state=random_state) if len(pool) > n else pool
    return bundle.model.prepare(rows)


def select_rows(
    bundle: Bundle,
    ids: Sequence[str] | None,
    data: TableName | str | pd.DataFrame,
    max_rows: int,
    random_state: int,
) -> pd.DataFrame:
    """The rows to explain: by id in the given order, or a seeded sample of at most ``max_rows``."""
    if ids is not None and not isinstance(data, pd.DataFrame):
        return bundle.rows(data, [str(i) for i in ids])  # a database query reads only these rows
    frame = data if isinstance(data, pd.DataFrame) else bundle.table(data)
    where = "the given table" if isinstance(data, pd.DataFrame) else f"the {data} table"
    if ids is not None:
        wanted = [str(i) for i in ids]
        missing = [i for i in wanted if i not in frame.index]
        if missing:
            raise DecisionNotFoundError(f"id {missing[0]!r} is not in {where} of bundle {bundle.key!r}.")
        return frame.loc[wanted]
    if len(frame) > max_rows:
        return frame.sample(n=max_rows, random_state=random_state)
    return frame


def shap_values(
    bundle: Bundle,
    ids: Sequence[str] | None = None,
    *,
    data: TableName | str | pd.DataFrame = "decisions",
    max_rows: int = 2000,
    random_state: int = 0,
) -> ShapResult:
    """SHAP values of rows of a bundle, one column per raw model input.

    ``data`` is ``"decisions"``, ``"reference"``, ``"current"`` or a DataFrame indexed by id.
    With ``ids`` the rows come back in that order; without them a seeded sample of at most
    ``max_rows`` rows.

    Examples
    --------
    >>> result = shap_values(bundle, ["A-1", "A-2"])  # doctest: +SKIP
    >>> result.values.shape  # doctest: +SKIP
    (2, 12)
    """
    check_int("max_rows", max_rows, 1)
    if ids is None:  # a sample for a global view: one long wait, so every core
        with all_cores():
            return _shap_values(bundle, None, data, max_rows, random_state)
    return _shap_values(bundle, ids, data, max_rows, random_state)


def _shap_values(
    bundle: Bundle, ids: Sequence[str] | None, data: TableName | str | pd.DataFrame, max_rows: int, random_state: int
) -> ShapResult:
    rows = select_rows(bundle, ids, data, max_rows, random_state)
    adapter = bundle.model
    x = adapter.prepare(rows)
    if len(x) == 0:
        empty = np.zeros((0, len(adapter.feature_names)))
        stamp = make_stamp(bundle, explainer="none", random_state=random_state)
        return ShapResult(
            empty, np.zeros(0), adapter.feature_names, (), adapter.output_space, "none", np.zeros(0), 0.0, stamp
        )
    background = _background(bundle, random_state) if adapter.needs_background else None
    (values, base, explainer), raw, residual = checked_contributions(adapter, x, background, random_state)
    return ShapResult(
        values=values,
        base_values=np.asarray(base, dtype=float),
        feature_names=adapter.feature_names,
        ids=tuple(str(i) for i in rows.index),
        output=adapter.output_space,
        explainer=explainer,
        raw_output=raw,
        additivity_residual=residual,
        stamp=make_stamp(
            bundle,
            explainer=explainer,
            additivity_residual=residual,
            random_state=random_state if adapter.needs_background or ids is None else None,
        ),
    )
