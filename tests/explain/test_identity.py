"""One identity per bundle: the same fingerprint in memory and after a round trip to disk,
and a different one after any change that could change a result."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, load_bundle, write_bundle
from explain.bundle import DecisionRule


def _round_trip(bundle: Bundle, target: Path) -> Bundle:
    return load_bundle(
        write_bundle(
            target,
            spec=bundle.spec,
            model=bundle.model.estimator,
            decisions=bundle.decisions,
            reference=bundle.reference,
            current=bundle.current,
        )
    )


@pytest.mark.parametrize("kind", ["lightgbm", "pipeline", "linear"])
def test_from_estimator_and_after_write_and_load_have_one_fingerprint(kind: str, tmp_path: Path) -> None:
    import lightgbm as lgb
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(2)
    n = 600
    frame = pd.DataFrame(
        {
            "case": [f"C{i}" for i in range(n)],
            "x": rng.normal(size=n),
            "count": rng.integers(0, 5, n),
            "kind": pd.Categorical(rng.choice(["a", "b"], n), categories=["a", "b"]),
            "note": rng.choice(["red", "blue"], n).astype(object),
        }
    )
    y = (frame.x + (frame.kind == "b") + rng.normal(size=n) > 0.5).astype(int)
    frame["y"] = y.astype(float)
    inputs = ["x", "count", "kind"]
    if kind == "lightgbm":
        model = lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 7, "min_data_per_group": 5},
                          lgb.Dataset(frame[inputs], y), num_boost_round=10)  # fmt: skip
    else:
        final = HistGradientBoostingClassifier(max_iter=20) if kind == "pipeline" else LogisticRegression()
        pre = make_column_transformer((OneHotEncoder(), ["kind"]), (StandardScaler(), ["x", "count"]))
        model = make_pipeline(pre, final).fit(frame[inputs].astype({"kind": object}), y)
    bundle = Bundle.from_estimator(
        model, frame.iloc[:300], id_column="case", outcome_column="y", reference=frame.iloc[300:], key="k"
    )
    again = _round_trip(bundle, tmp_path / "k")
    assert again.fingerprint == bundle.fingerprint
    assert _round_trip(again, tmp_path / "k2").fingerprint == bundle.fingerprint


def test_every_meaningful_change_changes_the_fingerprint(loan: Bundle, tmp_path: Path) -> None:
    base = loan.fingerprint
    edited = loan.decisions.copy()
    edited.iloc[0, edited.columns.get_loc("annual_income")] += 1  # type: ignore[index]
    changes = {
        "threshold": replace(loan.spec, decision=DecisionRule(0.25, "Declined", "Approved")),
        "label": replace(loan.spec, name="Other name"),
    }
    for spec in changes.values():
        assert Bundle.from_estimator(loan.model.estimator, loan.decisions, spec=spec,
                                     reference=loan.reference).fingerprint != base  # fmt: skip
    same = Bundle.from_estimator(
        loan.model.estimator, loan.decisions, spec=loan.spec, reference=loan.reference, current=loan.current
    )
    assert same.fingerprint == base
    cell = Bundle.from_estimator(
        loan.model.estimator, edited, spec=loan.spec, reference=loan.reference, current=loan.current
    )
    assert cell.fingerprint != base
