"""Loan grades A–D: a LightGBM multiclass model (softmax) with native categories.

Applicants are graded on a latent risk that rises with debt-to-income, card utilization and
late payments and falls with income and credit history; the grade cuts that risk at fixed
quantiles, so a worse grade is a higher risk. ``signup_weekday`` and ``months_at_address``
have no effect. The current batch has debt-to-income 8 points higher (a planted drift).

Built by ``python -m sample_models build`` with the other samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sample_models._common import (
    AGE_BAND_COLUMN,
    CREDIT_FILE_FEATURES,
    TASK_SAMPLE_SIZES,
    GroundTruth,
    SampleData,
    age_bands,
    as_categories,
    credit_file,
    split,
    train_lightgbm,
    with_ids,
    zscore,
)

NAME = "grades"
ID = "application_id"
OUTCOME = "grade"
GRADES = ("A", "B", "C", "D")
CUTS = (0.35, 0.65, 0.87)  # quantiles of the latent risk between grades
PURPOSES = ["debt consolidation", "credit card", "home improvement", "car", "other"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CATEGORIES = {"loan_purpose": PURPOSES, "signup_weekday": WEEKDAYS}
DTI_SHIFT = 8.0
SIZES = TASK_SAMPLE_SIZES
ROUNDS = {"full": 200, "test": 80}

GROUND_TRUTH = GroundTruth(
    drivers={
        "debt_to_income": "increases",
        "revolving_utilization": "increases",
        "delinquencies_2y": "increases",
        "annual_income": "decreases",
        "credit_history_years": "decreases",
    },
    weak_driver="credit_history_years",
    noise=("signup_weekday", "months_at_address"),
    drift_feature="debt_to_income",
    drift_description=f"debt-to-income is {DTI_SHIFT:g} points higher in the current batch",
    independent_of_drift=("annual_income", "revolving_utilization", "delinquencies_2y", "credit_history_years"),
)

SPEC: dict[str, Any] = {
    "name": "Loan grades",
    "task": "multiclass",
    "model": "model.txt",
    "decisions": "decisions.parquet",
    "reference": "reference.parquet",
    "current": "current.parquet",
    "id_column": ID,
    "outcome_column": OUTCOME,
    "score_label": "chance of each grade",
    "recourse": True,
    "classes": {
        "labels": {str(i): f"Grade {g}" for i, g in enumerate(GRADES)},
        "order": [str(i) for i in range(len(GRADES))],
        "min_probability": 0.45,
        "otherwise": "Referred to an underwriter",
    },
    "features": {
        "annual_income": {"label": "Annual income", "unit": "$", "kind": "amount", "actionable": False},
        "debt_to_income": {
            "label": "Debt-to-income ratio",
            "unit": "%",
            "kind": "percent",
            "scale": 100,
            "decimals": 1,
            "actionable": True,
            "change": "decrease_only",
            "reason_low": "Debt obligations are modest relative to income",
            "reason_high": "Debt obligations are high relative to income",
        },
        **CREDIT_FILE_FEATURES,
        "loan_purpose": {"label": "Loan purpose"},
        "months_at_address": {"label": "Months at current address", "unit": "months", "kind": "duration"},
        "signup_weekday": {"label": "Day of application"},
    },
    "columns": AGE_BAND_COLUMN,
}
FEATURES = list(SPEC["features"])


def generate(n: int, rng: np.random.Generator, *, shifted: bool = False) -> pd.DataFrame:
    """``n`` applications with their latent risk (dropped before training) and grade."""
    frame = credit_file(n, rng)
    dti = np.clip(rng.gamma(4.0, 5.0, n) + (DTI_SHIFT if shifted else 0.0), 0, 75)
    frame.insert(1, "debt_to_income", np.round(dti, 1))
    frame["loan_purpose"] = rng.choice(PURPOSES, n)
    frame["months_at_address"] = rng.integers(1, 240, n).astype(float)
    frame["signup_weekday"] = rng.choice(WEEKDAYS, n)
    income, utilization = frame["annual_income"].to_numpy(), frame["revolving_utilization"].to_numpy()
    late, history = frame["delinquencies_2y"].to_numpy(), frame["credit_history_years"].to_numpy()
    risk = (
        0.9 * zscore(frame["debt_to_income"].to_numpy())
        + 0.7 * zscore(utilization)
        + 0.6 * late
        - 0.7 * zscore(np.log(income))
        - 0.25 * zscore(history)
        + rng.normal(0, 0.6, n)
    )
    frame["latent_risk"] = risk
    frame["age_band"] = age_bands(history, rng)
    return frame


def _grade(risk: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return np.digitize(risk, cuts).astype(int)  # 0 = A (lowest risk) … 3 = D


def train(data: SampleData, size: str, seed: int) -> Any:
    """A LightGBM multiclass (softmax) booster with native categorical features."""
    frame = as_categories(data.train, CATEGORIES)
    return train_lightgbm(frame, FEATURES, OUTCOME, seed, ROUNDS[size], objective="multiclass", num_class=len(GRADES))


def make_data(size: str, seed: int) -> SampleData:
    """All tables of the grades sample for a size and seed; grades cut the training risk's quantiles."""
    rng = np.random.default_rng(seed)
    sizes = SIZES[size]
    base = generate(sizes["train"] + sizes["reference"] + sizes["decisions"], rng)
    cuts = np.quantile(base["latent_risk"], CUTS)
    base[OUTCOME] = _grade(base.pop("latent_risk").to_numpy(), cuts)
    parts = split(base, {k: sizes[k] for k in ("train", "reference", "decisions")}, rng)
    current = generate(sizes["current"], rng, shifted=True).drop(columns="latent_risk")
    decisions = parts["decisions"].copy()
    decisions[OUTCOME] = decisions[OUTCOME].astype(float).where(rng.random(len(decisions)) < 0.6)
    return SampleData(
        train=parts["train"],
        reference=as_categories(with_ids(parts["reference"], ID, "G", 1), CATEGORIES),
        decisions=as_categories(with_ids(decisions, ID, "A", 200_001), CATEGORIES),
        current=as_categories(with_ids(current.assign(**{OUTCOME: np.nan}), ID, "N", 1), CATEGORIES),
    )
