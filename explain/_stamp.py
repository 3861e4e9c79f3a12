"""The audit stamp every result carries: what produced it, exactly."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from functools import cache
from importlib import metadata

_LIBRARIES = ("explain-dashboard", "numpy", "pandas", "scikit-learn", "lightgbm", "shap")


@cache
def library_versions() -> tuple[tuple[str, str], ...]:
    """Versions of Python and the libraries an explanation depends on."""
    versions = [("python", platform.python_version())]
    for name in _LIBRARIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:  # pragma: no cover - all are dependencies
            versions.append((name, "not installed"))
    return tuple(versions)


@dataclass(frozen=True)
class AuditStamp:
    """Bundle fingerprint, explainer, output space and library versions behind a result."""

    fingerprint: str
    explainer: str
    output_space: str
    versions: tuple[tuple[str, str], ...]
    additivity_residual: float | None = None

    def text(self) -> str:
        """One line for small print."""
        libs = ", ".join(f"{k} {v}" for k, v in self.versions)
        residual = "" if self.additivity_residual is None else f"; additivity residual {self.additivity_residual:.1e}"
        return f"Bundle {self.fingerprint} · {self.explainer} · output space {self.output_space}{residual} · {libs}"
