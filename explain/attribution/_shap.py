"""SHAP values per model family, normalised to one column per raw input.

* LightGBM: LightGBM's own TreeSHAP (``pred_contrib``), exact.
* scikit-learn trees (alone or at the end of a Pipeline): shap's TreeExplainer on the
  transformed inputs, with encoded columns summed back to the column the user knows.
* scikit-learn linear models: shap's LinearExplainer (exact for independent features).
* anything else: shap's PermutationExplainer on the logit of ``predict_proba`` with a capped,
  seeded background; exactly additive by construction.

Every result is checked for additivity against the model's own predict: base value plus
contributions must equal the raw output within 1e-6, or an :class:`ExplainError` is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from explain.bundle._bundle import Bundle, TableName
from explain.errors import DecisionNotFoundError, ExplainError
from explain.models import _adapter as _models
from explain.models._adapter import ModelAdapter, logit, sigmoid

ADDITIVITY_TOLERANCE = 1e-6
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


def _source_columns(preprocessor: Any, inputs: Sequence[str], n_out: int) -> np.ndarray:
    """For each column a preprocessor outputs, the index of the raw input it came from."""
    try:
        out_names = [str(n) for n in preprocessor.get_feature_names_out()]
    except Exception as err:
        raise ExplainError(
            "the pipeline's preprocessing cannot name its output columns (get_feature_names_out), so "
            "contributions cannot be summed back to raw inputs."
        ) from err
    if len(out_names) != n_out:  # pragma: no cover - sklearn keeps these consistent
        raise ExplainError("the pipeline's output names do not match its output width.")
    by_length = sorted(range(len(inputs)), key=lambda i: -len(inputs[i]))
    source = np.empty(n_out, dtype=int)
    for j, name in enumerate(out_names):
        stem = name.split("__", 1)[1] if "__" in name else name
        match = next((i for i in by_length if stem == inputs[i] or stem.startswith(inputs[i] + "_")), None)
        if match is None:
            match = next((i for i in by_length if inputs[i] in stem), None)
        if match is None:
            raise ExplainError(f"cannot tell which input the encoded column {name!r} comes from.")
        source[j] = match
    return source


def _explainer(adapter: ModelAdapter, kind: str, make: Any) -> Any:
    """One shared explainer per model and kind, made once under the adapter's lock."""
    with adapter.lock:
        if kind not in adapter.explainer_cache:
            adapter.explainer_cache[kind] = make()
        return adapter.explainer_cache[kind]


def _lightgbm_contributions(adapter: ModelAdapter, x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str]:
    contrib = np.asarray(
        adapter.estimator.predict(x, pred_contrib=True, num_threads=_models.LIGHTGBM_THREADS), dtype=float
    )
    return contrib[:, :-1], contrib[:, -1], "LightGBM TreeSHAP (exact, path-dependent)"


