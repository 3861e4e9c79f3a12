"""Checks an engineer runs before trusting explanations: the direction of each effect, and
the quality of the explanations themselves (additivity, agreement, stability)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explain._cores import uses_all_cores
from explain._stamp import AuditStamp, make_stamp
from explain.attribution._importance import ImportanceResult
from explain.attribution._shap import FALLBACK_BACKGROUND_ROWS, shap_values
from explain.bundle._bundle import Bundle, TableName

Progress = Callable[[float, str], None]
#: |Spearman correlation| below this between a value and its SHAP value counts as no clear direction.
DIRECTION_MIN_CORRELATION = 0.1


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3:
        return float("nan")
    ra = pd.Series(a).rank().to_numpy()
    rb = pd.Series(b).rank().to_numpy()
    if np.std(ra) == 0 or np.std(rb) == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


@dataclass(frozen=True, eq=False)
class DirectionResult:
    """Per feature with an expected effect: the model's observed direction and whether it agrees."""

    features: tuple[str, ...]
    labels: tuple[str, ...]
    expected: tuple[str, ...]
    observed: tuple[str, ...]
    correlation: np.ndarray
    agrees: tuple[bool, ...]
    n_rows: int
    stamp: AuditStamp

    @property
    def disagreements(self) -> tuple[str, ...]:
        """Features whose observed effect runs against the expected one."""
        return tuple(f for f, ok in zip(self.features, self.agrees, strict=True) if not ok)

    def to_frame(self) -> pd.DataFrame:
        """A new table, disagreements first."""
        frame = pd.DataFrame(
            {
                "feature": self.features,
                "label": self.labels,
                "expected": self.expected,
                "observed": self.observed,
                "spearman": self.correlation.copy(),
                "agrees": self.agrees,
            }
        )
        return frame.sort_values("agrees", kind="stable").reset_index(drop=True)


@uses_all_cores
def direction_check(
    bundle: Bundle, *, data: TableName | None = None, max_rows: int = 2_000, random_state: int = 0
) -> DirectionResult:
    """Compare each numeric input's effect on the score (SHAP against value) with the spec's
    ``expected_effect``. The observed direction is the sign of the Spearman correlation between
    the value and its SHAP value ("no clear direction" when |ρ| < 0.1); a feature disagrees
    when the observed direction is the opposite of the expected one.
    """
    data = data or bundle.population_table
    result = shap_values(bundle, data=data, max_rows=max_rows, random_state=random_state)
    rows = bundle.table(data).loc[list(result.ids)]
    effects = _risk_contributions(bundle, result.values)
    features, labels, expected, observed, rhos, agrees = [], [], [], [], [], []
    for j, name in enumerate(bundle.features):
        spec = bundle.spec.feature(name)
        if spec.expected_effect is None or name in bundle.model.categories or effects is None:
            continue
        values = pd.to_numeric(rows[name], errors="coerce").to_numpy(dtype=float)
        keep = ~np.isnan(values)
        rho = _spearman(values[keep], effects[keep, j])
        if np.isnan(rho) or abs(rho) < DIRECTION_MIN_CORRELATION:
            seen = "no clear direction"
        else:
            seen = "increases" if rho > 0 else "decreases"
        features.append(name)
        labels.append(spec.label)
        expected.append(spec.expected_effect)
        observed.append(seen)
        rhos.append(rho)
        agrees.append(seen in (spec.expected_effect, "no clear direction"))
    return DirectionResult(
        features=tuple(features),
        labels=tuple(labels),
        expected=tuple(expected),
        observed=tuple(observed),
        correlation=np.asarray(rhos, dtype=float),
        agrees=tuple(agrees),
        n_rows=len(rows),
        stamp=result.stamp,
    )


def _risk_contributions(bundle: Bundle, values: np.ndarray) -> np.ndarray | None:
    """Rows × inputs contributions in the direction ``expected_effect`` speaks of: the score
    (binary) or the estimate (regression); for a multiclass model with an order of its classes,
    toward the worst class and away from the best; None for a multiclass model without one."""
    if values.ndim == 2:
        return values
    order = bundle.spec.classes.order
    if not order:
        return None
    classes = bundle.model.classes
    return np.asarray(values[:, :, classes.index(order[-1])] - values[:, :, classes.index(order[0])])


