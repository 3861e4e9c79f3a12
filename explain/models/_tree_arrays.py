"""A tree ensemble as flat arrays: the one shape the compiled kernels read.

LightGBM's text dump and scikit-learn's fitted forests both become a :class:`TreeArrays`:
every tree's internal nodes and leaves side by side, children as global indices (a leaf
is ``~leaf``), and the split rules of the library that trained the model reproduced
exactly (LightGBM's missing-value types and category bitsets; scikit-learn's float32
inputs and its missing-value direction). :mod:`._tree_kernels` walks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from explain.models._lightgbm_text import LightGBMText
from explain.models._lightgbm_trees import CATEGORICAL_MASK, DEFAULT_LEFT_MASK

#: Split rules the kernels know: a number compared with the threshold, a missing value read as
#: zero (LightGBM's missing type None); the same with zero (and missing) sent the default way
#: (type Zero); missing values sent the default way (type NaN); a category looked up in a bitset.
RULE_NUMBER, RULE_ZERO_MISSING, RULE_NAN_MISSING, RULE_CATEGORY = 0, 1, 2, 3


@dataclass(frozen=True, eq=False)
class TreeArrays:
    """Internal nodes (``n_*``), leaves (``leaf_*``) and trees (``tree_*``) of one ensemble.

    The raw output of a row is ``Σ_t leaf_value[leaf_t(x)] / divisor`` (one column per output:
    one for a binary or regression model, one per class otherwise).
    """

    n_feature: np.ndarray  # int32: the input each split reads
    n_threshold: np.ndarray  # float64
    n_rule: np.ndarray  # int8: one of the RULE_* values
    n_default_left: np.ndarray  # bool: where a missing value goes
    n_left: np.ndarray  # int32: global node index, or ~global leaf index
    n_right: np.ndarray  # int32
    n_cover: np.ndarray  # float64: training rows through the node
    n_cat_start: np.ndarray  # int32: first bitset word in ``cat_bits``
    n_cat_len: np.ndarray  # int32: bitset words
    cat_bits: np.ndarray  # uint32
    leaf_value: np.ndarray  # float64 (leaves × outputs)
    leaf_cover: np.ndarray  # float64
    tree_root: np.ndarray  # int32: global node index, or ~leaf for a one-leaf tree
    tree_node_start: np.ndarray  # int32 (trees + 1): tree t's nodes are [start[t], start[t+1])
    tree_leaf_start: np.ndarray  # int32 (trees + 1)
    tree_output: np.ndarray  # int32: the output column a tree adds to (-1: all of them)
    divisor: float  # the number of trees of an averaging ensemble, else 1
    n_outputs: int
    n_features: int
    float32_inputs: bool = False  # scikit-learn compares float32 copies of the inputs

    @property
    def n_trees(self) -> int:
        """Number of trees."""
        return len(self.tree_root)


def model_matrix(x: pd.DataFrame) -> np.ndarray:
    """Prepared rows as LightGBM's predictor reads them: numbers as float64, a category as its
    code with missing (and unknown) as NaN."""
    out = np.empty((len(x), x.shape[1]), dtype=np.float64)
    for j, name in enumerate(x.columns):
        column = x[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy().astype(np.float64)
            codes[codes < 0] = np.nan
            out[:, j] = codes
        else:
            out[:, j] = pd.to_numeric(column).to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def from_lightgbm(model: LightGBMText) -> TreeArrays:
    """The trees of a validated LightGBM text model."""
    outputs = model.num_tree_per_iteration
    feature, threshold, rule, default_left, left, right, cover = ([] for _ in range(7))
    cat_start: list[np.ndarray] = []
    cat_len: list[np.ndarray] = []
    cat_bits: list[np.ndarray] = []
    leaf_value, leaf_cover, roots, node_start, leaf_start, tree_output = [], [], [], [0], [0], []
    words = 0
    for t, tree in enumerate(model.trees):
        nodes, leaves = node_start[-1], leaf_start[-1]
        internal = tree.num_leaves - 1
        values = np.zeros((tree.num_leaves, outputs))
        values[:, t % outputs] = tree.leaf_value
        leaf_value.append(values)
        leaf_cover.append(tree.leaf_count.astype(np.float64))
        tree_output.append(t % outputs)
        roots.append(nodes if internal else ~leaves)
        node_start.append(nodes + internal)
        leaf_start.append(leaves + tree.num_leaves)
        if not internal:
            continue
        kinds = tree.decision_type
        categorical = (kinds & CATEGORICAL_MASK).astype(bool)
        feature.append(tree.split_feature)
        threshold.append(np.where(categorical, 0.0, tree.threshold))
        rule.append(np.where(categorical, RULE_CATEGORY, (kinds >> 2) & 3))  # LightGBM's missing types are 0, 1, 2
        default_left.append((kinds & DEFAULT_LEFT_MASK).astype(bool))
        left.append(np.where(tree.left_child >= 0, tree.left_child + nodes, ~(~tree.left_child + leaves)))
        right.append(np.where(tree.right_child >= 0, tree.right_child + nodes, ~(~tree.right_child + leaves)))
        cover.append(tree.internal_count.astype(np.float64))
        starts = np.zeros(internal, dtype=np.int64)
        lengths = np.zeros(internal, dtype=np.int64)
        if categorical.any():
            index = tree.threshold[categorical].astype(np.int64)  # the split's category list
            starts[categorical] = tree.cat_boundaries[index] + words
            lengths[categorical] = tree.cat_boundaries[index + 1] - tree.cat_boundaries[index]
            cat_bits.append(tree.cat_threshold)
            words += len(tree.cat_threshold)
        cat_start.append(starts)
        cat_len.append(lengths)
    return TreeArrays(
        n_feature=_joined(feature, np.int32),
        n_threshold=_joined(threshold, np.float64),
        n_rule=_joined(rule, np.int8),
        n_default_left=_joined(default_left, np.bool_),
        n_left=_joined(left, np.int32),
        n_right=_joined(right, np.int32),
        n_cover=_joined(cover, np.float64),
        n_cat_start=_joined(cat_start, np.int32),
        n_cat_len=_joined(cat_len, np.int32),
        cat_bits=_joined(cat_bits, np.uint32),
        leaf_value=np.concatenate(leaf_value) if leaf_value else np.zeros((0, outputs)),
        leaf_cover=_joined(leaf_cover, np.float64),
        tree_root=np.asarray(roots, dtype=np.int32),
        tree_node_start=np.asarray(node_start, dtype=np.int32),
        tree_leaf_start=np.asarray(leaf_start, dtype=np.int32),
        tree_output=np.asarray(tree_output, dtype=np.int32),
        divisor=float(model.averaged_over),
        n_outputs=outputs,
        n_features=model.num_features,
    )


def _joined(parts: list[Any], dtype: type) -> np.ndarray:
    return np.ascontiguousarray(np.concatenate(parts) if parts else np.zeros(0), dtype=dtype)


def from_sklearn_forest(forest: Any) -> TreeArrays | None:
    """The trees of a fitted ``RandomForest*`` or ``ExtraTrees*`` (averaged class shares or
    estimates); None for any other estimator. Inputs are compared as float32, as scikit-learn does."""
    from sklearn.ensemble import (
        ExtraTreesClassifier,
        ExtraTreesRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )

    if not isinstance(
        forest, RandomForestClassifier | RandomForestRegressor | ExtraTreesClassifier | ExtraTreesRegressor
    ):
        return None
    if getattr(forest, "n_outputs_", 1) != 1:
        return None
    classifier = isinstance(forest, RandomForestClassifier | ExtraTreesClassifier)
    feature, threshold, left, right, cover, default_left = [], [], [], [], [], []
    leaf_value, leaf_cover, roots, node_start, leaf_start = [], [], [], [0], [0]
    for estimator in forest.estimators_:
        tree = estimator.tree_
        is_leaf = tree.children_left < 0
        internal_ids = np.flatnonzero(~is_leaf)
        leaf_ids = np.flatnonzero(is_leaf)
        nodes, leaves = node_start[-1], leaf_start[-1]
        position = np.zeros(tree.node_count, dtype=np.int64)  # sklearn node → global node or ~global leaf
        position[internal_ids] = np.arange(len(internal_ids)) + nodes
        position[leaf_ids] = ~(np.arange(len(leaf_ids)) + leaves)
        value = np.asarray(tree.value[leaf_ids, 0, :], dtype=np.float64)
        if classifier:  # a leaf's class shares (older releases store counts)
            value = value / value.sum(axis=1, keepdims=True)
        leaf_value.append(value)
        leaf_cover.append(np.asarray(tree.weighted_n_node_samples[leaf_ids], dtype=np.float64))
        roots.append(position[0])
        node_start.append(nodes + len(internal_ids))
        leaf_start.append(leaves + len(leaf_ids))
        feature.append(tree.feature[internal_ids])
        threshold.append(tree.threshold[internal_ids])
        left.append(position[tree.children_left[internal_ids]])
        right.append(position[tree.children_right[internal_ids]])
        cover.append(np.asarray(tree.weighted_n_node_samples[internal_ids], dtype=np.float64))
        go_left = getattr(tree, "missing_go_to_left", None)
        default_left.append(
            np.zeros(len(internal_ids), dtype=bool) if go_left is None else np.asarray(go_left)[internal_ids] != 0
        )
    internal = int(node_start[-1])
    n_outputs = int(leaf_value[0].shape[1]) if leaf_value else 1
    return TreeArrays(
        n_feature=_joined(feature, np.int32),
        n_threshold=_joined(threshold, np.float64),
        n_rule=np.full(internal, RULE_NAN_MISSING, dtype=np.int8),
        n_default_left=_joined(default_left, np.bool_),
        n_left=_joined(left, np.int32),
        n_right=_joined(right, np.int32),
        n_cover=_joined(cover, np.float64),
        n_cat_start=np.zeros(internal, dtype=np.int32),
        n_cat_len=np.zeros(internal, dtype=np.int32),
        cat_bits=np.zeros(0, dtype=np.uint32),
        leaf_value=np.concatenate(leaf_value),
        leaf_cover=_joined(leaf_cover, np.float64),
        tree_root=np.asarray(roots, dtype=np.int32),
        tree_node_start=np.asarray(node_start, dtype=np.int32),
        tree_leaf_start=np.asarray(leaf_start, dtype=np.int32),
        tree_output=np.full(len(roots), -1, dtype=np.int32),
        divisor=float(len(forest.estimators_)),
        n_outputs=n_outputs,
        n_features=int(forest.n_features_in_),
        float32_inputs=True,
    )
