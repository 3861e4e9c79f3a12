"""Which adapter wraps which model: an ordered list of (test, builder) pairs.

Adding a model family means one new module with its adapter class and one call to
:func:`register_adapter`. Builders import their library on first use, so registering
costs nothing at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from explain.errors import UnsupportedModelError
from explain.models._base import ModelAdapter

Matches = Callable[[Any], bool]
Builder = Callable[[Any], ModelAdapter]
_ADAPTERS: list[tuple[str, Matches, Builder]] = []


def register_adapter(name: str, matches: Matches, build: Builder, *, first: bool = False) -> None:
    """Offer ``build`` for every model ``matches`` accepts (tried in order; ``first`` puts it in front)."""
    entry = (name, matches, build)
    _ADAPTERS.insert(0, entry) if first else _ADAPTERS.append(entry)


def adapt_estimator(model: Any) -> ModelAdapter:
    """Wrap any supported fitted model in its family's adapter."""
    if isinstance(model, ModelAdapter):
        return model
    for _, matches, build in _ADAPTERS:
        if matches(model):
            return build(model)
    families = ", ".join(name for name, _, _ in _ADAPTERS)
    raise UnsupportedModelError(f"models of type {type(model).__name__} are not supported; supported: {families}.")


def _module(model: Any) -> str:
    return type(model).__module__


def _lightgbm(model: Any) -> ModelAdapter:
    from explain.models._lightgbm import adapt_lightgbm

    return adapt_lightgbm(model)


def _sklearn(model: Any) -> ModelAdapter:
    from explain.models._sklearn import adapt_sklearn

    return adapt_sklearn(model)


register_adapter("LightGBM", lambda m: _module(m).startswith("lightgbm"), _lightgbm)
register_adapter("scikit-learn", lambda m: _module(m).startswith("sklearn") or hasattr(m, "predict_proba"), _sklearn)
