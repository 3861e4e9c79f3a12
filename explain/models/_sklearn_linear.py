"""Linear classifiers (logistic regression and friends): exact SHAP in closed form.

For a linear margin f(z) = w·z + b and independent inputs, the SHAP value of encoded column
j is w_j (z_j − E[z_j]) over a background sample, and the base value is w·E[z] + b (what
shap's LinearExplainer computes, without building one). Encoded columns are summed back to
the raw input they came from.
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
    """A linear model with ``coef_`` and ``decision_function``, alone or in a Pipeline."""

    family: ClassVar[str] = "sklearn-linear"
    needs_background: ClassVar[bool] = True

    def contributions(self, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int) -> Attribution:
        """w_j (z_j − mean of z_j over the background), summed back to raw inputs."""
        if background is None or len(background) == 0:
            raise ExplainError("a linear model's explanation needs background rows (reference data or decisions).")
        final = final_step(self.estimator)
        coef = np.asarray(final.coef_, dtype=float).ravel()
        intercept = float(np.ravel(getattr(final, "intercept_", 0.0))[0])
        mean = self.transform(background).mean(axis=0)
        values = (self.transform(x) - mean) * coef
        base = np.full(len(x), float(coef @ mean + intercept))
        name = f"linear SHAP (exact for independent inputs), background {len(background)} rows"
        return Attribution(self.sum_back(values), base, name)