def _sklearn_contributions(bundle: Bundle, x: pd.DataFrame, random_state: int) -> tuple[np.ndarray, np.ndarray, str]:
    import shap
    from sklearn.pipeline import Pipeline

    adapter = bundle.model
    model = adapter.estimator
    inputs = list(adapter.feature_names)
    if adapter.family == "sklearn-other":
        background = _background(bundle, random_state)
        codes = _CategoryCodes(pd.concat([background, x]))

        def f(arr: np.ndarray) -> np.ndarray:
            return logit(model.predict_proba(codes.decode(arr))[:, 1])

        masker = shap.maskers.Independent(codes.encode(background), max_samples=len(background))
        explainer = shap.PermutationExplainer(f, masker, seed=random_state)
        with adapter.lock:  # the explainer and the masker keep per-call state
            exp = explainer(codes.encode(x), max_evals=2 * len(inputs) + 1, silent=True)
        values = np.asarray(exp.values, dtype=float)
        base = np.broadcast_to(np.asarray(exp.base_values, dtype=float).ravel(), (len(x),)).copy()
        return values, base, f"shap PermutationExplainer on logit(predict_proba), background {len(background)} rows"

    pipeline = isinstance(model, Pipeline)
    final = model[-1] if pipeline else model
    z = _dense(model[:-1].transform(x) if pipeline else x)
    if adapter.family == "sklearn-tree":
        explainer = _explainer(adapter, "tree", lambda: shap.TreeExplainer(final))
        with adapter.lock:
            sv = explainer.shap_values(z, check_additivity=False)
            expected = explainer.expected_value
        sv = np.asarray(sv, dtype=float)
        if sv.ndim == 3:  # (rows, features, classes): keep the positive class
            sv = sv[:, :, 1]
        base_value = float(np.ravel(expected)[-1])
        name = "shap TreeExplainer (exact, path-dependent)"
    else:
        background = _background(bundle, random_state)
        zb = _dense(model[:-1].transform(background) if pipeline else background)
        explainer = _explainer(adapter, "linear", lambda: shap.LinearExplainer(final, zb))
        with adapter.lock:
            sv = np.asarray(explainer.shap_values(z), dtype=float)
            expected = explainer.expected_value
        base_value = float(np.ravel(expected)[-1])
        name = f"shap LinearExplainer (exact for independent inputs), background {len(zb)} rows"
    if sv.ndim == 1:
        sv = sv[None, :]
    if pipeline:
        source = _source_columns(model[:-1], inputs, sv.shape[1])
        values = np.zeros((sv.shape[0], len(inputs)))
        np.add.at(values.T, source, sv.T)
    else:
        values = sv
    return values, np.full(len(x), base_value), name


class _CategoryCodes:
    """Numbers for shap's maskers: text columns become category codes and back again."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.columns = list(frame.columns)
        self.dtypes = frame.dtypes.to_dict()
        self.levels = {
            c: pd.Index(frame[c].dropna().astype(str).unique())
            for c in self.columns
            if not pd.api.types.is_numeric_dtype(frame[c])
        }

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.empty(frame.shape, dtype=float)
        for j, c in enumerate(self.columns):
            if c in self.levels:
                codes = self.levels[c].get_indexer(frame[c].astype(str))
                out[:, j] = np.where(frame[c].isna(), np.nan, codes)
            else:
                out[:, j] = frame[c].to_numpy(dtype=float)
        return out

    def decode(self, arr: np.ndarray) -> pd.DataFrame:
        frame = pd.DataFrame(arr, columns=self.columns)
        for c, levels in self.levels.items():
            col = frame[c]
            values = np.asarray(levels, dtype=object)[np.nan_to_num(col, nan=0).astype(int)]
            frame[c] = pd.Series(values, dtype=object).where(col.notna().to_numpy(), np.nan)
        return frame


def _dense(matrix: Any) -> np.ndarray:
    """A dense float array from a frame, array or sparse matrix."""
    if hasattr(matrix, "toarray"):
        matrix = matrix.toarray()
    return np.asarray(matrix, dtype=float)


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
    if max_rows < 1:
        raise ExplainError(f"max_rows must be at least 1; got {max_rows}.")
    rows = select_rows(bundle, ids, data, max_rows, random_state)
    adapter = bundle.model
    x = adapter.prepare(rows)
    if len(x) == 0:
        empty = np.zeros((0, len(adapter.feature_names)))
        return ShapResult(empty, np.zeros(0), adapter.feature_names, (), adapter.output_space, "none", np.zeros(0), 0.0)
    if adapter.family == "lightgbm":
        values, base, explainer = _lightgbm_contributions(adapter, x)
    else:
        values, base, explainer = _sklearn_contributions(bundle, x, random_state)
    raw = adapter.predict_raw(x)
    residual = float(np.max(np.abs(base + values.sum(axis=1) - raw)))
    if not residual <= ADDITIVITY_TOLERANCE:
        raise ExplainError(
            f"contributions do not add up to the model's output (largest gap {residual:.2e}); "
            "the explanation would be wrong, so it is not shown."
        )
    return ShapResult(
        values=values,
        base_values=np.asarray(base, dtype=float),
        feature_names=adapter.feature_names,
        ids=tuple(str(i) for i in rows.index),
        output=adapter.output_space,
        explainer=explainer,
        raw_output=raw,
        additivity_residual=residual,
    )
