"""A user's own model and data files, made the way a team would have them: a LightGBM text
model with a categorical input and CSV files, and a scikit-learn Pipeline saved with skops."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def credit_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """Applications with an id, three inputs (one categorical), a branch and a known outcome."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "application_id": [f"A{i:05d}" for i in range(n)],
            "debt_to_income": rng.gamma(4, 5, n).round(1),
            "annualIncome": rng.lognormal(10.9, 0.4, n).round(-2),
            "home_ownership": rng.choice(["rent", "own", "mortgage"], n),
            "branch": rng.choice(["north", "south"], n),
        }
    )
    logit = 0.08 * frame["debt_to_income"] - 0.00002 * frame["annualIncome"] + (frame["home_ownership"] == "rent") - 1
    frame["defaulted"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame


def lightgbm_files(directory: Path) -> dict[str, Path]:
    """model.txt, decisions.csv (1,000 rows) and holdout.csv (1,000 rows) in ``directory``."""
    import lightgbm as lgb

    frame = credit_frame(4_000)
    x = frame[["debt_to_income", "annualIncome", "home_ownership"]].astype({"home_ownership": "category"})
    booster = lgb.train(
        {"objective": "binary", "verbose": -1, "num_threads": 1, "seed": 0},
        lgb.Dataset(x.iloc[2_000:], frame["defaulted"].iloc[2_000:]),
        num_boost_round=40,
    )
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"model": directory / "model.txt", "decisions": directory / "decisions.csv",
             "holdout": directory / "holdout.csv"}  # fmt: skip
    booster.save_model(str(paths["model"]))
    frame.iloc[:1_000].to_csv(paths["decisions"], index=False)
    frame.iloc[1_000:2_000].to_csv(paths["holdout"], index=False)
    return paths


def skops_pipeline_files(directory: Path) -> dict[str, Path]:
    """A multinomial logistic regression Pipeline over three risk tiers, saved with skops, and Parquet files."""
    import skops.io as sio
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = credit_frame(3_000, seed=1)
    frame["risk_tier"] = pd.cut(frame["debt_to_income"], [-1, 15, 25, 1_000], labels=["low", "medium", "high"]).astype(
        str
    )
    frame = frame.drop(columns="defaulted")
    inputs = ["debt_to_income", "annualIncome", "home_ownership"]
    pipeline = Pipeline(
        [
            ("prepare", ColumnTransformer([("num", StandardScaler(), inputs[:2]),
                                           ("cat", OneHotEncoder(handle_unknown="ignore"), inputs[2:])])),
            ("model", LogisticRegression(max_iter=500)),
        ]
    )  # fmt: skip
    pipeline.fit(frame[inputs].iloc[1_000:], frame["risk_tier"].iloc[1_000:])
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"model": directory / "tiers.skops", "decisions": directory / "decisions.parquet",
             "holdout": directory / "holdout.parquet"}  # fmt: skip
    sio.dump(pipeline, paths["model"])
    frame.iloc[:500].to_parquet(paths["decisions"], index=False)
    frame.iloc[500:1_000].to_parquet(paths["holdout"], index=False)
    return paths
