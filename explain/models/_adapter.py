"""One adapter over the model families this library explains.

The adapter hides how each family wants its input (LightGBM maps categorical columns by
position and reads pandas categories; a scikit-learn Pipeline takes the raw frame) and
offers the same three things for each: the raw output in the explanation's output space,
the score (probability of the positive class), and which categories the model knows.
Features are always selected and ordered by name before a predict.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from explain.errors import FeatureNotFoundError, ModelLoadError, UnsupportedModelError
from explain.models._safe_load import load_skops, safe_lightgbm_text

Family = Literal["lightgbm", "sklearn-tree", "sklearn-linear", "sklearn-other"]
OutputSpace = Literal["log-odds", "probability"]

#: Threads LightGBM may use in one call; sessions share two cores, so keep this small.
LIGHTGBM_THREADS = 1

_PROBABILITY_TREES = ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier")
_MARGIN_TREES = ("GradientBoostingClassifier", "HistGradientBoostingClassifier")


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def logit(p: np.ndarray) -> np.ndarray:
    """The inverse of :func:`sigmoid`, clipped away from 0 and 1."""
    q = np.clip(np.asarray(p, dtype=float), 1e-15, 1 - 1e-15)
    return np.log(q / (1 - q))


@dataclass(eq=False)
class ModelAdapter:
    """A fitted binary classifier with the inputs it expects, by name.

    Shared between sessions: never mutated after construction except for the lazily made
    explainer, which is guarded by :attr:`lock`.
    """

    family: Family
    estimator: Any
    feature_names: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    output_space: OutputSpace
    description: str
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    explainer_cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def renamed(self, names: dict[str, str]) -> ModelAdapter:
        """The same model with some inputs known by other names (the model's name → the data's)."""
        return replace(
            self,
            feature_names=tuple(names.get(n, n) for n in self.feature_names),
            categories={names.get(n, n): c for n, c in self.categories.items()},
        )

    @property
    def categorical_features(self) -> tuple[str, ...]:
        """Model inputs the model treats as categories."""
        return tuple(self.categories)

    def prepare(self, frame: pd.DataFrame, *, where: str = "the data") -> pd.DataFrame:
        """Select the model's inputs by name, in the model's order, with the dtypes it expects.

        Raises :class:`FeatureNotFoundError` naming the first missing input. Returns a new frame.
        """
        missing = [f for f in self.feature_names if f not in frame.columns]
        if missing:
            raise FeatureNotFoundError(
                f"{where} lacks the model input {missing[0]!r}"
                + (f" (and {len(missing) - 1} more: {', '.join(missing[1:4])})" if len(missing) > 1 else "")
                + f"; the model expects the columns {', '.join(self.feature_names)}."
            )
        out = frame.loc[:, list(self.feature_names)].copy()
        for name, known in self.categories.items():
            col = out[name]
            if isinstance(col.dtype, pd.CategoricalDtype) and tuple(map(str, col.cat.categories)) == known:
                if self.family == "lightgbm":
                    continue  # already what LightGBM expects
                out[name] = col.astype("object").where(col.notna(), np.nan)
            elif self.family == "lightgbm":
                values = col.astype("object").where(col.notna(), None)
                out[name] = pd.Categorical(values.map(lambda v: None if v is None else str(v)), categories=list(known))
            else:
                out[name] = col.astype("object").where(col.notna(), np.nan)
        for name in self.feature_names:
            if name not in self.categories and not pd.api.types.is_numeric_dtype(out[name]):
                try:
                    out[name] = pd.to_numeric(out[name])
                except (TypeError, ValueError) as err:
                    raise FeatureNotFoundError(
                        f"{where}: column {name!r} should hold numbers but holds text such as "
                        f"{str(out[name].dropna().iloc[0])[:40]!r}."
                    ) from err
        return out

    def predict_raw(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's own output in :attr:`output_space` (log-odds or probability)."""
        x = self.prepare(frame)
        if self.family == "lightgbm":
            return np.asarray(self.estimator.predict(x, raw_score=True, num_threads=LIGHTGBM_THREADS), dtype=float)
        if self.output_space == "probability":
            return np.asarray(self.estimator.predict_proba(x)[:, 1], dtype=float)
        if self.family == "sklearn-other" or not hasattr(self.estimator, "decision_function"):
            return logit(self.estimator.predict_proba(x)[:, 1])
        return np.asarray(self.estimator.decision_function(x), dtype=float).ravel()

    def predict_score(self, frame: pd.DataFrame) -> np.ndarray:
        """The probability of the positive class, the number compared with the threshold."""
        raw = self.predict_raw(frame)
        return raw if self.output_space == "probability" else sigmoid(raw)

    def to_score(self, raw: np.ndarray) -> np.ndarray:
        """Turn raw output into the score."""
        return np.asarray(raw, dtype=float) if self.output_space == "probability" else sigmoid(raw)


