"""Drift: PSI by hand, the planted drift over seeds, score and SHAP shift, uploaded batches."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from explain import Bundle, BundleError, ExplainError, FeatureNotFoundError, load_bundle
from explain.evaluation._drift import (
    EPSILON,
    MAJOR,
    MODERATE,
    DriftResult,
    batch_drift,
    drift_status,
    population_stability_index,
    read_batch,
)
from sample_models import REGISTRY, build_sample

SEEDS = range(5)
#: Every sample plants a major shift (PSI at least 0.25) in one feature.
PLANTED_AT_LEAST = {"loan": MAJOR, "churn": MAJOR, "fraud": MAJOR, "grades": MAJOR, "limits": MAJOR}


@pytest.fixture(scope="module")
def loan_drift(loan: Bundle) -> DriftResult:
    return batch_drift(loan, shap_rows=400)


@pytest.fixture(scope="module")
def seeded_bundles(
    tmp_path_factory: pytest.TempPathFactory, bundles: dict[str, Bundle]
) -> dict[tuple[str, int], Bundle]:
    out: dict[tuple[str, int], Bundle] = {(name, 0): bundle for name, bundle in bundles.items()}
    for seed in SEEDS:
        if seed == 0:
            continue  # the session's samples are seed 0
        root = tmp_path_factory.mktemp(f"seed{seed}")
        for name in REGISTRY:
            out[(name, seed)] = load_bundle(build_sample(name, root, size="test", seed=seed))
    return out


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def test_psi_by_hand() -> None:
    assert population_stability_index(np.array([50, 50]), np.array([25, 75])) == pytest.approx(
        -0.25 * np.log(0.5) + 0.25 * np.log(1.5), abs=1e-12
    )
    assert population_stability_index(np.array([3, 5, 2]), np.array([3, 5, 2])) == 0.0
    # an empty bin is floored at epsilon, not divided by
    empty = population_stability_index(np.array([10, 0]), np.array([5, 5]))
    assert empty == pytest.approx((0.5 - 1) * np.log(0.5 / 1) + (0.5 - EPSILON) * np.log(0.5 / EPSILON), abs=1e-12)
    assert [drift_status(v) for v in (0.0, 0.0999, 0.1, 0.2499, 0.25)] == [
        "stable",
        "stable",
        "moderate",
        "moderate",
        "major",
    ]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_planted_drift_is_found_for_five_seeds(name: str, seeded_bundles: dict[tuple[str, int], Bundle]) -> None:
    module = REGISTRY[name]
    truth = module.GROUND_TRUTH
    for seed in SEEDS:
        result = batch_drift(seeded_bundles[(name, seed)], with_shap=False)
        psi = dict(zip(result.features, result.psi, strict=True))
        assert psi[truth.drift_feature] >= PLANTED_AT_LEAST[name], (name, seed, psi[truth.drift_feature])
        for feature in truth.independent_of_drift:
            assert psi[feature] < MODERATE, (name, seed, feature, psi[feature])


def test_psi_matches_a_hand_binning(loan: Bundle, loan_drift: DriftResult) -> None:
    ref, cur = loan.reference, loan.current
    assert cur is not None
    # a number: ten bins at the reference deciles, (a, b], plus a bin for missing values
    x, z = ref["revolving_utilization"].to_numpy(), cur["revolving_utilization"].to_numpy()
    edges = np.unique(np.nanquantile(x, np.arange(1, 10) / 10))

    def shares(v: np.ndarray) -> np.ndarray:
        counts = [np.sum(v <= edges[0])]
        counts += [np.sum((v > a) & (v <= b)) for a, b in itertools.pairwise(edges)]
        counts += [np.sum(v > edges[-1]), np.sum(np.isnan(v))]
        return np.maximum(np.asarray(counts) / len(v), EPSILON)

    r, c = shares(x), shares(z)
    by_hand = float(np.sum((c - r) * np.log(c / r)))
    i = loan_drift.features.index("revolving_utilization")
    assert loan_drift.psi[i] == pytest.approx(by_hand, abs=1e-12)
    # a category: one bin per category
    rc = ref["loan_purpose"].astype(str).value_counts(normalize=True)
    cc = cur["loan_purpose"].astype(str).value_counts(normalize=True)
    cats = sorted(set(rc.index) | set(cc.index))
    r2 = np.maximum(rc.reindex(cats, fill_value=0).to_numpy(), EPSILON)
    c2 = np.maximum(cc.reindex(cats, fill_value=0).to_numpy(), EPSILON)
    j = loan_drift.features.index("loan_purpose")
    assert loan_drift.psi[j] == pytest.approx(float(np.sum((c2 - r2) * np.log(c2 / r2))), abs=1e-12)
    bins = loan_drift.feature_bins("loan_purpose").to_frame()
    assert set(bins["bin"]) == set(cats) and bins["reference_share"].sum() == pytest.approx(1.0)


def test_score_shift_and_shap_change(loan: Bundle, loan_drift: DriftResult) -> None:
    ref_scores = loan.model.predict_score(loan.reference)
    assert loan.current is not None
    cur_scores = loan.model.predict_score(loan.current)
    assert loan_drift.score_mean_reference == pytest.approx(ref_scores.mean(), abs=1e-12)
    assert loan_drift.score_mean_batch == pytest.approx(cur_scores.mean(), abs=1e-12)
    assert loan_drift.flagged_batch == pytest.approx(np.mean(cur_scores >= loan.spec.decision.threshold))
    assert loan_drift.score_psi > MODERATE and loan_drift.score_mean_batch > loan_drift.score_mean_reference
    frame = loan_drift.to_frame()
    assert frame["feature"].iloc[0] == "revolving_utilization" and frame["status"].iloc[0] == "major"
    assert frame.sort_values("shap_change", ascending=False)["feature"].iloc[0] == "revolving_utilization"
    assert loan_drift.importance_reference is not None and loan_drift.importance_reference.n_rows == 400
    assert frame["test"].isin(["Kolmogorov–Smirnov", "chi-square"]).all() and frame["p_value"].between(0, 1).all()


def test_read_batch_round_trips_csv_and_parquet(loan: Bundle, loan_drift: DriftResult) -> None:
    current = loan.current
    assert current is not None
    table = current.reset_index()
    from_csv = read_batch(_csv(table), "batch.csv", loan)
    pd.testing.assert_frame_equal(from_csv, current, check_dtype=False)
    assert from_csv.dtypes.to_dict() == current.dtypes.to_dict()
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    from_parquet = read_batch(buffer.getvalue(), "Batch.PARQUET", loan)
    pd.testing.assert_frame_equal(from_parquet, current)
    uploaded = batch_drift(loan, batch=from_csv, with_shap=False)
    np.testing.assert_allclose(uploaded.psi, loan_drift.psi, atol=1e-12)
    assert uploaded.batch == "custom"


def test_read_batch_coerces_names_categories_and_ids(loan: Bundle) -> None:
    assert loan.current is not None
    table = loan.current.head(20).reset_index(drop=True)
    table["home_ownership"] = table["home_ownership"].astype(str).str.upper()
    table["annual_income"] = table["annual_income"].map(lambda v: "" if pd.isna(v) else f" {v} ")
    table = table.rename(columns={"loan_amount": "Loan_Amount "})
    batch = read_batch(_csv(table), "b.csv", loan)
    assert list(batch.index) == [str(i) for i in range(1, 21)] and batch.index.name == loan.spec.id_column
    assert set(batch["home_ownership"].dropna()) <= set(loan.model.categories["home_ownership"])
    assert isinstance(batch["home_ownership"].dtype, pd.CategoricalDtype)
    np.testing.assert_allclose(batch["loan_amount"], loan.current["loan_amount"].head(20).to_numpy())
    assert batch["annual_income"].dtype == float


@pytest.mark.parametrize(
    ("change", "filename", "error", "message"),
    [
        (lambda t: t.drop(columns="annual_income"), "b.csv", FeatureNotFoundError, "lacks 1 of the model's inputs"),
        (lambda t: t.rename(columns={"annual_income": "annual_incme"}), "b.csv", FeatureNotFoundError, "did you mean"),
        (lambda t: t.assign(debt_to_income="12,5%"), "b.csv", BundleError, "must hold numbers.*'12,5%'"),
        (lambda t: t.assign(loan_purpose="holiday"), "b.csv", BundleError, "does not know: 'holiday'"),
        (lambda t: t.assign(application_id="same"), "b.csv", BundleError, "appears more than once"),
        (lambda t: t.assign(defaulted="yes"), "b.csv", BundleError, "must hold 0, 1 or nothing"),
        (lambda t: t, "b.xlsx", BundleError, "upload a .csv or .parquet"),
        (lambda t: t.head(0), "b.csv", BundleError, "no rows"),
    ],
)
def test_read_batch_says_what_is_wrong(
    loan: Bundle, change: object, filename: str, error: type[Exception], message: str
) -> None:
    assert loan.current is not None and callable(change)
    table = change(loan.current.head(30).reset_index())
    with pytest.raises(error, match=f"(?i){message}"):
        read_batch(_csv(table), filename, loan)


def test_read_batch_refuses_unreadable_bytes(loan: Bundle) -> None:
    with pytest.raises(BundleError, match="is empty"):
        read_batch(b"", "b.csv", loan)
    with pytest.raises(BundleError, match="not UTF-8"):
        read_batch(b"annual_income\n\xff\xfe\x00", "b.csv", loan)
    with pytest.raises(BundleError, match="could not be read as Parquet"):
        read_batch(b"not parquet at all", "b.parquet", loan)
    with pytest.raises(ExplainError, match="at most 10 are accepted"):
        assert loan.current is not None
        read_batch(_csv(loan.current.head(11).reset_index()), "b.csv", loan, max_rows=10)


def test_batch_drift_without_a_batch_or_reference_is_explained(tmp_path: Path) -> None:
    x = pd.DataFrame({"a": np.arange(40.0), "b": np.tile([0.0, 1.0], 20)})
    model = LogisticRegression().fit(x, np.arange(40) >= 20)
    with pytest.raises(BundleError, match="no reference data"):
        batch_drift(Bundle.from_estimator(model, x))
    with pytest.raises(BundleError, match="upload a batch"):
        batch_drift(Bundle.from_estimator(model, x, reference=x))
    with pytest.raises(ExplainError, match=r"batch must be .current., .decisions. or a DataFrame"):
        batch_drift(Bundle.from_estimator(model, x, reference=x), batch="later")  # type: ignore[arg-type]
