"""scikit-learn tree ensembles (random forests, extra trees, gradient boosting, single trees),
explained exactly by shap's TreeExplainer on the encoded columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from explain.models._base import Attribution
from explain.models._pipeline import final_step
from explain.models._sklearn import SklearnAdapter

if TYPE_CHECKING:
    from explain.models._tree_arrays import TreeArrays


@dataclass(eq=False)
class SklearnTreeAdapter(SklearnAdapter):
    """A tree ensemble; its TreeExplainer is made once, with the adapter, and used under the lock."""

    family: ClassVar[str] = "sklearn-tree"
    has_interactions: ClassVar[bool] = True
    explainer: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        import shap

        self.explainer = shap.TreeExplainer(final_step(self.estimator))

    def contributions(self, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int) -> Attribution:
        """TreeSHAP on the encoded columns, summed back to raw inputs; every class for multiclass."""
        z = self.transform(x)
        with self.lock:  # shap's explainer keeps state between calls
            values = np.asarray(self.explainer.shap_values(z, check_additivity=False), dtype=float)
            expected = np.ravel(np.asarray(self.explainer.expected_value, dtype=float))
        if values.ndim == 2 and len(x) == 1 and values.shape[0] != 1:  # one row: shap drops the row axis
            values = values[None, ...]
        if values.ndim == 1:
            values = values[None, :]
        name = "shap TreeExplainer (exact, path-dependent)"
        if self.task == "multiclass":  # (rows, encoded, classes) and one base per class
            return Attribution(self.sum_back(values), np.tile(expected, (len(x), 1)), name)
        if values.ndim == 3:  # (rows, encoded, 2): keep the positive class
            values = values[:, :, 1]
        return Attribution(self.sum_back(values), np.full(len(x), float(expected[-1])), name)

    def tree_arrays(self) -> TreeArrays | None:
        """A random forest or extra trees fitted on the raw inputs (no Pipeline, no categories)
        as flat arrays; None for other ensembles, which are re-predicted through scikit-learn."""
        from explain.models._tree_arrays import from_sklearn_forest

        if (
            self.categories
            or self.output_space not in ("probability", "target")
            or self.estimator is not final_step(self.estimator)
        ):
            return None
        return from_sklearn_forest(self.estimator)

    def interaction_values(self, x: pd.DataFrame) -> np.ndarray | None:
        """Interaction values on the encoded columns, summed back to pairs of raw inputs."""
        if self.task != "binary":
            return None
        z = self.transform(x)
        with self.lock:
            values = self.explainer.shap_interaction_values(z)
        values = np.asarray(values[1] if isinstance(values, list) else values, dtype=float)
        if values.ndim == 4:
            values = values[..., 1]
        onehot = self.sum_back(np.eye(values.shape[1]))  # encoded column → raw input, as a 0/1 matrix
        return np.asarray(np.einsum("rij,ia,jb->rab", values, onehot, onehot))