def _lightgbm_header(text: str) -> tuple[list[str], list[bool]]:
    """Feature names and which are categorical, read from a LightGBM text model's header."""
    names: list[str] = []
    infos: list[str] = []
    for line in text.splitlines()[:60]:
        if line.startswith("feature_names="):
            names = line.split("=", 1)[1].split(" ")
        elif line.startswith("feature_infos="):
            infos = line.split("=", 1)[1].split(" ")
        if line.startswith("Tree="):
            break
    # numeric features read "[min:max]" or "none"; categorical ones list their codes "0:1:2"
    is_cat = [not (i.startswith("[") or i == "none") for i in infos]
    return names, is_cat


def adapt_lightgbm(booster: Any, *, description: str = "LightGBM") -> ModelAdapter:
    """Wrap a LightGBM ``Booster`` (or a fitted ``LGBMClassifier``) trained for binary output."""
    import lightgbm as lgb

    if isinstance(booster, lgb.LGBMModel):
        if not isinstance(booster, lgb.LGBMClassifier):
            raise UnsupportedModelError("Only LightGBM classifiers are explained; regression is not supported yet.")
        booster = booster.booster_
    if not isinstance(booster, lgb.Booster):  # pragma: no cover - guarded by callers
        raise UnsupportedModelError(f"expected a LightGBM Booster, got {type(booster).__name__}")
    text = booster.model_to_string(num_iteration=-1)
    objective = next((ln.split("=", 1)[1] for ln in text.splitlines()[:30] if ln.startswith("objective=")), "")
    if not objective.startswith(("binary", "cross_entropy", "xentropy")):
        raise UnsupportedModelError(
            f"the LightGBM model's objective is {objective!r}; only binary classifiers are explained for now "
            "(multiclass and regression models are refused)."
        )
    names, is_cat = _lightgbm_header(text)
    names = names or list(booster.feature_name())
    cat_names = [n for n, c in zip(names, is_cat, strict=False) if c]
    pandas_categorical = booster.pandas_categorical or []
    if cat_names and len(pandas_categorical) != len(cat_names):
        raise UnsupportedModelError(
            "the LightGBM model has categorical features but no pandas category lists; train it on a "
            "DataFrame with pandas 'category' columns so categories are matched by name."
        )
    categories = {n: tuple(str(c) for c in cats) for n, cats in zip(cat_names, pandas_categorical, strict=True)}
    return ModelAdapter(
        family="lightgbm",
        estimator=booster,
        feature_names=tuple(names),
        categories=categories,
        output_space="log-odds",
        description=f"{description} ({booster.num_trees()} trees, {len(names)} inputs)",
    )


def _final_step(model: Any) -> Any:
    from sklearn.pipeline import Pipeline

    return model[-1] if isinstance(model, Pipeline) else model


