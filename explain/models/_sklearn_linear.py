"""Linear models (logistic and multinomial regression, ridge, GLMs): exact SHAP in closed form.

For a linear raw output f(z) = w·z + b (log-odds, a class's margin, an estimate or its log)
and independent inputs, the SHAP value of encoded column j is w_j (z_j − E[z_j]) over a
background sample, and the base value is w·E[z] + b (what shap's LinearExplainer computes,
without building one). A multiclass model has one such output per class. Encoded columns
are summed back to the raw input they came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from explain.errors import ExplainError
from explain.models._base import Attribution
from explain.models._pipeline import final_step
from explain.models._sklearn import SklearnAdapter


@dataclass(eq=False)
class SklearnLinearAdapter(SklearnAdapter):
    """A linear model with ``coef_`` (a classifier with ``decision_function`` or a regressor),
    alone or in a Pipeline."""

    family: ClassVar[str] = "sklearn-linear"
    needs_background: ClassVar[bool] = True

    def contributions(self, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int) -> Attribution:
        """w_j (z_j − mean of z_j over the background), summed back to raw inputs; per class
        (one row of ``coef_`` each) for a multiclass model."""
        if background is None or len(background) == 0:
            raise ExplainError("a linear model's explanation needs background rows (reference data or decisions).")
        final = final_step(self.estimator)
        coef = np.atleast_2d(np.asarray(final.coef_, dtype=float))  # (outputs, encoded)
        intercept = np.ravel(np.asarray(getattr(final, "intercept_", 0.0), dtype=float))
        mean = self.transform(background).mean(axis=0)
        centred = self.transform(x) - mean
        name = f"linear SHAP (exact for independent inputs), background {len(background)} rows"
        if self.task == "multiclass":
            values = centred[:, :, None] * coef.T[None, :, :]  # (rows, encoded, classes)
            base = np.tile(coef @ mean + np.broadcast_to(intercept, (coef.shape[0],)), (len(x), 1))
            return Attribution(self.sum_back(values), base, name)
        w = coef.ravel()
        base = np.full(len(x), float(w @ mean + intercept[0]))
        return Attribution(self.sum_back(centred * w), base, name)
