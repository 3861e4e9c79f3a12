"""Which bundles the app offers: the samples, then directories named on the command line
(``streamlit run dashboard/app.py -- --bundle PATH``, repeatable) or in ``EXPLAIN_BUNDLES``
(paths separated by the OS path separator). Each gets a short, unique URL key, never a path.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from explain import slugify
from sample_models import REGISTRY, sample_paths


@dataclass(frozen=True)
class BundleEntry:
    """A bundle the app can open: its URL key, where it lives, and whether it is a sample."""

    key: str
    path: Path
    is_sample: bool


def samples_offered() -> bool:
    """Whether the samples are on offer: not when ``EXPLAIN_NO_SAMPLES=1`` (``explain serve
    --no-samples``), which also means they are never built."""
    return os.environ.get("EXPLAIN_NO_SAMPLES") != "1"


def _cli_paths(argv: list[str]) -> list[Path]:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--bundle", action="append", default=[])
    known, _ = parser.parse_known_args(argv)
    return [Path(p).expanduser() for p in known.bundle]


def _env_paths() -> list[Path]:
    raw = os.environ.get("EXPLAIN_BUNDLES", "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def bundle_entries(argv: list[str] | None = None, *, include_samples: bool = True) -> list[BundleEntry]:
    """The bundles on offer, samples first (the first is the default), with unique keys."""
    entries: list[BundleEntry] = []
    used: set[str] = set()

    def add(path: Path, is_sample: bool, name: str) -> None:
        base = slugify(name)
        key, n = base, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        entries.append(BundleEntry(key=key, path=path, is_sample=is_sample))

    if include_samples and samples_offered():
        for name, path in zip(REGISTRY, sample_paths(), strict=True):
            add(path, True, name)
    seen: set[Path] = set()
    for path in _cli_paths(sys.argv[1:] if argv is None else argv) + _env_paths():
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            add(resolved, False, resolved.name)
    return entries