def _onehot_categories(model: Any) -> dict[str, tuple[str, ...]]:
    """Categories known to any OneHotEncoder/OrdinalEncoder inside a pipeline, by input column."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    found: dict[str, tuple[str, ...]] = {}

    def visit(obj: Any, columns: list[str] | None) -> None:
        if isinstance(obj, Pipeline):
            for _, step in obj.steps:
                visit(step, columns)
        elif isinstance(obj, ColumnTransformer):
            for _, trans, cols in obj.transformers_:
                if isinstance(cols, str):
                    cols = [cols]
                if isinstance(trans, str):
                    continue
                visit(trans, [str(c) for c in cols])
        elif isinstance(obj, (OneHotEncoder, OrdinalEncoder)) and columns is not None:
            for col, cats in zip(columns, obj.categories_, strict=False):
                found[col] = tuple(str(c) for c in cats if not (isinstance(c, float) and np.isnan(c)))

    visit(model, None)
    return found


def adapt_sklearn(model: Any, *, description: str | None = None) -> ModelAdapter:
    """Wrap a fitted scikit-learn binary classifier or Pipeline ending in one."""
    from sklearn.base import is_classifier

    final = _final_step(model)
    name = type(final).__name__
    if not is_classifier(model) or not hasattr(model, "predict_proba"):
        raise UnsupportedModelError(
            f"{name} is not a classifier with predict_proba; regression models are not supported yet."
        )
    classes = getattr(model, "classes_", None)
    if classes is None or len(classes) != 2:
        n = 0 if classes is None else len(classes)
        raise UnsupportedModelError(f"{name} predicts {n} classes; only binary classifiers are explained for now.")
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        raise UnsupportedModelError(
            f"{name} was fitted without column names; fit it on a pandas DataFrame so that features "
            "are matched by name, never by position."
        )
    family: Family
    if name in _PROBABILITY_TREES:
        family, space = "sklearn-tree", "probability"
    elif name in _MARGIN_TREES:
        family, space = "sklearn-tree", "log-odds"
    elif hasattr(final, "coef_") and hasattr(final, "decision_function"):
        family, space = "sklearn-linear", "log-odds"
    else:
        family, space = "sklearn-other", "log-odds"
    categories = _onehot_categories(model)
    steps = " → ".join(type(s).__name__ for _, s in model.steps) if hasattr(model, "steps") else name
    return ModelAdapter(
        family=family,
        estimator=model,
        feature_names=tuple(str(n) for n in names),
        categories=categories,
        output_space=space,  # type: ignore[arg-type]
        description=description or f"scikit-learn {steps}",
    )


def adapt_estimator(model: Any) -> ModelAdapter:
    """Wrap any supported fitted model (LightGBM or scikit-learn)."""
    if isinstance(model, ModelAdapter):
        return model
    module = type(model).__module__
    if module.startswith("lightgbm"):
        return adapt_lightgbm(model)
    if module.startswith("sklearn") or hasattr(model, "predict_proba"):
        return adapt_sklearn(model)
    raise UnsupportedModelError(
        f"models of type {type(model).__name__} are not supported; use LightGBM or scikit-learn."
    )


def load_model(path: Path) -> tuple[ModelAdapter, bytes]:
    """Load a model file safely and return its adapter and the file's bytes.

    ``.txt`` files are LightGBM text models (checked in a child process first); ``.skops``
    files are scikit-learn models (loaded with an allow-list). Anything else is refused.
    """
    if not path.exists():
        raise ModelLoadError(f"{path}: the model file does not exist.")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".txt":
        text, _ = safe_lightgbm_text(path, data)
        import lightgbm as lgb

        try:
            booster = lgb.Booster(model_str=text)
        except Exception as err:  # pragma: no cover - the child check catches these first
            raise ModelLoadError(f"{path}: LightGBM could not read the model: {err}") from err
        return adapt_lightgbm(booster), data
    if suffix == ".skops":
        return adapt_sklearn(load_skops(path, data)), data
    raise ModelLoadError(
        f"{path}: unknown model format {suffix!r}; expected model.txt (LightGBM) or model.skops (scikit-learn)."
    )
