"""Seeded sample data and models written as ordinary bundles: three binary classifiers (loan,
churn, fraud), a multiclass one (grades) and a regression (limits).

Build them with ``python -m sample_models build``; each module's ``GROUND_TRUTH`` records
what its generator planted (drivers, a weak driver, noise, a drift, a group gap).
"""

from sample_models._common import GroundTruth, default_samples_dir
from sample_models.build import REGISTRY, build_all, build_missing, build_sample, is_built, needs_build, sample_paths

__all__ = [
    "REGISTRY",
    "GroundTruth",
    "build_all",
    "build_missing",
    "build_sample",
    "default_samples_dir",
    "is_built",
    "needs_build",
    "sample_paths",
]
