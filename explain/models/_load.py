"""Model files a user hands us, turned into adapters without trusting them."""

from __future__ import annotations

from pathlib import Path

from explain.errors import ModelLoadError
from explain.models._base import ModelAdapter
from explain.models._safe_load import load_skops, safe_lightgbm_text


def load_model(path: Path) -> ModelAdapter:
    """Load a model file safely and return its adapter.

    ``.txt`` files are LightGBM text models (validated in Python and checked in a child
    process first; only their canonical rewrite is loaded); ``.skops`` files are scikit-learn
    models (loaded with an allow-list). Anything else is refused.
    """
    if not path.exists():
        raise ModelLoadError(f"{path}: the model file does not exist.")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".txt":
        import lightgbm as lgb

        from explain.models._lightgbm import adapt_lightgbm

        text, parsed = safe_lightgbm_text(path, data)
        try:
            booster = lgb.Booster(model_str=text)
        except Exception as err:  # pragma: no cover - the child check catches these first
            raise ModelLoadError(f"{path}: LightGBM could not read the model: {err}") from err
        return adapt_lightgbm(booster, parsed=parsed)
    if suffix == ".skops":
        from explain.models._sklearn import adapt_sklearn

        return adapt_sklearn(load_skops(path, data))
    raise ModelLoadError(
        f"{path}: unknown model format {suffix!r}; expected model.txt (LightGBM) or model.skops (scikit-learn)."
    )
