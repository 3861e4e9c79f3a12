"""Drift between the reference data and a later batch: inputs, scores and explanations.

The population stability index (PSI) of one input compares the share of rows in each bin:
ten bins cut at the reference deciles for numbers (fewer where values repeat), one bin per
category, and one bin for missing values; shares are floored at a small epsilon so an empty
bin does not divide by zero. PSI = Σ (batch − reference) · ln(batch / reference). Below 0.1
is read as stable, from 0.1 a moderate shift, from 0.25 a major one. Scores get a PSI of
their own (bins at the reference score deciles) and the mean score before and after; the
change in mean |SHAP| per input says whether the model now leans on different inputs.
Kolmogorov–Smirnov (numbers) and chi-square (categories) tests are reported as secondary
information: on thousands of rows they call tiny, harmless shifts significant.

The batch is the bundle's ``current`` table or a file the user uploads, read and checked
by :func:`read_batch`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from explain._cores import uses_all_cores
from explain._params import check_int, check_number
from explain._progress import Progress, report
from explain._stamp import AuditStamp, make_stamp
from explain.attribution._importance import ImportanceResult, shap_importance
from explain.bundle._bundle import Bundle
from explain.bundle._spec import FeatureSpec
from explain.bundle._upload import read_batch
from explain.errors import BundleError, ExplainError, InvalidParameterError
from explain.evaluation._common import Binning, bin_counts, is_categorical, make_binning, sample_rows

MODERATE = 0.1
MAJOR = 0.25
EPSILON = 1e-4
#: Below this many rows in the batch, ten-bin shares are too noisy for the PSI to mean anything.
MIN_BATCH_ROWS = 200
Status = Literal["stable", "moderate", "major"]


def population_stability_index(
    reference_counts: np.ndarray, batch_counts: np.ndarray, *, epsilon: float = EPSILON
) -> float:
    """PSI of two histograms over the same bins (counts or shares), shares floored at ``epsilon``.

    Examples
    --------
    >>> round(population_stability_index(np.array([50, 50]), np.array([25, 75])), 4)
    0.2747
    """
    return float(np.sum(_psi_terms(reference_counts, batch_counts, epsilon)))


def _shares(counts: np.ndarray) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    return counts / total if total > 0 else counts


def _psi_terms(reference_counts: np.ndarray, batch_counts: np.ndarray, epsilon: float) -> np.ndarray:
    r = np.maximum(_shares(reference_counts), epsilon)
    b = np.maximum(_shares(batch_counts), epsilon)
    return np.asarray((b - r) * np.log(b / r))


def drift_status(psi: float) -> Status:
    """``stable`` below 0.1, ``moderate`` from 0.1, ``major`` from 0.25."""
    return "major" if psi >= MAJOR else ("moderate" if psi >= MODERATE else "stable")


@dataclass(frozen=True, eq=False)
class BinShares:
    """Shares of the reference and the batch in each bin, and each bin's part of the PSI."""

    labels: tuple[str, ...]
    reference: np.ndarray
    batch: np.ndarray
    psi_terms: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """A new table, one row per bin (bins empty on both sides left out)."""
        keep = (self.reference > 0) | (self.batch > 0)
        return pd.DataFrame(
            {
                "bin": np.asarray(self.labels, dtype=object)[keep],
                "reference_share": self.reference[keep],
                "batch_share": self.batch[keep],
                "psi_term": self.psi_terms[keep],
            }
        )


