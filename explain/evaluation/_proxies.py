"""Proxies: the model inputs that predict a sensitive column's groups.

A sensitive column that is not a model input can still reach the model through inputs that
predict it. Each input's power to predict the group is measured honestly, out of fold: the
input is binned (reference deciles, categories, missing), the group shares per bin are
learned on the other folds (smoothed towards the overall shares), and the held-out
predictions are scored by ROC AUC (one-vs-rest macro average for more than two groups; 0.5
means no information). The share of mean |SHAP| flowing through the strong proxies says how
much of the model's reasoning could carry the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from explain.bundle._bundle import Bundle
from explain.evaluation._common import is_categorical, make_binning
from explain.evaluation._groups import group_values


class GroupsOf(Protocol):
    """What the proxy search needs of a column's fairness: its groups and which are small."""

    @property
    def column(self) -> str: ...

    @property
    def groups(self) -> tuple[str, ...]: ...

    @property
    def small(self) -> np.ndarray: ...


@dataclass(frozen=True, eq=False)
class ProxyResult:
    """How well each model input predicts the groups of one sensitive column (out-of-fold ROC AUC)."""

    features: tuple[str, ...]
    labels: tuple[str, ...]
    auc: np.ndarray
    shap_share: np.ndarray
    strong: np.ndarray
    proxy_auc: float
    n_rows: int
    n_folds: int

    @property
    def strong_shap_share(self) -> float:
        """Share of the model's mean |SHAP| that flows through the strong proxies."""
        return float(self.shap_share[self.strong].sum())

    def to_frame(self) -> pd.DataFrame:
        """A new table, strongest proxy first."""
        frame = pd.DataFrame(
            {
                "feature": self.features,
                "label": self.labels,
                "auc": self.auc.copy(),
                "shap_share": self.shap_share.copy(),
                "strong": self.strong.copy(),
            }
        )
        return frame.sort_values("auc", ascending=False, kind="stable").reset_index(drop=True)


def _proxy_auc(codes: np.ndarray, groups: np.ndarray, n_groups: int, n_folds: int, rng: np.random.Generator) -> float:
    """Out-of-fold ROC AUC of predicting ``groups`` from the bin ``codes`` of one input."""
    n_bins = int(codes.max()) + 1
    folds = rng.permutation(len(codes)) % n_folds
    proba = np.empty((len(codes), n_groups))
    for k in range(n_folds):
        train, test = folds != k, folds == k
        counts = np.zeros((n_bins, n_groups))
        np.add.at(counts, (codes[train], groups[train]), 1.0)
        prior = (np.bincount(groups[train], minlength=n_groups) + 1.0) / (train.sum() + n_groups)
        smoothed = (counts + prior) / (counts.sum(axis=1, keepdims=True) + 1.0)  # rows sum to 1
        proba[test] = smoothed[codes[test]]
    if n_groups == 2:
        return float(roc_auc_score(groups, proba[:, 1]))
    return float(roc_auc_score(groups, proba, multi_class="ovr", average="macro", labels=np.arange(n_groups)))


def find_proxies(
    bundle: Bundle,
    result: GroupsOf,
    frame: pd.DataFrame,
    shap_share: np.ndarray,
    *,
    proxy_auc: float,
    n_folds: int,
    n_bins: int,
    random_state: int,
) -> ProxyResult | None:
    values, _ = group_values(bundle, result.column, frame)
    large = [g for g, s in zip(result.groups, result.small, strict=True) if not s]
    if len(large) < 2:
        return None
    keep = np.isin(values, large)
    sub = frame.loc[keep]
    groups = pd.Index(large).get_indexer(pd.Index(values[keep]))
    rng = np.random.default_rng(random_state)
    features = [f for f in bundle.features if f != result.column]
    auc = np.empty(len(features))
    for j, name in enumerate(features):
        binning = make_binning(
            name,
            sub[name],
            categorical=is_categorical(bundle, name, sub[name]),
            n_bins=n_bins,
            known=bundle.model.categories.get(name, ()),
        )
        auc[j] = _proxy_auc(binning.codes(sub[name]), groups, len(large), n_folds, rng)
    share = np.asarray([shap_share[bundle.features.index(f)] for f in features])
    return ProxyResult(
        features=tuple(features),
        labels=tuple(bundle.spec.label(f) for f in features),
        auc=auc,
        shap_share=share,
        strong=auc >= proxy_auc,
        proxy_auc=proxy_auc,
        n_rows=int(keep.sum()),
        n_folds=n_folds,
    )
