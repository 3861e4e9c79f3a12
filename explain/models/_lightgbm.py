"""LightGBM boosters: exact TreeSHAP from the compiled engine (LightGBM's own as the fallback),
pandas categories matched by name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from explain._cores import thread_budget
from explain.errors import UnsupportedModelError
from explain.models._base import Attribution, OutputSpace, TabularAdapter, Task
from explain.models._lightgbm_text import LightGBMText, canonical_text, parse_lightgbm_text
from explain.models._tree_arrays import TreeArrays, from_lightgbm, model_matrix

if TYPE_CHECKING:
    from explain.models._tree_engine import TreeShapEngine

#: From this many rows on, contributions come from the compiled engine (its tables are built
#: once per model, in about a tenth of a second); fewer rows (a decision's page) use LightGBM's
#: own, which needs no compiled code at start. The choice depends on the row count alone.
ENGINE_MIN_ROWS = 200
#: LightGBM objectives by the task they train for and the space their raw output is in.
_OBJECTIVES: dict[str, tuple[Task, OutputSpace]] = {
    "binary": ("binary", "log-odds"),
    "cross_entropy": ("binary", "log-odds"),
    "multiclass": ("multiclass", "margin"),
    "multiclassova": ("multiclass", "log-odds"),
    "regression": ("regression", "target"),
    "regression_l1": ("regression", "target"),
    "huber": ("regression", "target"),
    "fair": ("regression", "target"),
    "quantile": ("regression", "target"),
    "mape": ("regression", "target"),
    "poisson": ("regression", "log-target"),
    "gamma": ("regression", "log-target"),
    "tweedie": ("regression", "log-target"),
}


@dataclass(eq=False)
class LightGBMAdapter(TabularAdapter):
    """A LightGBM ``Booster`` (binary, multiclass or regression); its canonical text is its identity."""

    family: ClassVar[str] = "lightgbm"
    has_interactions: ClassVar[bool] = True
    canonical: str = ""
    averaged_over: int = 1  # random-forest mode (average_output): the iterations LightGBM averages

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (for a Dask worker) without the engine's tables: the worker builds its own."""
        state = super().__getstate__()
        state.pop("_engine", None)
        return state

    def treeshap_engine(self) -> TreeShapEngine | None:
        """The compiled TreeSHAP engine of this model, built on first use; None when its tables
        would be too large (LightGBM's own TreeSHAP is used then)."""
        if "_engine" not in self.__dict__:
            with self.lock:
                if "_engine" not in self.__dict__:
                    from explain.models._tree_engine import treeshap_engine

                    self.__dict__["_engine"] = treeshap_engine(self.tree_arrays(), threads=thread_budget())
        return self.__dict__["_engine"]  # type: ignore[no-any-return]

    def tree_arrays(self) -> TreeArrays:
        """The trees as flat arrays (parsed again from the canonical text)."""
        return from_lightgbm(parse_lightgbm_text(self.canonical.encode("utf-8"), source="the model"))

    def _encode_categories(self, column: pd.Series, known: tuple[str, ...]) -> pd.Series:
        if isinstance(column.dtype, pd.CategoricalDtype) and tuple(map(str, column.cat.categories)) == known:
            return column  # already what LightGBM expects
        values = column.astype("object").where(column.notna(), None)
        return pd.Series(
            pd.Categorical(values.map(lambda v: None if v is None else str(v)), categories=list(known)),
            index=column.index,
        )

    def predict_raw(self, frame: pd.DataFrame) -> np.ndarray:
        """The raw score from LightGBM itself (log-odds, margins per class, or the link space)."""
        matrix = model_matrix(self.prepare(frame))
        raw = np.asarray(self.estimator.predict(matrix, raw_score=True, num_threads=thread_budget()), dtype=float)
        return raw / self.averaged_over if self.averaged_over != 1 else raw  # raw_score skips the average

    def contributions(self, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int) -> Attribution:
        """Exact path-dependent TreeSHAP, per class for multiclass: the compiled engine (Fast
        TreeSHAP v2) for batches, LightGBM's own ``pred_contrib`` for a few rows or a model whose
        tables would be too large. Both agree to rounding (tested to 1e-9)."""
        engine = self.treeshap_engine() if len(x) >= ENGINE_MIN_ROWS else None
        matrix = model_matrix(x)
        if engine is not None:
            phi = engine.contributions(matrix, threads=thread_budget())
            name = "Fast TreeSHAP v2 (exact, path-dependent)"
            if self.task == "multiclass":
                return Attribution(phi, np.tile(engine.base, (len(x), 1)), name)
            return Attribution(phi[:, :, 0], np.full(len(x), engine.base[0]), name)
        contrib = np.asarray(
            self.estimator.predict(matrix, pred_contrib=True, num_threads=thread_budget()), dtype=float
        )
        if self.averaged_over != 1:  # pred_contrib skips a random-forest model's average
            contrib = contrib / self.averaged_over
        name = "LightGBM TreeSHAP (exact, path-dependent)"
        if self.task == "multiclass":  # one block of inputs + bias per class, classes side by side
            blocks = contrib.reshape(len(x), len(self.classes), len(self.feature_names) + 1)
            return Attribution(blocks[:, :, :-1].transpose(0, 2, 1).copy(), blocks[:, :, -1].copy(), name)
        return Attribution(contrib[:, :-1], contrib[:, -1], name)

    def interaction_values(self, x: pd.DataFrame) -> np.ndarray | None:
        """shap's interaction values on the category codes (shap refuses pandas categories)."""
        import shap

        if self.task != "binary":
            return None

        codes = x.copy()
        for name in self.categories:
            values = codes[name].cat.codes.to_numpy().astype(float)
            codes[name] = np.where(values < 0, np.nan, values)
        with self.lock:
            return np.asarray(shap.TreeExplainer(self.estimator).shap_interaction_values(codes), dtype=float)

    def accepts_missing(self, name: str, row: pd.DataFrame) -> bool:
        """LightGBM routes a missing value down every split."""
        return True

    def save(self, directory: Path) -> str:
        """Write ``model.txt`` (LightGBM's text format)."""
        (directory / "model.txt").write_text(self.estimator.model_to_string(num_iteration=-1), encoding="utf-8")
        return "model.txt"

    def fingerprint_bytes(self) -> bytes:
        """The canonical text: the same for a booster in memory and for its file loaded again."""
        return self.canonical.encode("utf-8")