@dataclass(frozen=True, eq=False)
class DriftResult:
    """Drift of every model input and of the scores between the reference and a batch.

    Arrays run over ``features``. ``mean_*`` are NaN for categories; ``p_value`` comes from a
    KS test (numbers) or a chi-square test (categories). ``importance_*`` hold mean |SHAP| on
    each table (``None`` when SHAP was skipped).
    """

    batch: str
    n_reference: int
    n_batch: int
    features: tuple[str, ...]
    labels: tuple[str, ...]
    categorical: tuple[bool, ...]
    psi: np.ndarray
    bins: tuple[BinShares, ...]
    missing_reference: np.ndarray
    missing_batch: np.ndarray
    mean_reference: np.ndarray
    mean_batch: np.ndarray
    test: tuple[str, ...]
    statistic: np.ndarray
    p_value: np.ndarray
    score_psi: float
    score_bins: BinShares
    score_mean_reference: float
    score_mean_batch: float
    flagged_reference: float
    flagged_batch: float
    threshold: float
    importance_reference: ImportanceResult | None
    importance_batch: ImportanceResult | None
    n_bins: int
    epsilon: float
    max_rows: int
    random_state: int
    stamp: AuditStamp
    output_kind: str = "score"  # what score_* measure: "score" (binary), "estimate", or "class" (its chance)
    output_unit: str = ""  # a regression target's unit
    output_decimals: int | None = None

    @property
    def meaningful(self) -> bool:
        """Whether the batch is large enough (``MIN_BATCH_ROWS``) for its PSI to be read as drift."""
        return self.n_batch >= MIN_BATCH_ROWS

    @property
    def status(self) -> tuple[Status, ...]:
        """Per input: ``stable``, ``moderate`` or ``major`` (PSI below 0.1, from 0.1, from 0.25)."""
        return tuple(drift_status(float(p)) for p in self.psi)

    @property
    def score_status(self) -> Status:
        """The drift status of the scores."""
        return drift_status(self.score_psi)

    def feature_bins(self, name: str) -> BinShares:
        """The bins of one input by name."""
        if name not in self.features:
            raise ExplainError(f"{name!r} is not a model input; expected one of {', '.join(self.features)}.")
        return self.bins[self.features.index(name)]

    def to_frame(self) -> pd.DataFrame:
        """A new table, one row per input, largest PSI first."""
        frame = pd.DataFrame(
            {
                "feature": self.features,
                "label": self.labels,
                "categorical": self.categorical,
                "psi": self.psi.copy(),
                "status": self.status,
                "missing_reference": self.missing_reference.copy(),
                "missing_batch": self.missing_batch.copy(),
                "mean_reference": self.mean_reference.copy(),
                "mean_batch": self.mean_batch.copy(),
                "test": self.test,
                "statistic": self.statistic.copy(),
                "p_value": self.p_value.copy(),
            }
        )
        if self.importance_reference is not None and self.importance_batch is not None:
            frame["shap_reference"] = self.importance_reference.importance.copy()
            frame["shap_batch"] = self.importance_batch.importance.copy()
            frame["shap_change"] = frame["shap_batch"] - frame["shap_reference"]
        return frame.sort_values("psi", ascending=False, kind="stable").reset_index(drop=True)


def _bin_shares(binning: Binning, labels: tuple[str, ...], ref: pd.Series, batch: pd.Series, eps: float) -> BinShares:
    rc, bc = bin_counts(binning, ref), bin_counts(binning, batch)
    return BinShares(labels=labels, reference=_shares(rc), batch=_shares(bc), psi_terms=_psi_terms(rc, bc, eps))


def _test(ref: pd.Series, batch: pd.Series, binning: Binning) -> tuple[str, float, float]:
    if binning.categorical:
        table = np.vstack([bin_counts(binning, ref), bin_counts(binning, batch)])
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2:
            return "chi-square", float("nan"), float("nan")
        chi2 = stats.chi2_contingency(table)
        return "chi-square", float(chi2.statistic), float(chi2.pvalue)
    a = pd.to_numeric(ref, errors="coerce").dropna().to_numpy(dtype=float)
    b = pd.to_numeric(batch, errors="coerce").dropna().to_numpy(dtype=float)
    if len(a) == 0 or len(b) == 0:
        return "Kolmogorov–Smirnov", float("nan"), float("nan")
    ks = stats.ks_2samp(a, b)
    return "Kolmogorov–Smirnov", float(ks.statistic), float(ks.pvalue)


@dataclass(frozen=True)
class _FeatureDrift:
    categorical: bool
    bins: BinShares
    psi: float
    test: str
    statistic: float
    p_value: float
    missing_reference: float
    missing_batch: float
    mean_reference: float
    mean_batch: float


