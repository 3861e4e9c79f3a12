"""scikit-learn pipelines around a model: transform the raw frame, then sum the contributions
of each encoded column back to the raw column it came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from explain.errors import ExplainError


def final_step(model: Any) -> Any:
    """The estimator at the end of a Pipeline (or the model itself)."""
    from sklearn.pipeline import Pipeline

    return model[-1] if isinstance(model, Pipeline) else model


def preprocessing(model: Any) -> Any | None:
    """The steps before the final estimator of a Pipeline, or None for a bare estimator."""
    from sklearn.pipeline import Pipeline

    return model[:-1] if isinstance(model, Pipeline) else None


def dense(matrix: Any) -> np.ndarray:
    """A dense float array from a frame, array or sparse matrix."""
    if hasattr(matrix, "toarray"):
        matrix = matrix.toarray()
    return np.asarray(matrix, dtype=float)


def source_columns(preprocessor: Any, inputs: Sequence[str], n_out: int) -> np.ndarray:
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


def known_categories(model: Any) -> dict[str, tuple[str, ...]]:
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
