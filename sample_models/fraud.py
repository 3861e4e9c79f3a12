"""Card transactions: a LightGBM fraud model over 200,000 decisions, about 1% fraud.

Fraud is more likely when the amount is far above the customer's usual, at night, far from
home, on a new device, without the card present, in a burst of transactions and at some
merchant types; a young account raises it slightly. Recourse is off: suggestions would
teach evasion. The current batch is from a travel season: distances from home are 2.5 times
larger (the planted drift); every other input is generated independently of distance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sample_models._common import (
    GroundTruth,
    SampleData,
    as_categories,
    bernoulli,
    hide_outcomes,
    split,
    train_lightgbm,
    with_ids,
    zscore,
)

NAME = "fraud"
ID = "transaction_id"
OUTCOME = "is_fraud"
THRESHOLD = 0.15
MERCHANTS = ["grocery", "fuel", "restaurants", "online retail", "electronics", "travel", "jewelry", "gambling"]
YES_NO = ["no", "yes"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
AGE_BANDS = ["18-29", "30-49", "50-69", "70+"]
CATEGORIES = {"merchant_category": MERCHANTS, "new_device": YES_NO, "card_present": YES_NO, "weekday": WEEKDAYS}
TRAVEL_FACTOR = 2.5

SIZES: dict[str, dict[str, int]] = {
    "full": {"train": 120_000, "reference": 40_000, "decisions": 200_000, "current": 20_000},
    "test": {"train": 40_000, "reference": 10_000, "decisions": 3_000, "current": 3_000},
}
ROUNDS = {"full": 250, "test": 150}

GROUND_TRUTH = GroundTruth(
    drivers={
        "amount_to_usual": "increases",
        "new_device": "yes increases",
        "hour": "night (0-5) increases",
        "distance_from_home_km": "increases",
        "merchant_category": "jewelry, electronics, gambling, online retail increase",
        "card_present": "yes decreases",
        "transactions_24h": "increases",
        "amount": "increases",
        "account_age_days": "decreases",
    },
    weak_driver="account_age_days",
    noise=("terminal_digit", "weekday"),
    drift_feature="distance_from_home_km",
    drift_description="distances from home are 2.5 times larger in the current batch (a travel season)",
    independent_of_drift=(
        "amount",
        "amount_to_usual",
        "hour",
        "merchant_category",
        "new_device",
        "card_present",
        "transactions_24h",
        "account_age_days",
        "terminal_digit",
        "weekday",
    ),
)

SPEC: dict[str, Any] = {
    "name": "Card fraud screening",
    "id_column": ID,
    "outcome_column": OUTCOME,
    "outcome_labels": {"1": "Fraud", "0": "Genuine"},
    "score_label": "estimated fraud risk",
    "favorable": "below",
    "decision": {"threshold": THRESHOLD, "above": "Held for review", "below": "Approved"},
    "recourse": False,
    "recourse_off_reason": (
        "Suggestions are not offered for card payments: the checks protect cardholders, and a list of "
        "what gets a payment through would help people misusing a card more than the cardholder."
    ),
    "features": {
        "amount": {
            "label": "Amount",
            "unit": "$",
            "decimals": 2,
            "expected_effect": "increases",
            "description": "Value of the transaction",
            "reason": "The amount is large",
            "reason_favorable": "The amount is small",
        },
        "amount_to_usual": {
            "label": "Amount compared with usual spending",
            "unit": "× usual",
            "decimals": 1,
            "expected_effect": "increases",
            "description": "The amount divided by the customer's median transaction over 90 days",
            "reason": "Far above the customer's usual spending",
            "reason_favorable": "In line with the customer's usual spending",
        },
        "hour": {
            "label": "Hour of day",
            "unit": "h",
            "decimals": 0,
            "description": "Local hour at which the transaction was made (0-23)",
            "reason": "Made at an unusual hour",
            "reason_favorable": "Made at a usual hour",
        },
        "distance_from_home_km": {
            "label": "Distance from home",
            "unit": "km",
            "decimals": 0,
            "expected_effect": "increases",
            "description": "Distance between the merchant and the cardholder's home (empty when unknown)",
            "reason": "Made far from home",
            "reason_favorable": "Made close to home",
        },
        "merchant_category": {
            "label": "Merchant type",
            "description": "Category of the merchant",
            "reason": "Merchant type often targeted by fraud",
            "reason_favorable": "Merchant type rarely targeted",
        },
        "new_device": {
            "label": "New device",
            "description": "Whether the device or browser was seen before for this card",
            "reason": "Made from a device not seen before",
            "reason_favorable": "Made from a known device",
        },
        "card_present": {
            "label": "Card present",
            "description": "Whether the physical card was used",
            "reason": "The card was not present",
            "reason_favorable": "The card was present",
        },
        "transactions_24h": {
            "label": "Transactions in the last 24 hours",
            "unit": "transactions",
            "decimals": 0,
            "expected_effect": "increases",
            "description": "Transactions on this card in the previous 24 hours",
            "reason": "A burst of recent transactions",
            "reason_favorable": "Usual transaction frequency",
        },
        "account_age_days": {
            "label": "Account age",
            "unit": "days",
            "decimals": 0,
            "expected_effect": "decreases",
            "description": "Days since the card account was opened",
            "reason": "The account is new",
            "reason_favorable": "The account is well established",
        },
        "terminal_digit": {
            "label": "Last digit of terminal number",
            "decimals": 0,
            "description": "Assigned at random; carries no information",
        },
        "weekday": {
            "label": "Weekday",
            "description": "Day of the week of the transaction",
        },
    },
    "columns": {
        "cardholder_age_band": {
            "label": "Cardholder age band",
            "sensitive": True,
            "description": "Not a model input",
        },
    },
}
FEATURES = list(SPEC["features"])


def generate(n: int, rng: np.random.Generator, *, shifted: bool = False) -> pd.DataFrame:
    """``n`` transactions with outcomes; ``shifted`` is the travel season (the planted drift)."""
    usual = np.exp(rng.normal(np.log(40), 0.6, n))
    ratio = np.exp(rng.normal(0.0, 0.55, n))
    amount = np.round(np.clip(usual * ratio, 1, 20_000), 2)
    ratio = np.round(amount / usual, 2)
    hour = rng.choice(24, size=n, p=_hour_weights())
    distance = np.exp(rng.normal(np.log(8), 1.1, n))
    if shifted:
        distance = distance * TRAVEL_FACTOR
    distance = np.round(np.maximum(distance, 0.1), 1)  # never 0 km (its log is the risk's), however many rows
    merchant = rng.choice(len(MERCHANTS), size=n, p=[0.28, 0.14, 0.18, 0.2, 0.06, 0.06, 0.03, 0.05])
    new_device = (rng.random(n) < 0.08).astype(int)
    card_present = (rng.random(n) < 0.55).astype(int)
    tx24 = rng.poisson(2.0, n)
    account_age = np.round(np.clip(rng.gamma(1.5, 600, n), 1, 9_000))
    digit = rng.integers(0, 10, n)
    weekday = rng.integers(0, 7, n)
    band = rng.choice(4, size=n, p=[0.22, 0.38, 0.3, 0.1])

    base_distance = distance / TRAVEL_FACTOR if shifted else distance
    merchant_effect = np.array([-0.5, -0.2, -0.3, 0.5, 0.7, 0.3, 0.8, 0.6])[merchant]
    logits = (
        -5.9
        + 1.5 * zscore(np.log(ratio))
        + 1.1 * ((hour >= 0) & (hour <= 5))
        + 0.6 * zscore(np.log(base_distance))
        + merchant_effect
        + 1.4 * new_device
        - 0.6 * card_present
        + 0.35 * zscore(tx24.astype(float))
        + 0.2 * zscore(np.log(amount))
        - 0.16 * zscore(np.log(account_age))
    )
    fraud = bernoulli(logits, rng)
    frame = pd.DataFrame(
        {
            "amount": amount,
            "amount_to_usual": ratio,
            "hour": hour.astype(float),
            "distance_from_home_km": distance,
            "merchant_category": np.array(MERCHANTS)[merchant],
            "new_device": np.array(YES_NO)[new_device],
            "card_present": np.array(YES_NO)[card_present],
            "transactions_24h": tx24.astype(float),
            "account_age_days": account_age,
            "terminal_digit": digit.astype(float),
            "weekday": np.array(WEEKDAYS)[weekday],
            "cardholder_age_band": np.array(AGE_BANDS)[band],
            OUTCOME: fraud,
        }
    )
    frame.loc[rng.random(n) < 0.08, "distance_from_home_km"] = np.nan  # location unknown
    return frame


def _hour_weights() -> np.ndarray:
    w = np.array([2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 10, 11, 10, 9, 9, 10, 11, 11, 10, 8, 6, 4, 3], dtype=float)
    return w / w.sum()


def train(data: SampleData, size: str, seed: int) -> Any:
    """A LightGBM booster with native categorical features."""
    frame = as_categories(data.train, CATEGORIES)
    return train_lightgbm(frame, FEATURES, OUTCOME, seed, ROUNDS[size], min_child_samples=200)


def make_data(size: str, seed: int, decision_rows: int | None = None) -> SampleData:
    """All tables of the fraud sample for a size and seed (``decision_rows`` decisions instead of
    the size's, for a large sample: ``python -m sample_models build --fraud-rows 1000000``)."""
    rng = np.random.default_rng(seed + 2_000)
    sizes = dict(SIZES[size])
    if decision_rows is not None:
        sizes["decisions"] = decision_rows
    base = generate(sizes["train"] + sizes["reference"] + sizes["decisions"], rng)
    parts = split(base, {k: sizes[k] for k in ("train", "reference", "decisions")}, rng)
    current = generate(sizes["current"], rng, shifted=True)
    return SampleData(
        train=parts["train"],
        reference=as_categories(with_ids(parts["reference"], ID, "R", 1), CATEGORIES),
        decisions=as_categories(
            with_ids(hide_outcomes(parts["decisions"], OUTCOME, 0.7, rng), ID, "T", 1_000_001), CATEGORIES
        ),
        current=as_categories(with_ids(current.assign(**{OUTCOME: np.nan}), ID, "N", 1), CATEGORIES),
    )