def _feature_drift(
    bundle: Bundle, feature: str, r: pd.Series, b: pd.Series, n_bins: int, epsilon: float
) -> _FeatureDrift:
    """Bins, PSI, test, missing shares and means of one input, reference ``r`` against batch ``b``."""
    categorical = is_categorical(bundle, feature, r)
    binning = make_binning(
        feature, r, categorical=categorical, n_bins=n_bins, known=bundle.model.categories.get(feature, ()), also=b
    )
    shares = _bin_shares(binning, binning.labels(bundle.spec.feature(feature)), r, b, epsilon)
    test, statistic, p_value = _test(r, b, binning)

    def mean(column: pd.Series) -> float:
        return float("nan") if categorical else float(pd.to_numeric(column, errors="coerce").mean())

    return _FeatureDrift(
        categorical=categorical,
        bins=shares,
        psi=float(shares.psi_terms.sum()),
        test=test,
        statistic=statistic,
        p_value=p_value,
        missing_reference=float(r.isna().mean()) if len(r) else float("nan"),
        missing_batch=float(b.isna().mean()) if len(b) else float("nan"),
        mean_reference=mean(r),
        mean_batch=mean(b),
    )


def _batch_table(bundle: Bundle, batch: str | pd.DataFrame) -> tuple[str, pd.DataFrame]:
    if isinstance(batch, pd.DataFrame):
        if batch.empty:
            raise BundleError("the batch has no rows; upload a file with at least one case.")
        bundle.model.prepare(batch.head(5), where="the batch")
        return "custom", batch
    if batch not in ("current", "decisions"):
        raise InvalidParameterError(f"batch must be 'current', 'decisions' or a DataFrame; got {batch!r}.")
    if getattr(bundle, batch) is None:
        raise BundleError(
            f"bundle {bundle.key!r} has no {batch} table to compare with the reference; upload a batch "
            "(CSV or Parquet) instead, or add current.parquet to the bundle."
        )
    return batch, bundle.table(batch)


