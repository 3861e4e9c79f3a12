"""Lazy re-exports: a package lists its public names, and each is imported on first use.

``import explain`` stays quick (no scikit-learn, shap, LightGBM or plotly until something
needs them), and subpackages can refer to each other without import cycles.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def attach(package: str, names: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``names`` maps each public name to the
    module (absolute, or relative to the package) that defines it."""

    def __getattr__(name: str) -> Any:
        try:
            module = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, package), name)
        globals_ = importlib.import_module(package).__dict__
        globals_[name] = value  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
