"""Pieces shared by the sample generators: sizes, splits, ground truth and training."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

Size = Literal["full", "test"]


@dataclass(frozen=True)
class GroundTruth:
    """What the generator planted, so tests can check the explanations find it.

    ``drivers`` maps each true driver to the direction of its effect on the score;
    ``weak_driver`` is a true driver whose effect is at most 20% of the strongest;
    ``noise`` features have no effect at all; ``drift_feature`` is shifted in the current
    batch and ``independent_of_drift`` lists the features generated independently of it;
    ``group_gap`` describes the planted fairness gap (column, group, ratio below).
    """

    drivers: dict[str, str]
    weak_driver: str
    noise: tuple[str, ...]
    drift_feature: str
    drift_description: str
    independent_of_drift: tuple[str, ...]
    group_gap: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SampleData:
    """The tables of one generated sample, before training."""

    train: pd.DataFrame
    reference: pd.DataFrame
    decisions: pd.DataFrame
    current: pd.DataFrame


def default_samples_dir() -> Path:
    """Where built samples live: ``$EXPLAIN_SAMPLES_DIR``, else ``.samples`` in the source
    checkout (ignored by git), else the user's cache directory."""
    override = os.environ.get("EXPLAIN_SAMPLES_DIR")
    if override:
        return Path(override).expanduser()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / ".samples"
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "explain-dashboard" / "samples"


def split(frame: pd.DataFrame, sizes: dict[str, int], rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Shuffle ``frame`` and cut it into consecutive named parts of the given sizes."""
    order = rng.permutation(len(frame))
    parts: dict[str, pd.DataFrame] = {}
    start = 0
    for name, n in sizes.items():
        parts[name] = frame.iloc[order[start : start + n]].reset_index(drop=True)
        start += n
    return parts


def with_ids(frame: pd.DataFrame, column: str, prefix: str, start: int) -> pd.DataFrame:
    """A copy with a string id column first: ``prefix`` and a zero-padded running number."""
    out = frame.copy()
    out.insert(0, column, [f"{prefix}{start + i:07d}" for i in range(len(out))])
    return out


def hide_outcomes(frame: pd.DataFrame, column: str, known_share: float, rng: np.random.Generator) -> pd.DataFrame:
    """A copy in which only ``known_share`` of the outcomes are known (the rest are empty)."""
    out = frame.copy()
    known = rng.random(len(out)) < known_share
    out[column] = out[column].astype(float).where(known)
    return out


def as_categories(frame: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    """A copy with the listed columns as pandas categories in a fixed order."""
    out = frame.copy()
    for name, cats in categories.items():
        out[name] = pd.Categorical(out[name], categories=cats)
    return out


def lightgbm_params(seed: int, **overrides: Any) -> dict[str, Any]:
    """Deterministic LightGBM parameters for the samples."""
    params: dict[str, Any] = {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 15,
        "min_child_samples": 100,
        "min_data_per_group": 500,
        "cat_l2": 20.0,
        "cat_smooth": 50.0,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 5.0,
        "seed": seed,
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": 2,
        "verbose": -1,
    }
    params.update(overrides)
    return params


def train_lightgbm(
    train: pd.DataFrame, features: list[str], outcome: str, seed: int, rounds: int, **overrides: Any
) -> Any:
    """Train a LightGBM booster with native categorical features (the pandas categories)."""
    import lightgbm as lgb

    data = lgb.Dataset(train[features], label=train[outcome].astype(int), free_raw_data=True)
    return lgb.train(lightgbm_params(seed, **overrides), data, num_boost_round=rounds)


def bernoulli(logits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw 0/1 outcomes with probability σ(logits)."""
    return (rng.random(len(logits)) < 1 / (1 + np.exp(-logits))).astype(int)


def zscore(x: np.ndarray) -> np.ndarray:
    """Standardise with the sample's own mean and standard deviation (missing values kept)."""
    return (x - np.nanmean(x)) / np.nanstd(x)


#: Sizes of the multiclass and regression samples (grades, limits).
TASK_SAMPLE_SIZES = {
    "full": {"train": 20_000, "reference": 4_000, "decisions": 6_000, "current": 3_000},
    "test": {"train": 6_000, "reference": 1_500, "decisions": 1_000, "current": 1_000},
}

#: How the credit-file inputs the grades and limits samples share are described in their specs.
CREDIT_FILE_FEATURES: dict[str, dict[str, Any]] = {
    "revolving_utilization": {
        "label": "Credit card utilization",
        "unit": "%",
        "kind": "percent",
        "scale": 100,
        "decimals": 0,
        "actionable": True,
        "change": "decrease_only",
        "reason_low": "Little of the available card credit is used",
        "reason_high": "Much of the available card credit is used",
    },
    "delinquencies_2y": {
        "label": "Late payments in the last 2 years",
        "unit": "payments",
        "kind": "count",
        "reason_low": "No recent late payments",
        "reason_high": "There were recent late payments",
    },
    "credit_history_years": {
        "label": "Length of credit history",
        "unit": "years",
        "kind": "duration",
        "decimals": 1,
        "reason_low": "The credit history is short",
        "reason_high": "The credit history is long",
    },
}


def credit_file(n: int, rng: np.random.Generator, *, income_factor: float = 1.0) -> pd.DataFrame:
    """Income and the credit-file inputs of ``n`` people, drawn independently of each other."""
    return pd.DataFrame(
        {
            "annual_income": np.round(rng.lognormal(10.9, 0.45, n) * income_factor, -2),
            "revolving_utilization": np.round(np.clip(rng.beta(2.0, 3.0, n) * 100, 0, 100)),
            "delinquencies_2y": rng.poisson(0.5, n).astype(float),
            "credit_history_years": np.round(np.clip(rng.gamma(3.0, 3.0, n), 0.5, 40), 1),
        }
    )


AGE_BANDS = ("18-25", "26-40", "41-60", "61+")
#: The sensitive column of the credit-file samples: shown and checked for fairness, never a model input.
AGE_BAND_COLUMN: dict[str, Any] = {
    "age_band": {
        "label": "Age band",
        "sensitive": True,
        "description": "The person's age band (not a model input)",
    }
}


def age_bands(history_years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An age band per person, older with a longer credit history, so the history stands in for age."""
    n = len(history_years)
    age = 18 + history_years * rng.uniform(1.0, 2.0, n) + rng.gamma(2.0, 3.0, n)
    return np.asarray(AGE_BANDS, dtype=object)[np.digitize(age, [26, 41, 61])]
