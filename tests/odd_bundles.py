"""Bundles that are unusual but valid: ``explain validate`` accepts them, so every page must work.

* ``nullable``: a scikit-learn pipeline (imputer, one-hot, logistic regression) whose inputs
  are pandas nullable integers with missing values, and a text category with gaps.
* ``spaced``: a LightGBM model trained on column names with spaces (LightGBM stores them
  with ``_``), ids in an integer column.
* ``bare``: decisions only, no reference data, no outcomes, no current batch.
"""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

from explain import write_bundle
from explain.bundle._spec_parse import parse_spec


def _nullable(target: Path) -> Path:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(4)
    n = 1_200
    frame = pd.DataFrame(
        {
            "customer": [f"N{i:05d}" for i in range(n)],
            "visits": pd.array(rng.integers(0, 12, n), dtype="Int64"),
            "spend": rng.gamma(2.0, 300.0, n),
            "plan": rng.choice(["basic", "plus", "pro"], n).astype(object),
            "region": rng.choice(["north", "south"], n),
        }
    )
    frame.loc[rng.choice(n, 60, replace=False), "visits"] = pd.NA
    frame.loc[rng.choice(n, 40, replace=False), "plan"] = None
    logit = 0.3 * frame["visits"].astype("Float64").fillna(5).astype(float) - frame.spend / 600 + (frame.plan == "pro")
    frame["left"] = (rng.random(n) < 1 / (1 + np.exp(-(logit - 1)))).astype(int)
    inputs = ["visits", "spend", "plan"]
    pre = ColumnTransformer(
        [
            ("num", SimpleImputer(strategy="median"), ["visits", "spend"]),
            (
                "cat",
                make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
                ["plan"],
            ),
        ]
    )
    train = frame.iloc[:600]
    model = make_pipeline(pre, LogisticRegression(max_iter=500)).fit(
        train[inputs].astype({"visits": "float"}), train["left"]
    )
    spec = parse_spec(
        {
            "name": "Nullable inputs",
            "id_column": "customer",
            "outcome_column": "left",
            "score_label": "chance of leaving",
            "decision": {"threshold": 0.4, "above": "At risk", "below": "Likely to stay"},
            "recourse": True,
            "features": {"visits": {"label": "Visits", "actionable": True, "unit": "visits"}},
            "columns": {"region": {"label": "Region", "sensitive": True}},
        }
    )
    return write_bundle(
        target, spec=spec, model=model, decisions=frame.iloc[600:900], reference=frame.iloc[900:],
        current=frame.iloc[600:900].drop(columns="left"),
    )  # fmt: skip


def _spaced(target: Path) -> Path:
    rng = np.random.default_rng(5)
    n = 1_500
    frame = pd.DataFrame(
        {
            "case number": np.arange(n),
            "credit amount": rng.normal(5000, 1500, n),
            "age in years": rng.integers(18, 80, n).astype(float),
            "home type": pd.Categorical(rng.choice(["rent", "own", "other"], n), categories=["rent", "own", "other"]),
        }
    )
    score = (frame["credit amount"] - 5000) / 1500 + (frame["home type"] == "rent") - (frame["age in years"] - 45) / 30
    frame["bad"] = (rng.random(n) < 1 / (1 + np.exp(-score))).astype(int)
    inputs = ["credit amount", "age in years", "home type"]
    params = {"objective": "binary", "num_leaves": 7, "verbose": -1, "seed": 0, "min_data_per_group": 10}
    model = lgb.train(params, lgb.Dataset(frame.iloc[:700][inputs], frame.iloc[:700]["bad"]), num_boost_round=30)
    spec = parse_spec(
        {
            "name": "Spaced names",
            "id_column": "case number",
            "outcome_column": "bad",
            "decision": {"threshold": 0.5, "above": "Refer", "below": "Accept"},
            "features": {"credit amount": {"label": "Credit amount", "unit": "$", "actionable": True}},
            "recourse": True,
        }
    )
    return write_bundle(
        target, spec=spec, model=model, decisions=frame.iloc[700:1000], reference=frame.iloc[1000:],
        current=frame.iloc[700:1000],
    )  # fmt: skip


def _bare(target: Path) -> Path:
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.default_rng(6)
    n = 500
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.integers(0, 3, n).astype(float)})
    y = (frame.a + rng.normal(0, 1, n) > 0).astype(int)
    model = RandomForestClassifier(n_estimators=20, max_depth=4, random_state=0).fit(frame.iloc[:250], y[:250])
    decisions = frame.iloc[250:].copy()
    decisions.index = [f"B{i}" for i in range(len(decisions))]
    return write_bundle(target, spec=parse_spec({"name": "Bare"}), model=model, decisions=decisions.rename_axis("id"))


ODD_BUNDLES = {"nullable": _nullable, "spaced": _spaced, "bare": _bare}


def build_odd_bundles(root: Path) -> list[Path]:
    """Write every odd bundle under ``root`` (its directory name is its URL key)."""
    return [make(root / name) for name, make in ODD_BUNDLES.items()]
