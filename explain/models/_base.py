"""The model adapter protocol, and what every adapter shares.

An adapter hides how one model family wants its input (LightGBM maps categorical columns by
position and reads pandas categories; a scikit-learn Pipeline takes the raw frame) and how
its exact contributions are computed. Everything outside ``explain.models`` talks to a
model only through this protocol, never by testing what family it is.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, Protocol, Self, runtime_checkable

import numpy as np
import pandas as pd

from explain._task import Task as Task
from explain.errors import FeatureNotFoundError, UnsupportedTaskError

if TYPE_CHECKING:
    from explain.models._tree_arrays import TreeArrays

#: The space a model's raw output lives in, where its contributions add up:
#: ``log-odds`` (binary, or each class of a one-vs-rest multiclass model), ``probability``
#: (forests averaging class shares), ``margin`` (softmax margins of a multiclass model),
#: ``target`` (a regression in the target's own units), ``log-target`` (a log-link regression
#: such as Poisson, Gamma or Tweedie: the estimate is exp of the raw output).
OutputSpace = Literal["log-odds", "probability", "margin", "target", "log-target"]


def softmax(margins: np.ndarray) -> np.ndarray:
    """Class probabilities from per-class margins (rows × classes), computed stably."""
    z = np.asarray(margins, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def logit(p: np.ndarray) -> np.ndarray:
    """The inverse of :func:`sigmoid`, clipped away from 0 and 1."""
    q = np.clip(np.asarray(p, dtype=float), 1e-15, 1 - 1e-15)
    return np.log(q / (1 - q))


class Attribution(NamedTuple):
    """Per row, one contribution per model input and the base value, in the output space.

    Binary and regression: ``values`` is rows × inputs and ``base`` has one value per row.
    Multiclass: ``values`` is rows × inputs × classes and ``base`` rows × classes, so that
    ``base + values.sum(axis=1)`` is the model's raw output in every case.
    """

    values: np.ndarray
    base: np.ndarray
    explainer: str


@runtime_checkable
class ModelAdapter(Protocol):
    """What the library needs from a fitted model, whatever its family."""

    estimator: Any
    feature_names: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    output_space: OutputSpace
    task: Task
    classes: tuple[str, ...]
    description: str

    @property
    def family(self) -> str:
        """A label for the family (shown on the model card; never tested outside the adapters)."""

    @property
    def what_it_is(self) -> str:
        """The task in words, for messages."""

    @property
    def needs_background(self) -> bool:
        """Whether explanations use background rows (linear and model-agnostic) or the model alone."""

    @property
    def has_interactions(self) -> bool:
        """Whether the family has exact SHAP interaction values (they are still checked)."""

    @property
    def categorical_features(self) -> tuple[str, ...]:
        """Model inputs the model treats as categories."""

    def prepare(self, frame: pd.DataFrame, *, where: str = "the data") -> pd.DataFrame:
        """The model's inputs selected by name, in its order, with the dtypes it expects."""

    def predict_raw(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's own output in :attr:`output_space` (rows × classes for multiclass)."""

    def predict_response(self, frame: pd.DataFrame) -> np.ndarray:
        """What the model predicts for people: the positive class's probability (binary), every
        class's probability (multiclass, rows × classes) or the estimate in the target's units."""

    def predict_score(self, frame: pd.DataFrame) -> np.ndarray:
        """The probability of the positive class (binary classifiers only)."""

    def to_response(self, raw: np.ndarray) -> np.ndarray:
        """Raw output turned into what :meth:`predict_response` gives."""

    def require_binary(self, what: str) -> None:
        """Refuse, by name, a computation defined for binary classifiers only."""

    def to_score(self, raw: np.ndarray) -> np.ndarray:
        """Raw output turned into the score."""

    def contributions(self, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int) -> Attribution:
        """Exact contributions of each raw input for prepared rows ``x``."""

    def interaction_values(self, x: pd.DataFrame) -> np.ndarray | None:
        """SHAP interaction values (rows × inputs × inputs) for prepared rows, or None."""

    def tree_arrays(self) -> TreeArrays | None:
        """The trees as flat arrays for the compiled engine, or None."""

    def accepts_missing(self, name: str, row: pd.DataFrame) -> bool:
        """Whether the model scores ``row`` with input ``name`` missing."""

    def save(self, directory: Path) -> str:
        """Write the model into ``directory``; return the file name."""

    def fingerprint_bytes(self) -> bytes:
        """Canonical bytes of the model, the same in any process for the same model."""

    def renamed(self, names: dict[str, str]) -> ModelAdapter:
        """The same model with some inputs known by other names (model's name → data's)."""


@dataclass(eq=False)
class TabularAdapter:
    """The parts every adapter shares: inputs by name, scores, missing values, renaming.

    Shared between sessions: never mutated after construction. Explainers that keep state
    between calls are used under :attr:`lock`.
    """

    family: ClassVar[str] = "model"
    needs_background: ClassVar[bool] = False
    has_interactions: ClassVar[bool] = False

    estimator: Any
    feature_names: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    output_space: OutputSpace
    description: str
    task: Task = "binary"
    classes: tuple[str, ...] = ("0", "1")  # the model's classes in its own order (none for regression)
    task_note: str = ""  # what the model is, in words, for messages ("LightGBM objective 'poisson'")
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        """Sent to another process (a Dask worker) without the lock, which is per process."""
        state = dict(self.__dict__)
        state.pop("lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.Lock()

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
            out[name] = self._encode_categories(out[name], known)
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

    def _encode_categories(self, column: pd.Series, known: tuple[str, ...]) -> pd.Series:
        """A categorical input as the family wants it (here: objects, NaN where missing)."""
        return column.astype("object").where(column.notna(), np.nan)

    def predict_raw(self, frame: pd.DataFrame) -> np.ndarray:  # pragma: no cover - every family overrides
        raise NotImplementedError

    def contributions(  # pragma: no cover - every family overrides
        self, x: pd.DataFrame, background: pd.DataFrame | None, random_state: int
    ) -> Attribution:
        raise NotImplementedError

    def save(self, directory: Path) -> str:  # pragma: no cover - every family overrides
        raise NotImplementedError

    def fingerprint_bytes(self) -> bytes:  # pragma: no cover - every family overrides
        raise NotImplementedError

    def predict_score(self, frame: pd.DataFrame) -> np.ndarray:
        """The probability of the positive class, the number compared with the threshold.

        Binary classifiers only: every computation built on a score against a threshold
        refuses other tasks here, by name, rather than returning a wrong number.
        """
        self.require_binary("a score against a threshold")
        return self.to_score(self.predict_raw(frame))

    def require_binary(self, what: str) -> None:
        """Raise :class:`UnsupportedTaskError` unless the model is a binary classifier."""
        if self.task != "binary":
            raise UnsupportedTaskError(
                f"{what[:1].upper()}{what[1:]} is defined for binary classifiers in this version; "
                f"this model is {self.what_it_is}."
            )

    def predict_response(self, frame: pd.DataFrame) -> np.ndarray:
        """The positive class's probability, every class's probability, or the estimate."""
        return self.to_response(self.predict_raw(frame))

    def to_response(self, raw: np.ndarray) -> np.ndarray:
        """Raw output in :attr:`output_space` turned into what the model predicts for people."""
        raw = np.asarray(raw, dtype=float)
        if self.output_space in ("probability", "target"):
            return raw
        if self.output_space == "log-target":
            return np.asarray(np.exp(raw))
        if self.output_space == "margin":
            return softmax(raw)
        return sigmoid(raw)  # log-odds: binary, or each class of a one-vs-rest model

    @property
    def what_it_is(self) -> str:
        """The task in words, for messages: "a multiclass classifier with 4 classes (…)"."""
        kind = {
            "binary": "a binary classifier",
            "multiclass": f"a multiclass classifier with {len(self.classes)} classes",
            "regression": "a regression model",
        }[self.task]
        return kind + (f" ({self.task_note})" if self.task_note else "")

    def to_score(self, raw: np.ndarray) -> np.ndarray:
        """Turn raw output into the score (binary models)."""
        self.require_binary("a score against a threshold")
        return np.asarray(raw, dtype=float) if self.output_space == "probability" else sigmoid(raw)

    def accepts_missing(self, name: str, row: pd.DataFrame) -> bool:
        """Try the model on ``row`` with ``name`` emptied: does it give a finite score?"""
        probe = row.head(1).copy()
        probe[name] = probe[name].astype("object") if name in self.categories else probe[name].astype(float)
        probe.iloc[0, probe.columns.get_loc(name)] = np.nan  # type: ignore[index]
        try:
            return bool(np.isfinite(self.predict_raw(probe)).all())
        except Exception:  # the model's own refusal, whatever its type
            return False

    def interaction_values(self, x: pd.DataFrame) -> np.ndarray | None:
        """No exact interaction values unless the family overrides this."""
        return None

    def tree_arrays(self) -> TreeArrays | None:
        """The model's trees as flat arrays for the compiled engine (None: not a tree ensemble
        it reads; such models are re-predicted through their own predict)."""
        return None

    def renamed(self, names: dict[str, str]) -> Self:
        """The same model with some inputs known by other names (the model's name → the data's)."""
        return replace(
            self,
            feature_names=tuple(names.get(n, n) for n in self.feature_names),
            categories={names.get(n, n): c for n, c in self.categories.items()},
        )
