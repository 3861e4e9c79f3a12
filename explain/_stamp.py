"""The audit stamp every result carries: what produced it, exactly.

(Not to be confused with the access log, which records who looked at what.)
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explain.bundle._bundle import Bundle

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
    """Bundle fingerprint, explainer, output space, library versions and the random state
    (``None`` where nothing was random) behind a result."""

    fingerprint: str
    explainer: str
    output_space: str
    versions: tuple[tuple[str, str], ...]
    additivity_residual: float | None = None
    random_state: int | None = None

    def text(self) -> str:
        """One line for small print."""
        libs = ", ".join(f"{k} {v}" for k, v in self.versions)
        residual = "" if self.additivity_residual is None else f"; additivity residual {self.additivity_residual:.1e}"
        seed = "" if self.random_state is None else f" · random state {self.random_state}"
        return (
            f"Bundle {self.fingerprint} · {self.explainer} · output space {self.output_space}{residual}{seed} · {libs}"
        )


def make_stamp(
    bundle: Bundle,
    *,
    explainer: str = "",
    random_state: int | None = None,
    additivity_residual: float | None = None,
) -> AuditStamp:
    """The stamp of a result computed from ``bundle``."""
    return AuditStamp(
        fingerprint=bundle.fingerprint,
        explainer=explainer or bundle.model.description,
        output_space=bundle.model.output_space,
        versions=library_versions(),
        additivity_residual=additivity_residual,
        random_state=random_state,
    )
