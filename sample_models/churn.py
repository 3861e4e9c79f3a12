"""Subscription customers: a scikit-learn Pipeline predicting who will cancel.

About 20,000 customers. Churn rises with a month-to-month contract, high monthly charges,
support calls, late payments and paying by electronic check; it falls with tenure, more
products and satisfaction. The model is a ``Pipeline``: a ``ColumnTransformer`` (imputation,
scaling, one-hot encoding) then a ``HistGradientBoostingClassifier``. The current batch has
monthly charges raised by 25% (a planted price rise); every other input is generated
independently of charges.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sample_models._common import GroundTruth, SampleData, bernoulli, hide_outcomes, split, with_ids, zscore

NAME = "churn"
ID = "customer_id"
OUTCOME = "churned"
THRESHOLD = 0.35
CONTRACTS = ["month-to-month", "one year", "two year"]
PAYMENTS = ["electronic check", "mailed check", "bank transfer", "credit card"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
AGE_BANDS = ["18-34", "35-54", "55+"]
REGIONS = ["north", "south", "east", "west"]
PRICE_RISE = 1.25
CATEGORICAL = ["contract", "payment_method", "signup_weekday"]

SIZES: dict[str, dict[str, int]] = {
    "full": {"train": 11_000, "reference": 4_000, "decisions": 3_000, "current": 2_000},
    "test": {"train": 6_000, "reference": 1_500, "decisions": 1_000, "current": 1_000},
}

GROUND_TRUTH = GroundTruth(
    drivers={
        "contract": "month-to-month increases",
        "tenure_months": "decreases",
        "monthly_charges": "increases",
        "support_calls_90d": "increases",
        "late_payments_12m": "increases",
        "num_products": "decreases",
        "satisfaction_score": "decreases",
        "payment_method": "electronic check increases",
        "data_usage_gb": "decreases",
    },
    weak_driver="data_usage_gb",
    noise=("signup_weekday", "account_number_digit"),
    drift_feature="monthly_charges",
    drift_description="monthly charges are 25% higher in the current batch (a price rise)",
    independent_of_drift=(
        "tenure_months",
        "contract",
        "payment_method",
        "support_calls_90d",
        "late_payments_12m",
        "num_products",
        "satisfaction_score",
        "data_usage_gb",
        "signup_weekday",
        "account_number_digit",
    ),
)

SPEC: dict[str, Any] = {
    "name": "Subscriber churn",
    "id_column": ID,
    "outcome_column": OUTCOME,
    "outcome_labels": {"1": "Left", "0": "Stayed"},
    "score_label": "estimated chance of leaving",
    "favorable": "below",
    "decision": {"threshold": THRESHOLD, "above": "At risk of leaving", "below": "Likely to stay"},
    "recourse": True,
    "features": {
        "tenure_months": {
            "label": "Time as a customer",
            "unit": "months",
            "decimals": 0,
            "expected_effect": "decreases",
            "description": "Months since the customer signed up",
            "reason": "The customer is fairly new",
            "reason_favorable": "A long-standing customer",
        },
        "monthly_charges": {
            "label": "Monthly bill",
            "unit": "$",
            "decimals": 2,
            "actionable": True,
            "change": "decrease_only",
            "expected_effect": "increases",
            "description": "Amount billed each month",
            "reason": "The monthly bill is high",
            "reason_favorable": "The monthly bill is moderate",
        },
        "contract": {
            "label": "Contract type",
            "actionable": True,
            "change": "any",
            "description": "Length of the customer's current contract",
            "reason": "No long-term contract",
            "reason_favorable": "Committed to a longer contract",
        },
        "payment_method": {
            "label": "Payment method",
            "actionable": True,
            "change": "any",
            "description": "How the customer pays the bill",
            "reason": "Pays in a way linked to leaving",
            "reason_favorable": "Pays in a way linked to staying",
        },
        "support_calls_90d": {
            "label": "Support calls in the last 90 days",
            "unit": "calls",
            "decimals": 0,
            "expected_effect": "increases",
            "description": "Calls to customer support in the past 90 days",
            "reason": "Many recent support calls",
            "reason_favorable": "Few support calls",
        },
        "late_payments_12m": {
            "label": "Late payments in the last year",
            "unit": "payments",
            "decimals": 0,
            "expected_effect": "increases",
            "description": "Bills paid late in the past 12 months",
            "reason": "Recent late payments",
            "reason_favorable": "Bills paid on time",
        },
        "num_products": {
            "label": "Products held",
            "unit": "products",
            "decimals": 0,
            "actionable": True,
            "change": "increase_only",
            "expected_effect": "decreases",
            "description": "Number of services the customer subscribes to",
            "reason": "Holds few products",
            "reason_favorable": "Holds several products",
        },
        "satisfaction_score": {
            "label": "Satisfaction score",
            "unit": "out of 10",
            "decimals": 0,
            "expected_effect": "decreases",
            "description": "Latest survey answer (left empty when the customer did not answer)",
            "reason": "Low satisfaction in the last survey",
            "reason_favorable": "Satisfied in the last survey",
        },
        "data_usage_gb": {
            "label": "Monthly data use",
            "unit": "GB",
            "decimals": 1,
            "expected_effect": "decreases",
            "description": "Average mobile data used per month",
            "reason": "Uses the service little",
            "reason_favorable": "Uses the service a lot",
        },
        "signup_weekday": {
            "label": "Sign-up weekday",
            "description": "Weekday the customer signed up",
        },
        "account_number_digit": {
            "label": "Last digit of account number",
            "decimals": 0,
            "description": "Assigned at random; carries no information",
        },
    },
    "columns": {
        "age_band": {"label": "Age band", "sensitive": True, "description": "Customer's age band (not a model input)"},
        "region": {"label": "Region", "description": "Sales region"},
    },
}
FEATURES = list(SPEC["features"])


def generate(n: int, rng: np.random.Generator, *, shifted: bool = False) -> pd.DataFrame:
    """``n`` customers with outcomes; ``shifted`` applies the price rise (the planted drift)."""
    band = rng.choice(3, size=n, p=[0.35, 0.42, 0.23])
    tenure = np.clip(rng.gamma(1.3, 20.0, n), 1, 72).round(0)
    contract = rng.choice(3, size=n, p=[0.5, 0.28, 0.22])
    payment = rng.choice(4, size=n, p=[0.32, 0.2, 0.24, 0.24])
    charges = np.clip(rng.normal(68, 24, n), 18, 130)
    if shifted:
        charges = charges * PRICE_RISE
    charges = charges.round(2)
    calls = rng.poisson(1.2, n)
    late = np.minimum(rng.poisson(0.6, n), 12)
    products = 1 + rng.binomial(4, 0.3, n)
    satisfaction = np.clip(np.round(rng.normal(7, 2, n)), 0, 10)
    usage = np.round(rng.gamma(2.0, 4.0, n), 1)
    weekday = rng.integers(0, 7, n)
    digit = rng.integers(0, 10, n)
    region = rng.integers(0, 4, n)

    base_charges = charges / PRICE_RISE if shifted else charges
    logits = (
        -1.35
        + 0.9 * (contract == 0)
        - 0.5 * (contract == 2)
        - 0.7 * zscore(np.log(tenure))
        + 0.6 * zscore(base_charges)
        + 0.45 * zscore(calls.astype(float))
        + 0.4 * zscore(late.astype(float))
        - 0.35 * zscore(products.astype(float))
        - 0.5 * zscore(satisfaction)
        + 0.35 * (payment == 0)
        - 0.15 * zscore(usage)
    )
    churned = bernoulli(logits, rng)
    frame = pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charges": charges,
            "contract": np.array(CONTRACTS)[contract],
            "payment_method": np.array(PAYMENTS)[payment],
            "support_calls_90d": calls.astype(float),
            "late_payments_12m": late.astype(float),
            "num_products": products.astype(float),
            "satisfaction_score": satisfaction,
            "data_usage_gb": usage,
            "signup_weekday": np.array(WEEKDAYS)[weekday],
            "account_number_digit": digit.astype(float),
            "age_band": np.array(AGE_BANDS)[band],
            "region": np.array(REGIONS)[region],
            OUTCOME: churned,
        }
    )
    frame.loc[rng.random(n) < 0.25, "satisfaction_score"] = np.nan  # surveys left unanswered
    frame.loc[rng.random(n) < 0.08, "data_usage_gb"] = np.nan  # no usage recorded yet
    return frame


def train(data: SampleData, size: str, seed: int) -> Any:
    """A Pipeline: impute and scale numbers, impute and one-hot encode categories, then boost."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [f for f in FEATURES if f not in CATEGORICAL]
    pre = ColumnTransformer(
        [
            ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric),
            (
                "cat",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="most_frequent")),
                        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                    ]
                ),
                CATEGORICAL,
            ),
        ]
    )
    model = Pipeline(
        [
            ("prepare", pre),
            (
                "boost",
                HistGradientBoostingClassifier(
                    max_iter=150,
                    learning_rate=0.06,
                    max_leaf_nodes=15,
                    min_samples_leaf=80,
                    l2_regularization=1.0,
                    early_stopping=False,
                    random_state=seed,
                ),
            ),
        ]
    )
    return model.fit(data.train[FEATURES], data.train[OUTCOME])


def make_data(size: str, seed: int) -> SampleData:
    """All tables of the churn sample for a size and seed."""
    rng = np.random.default_rng(seed + 1_000)
    sizes = SIZES[size]
    base = generate(sizes["train"] + sizes["reference"] + sizes["decisions"], rng)
    parts = split(base, {k: sizes[k] for k in ("train", "reference", "decisions")}, rng)
    current = generate(sizes["current"], rng, shifted=True)
    return SampleData(
        train=parts["train"],
        reference=with_ids(parts["reference"], ID, "R", 1),
        decisions=with_ids(hide_outcomes(parts["decisions"], OUTCOME, 0.5, rng), ID, "CU", 200_001),
        current=with_ids(current.assign(**{OUTCOME: np.nan}), ID, "N", 1),
    )
