"""Consumer loan applications: a LightGBM default-risk model with native categories.

About 30,000 applications. Default risk rises with debt-to-income, card utilization, late
payments, the loan's size relative to income, a long term and some purposes; it falls with
income, credit history and job tenure. ``age_group`` is not a model input but correlates
with income, credit history, employment and housing, so younger applicants are approved
less often: the planted fairness gap. The current batch has card utilization shifted up by
18 points (a planted drift); every other input is generated independently of it.
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

NAME = "loan"
ID = "application_id"
OUTCOME = "defaulted"
THRESHOLD = 0.20
AGE_GROUPS = ["18-25", "26-40", "41-60", "61+"]
HOME = ["rent", "mortgage", "own", "other"]
PURPOSES = ["debt consolidation", "credit card", "home improvement", "car", "medical", "small business", "other"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CHANNELS = ["online", "branch", "broker"]
CATEGORIES = {"home_ownership": HOME, "loan_purpose": PURPOSES, "application_weekday": WEEKDAYS}
UTILIZATION_SHIFT = 18.0

SIZES: dict[str, dict[str, int]] = {
    "full": {"train": 16_000, "reference": 6_000, "decisions": 5_000, "current": 3_000},
    "test": {"train": 10_000, "reference": 2_000, "decisions": 1_200, "current": 1_200},
}
ROUNDS = {"full": 300, "test": 150}

GROUND_TRUTH = GroundTruth(
    drivers={
        "debt_to_income": "increases",
        "revolving_utilization": "increases",
        "delinquencies_2y": "increases",
        "annual_income": "decreases",
        "loan_amount": "increases",
        "credit_history_years": "decreases",
        "term_months": "increases",
        "employment_years": "decreases",
        "inquiries_6m": "increases",
    },
    weak_driver="inquiries_6m",
    noise=("application_weekday", "months_at_address"),
    drift_feature="revolving_utilization",
    drift_description=f"card utilization is {UTILIZATION_SHIFT:g} points higher in the current batch",
    independent_of_drift=(
        "annual_income",
        "loan_amount",
        "term_months",
        "debt_to_income",
        "credit_history_years",
        "delinquencies_2y",
        "employment_years",
        "inquiries_6m",
        "home_ownership",
        "loan_purpose",
        "application_weekday",
        "months_at_address",
    ),
    group_gap={"column": "age_group", "group": "18-25", "ratio_below": 0.8},
)

SPEC: dict[str, Any] = {
    "name": "Consumer loans",
    "id_column": ID,
    "outcome_column": OUTCOME,
    "outcome_labels": {"1": "Defaulted", "0": "Repaid"},
    "score_label": "estimated default risk",
    "favorable": "below",
    "decision": {"threshold": THRESHOLD, "above": "Declined", "below": "Approved"},
    "recourse": True,
    "features": {
        "annual_income": {
            "label": "Annual income",
            "unit": "$",
            "decimals": 0,
            "actionable": True,
            "change": "increase_only",
            "description": "Gross yearly income stated on the application",
            "expected_effect": "decreases",
            "reason": "Income is low for the amount requested",
            "reason_favorable": "Income is comfortable",
        },
        "loan_amount": {
            "label": "Loan amount",
            "unit": "$",
            "decimals": 0,
            "actionable": True,
            "change": "decrease_only",
            "description": "Amount the applicant asked to borrow",
            "expected_effect": "increases",
            "reason": "The amount requested is large",
            "reason_favorable": "The amount requested is modest",
        },
        "term_months": {
            "label": "Loan term",
            "unit": "months",
            "decimals": 0,
            "actionable": True,
            "change": "decrease_only",
            "description": "Repayment period of the loan",
            "expected_effect": "increases",
            "reason": "The repayment period is long",
            "reason_favorable": "The repayment period is short",
        },
        "debt_to_income": {
            "label": "Debt-to-income ratio",
            "unit": "%",
            "decimals": 1,
            "actionable": True,
            "change": "decrease_only",
            "description": "Monthly debt payments divided by monthly income",
            "expected_effect": "increases",
            "reason": "Debt obligations are high relative to income",
            "reason_favorable": "Debt obligations are modest relative to income",
        },
        "credit_history_years": {
            "label": "Length of credit history",
            "unit": "years",
            "decimals": 1,
            "description": "Years since the first credit account was opened",
            "expected_effect": "decreases",
            "reason": "The credit history is short",
            "reason_favorable": "The credit history is long",
        },
        "delinquencies_2y": {
            "label": "Late payments in the last 2 years",
            "unit": "payments",
            "decimals": 0,
            "description": "Payments 30 or more days late in the past two years",
            "expected_effect": "increases",
            "reason": "There were recent late payments",
            "reason_favorable": "There were no recent late payments",
        },
        "revolving_utilization": {
            "label": "Credit card utilization",
            "unit": "%",
            "decimals": 0,
            "actionable": True,
            "change": "decrease_only",
            "description": "Card balances as a share of card limits",
            "expected_effect": "increases",
            "reason": "Credit card balances are high relative to limits",
            "reason_favorable": "Credit card balances are low relative to limits",
        },
        "employment_years": {
            "label": "Years in current job",
            "unit": "years",
            "decimals": 0,
            "description": "Time with the current employer",
            "expected_effect": "decreases",
            "reason": "Time in the current job is short",
            "reason_favorable": "Employment is stable",
        },
        "inquiries_6m": {
            "label": "Credit inquiries in the last 6 months",
            "unit": "inquiries",
            "decimals": 0,
            "description": "Hard credit checks by lenders in the past six months",
            "expected_effect": "increases",
            "reason": "Several recent credit applications",
            "reason_favorable": "Few recent credit applications",
        },
        "home_ownership": {
            "label": "Home ownership",
            "description": "Whether the applicant rents, owns or has a mortgage",
            "reason": "The housing situation adds to the risk",
            "reason_favorable": "The housing situation lowers the risk",
        },
        "loan_purpose": {
            "label": "Loan purpose",
            "description": "What the applicant says the loan is for",
            "reason": "The loan's purpose carries higher risk",
            "reason_favorable": "The loan's purpose carries lower risk",
        },
        "application_weekday": {
            "label": "Day of application",
            "description": "Weekday the application was submitted",
        },
        "months_at_address": {
            "label": "Time at current address",
            "unit": "months",
            "decimals": 0,
            "description": "Months the applicant has lived at the current address",
            "reason": "Time at the current address",
            "reason_favorable": "Time at the current address",
        },
    },
    "columns": {
        "age_group": {
            "label": "Age group",
            "sensitive": True,
            "description": "Applicant's age band (not a model input)",
        },
        "channel": {"label": "Application channel", "description": "Where the application came in"},
    },
}


def generate(n: int, rng: np.random.Generator, *, shifted: bool = False) -> pd.DataFrame:
    """``n`` applications with outcomes; ``shifted`` raises card utilization (the planted drift)."""
    group = rng.choice(4, size=n, p=[0.16, 0.40, 0.31, 0.13])
    age = np.array([18, 26, 41, 61])[group] + rng.random(n) * np.array([8, 15, 20, 15])[group]
    young = group == 0
    income = np.exp(rng.normal(np.log(58_000) + np.array([-0.3, 0.0, 0.12, -0.1])[group], 0.45))
    income = np.round(np.clip(income, 12_000, 400_000), -2)
    amount = np.exp(rng.normal(np.log(0.2 * income), 0.5))
    amount = np.round(np.clip(amount, 1_000, 40_000), -2)
    term = np.where(rng.random(n) < 0.3, 60, 36)
    dti = np.clip(rng.normal(17 + 2 * young, 7.5), 0, 60).round(1)
    history = np.clip((age - 18) * rng.uniform(0.4, 1.0, n) + rng.normal(0, 1.5, n), 0, 50).round(1)
    delinq = np.minimum(rng.poisson(0.25 + 0.2 * young), 8)
    util = np.clip(rng.beta(2.0, 3.2, n) * 100, 0, 100)
    if shifted:
        util = np.clip(util + UTILIZATION_SHIFT, 0, 130)
    util = util.round(0)
    employment = np.clip(np.minimum(rng.gamma(1.6, 3.0, n), age - 18), 0, 40).round(0)
    inquiries = rng.poisson(1.1, n)
    home_p = np.array(
        [[0.80, 0.08, 0.04, 0.08], [0.45, 0.40, 0.10, 0.05], [0.20, 0.52, 0.25, 0.03], [0.15, 0.30, 0.52, 0.03]]
    )
    home = (rng.random(n)[:, None] > np.cumsum(home_p[group], axis=1)).sum(axis=1)
    purpose = rng.choice(len(PURPOSES), size=n, p=[0.38, 0.2, 0.12, 0.1, 0.06, 0.06, 0.08])
    weekday = rng.integers(0, 7, n)
    at_address = np.round(rng.gamma(2.0, 24.0, n)).astype(int)
    channel = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])

    # outcome: effects per standard deviation; debt-to-income is the strongest (0.75)
    purpose_effect = np.array([0.15, 0.1, -0.1, -0.15, 0.2, 0.55, 0.0])[purpose]
    home_effect = np.array([0.2, -0.1, -0.15, 0.1])[home]
    logits = (
        -2.45
        + 0.75 * zscore(dti)
        + 0.65 * zscore(util if not shifted else util - UTILIZATION_SHIFT)
        + 0.5 * delinq
        - 0.55 * zscore(np.log(income))
        + 0.45 * zscore(np.log(amount / income))
        - 0.35 * zscore(history)
        + 0.35 * (term == 60)
        - 0.2 * zscore(employment)
        + 0.15 * zscore(inquiries.astype(float))
        + purpose_effect
        + home_effect
    )
    defaulted = bernoulli(logits, rng)

    frame = pd.DataFrame(
        {
            "annual_income": income,
            "loan_amount": amount,
            "term_months": term.astype(float),
            "debt_to_income": dti,
            "credit_history_years": history,
            "delinquencies_2y": delinq.astype(float),
            "revolving_utilization": util,
            "employment_years": employment,
            "inquiries_6m": inquiries.astype(float),
            "home_ownership": np.array(HOME)[home],
            "loan_purpose": np.array(PURPOSES)[purpose],
            "application_weekday": np.array(WEEKDAYS)[weekday],
            "months_at_address": at_address.astype(float),
            "age_group": np.array(AGE_GROUPS)[group],
            "channel": np.array(CHANNELS)[channel],
            OUTCOME: defaulted,
        }
    )
    # missing values where applicants leave fields blank
    for column, share in (("annual_income", 0.04), ("employment_years", 0.06), ("revolving_utilization", 0.03)):
        frame.loc[rng.random(n) < share, column] = np.nan
    return frame


FEATURES = list(SPEC["features"])


def train(data: SampleData, size: str, seed: int) -> Any:
    """A LightGBM booster with native categorical features."""
    frame = as_categories(data.train, CATEGORIES)
    return train_lightgbm(frame, FEATURES, OUTCOME, seed, ROUNDS[size])


def make_data(size: str, seed: int) -> SampleData:
    """All tables of the loan sample for a size and seed."""
    rng = np.random.default_rng(seed)
    sizes = SIZES[size]
    base = generate(sizes["train"] + sizes["reference"] + sizes["decisions"], rng)
    parts = split(base, {k: sizes[k] for k in ("train", "reference", "decisions")}, rng)
    current = generate(sizes["current"], rng, shifted=True)
    return SampleData(
        train=parts["train"],
        reference=as_categories(with_ids(parts["reference"], ID, "R", 1), CATEGORIES),
        decisions=as_categories(
            with_ids(hide_outcomes(parts["decisions"], OUTCOME, 0.6, rng), ID, "L", 100_001), CATEGORIES
        ),
        current=as_categories(with_ids(current.assign(**{OUTCOME: np.nan}), ID, "C", 1), CATEGORIES),
    )
