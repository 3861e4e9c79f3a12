"""Where the model errs: a planted noisy segment comes first, in words; the worst mistakes by id."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from explain import Bundle, ExplainError
from explain.evaluation._error_segments import ErrorAnalysisResult, error_segments

FEATURES = ["signal", "zone", "other", "kind"]
SPEC = {
    "features": {
        "signal": {"label": "Signal strength", "decimals": 2},
        "zone": {"label": "Zone position", "unit": "km", "decimals": 3},
        "other": {"label": "Other reading"},
        "kind": {"label": "Kind of case"},
    }
}


def _data(n: int, rng: np.random.Generator, noisy: str) -> pd.DataFrame:
    """Labels follow the signal closely, except in the planted region where they are coin flips."""
    x = pd.DataFrame(
        {
            "signal": rng.uniform(-3, 3, n),
            "zone": rng.uniform(0, 1, n),
            "other": rng.normal(size=n),
            "kind": rng.choice(["alpha", "beta", "gamma", "delta"], n),
        }
    )
    region = (x.zone > 0.8).to_numpy() if noisy == "zone" else (x.kind == "gamma").to_numpy()
    p = np.where(region, 0.5, 1 / (1 + np.exp(-3 * x.signal)))
    x["y"] = (rng.random(n) < p).astype(int)
    return x


def _bundle(noisy: str) -> tuple[Bundle, pd.DataFrame]:
    rng = np.random.default_rng(11)
    train, ref = _data(6000, rng, noisy), _data(5000, rng, noisy)
    encode = make_column_transformer((OneHotEncoder(), ["kind"]), remainder="passthrough")
    model = make_pipeline(encode, LogisticRegression()).fit(train[FEATURES], train.y)
    bundle = Bundle.from_estimator(model, ref.iloc[:50], outcome_column="y", reference=ref, spec=SPEC)
    return bundle, ref


@pytest.fixture(scope="module")
def zone_case() -> tuple[Bundle, pd.DataFrame, ErrorAnalysisResult]:
    bundle, ref = _bundle("zone")
    return bundle, ref, error_segments(bundle)


def test_planted_noisy_region_is_reported_first(zone_case: tuple[Bundle, pd.DataFrame, ErrorAnalysisResult]) -> None:
    _, ref, result = zone_case
    top = result.segments[0]
    rows = ref.loc[[int(i) for i in result.segment_ids(1)]]
    assert (rows["zone"] > 0.8).mean() >= 0.95
    assert "zone" in top.features and any(c.startswith("Zone position at least ") for c in top.conditions)
    assert top.lift > 2 and top.mean_log_loss == max(s.mean_log_loss for s in result.segments)
    # the bound is a value that occurs in the data, written in the feature's unit
    bound = float(re.search(r"Zone position at least ([\d.]+) km", top.description).group(1))  # type: ignore[union-attr]
    assert rows["zone"].min() >= bound - 5e-4
    assert np.min(np.abs(ref["zone"] - bound)) <= 5e-4


def test_segments_partition_the_rows(zone_case: tuple[Bundle, pd.DataFrame, ErrorAnalysisResult]) -> None:
    _, ref, result = zone_case
    frame = result.to_frame()
    assert frame["rows"].sum() == result.n_rows == len(ref)
    assert (frame["share"] >= 0.01).all() and len(frame) <= 8
    assert list(frame["mean_log_loss"]) == sorted(frame["mean_log_loss"], reverse=True)
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    ids = [i for s in result.segments for i in result.segment_ids(s.rank)]
    assert sorted(ids) == sorted(result.row_ids)
    weighted = float((frame["mean_log_loss"] * frame["rows"]).sum() / frame["rows"].sum())
    assert weighted == pytest.approx(result.overall_log_loss, abs=1e-12)
    with pytest.raises(ExplainError, match="rank must be an integer between 1"):
        result.segment_ids(0)


def test_noisy_category_is_named() -> None:
    bundle, _ = _bundle("kind")
    top = error_segments(bundle).segments[0]
    assert "Kind of case is gamma" in top.conditions


def test_missing_values_are_worded() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(2)
    train, ref = _data(6000, rng, "zone"), _data(4000, rng, "zone")
    for frame in (train, ref):
        frame.loc[frame.zone > 0.8, "zone"] = np.nan  # the noisy region has no zone recorded
    numbers = ["signal", "zone", "other"]
    model = HistGradientBoostingClassifier(max_iter=60, random_state=0).fit(train[numbers], train.y)
    spec = {"features": {k: v for k, v in SPEC["features"].items() if k in numbers}}
    bundle = Bundle.from_estimator(model, ref.iloc[:50], outcome_column="y", reference=ref, spec=spec)
    result = error_segments(bundle)
    top = result.segments[0]
    zone = [c for c in top.conditions if c.startswith("Zone position")]
    assert len(zone) == 1 and zone[0].endswith("not provided"), top.conditions
    rows = ref.loc[[int(i) for i in result.segment_ids(1)]]
    assert rows["zone"].isna().mean() >= 0.95
    others = [s for s in result.segments if not any(c.startswith("Zone position") for c in s.conditions)]
    assert all("not provided" not in s.description for s in others)


def test_worst_mistakes_are_listed_by_reference_id(loan: Bundle) -> None:
    result = error_segments(loan, n_worst=5)
    ref = loan.reference
    scores = pd.Series(loan.model.predict_score(ref), index=ref.index)
    y = ref[loan.spec.outcome_column]
    t = loan.spec.decision.threshold
    fp = scores[(scores >= t) & (y == 0)].sort_values(ascending=False, kind="stable")
    fn = scores[(scores < t) & (y == 1)].sort_values(kind="stable")
    assert [c.id for c in result.worst_false_positives] == list(fp.index[:5])
    assert [c.id for c in result.worst_false_negatives] == list(fn.index[:5])
    cases = result.cases_frame()
    assert list(cases["kind"]) == ["false positive"] * 5 + ["false negative"] * 5
    assert cases["id"].isin(ref.index).all()
    assert result.worst_false_positives[0].log_loss == pytest.approx(-np.log(1 - fp.iloc[0]))
    for segment in result.segments:
        assert segment.conditions and all(isinstance(c, str) and c for c in segment.conditions)


def test_options_are_checked(loan: Bundle) -> None:
    with pytest.raises(ExplainError, match="max_depth must be an integer between 1 and 3"):
        error_segments(loan, max_depth=4)
    with pytest.raises(ExplainError, match="min_segment_share"):
        error_segments(loan, min_segment_share=0)
    shallow = error_segments(loan, max_depth=1, min_segment_share=0.2)
    assert len(shallow.segments) == 2 and all(s.share >= 0.2 for s in shallow.segments)
