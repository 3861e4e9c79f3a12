"""Model files a user hands us, turned into adapters without trusting them."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from pathlib import Path

from explain.errors import ExplainError, ModelLoadError
from explain.models._base import ModelAdapter
from explain.models._lightgbm_text import LightGBMText
from explain.models._safe_load import check_lightgbm_texts, lightgbm_refusal, load_skops, prepare_lightgbm_text


def load_model(path: Path) -> ModelAdapter:
    """Load a model file safely and return its adapter.

    ``.txt`` files are LightGBM text models (validated in Python and checked in a child
    process first; only their canonical rewrite is loaded); ``.skops`` files are scikit-learn
    models (loaded with an allow-list). Anything else is refused.
    """
    result = load_models([path])[0]
    if isinstance(result, ExplainError):
        raise result
    return result


def load_models(paths: Sequence[Path]) -> list[ModelAdapter | ExplainError]:
    """Load many model files, checking all LightGBM ones in one child process; each item is
    the adapter or the reason it was refused."""
    prepared: dict[int, tuple[str, LightGBMText]] = {}
    out: list[ModelAdapter | ExplainError | None] = [None] * len(paths)
    for i, path in enumerate(paths):
        try:
            if not path.exists():
                raise ModelLoadError(f"{path}: the model file does not exist.")
            suffix = path.suffix.lower()
            if suffix == ".txt":
                parsed, text = prepare_lightgbm_text(path, path.read_bytes())
                prepared[i] = (text, parsed)
            elif suffix == ".skops":
                from explain.models._sklearn import adapt_sklearn

                out[i] = adapt_sklearn(load_skops(path, path.read_bytes()))
            else:
                raise ModelLoadError(
                    f"{path}: unknown model format {suffix!r}; expected model.txt (LightGBM) or model.skops "
                    "(scikit-learn)."
                )
        except ExplainError as err:
            out[i] = err
    if prepared:  # import LightGBM (a second) while the child process checks the texts (half a second)
        threading.Thread(target=importlib.import_module, args=("lightgbm",), daemon=True).start()
    verdicts = check_lightgbm_texts([text for text, _ in prepared.values()])
    for (i, (text, parsed)), verdict in zip(prepared.items(), verdicts, strict=True):
        out[i] = (
            lightgbm_refusal(paths[i], verdict) if verdict is not None else lightgbm_adapter(paths[i], text, parsed)
        )
    return [item for item in out if item is not None]


def lightgbm_adapter(path: Path, text: str, parsed: LightGBMText) -> ModelAdapter | ExplainError:
    """The adapter of a checked canonical model text (what the app's process loads), or why not."""
    import lightgbm as lgb

    from explain.models._lightgbm import adapt_lightgbm

    try:
        booster = lgb.Booster(model_str=text)
    except Exception as err:  # pragma: no cover - the child check catches these first
        return ModelLoadError(f"{path}: LightGBM could not read the model: {err}")
    try:
        return adapt_lightgbm(booster, parsed=parsed, canonical=text)
    except ExplainError as err:
        return err