@dataclass(frozen=True)
class QualityResult:
    """How far to trust the explanations of this bundle."""

    additivity_residual: float
    n_rows: int
    explainer: str
    output_space: str
    background: str
    rank_agreement: float
    top_five: tuple[str, ...]
    top_five_stability: float
    n_resamples: int
    stamp: AuditStamp

    def to_frame(self) -> pd.DataFrame:
        """A new table of the quality figures (measure, value)."""
        rows = {
            "additivity residual": self.additivity_residual,
            "rows": self.n_rows,
            "rank agreement (Spearman)": self.rank_agreement,
            "top-five stability (Jaccard)": self.top_five_stability,
            "resamples": self.n_resamples,
        }
        return pd.DataFrame({"measure": list(rows), "value": [float(v) for v in rows.values()]})


@uses_all_cores
def explanation_quality(
    bundle: Bundle,
    shap_importance: ImportanceResult,
    permutation_importance: ImportanceResult,
    *,
    data: TableName | None = None,
    max_rows: int = 2_000,
    n_resamples: int = 20,
    random_state: int = 0,
) -> QualityResult:
    """Additivity against the model's predict on the shown sample, the explainer and its
    background, Spearman agreement of SHAP and permutation importance ranks, and the mean
    Jaccard similarity of the top five features over bootstrap resamples with the top five
    of the whole sample.
    """
    data = data or bundle.population_table
    result = shap_values(bundle, data=data, max_rows=max_rows, random_state=random_state)
    rows = bundle.table(data).loc[list(result.ids)]
    raw = bundle.model.predict_raw(rows)
    residual = float(np.max(np.abs(result.base_values + result.values.sum(axis=1) - raw)))
    shap_rank = pd.Series(shap_importance.importance, index=shap_importance.features)
    perm_rank = pd.Series(permutation_importance.importance, index=permutation_importance.features)
    common = shap_rank.index.intersection(perm_rank.index)
    agreement = _spearman(shap_rank[common].to_numpy(), perm_rank[common].to_numpy())
    magnitude = np.abs(result.values)
    if magnitude.ndim == 3:  # multiclass: every class's share together
        magnitude = magnitude.sum(axis=2)
    names = np.asarray(result.feature_names)
    k = min(5, len(names))
    top = set(names[np.argsort(-magnitude.mean(axis=0), kind="stable")[:k]])
    rng = np.random.default_rng(random_state)
    scores = []
    for _ in range(n_resamples):
        idx = rng.integers(0, len(magnitude), len(magnitude))
        sample_top = set(names[np.argsort(-magnitude[idx].mean(axis=0), kind="stable")[:k]])
        scores.append(len(top & sample_top) / len(top | sample_top))
    background = (
        f"{FALLBACK_BACKGROUND_ROWS} seeded rows of the {bundle.population_name}"
        if bundle.model.needs_background
        else "none needed: path-dependent TreeSHAP uses the training data's tree covers"
    )
    return QualityResult(
        additivity_residual=residual,
        n_rows=len(rows),
        explainer=result.explainer,
        output_space=result.output,
        background=background,
        rank_agreement=agreement,
        top_five=tuple(sorted(top, key=lambda f: list(names).index(f))),
        top_five_stability=float(np.mean(scores)),
        n_resamples=n_resamples,
        stamp=make_stamp(bundle, explainer=result.explainer, additivity_residual=residual, random_state=random_state),
    )


def rank_differences(
    shap_importance: ImportanceResult, permutation_importance: ImportanceResult, *, top: int = 10, gap: int = 3
) -> pd.DataFrame:
    """Features whose SHAP and permutation ranks differ by ``gap`` or more among the top ``top``."""
    a = shap_importance.to_frame().set_index("feature")["rank"]
    b = permutation_importance.to_frame().set_index("feature")["rank"]
    frame = pd.DataFrame({"shap_rank": a, "permutation_rank": b}).dropna()
    frame = frame[(frame.shap_rank <= top) | (frame.permutation_rank <= top)]
    frame["difference"] = (frame.shap_rank - frame.permutation_rank).abs()
    flagged = frame[frame.difference >= gap].sort_values("difference", ascending=False)
    return flagged.reset_index().rename(columns={"index": "feature"})