def adapt_lightgbm(
    booster: Any, *, description: str = "LightGBM", parsed: LightGBMText | None = None, canonical: str | None = None
) -> LightGBMAdapter:
    """Wrap a LightGBM ``Booster`` (or a fitted ``LGBMClassifier`` or ``LGBMRegressor``); the task
    and output space come from its objective. Classes of a multiclass model are its own numbers
    "0", "1", …, which the spec names.

    ``parsed`` is the booster's validated text when the caller has it already (a loaded file),
    and ``canonical`` its canonical rewrite (written once per load: it takes about 0.07 s
    on a 300-tree model).
    """
    import lightgbm as lgb

    if isinstance(booster, lgb.LGBMModel):
        if not isinstance(booster, lgb.LGBMClassifier | lgb.LGBMRegressor):
            raise UnsupportedModelError(
                f"{type(booster).__name__} is not explained; LightGBM classifiers and regressors are."
            )
        booster = booster.booster_
    if not isinstance(booster, lgb.Booster):  # pragma: no cover - guarded by the registry
        raise UnsupportedModelError(f"expected a LightGBM Booster, got {type(booster).__name__}")
    if parsed is None:
        parsed = parse_lightgbm_text(booster.model_to_string(num_iteration=-1).encode("utf-8"), source="the model")
    if parsed.objective not in _OBJECTIVES:
        raise UnsupportedModelError(
            f"the LightGBM model's objective {parsed.objective!r} is neither a classification nor a regression "
            "objective; binary, multiclass and regression models are explained (ranking and custom objectives are not)."
        )
    task, output_space = _OBJECTIVES[parsed.objective]
    if parsed.objective_options.get("sigmoid", 1.0) != 1.0:
        raise UnsupportedModelError("LightGBM models trained with sigmoid other than 1 are not supported.")
    classes = tuple(str(c) for c in range(parsed.num_class)) if task == "multiclass" else ()
    names = list(parsed.feature_names)
    cat_names = [n for n, c in zip(names, parsed.categorical, strict=True) if c]
    pandas_categorical = booster.pandas_categorical or []
    if cat_names and len(pandas_categorical) != len(cat_names):
        raise UnsupportedModelError(
            "the LightGBM model has categorical features but no pandas category lists; train it on a "
            "DataFrame with pandas 'category' columns so categories are matched by name."
        )
    categories = {n: tuple(str(c) for c in cats) for n, cats in zip(cat_names, pandas_categorical, strict=True)}
    return LightGBMAdapter(
        estimator=booster,
        feature_names=tuple(names),
        categories=categories,
        output_space=output_space,
        description=f"{description} ({len(parsed.trees)} trees, {len(names)} inputs)",
        task=task,
        classes=("0", "1") if task == "binary" else classes,
        task_note=f"LightGBM objective {parsed.objective!r}",
        canonical=canonical_text(parsed) if canonical is None else canonical,
        averaged_over=parsed.averaged_over,
    )
