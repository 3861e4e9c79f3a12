"""scikit-learn classifiers, alone or at the end of a Pipeline: what their families share.

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
from explain.models._base import TabularAdapter, logit
from explain.models._pipeline import dense, final_step, known_categories, preprocessing, source_columns


@dataclass(eq=False)
class SklearnAdapter(TabularAdapter):
    """A fitted scikit-learn binary classifier or a Pipeline ending in one."""

    def predict_raw(self, frame: pd.DataFrame) -> np.ndarray:
        """Probability for probability-space models, else the decision function (log-odds)."""
        x = self.prepare(frame)
        if self.output_space == "probability":
            return np.asarray(self.estimator.predict_proba(x)[:, 1], dtype=float)
        if not hasattr(self.estimator, "decision_function"):
            return logit(self.estimator.predict_proba(x)[:, 1])
        return np.asarray(self.estimator.decision_function(x), dtype=float).ravel()

    def transform(self, x: pd.DataFrame) -> np.ndarray:
        """The rows as the final estimator sees them (after a Pipeline's preprocessing)."""
        steps = preprocessing(self.estimator)
        return dense(steps.transform(x) if steps is not None else x)

    def sum_back(self, values: np.ndarray) -> np.ndarray:
        """Contributions of encoded columns (rows × encoded) summed to raw inputs (rows × inputs)."""
        steps = preprocessing(self.estimator)
        if steps is None:
            return values
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


def adapt_sklearn(model: Any, *, description: str | None = None) -> SklearnAdapter:
    """Wrap a fitted scikit-learn binary classifier or Pipeline ending in one, choosing the
    family class by the final estimator."""
    from sklearn.base import is_classifier

    from explain.models._sklearn_generic import SklearnGenericAdapter
    from explain.models._sklearn_linear import SklearnLinearAdapter
    from explain.models._sklearn_trees import SklearnTreeAdapter

    final = final_step(model)
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
    family: type[SklearnAdapter]
    if name in _PROBABILITY_TREES or name in _MARGIN_TREES:
        family = SklearnTreeAdapter
    elif hasattr(final, "coef_") and hasattr(final, "decision_function"):
        family = SklearnLinearAdapter
    else:
        family = SklearnGenericAdapter
    steps = " → ".join(type(s).__name__ for _, s in model.steps) if hasattr(model, "steps") else name
    return family(
        estimator=model,
        feature_names=tuple(str(n) for n in names),
        categories=known_categories(model),
        output_space="probability" if name in _PROBABILITY_TREES else "log-odds",
        description=description or f"scikit-learn {steps}",
    )
