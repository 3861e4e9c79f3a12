"""The multiclass (grades) and regression (limits) samples written as bundles at test size."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from explain import parse_spec, write_bundle
from sample_models import grades, limits

TASK_SAMPLES: dict[str, ModuleType] = {"grades": grades, "limits": limits}


def build_task_bundle(name: str, out: Path) -> Path:
    """Write the ``name`` sample (test size, seed 0) as a bundle directory ``out/name``."""
    module = TASK_SAMPLES[name]
    data = module.make_data("test", 0)
    target = out / name
    write_bundle(
        target,
        spec=parse_spec(module.SPEC, source=f"sample_models/{name}.py"),
        model=module.train(data, "test", 0),
        decisions=data.decisions,
        reference=data.reference,
        current=data.current,
    )
    return target
