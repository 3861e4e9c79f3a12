"""Any other scikit-learn model: shap's PermutationExplainer on the logit of ``predict_proba``
(or on the estimate of a regressor), with a seeded background. Exactly additive by construction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from explain.errors import ExplainError
from explain.models._base import Attribution, logit
from explain.models._sklearn import SklearnAdapter


@dataclass(eq=False)
class SklearnGenericAdapter(SklearnAdapter):
    """A model without a structure shap can exploit; explained as a black box on raw inputs."""

    family: ClassVar[str] = "sklearn-other"
    needs_background: ClassVar[bool] = True

    def predict_raw(self, frame: pd.DataFrame) -> np.ndarray:
        """The space the permutation explanation adds up in: the estimate (regression), else the
        logit of ``predict_proba`` (of the positive class, or of every class)."""
        return self._raw(self.prepare(frame))

    def _raw(self, frame: pd.DataFrame) -> np.ndarray:
        if self.task == "regression":
            return np.asarray(self.estimator.predict(frame), dtype=float).ravel()
        proba = np.asarray(self.estimator.predict_proba(frame), dtype=float)
        return logit(proba) if self.task == "multiclass" else logit(proba[:, 1])

    def contributions(self, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int) -> Attribution:
        """Permutation SHAP with one pass forward and back through the inputs (exactly additive)."""
        import shap

        if background is None or len(background) == 0:
            raise ExplainError("a model-agnostic explanation needs background rows (reference data or decisions).")
        codes = _CategoryCodes(pd.concat([background, x]))

        def f(arr: np.ndarray) -> np.ndarray:
            return self._raw(codes.decode(arr))

        masker = shap.maskers.Independent(codes.encode(background), max_samples=len(background))
        explainer = shap.PermutationExplainer(f, masker, seed=random_state)
        with self.lock:  # the explainer and the masker keep per-call state
            exp = explainer(codes.encode(x), max_evals=2 * len(self.feature_names) + 1, silent=True)
        values = np.asarray(exp.values, dtype=float)
        base_values = np.asarray(exp.base_values, dtype=float)
        if self.task == "multiclass":  # values (rows, inputs, classes), one base per class
            base = np.broadcast_to(base_values.reshape(-1, len(self.classes)), (len(x), len(self.classes))).copy()
        else:
            base = np.broadcast_to(base_values.ravel(), (len(x),)).copy()
        space = "the estimate" if self.task == "regression" else "logit(predict_proba)"
        name = f"shap PermutationExplainer on {space}, background {len(background)} rows"
        return Attribution(values, base, name)


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