@uses_all_cores
def batch_drift(
    bundle: Bundle,
    *,
    batch: Literal["current", "decisions"] | pd.DataFrame = "current",
    n_bins: int = 10,
    epsilon: float = EPSILON,
    with_shap: bool = True,
    shap_rows: int = 1_000,
    max_rows: int = 50_000,
    random_state: int = 0,
    progress: Progress | None = None,
) -> DriftResult:
    """PSI of every input and of the scores, and the change in mean |SHAP|, reference against a batch.

    ``batch`` is ``"current"`` (the bundle's later batch), ``"decisions"`` or a DataFrame from
    :func:`read_batch`. Each table is capped at ``max_rows`` rows (seeded samples); SHAP
    uses at most ``shap_rows`` rows of each (``with_shap=False`` skips it).

    Examples
    --------
    >>> result = batch_drift(bundle)  # doctest: +SKIP
    >>> result.to_frame()[["feature", "psi", "status"]].head(3)  # doctest: +SKIP
    """
    check_int("n_bins", n_bins, 2)
    check_int("max_rows", max_rows, 10)
    check_int("shap_rows", shap_rows, 1)
    check_number("epsilon", epsilon, 0.0, 0.01, low_open=True, high_open=True)
    if bundle.reference is None:
        raise BundleError(
            f"bundle {bundle.key!r} has no reference data; drift is measured against it, so add reference.parquet."
        )
    name, batch_frame = _batch_table(bundle, batch)
    rng = np.random.default_rng(random_state)
    ref = sample_rows(bundle.reference, max_rows, rng)
    new = sample_rows(batch_frame, max_rows, rng)
    features = bundle.features
    steps = len(features) + (2 if with_shap else 0) + 1
    per_feature = []
    for j, feature in enumerate(features):
        report(progress, j / steps, f"Comparing {bundle.spec.label(feature)}")
        per_feature.append(_feature_drift(bundle, feature, ref[feature], new[feature], n_bins, epsilon))
    report(progress, len(features) / steps, "Scoring both tables")
    binned_r, score_r = _outputs(bundle, ref)
    binned_b, score_b = _outputs(bundle, new)
    kind = {"binary": "score", "regression": "estimate", "multiclass": "class"}[bundle.model.task]
    if kind == "class":  # the predicted classes' shares, each class a bin
        known = tuple(bundle.spec.classes.label(c) for c in bundle.model.classes)
        score_binning = make_binning("class", binned_r, categorical=True, known=known, also=binned_b)
        score_labels = score_binning.labels()
    else:
        score_binning = make_binning("score", binned_r, categorical=False, n_bins=n_bins)
        target = bundle.spec.target
        writer = FeatureSpec("target", target.label, unit=target.unit, decimals=target.decimals, kind="amount")
        score_labels = score_binning.labels(writer if kind == "estimate" else None)
    score_bins = _bin_shares(score_binning, score_labels, binned_r, binned_b, epsilon)
    threshold = bundle.spec.decision.threshold if kind == "score" else float("nan")
    importance_r = importance_b = None
    if with_shap:
        report(progress, (len(features) + 1) / steps, "Computing SHAP on the reference data")
        importance_r = shap_importance(bundle, data=ref, max_rows=shap_rows, n_bootstrap=20, random_state=random_state)
        report(progress, (len(features) + 2) / steps, "Computing SHAP on the batch")
        importance_b = shap_importance(bundle, data=new, max_rows=shap_rows, n_bootstrap=20, random_state=random_state)
    report(progress, 1.0, "Drift done")
    return DriftResult(
        batch=name,
        n_reference=len(ref),
        n_batch=len(new),
        features=features,
        labels=tuple(bundle.spec.label(f) for f in features),
        categorical=tuple([d.categorical for d in per_feature]),
        psi=np.asarray([d.psi for d in per_feature], dtype=float),
        bins=tuple([d.bins for d in per_feature]),
        missing_reference=np.asarray([d.missing_reference for d in per_feature], dtype=float),
        missing_batch=np.asarray([d.missing_batch for d in per_feature], dtype=float),
        mean_reference=np.asarray([d.mean_reference for d in per_feature], dtype=float),
        mean_batch=np.asarray([d.mean_batch for d in per_feature], dtype=float),
        test=tuple([d.test for d in per_feature]),
        statistic=np.asarray([d.statistic for d in per_feature], dtype=float),
        p_value=np.asarray([d.p_value for d in per_feature], dtype=float),
        score_psi=float(score_bins.psi_terms.sum()),
        score_bins=score_bins,
        score_mean_reference=float(score_r.mean()),
        score_mean_batch=float(score_b.mean()),
        flagged_reference=float((score_r >= threshold).mean()) if kind == "score" else float("nan"),
        flagged_batch=float((score_b >= threshold).mean()) if kind == "score" else float("nan"),
        threshold=threshold,
        importance_reference=importance_r,
        importance_batch=importance_b,
        n_bins=n_bins,
        epsilon=epsilon,
        max_rows=max_rows,
        random_state=random_state,
        stamp=make_stamp(bundle, random_state=random_state),
        output_kind=kind,
        output_unit=bundle.spec.target.unit if kind == "estimate" else "",
        output_decimals=bundle.spec.target.decimals if kind == "estimate" else None,
    )


def _outputs(bundle: Bundle, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The model's output on ``frame`` as binned for the PSI, and as a number for the means: the
    score (binary), the estimate (regression), or the predicted class in the spec's words and
    its chance (multiclass)."""
    if bundle.model.task == "binary":
        score = pd.Series(bundle.model.predict_score(frame))
        return score, score
    response = np.asarray(bundle.model.predict_response(frame))
    if bundle.model.task == "regression":
        return pd.Series(response), pd.Series(response)
    labels = [bundle.spec.classes.label(bundle.model.classes[k]) for k in response.argmax(axis=1)]
    return pd.Series(labels, dtype=object), pd.Series(response.max(axis=1))


__all__ = [
    "MAJOR",
    "MIN_BATCH_ROWS",
    "MODERATE",
    "BinShares",
    "DriftResult",
    "batch_drift",
    "drift_status",
    "population_stability_index",
    "read_batch",
]
