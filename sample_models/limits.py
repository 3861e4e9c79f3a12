"""Credit card limits: a LightGBM regression estimating the limit to offer, in dollars.

The limit grows with income and credit history and shrinks with existing debt, card
utilization and late payments; customers of the premium segment get more. ``signup_weekday``
and ``card_digit`` have no effect. In the current batch incomes are 35% higher (a planted
drift).

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
    lightgbm_params,
    split,
    with_ids,
)

NAME = "limits"
ID = "customer_id"
OUTCOME = "approved_limit"
SEGMENTS = ["standard", "plus", "premium"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CATEGORIES = {"segment": SEGMENTS, "signup_weekday": WEEKDAYS}
INCOME_SHIFT = 1.35
SIZES = TASK_SAMPLE_SIZES
ROUNDS = {"full": 250, "test": 100}

GROUND_TRUTH = GroundTruth(
    drivers={
        "annual_income": "increases",
        "existing_debt": "decreases",
        "revolving_utilization": "decreases",
        "delinquencies_2y": "decreases",
        "credit_history_years": "increases",
    },
    weak_driver="credit_history_years",
    noise=("signup_weekday", "card_digit"),
    drift_feature="annual_income",
    drift_description=f"incomes are {100 * (INCOME_SHIFT - 1):g}% higher in the current batch",
    independent_of_drift=("existing_debt", "revolving_utilization", "delinquencies_2y", "credit_history_years"),
)

SPEC: dict[str, Any] = {
    "name": "Credit card limits",
    "task": "regression",
    "model": "model.txt",
    "decisions": "decisions.parquet",
    "reference": "reference.parquet",
    "current": "current.parquet",
    "id_column": ID,
    "outcome_column": OUTCOME,
    "favorable": "above",
    "recourse": True,
    "target": {
        "label": "credit limit",
        "unit": "$",
        "decimals": 0,
        "bands": [
            {"below": 2_000, "label": "Starter limit"},
            {"below": 8_000, "label": "Standard limit"},
            {"label": "High limit"},
        ],
    },
    "features": {
        "annual_income": {"label": "Annual income", "unit": "$", "kind": "amount"},
        "existing_debt": {
            "label": "Existing debt",
            "unit": "$",
            "kind": "amount",
            "actionable": True,
            "change": "decrease_only",
            "reason_low": "Little existing debt",
            "reason_high": "Existing debt is high",
        },
        **CREDIT_FILE_FEATURES,
        "segment": {"label": "Customer segment"},
        "card_digit": {"label": "Last digit of card number", "kind": "count"},
        "signup_weekday": {"label": "Day of sign-up"},
    },
    "columns": AGE_BAND_COLUMN,
}
FEATURES = list(SPEC["features"])


def generate(n: int, rng: np.random.Generator, *, shifted: bool = False) -> pd.DataFrame:
    """``n`` customers and the limit the bank's policy gave each (rounded to $100)."""
    frame = credit_file(n, rng, income_factor=INCOME_SHIFT if shifted else 1.0)
    income, utilization = frame["annual_income"].to_numpy(), frame["revolving_utilization"].to_numpy()
    late, history = frame["delinquencies_2y"].to_numpy(), frame["credit_history_years"].to_numpy()
    debt = np.round(rng.gamma(2.0, 6_000.0, n), -2)
    segment = rng.choice(SEGMENTS, n, p=[0.6, 0.3, 0.1])
    uplift = pd.Series(segment).map({"standard": 1.0, "plus": 1.2, "premium": 1.6}).to_numpy()
    limit = (
        0.12 * income * uplift * np.exp(-0.25 * late - 0.006 * utilization) * (1 + 0.015 * history)
        - 0.05 * debt
        + rng.normal(0, 400, n)
    )
    frame.insert(1, "existing_debt", debt)
    frame["segment"] = segment
    frame["card_digit"] = rng.integers(0, 10, n).astype(float)
    frame["signup_weekday"] = rng.choice(WEEKDAYS, n)
    frame[OUTCOME] = np.round(np.clip(limit, 500, None), -2)
    frame["age_band"] = age_bands(history, rng)
    return frame


def train(data: SampleData, size: str, seed: int) -> Any:
    """A LightGBM regression (squared error) with native categorical features."""
    import lightgbm as lgb

    frame = as_categories(data.train, CATEGORIES)
    dataset = lgb.Dataset(frame[FEATURES], label=frame[OUTCOME].astype(float), free_raw_data=True)
    return lgb.train(lightgbm_params(seed, objective="regression"), dataset, num_boost_round=ROUNDS[size])


def make_data(size: str, seed: int) -> SampleData:
    """All tables of the limits sample for a size and seed."""
    rng = np.random.default_rng(seed)
    sizes = SIZES[size]
    base = generate(sizes["train"] + sizes["reference"] + sizes["decisions"], rng)
    parts = split(base, {k: sizes[k] for k in ("train", "reference", "decisions")}, rng)
    current = generate(sizes["current"], rng, shifted=True)
    decisions = parts["decisions"].copy()
    decisions[OUTCOME] = decisions[OUTCOME].where(rng.random(len(decisions)) < 0.5)
    return SampleData(
        train=parts["train"],
        reference=as_categories(with_ids(parts["reference"], ID, "K", 1), CATEGORIES),
        decisions=as_categories(with_ids(decisions, ID, "M", 300_001), CATEGORIES),
        current=as_categories(with_ids(current.assign(**{OUTCOME: np.nan}), ID, "Q", 1), CATEGORIES),
    )
