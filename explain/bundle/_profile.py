"""Where values sit in the reference population: percentiles, frequencies, usual ranges.

A profile is computed once per bundle (sorted values per numeric input, category shares,
the 1st and 99th percentiles) and kept by the bundle object, so explaining one decision
costs a binary search per feature rather than a sort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain.bundle._bundle import Bundle


@dataclass(frozen=True, eq=False)
class FeatureProfile:
    """One input's distribution in the population."""

    name: str
    categorical: bool
    sorted_values: np.ndarray  # numbers without missing values, ascending (empty for categories)
    frequencies: dict[str, float]  # category -> share of all rows (empty for numbers)
    low: float  # 1st percentile (nan for categories)
    high: float  # 99th percentile
    missing_share: float

    def percentile(self, value: object) -> float:
        """Share of rows with a value at most ``value`` (numbers), or the category's share.

        Missing values excluded for numbers; NaN for a missing value.
        """
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return float("nan")
        if self.categorical:
            return self.frequencies.get(str(value), 0.0)
        if len(self.sorted_values) == 0:
            return float("nan")
        position = np.searchsorted(self.sorted_values, np.float64(float(value)), side="right")  # type: ignore[call-overload,arg-type,unused-ignore]
        return float(position) / len(self.sorted_values)


@dataclass(frozen=True, eq=False)
class PopulationProfile:
    """Profiles of every model input over the bundle's population table."""

    source: str
    n_rows: int
    features: dict[str, FeatureProfile]


def _is_categorical(bundle: Bundle, name: str, column: pd.Series) -> bool:
    return name in bundle.model.categories or not pd.api.types.is_numeric_dtype(column)


def population_profile(bundle: Bundle) -> PopulationProfile:
    """The profile of the bundle's population (reference data, else decisions), kept by the
    bundle object (:attr:`Bundle.profile`), so it is computed once per bundle."""
    return bundle.profile


def compute_profile(bundle: Bundle) -> PopulationProfile:
    """Profile every model input over the bundle's population table."""
    frame = bundle.population
    features: dict[str, FeatureProfile] = {}
    for name in bundle.features:
        column = frame[name]
        missing = float(column.isna().mean()) if len(column) else 0.0
        if _is_categorical(bundle, name, column):
            shares = column.astype("object").dropna().astype(str).value_counts() / max(len(column), 1)
            features[name] = FeatureProfile(
                name, True, np.zeros(0), {str(k): float(v) for k, v in shares.items()}, np.nan, np.nan, missing
            )
        else:
            values = np.sort(pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype=float))
            low, high = np.quantile(values, [0.01, 0.99]) if len(values) else (np.nan, np.nan)
            features[name] = FeatureProfile(name, False, values, {}, float(low), float(high), missing)
    return PopulationProfile(source=bundle.population_name, n_rows=len(frame), features=features)
