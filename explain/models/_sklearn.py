"""scikit-learn classifiers and regressors, alone or at the end of a Pipeline: what their
families share.

Predictions go through the estimator as the user fitted it (a Pipeline takes the raw frame).
The family classes differ only in how they explain: tree ensembles (:mod:`._sklearn_trees`),
linear models (:mod:`._sklearn_linear`), and anything else (:mod:`._sklearn_generic`).
Models are saved with skops; their identity is the skops archive written canonically.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from explain.errors import UnsupportedModelError
from explain.models._base import OutputSpace, TabularAdapter, Task, logit
from explain.models._pipeline import dense, final_step, known_categories, preprocessing, source_columns


@dataclass(eq=False)
class SklearnAdapter(TabularAdapter):
    """A fitted scikit-learn classifier or regressor, or a Pipeline ending in one."""

    def predict_raw(self, frame: pd.DataFrame) -> np.ndarray:
        """The estimate (regression); probabilities for probability-space models; else the
        decision function (log-odds, or per-class margins for multiclass)."""
        x = self.prepare(frame)
        if self.task == "regression":
            estimate = np.asarray(self.estimator.predict(x), dtype=float).ravel()
            return np.log(estimate) if self.output_space == "log-target" else estimate
        if self.output_space == "probability":
            proba = np.asarray(self.estimator.predict_proba(x), dtype=float)
            return proba if self.task == "multiclass" else proba[:, 1]
        if not hasattr(self.estimator, "decision_function"):
            proba = self.estimator.predict_proba(x)
            return logit(proba) if self.task == "multiclass" else logit(proba[:, 1])
        raw = np.asarray(self.estimator.decision_function(x), dtype=float)
        return raw if self.task == "multiclass" else raw.ravel()

    def predict_response(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's own ``predict_proba`` (or ``predict`` for a regressor), never a transform of
        the raw output: one-vs-rest and multinomial models differ in how margins become probabilities."""
        x = self.prepare(frame)
        if self.task == "regression":
            return np.asarray(self.estimator.predict(x), dtype=float).ravel()
        proba = np.asarray(self.estimator.predict_proba(x), dtype=float)
        return proba if self.task == "multiclass" else proba[:, 1]

    def transform(self, x: pd.DataFrame) -> np.ndarray:
        """The rows as the final estimator sees them (after a Pipeline's preprocessing)."""
        steps = preprocessing(self.estimator)
        return dense(steps.transform(x) if steps is not None else x)

    def sum_back(self, values: np.ndarray) -> np.ndarray:
        """Contributions of encoded columns (rows × encoded [× classes]) summed to raw inputs
        (rows × inputs [× classes])."""
        steps = preprocessing(self.estimator)
        if steps is None:
            return values
        if values.ndim == 3:
            return np.stack([self.sum_back(values[:, :, c]) for c in range(values.shape[2])], axis=2)
        source = source_columns(steps, list(self.feature_names), values.shape[1])
        out = np.zeros((values.shape[0], len(self.feature_names)))
        np.add.at(out.T, source, values.T)
        return out

    def save(self, directory: Path) -> str:
        """Write ``model.skops``."""
        import skops.io as sio

        sio.dump(self.estimator, directory / "model.skops")
        return "model.skops"

    def fingerprint_bytes(self) -> bytes:
        """The skops archive of the model as a file would give it back, written canonically.

        skops records which objects the model shares (an interned column name used twice is
        one object in memory, two after loading), so the model is passed through one dump and
        load first: the estimator in memory and the same estimator loaded from its file then
        give the same bytes (see :func:`canonical_skops`).
        """
        import skops.io as sio

        data = sio.dumps(self.estimator)
        normal = sio.loads(data, trusted=sio.get_untrusted_types(data=data))  # our own object, not a user's file
        return canonical_skops(sio.dumps(normal))


