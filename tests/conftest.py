"""Shared fixtures: the five samples at test size, built once per session in a temporary
directory (never the default samples location)."""

from __future__ import annotations

from pathlib import Path

import pytest

from explain import Bundle, load_bundle
from sample_models import REGISTRY, build_all

#: The binary samples (the ``sample`` fixture); the multiclass and regression ones follow.
SAMPLE_NAMES = [n for n in REGISTRY if REGISTRY[n].SPEC.get("task", "binary") == "binary"]
TASK_SAMPLE_NAMES = [n for n in REGISTRY if n not in SAMPLE_NAMES]


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    build_all(out, size="test", seed=0)
    return out


@pytest.fixture(scope="session")
def bundles(samples_dir: Path) -> dict[str, Bundle]:
    return {name: load_bundle(samples_dir / name) for name in REGISTRY}


@pytest.fixture(scope="session")
def loan(bundles: dict[str, Bundle]) -> Bundle:
    return bundles["loan"]


@pytest.fixture(scope="session")
def churn(bundles: dict[str, Bundle]) -> Bundle:
    return bundles["churn"]


@pytest.fixture(scope="session")
def fraud(bundles: dict[str, Bundle]) -> Bundle:
    return bundles["fraud"]


@pytest.fixture(params=SAMPLE_NAMES)
def sample(request: pytest.FixtureRequest, bundles: dict[str, Bundle]) -> Bundle:
    return bundles[request.param]


@pytest.fixture(scope="session")
def hostile_bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    from tests.hostile import build_hostile_bundle

    return load_bundle(build_hostile_bundle(tmp_path_factory.mktemp("hostile-lib") / "hostile"))


@pytest.fixture(scope="session")
def grades_bundle(bundles: dict[str, Bundle]) -> Bundle:
    """The multiclass sample (loan grades) at test size."""
    return bundles["grades"]


@pytest.fixture(scope="session")
def limits_bundle(bundles: dict[str, Bundle]) -> Bundle:
    """The regression sample (credit limits) at test size."""
    return bundles["limits"]
