"""Build the sample bundles: generate, train, write atomically, skip what is up to date."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from explain.bundle._spec_parse import parse_spec
from explain.bundle._write import write_bundle
from explain.errors import BundleExistsError
from sample_models import churn, fraud, grades, limits, loan
from sample_models._common import Size, default_samples_dir

#: The samples in the order the dashboard offers them; the first is the default bundle.
REGISTRY: dict[str, ModuleType] = {"loan": loan, "churn": churn, "fraud": fraud, "grades": grades, "limits": limits}
#: Bump when a generator or its training changes, so old builds are rebuilt.
GENERATOR_VERSION = 4
STAMP = "sample.json"

Progress = Callable[[float, str], None]


def _stamp(size: Size, seed: int, decision_rows: int | None = None) -> dict[str, object]:
    stamp: dict[str, object] = {"generator_version": GENERATOR_VERSION, "size": size, "seed": seed}
    if decision_rows is not None:
        stamp["decision_rows"] = decision_rows
    return stamp


def is_built(path: Path, size: Size = "full", seed: int = 0, decision_rows: int | None = None) -> bool:
    """Whether ``path`` holds a complete bundle built with this size, seed, row count and generator."""
    stamp = path / STAMP
    try:
        return bool(json.loads(stamp.read_text()) == _stamp(size, seed, decision_rows))
    except (OSError, ValueError):
        return False


def needs_build(path: Path) -> bool:
    """Whether a sample directory is missing or was built by an older generator (any size)."""
    try:
        stamp = json.loads((path / STAMP).read_text())
    except (OSError, ValueError):
        return True
    return bool(stamp.get("generator_version") != GENERATOR_VERSION)


def build_missing(
    out_dir: Path | None = None, *, progress: Progress | None = None, names: Sequence[str] | None = None
) -> list[Path]:
    """Build (full size) only the samples that are missing or stale (of ``names``, else of all);
    keep any others as they are."""
    paths = sample_paths(out_dir)
    wanted = set(REGISTRY if names is None else names)
    todo = [(name, path) for name, path in zip(REGISTRY, paths, strict=True) if name in wanted and needs_build(path)]
    for i, (name, path) in enumerate(todo):
        if progress is not None:
            progress(i / len(todo), f"First start: building the {name} sample ({i + 1} of {len(todo)})…")
        build_sample(name, path.parent, force=True)
    if progress is not None and todo:
        progress(1.0, "Samples ready")
    return paths


def build_sample(
    name: str,
    out_dir: Path,
    *,
    size: Size = "full",
    seed: int = 0,
    force: bool = False,
    decision_rows: int | None = None,
) -> Path:
    """Build one sample bundle into ``out_dir/name`` (atomically); skip it when up to date.
    ``decision_rows`` sets the number of decisions (the fraud sample only)."""
    module = REGISTRY[name]
    target = Path(out_dir) / name
    if is_built(target, size, seed, decision_rows) and not force:
        return target
    if decision_rows is not None and name != "fraud":
        raise ValueError("only the fraud sample takes a number of decision rows")
    data = module.make_data(size, seed) if decision_rows is None else module.make_data(size, seed, decision_rows)
    model = module.train(data, size, seed)
    spec = parse_spec(module.SPEC, source=f"sample_models/{name}.py")
    stale = target.exists()
    with contextlib.suppress(BundleExistsError):  # a concurrent first build won; its bundle is the same bytes
        write_bundle(
            target,
            spec=spec,
            model=model,
            decisions=data.decisions,
            reference=data.reference,
            current=data.current,
            overwrite=stale,
        )
    stamp = target / STAMP
    if not stamp.exists() or stale:
        tmp = target / f".{STAMP}.tmp"
        tmp.write_text(json.dumps(_stamp(size, seed, decision_rows)))
        tmp.replace(stamp)
    return target


def build_all(
    out_dir: Path | None = None,
    *,
    size: Size = "full",
    seed: int = 0,
    force: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Build every sample that is missing or out of date; return their paths in registry order."""
    out = Path(out_dir) if out_dir is not None else default_samples_dir()
    paths = []
    for i, name in enumerate(REGISTRY):
        if progress is not None:
            progress(i / len(REGISTRY), f"Building the {name} sample ({i + 1} of {len(REGISTRY)})…")
        paths.append(build_sample(name, out, size=size, seed=seed, force=force))
    if progress is not None:
        progress(1.0, "Samples ready")
    return paths


def sample_paths(out_dir: Path | None = None) -> list[Path]:
    """Where each registered sample lives (built or not), in registry order."""
    out = Path(out_dir) if out_dir is not None else default_samples_dir()
    return [out / name for name in REGISTRY]