def canonical_skops(data: bytes) -> bytes:
    """A canonical form of a skops archive.

    skops names arrays and objects by memory address and stamps zip entries with the time;
    renumbering those addresses by first appearance and concatenating the members in that
    order gives the same bytes for the same model in any process.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        schema = zf.read("schema.json").decode()
        order: dict[str, str] = {}
        for token in re.findall(r"\d{8,}", schema):
            order.setdefault(token, str(len(order)))
        canonical = re.sub(r"\d{8,}", lambda m: "#" + order[m.group(0)], schema)
        parts = [canonical.encode()]
        names = set(zf.namelist())
        for token in order:
            member = f"{token}.npy"
            if member in names:
                parts.append(zf.read(member))
        for member in sorted(n for n in names if n != "schema.json" and not re.fullmatch(r"\d{8,}\.npy", n)):
            parts.append(member.encode() + zf.read(member))
    return b"\0".join(parts)


_PROBABILITY_TREES = ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier")
_MARGIN_TREES = ("GradientBoostingClassifier", "HistGradientBoostingClassifier")
_REGRESSION_TREES = (
    "RandomForestRegressor",
    "ExtraTreesRegressor",
    "DecisionTreeRegressor",
    "GradientBoostingRegressor",
    "HistGradientBoostingRegressor",
)


def _log_link(final: Any) -> bool:
    """Whether a regressor predicts exp of its raw output (Poisson, Gamma, Tweedie with a log link)."""
    name = type(final).__name__
    if name in ("PoissonRegressor", "GammaRegressor"):
        return True
    if name == "TweedieRegressor":
        return getattr(final, "link", "auto") == "log" or (getattr(final, "link", "auto") == "auto" and final.power > 0)
    return name == "HistGradientBoostingRegressor" and getattr(final, "loss", "") in ("poisson", "gamma")


def adapt_sklearn(model: Any, *, description: str | None = None) -> SklearnAdapter:
    """Wrap a fitted scikit-learn classifier or regressor, or a Pipeline ending in one, choosing
    the family class by the final estimator and the task by what the model is."""
    from sklearn.base import is_classifier, is_regressor

    from explain.models._sklearn_generic import SklearnGenericAdapter
    from explain.models._sklearn_linear import SklearnLinearAdapter
    from explain.models._sklearn_trees import SklearnTreeAdapter

    final = final_step(model)
    name = type(final).__name__
    task: Task
    classes: tuple[str, ...] = ()
    if is_regressor(model):
        task = "regression"
    elif is_classifier(model) and hasattr(model, "predict_proba"):
        found = getattr(model, "classes_", None)
        if found is None or len(found) < 2:
            raise UnsupportedModelError(f"{name} knows fewer than two classes; there is nothing to explain.")
        classes = tuple(str(c) for c in found)
        task = "binary" if len(classes) == 2 else "multiclass"
    else:
        raise UnsupportedModelError(
            f"{name} is neither a regressor nor a classifier with predict_proba; those are what is explained."
        )
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        raise UnsupportedModelError(
            f"{name} was fitted without column names; fit it on a pandas DataFrame so that features "
            "are matched by name, never by position."
        )
    family: type[SklearnAdapter]
    if name in _PROBABILITY_TREES or name in _MARGIN_TREES or name in _REGRESSION_TREES:
        family = SklearnTreeAdapter
    elif hasattr(final, "coef_") and (hasattr(final, "decision_function") or task == "regression"):
        family = SklearnLinearAdapter
    else:
        family = SklearnGenericAdapter
    output_space: OutputSpace
    if task == "regression":
        output_space = "log-target" if _log_link(final) else "target"
    elif name in _PROBABILITY_TREES:
        output_space = "probability"
    else:
        output_space = "margin" if task == "multiclass" and family is not SklearnGenericAdapter else "log-odds"
    steps = " → ".join(type(s).__name__ for _, s in model.steps) if hasattr(model, "steps") else name
    return family(
        estimator=model,
        feature_names=tuple(str(n) for n in names),
        categories=known_categories(model),
        output_space=output_space,
        description=description or f"scikit-learn {steps}",
        task=task,
        classes=classes,
        task_note=f"scikit-learn {name}" + (f", classes {', '.join(classes)}" if task == "multiclass" else ""),
    )
