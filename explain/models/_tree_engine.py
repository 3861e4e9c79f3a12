"""The compiled tree engine: exact TreeSHAP and permuted predictions on every core.

:class:`TreeShapEngine` computes path-dependent TreeSHAP (LightGBM's ``pred_contrib``, to
rounding) with Fast TreeSHAP v2's per-leaf tables. The tables take ``8 · Σ_leaves 2^D``
bytes (``D``: distinct inputs on the leaf's path); a model whose tables would pass
:data:`MAX_TABLE_BYTES` gets no engine (:func:`treeshap_engine` returns None) and its
adapter falls back to the library's own TreeSHAP.

:class:`PermutedPredictions` serves permutation importance: the leaf every row reaches in
every tree is found once; shuffling one input then walks again only the trees that split
on it, for all repeats in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explain._cores import run_split
from explain.models import _tree_kernels as kernels
from explain.models._tree_arrays import TreeArrays

#: Tables larger than this are not built; LightGBM's own TreeSHAP is used instead.
MAX_TABLE_BYTES = 512 * 1024 * 1024
#: Above this many distinct inputs on one path a leaf's table alone would be too large.
MAX_PATH_INPUTS = 24
#: Permutation importance keeps every row's leaf in every tree (4 bytes each) up to this size;
#: beyond it the model re-predicts each shuffled copy.
MAX_LEAF_MATRIX_BYTES = 1024 * 1024 * 1024
#: LightGBM's kZeroThreshold (1e-35f).
_ZERO = float(np.float32(1e-35))


def _split_args(trees: TreeArrays) -> tuple[np.ndarray, ...]:
    return (
        trees.n_feature,
        trees.n_rule,
        trees.n_default_left,
        trees.n_threshold,
        trees.n_left,
        trees.n_right,
        trees.n_cat_start,
        trees.n_cat_len,
        trees.cat_bits,
    )


def input_matrix(trees: TreeArrays, x: np.ndarray) -> np.ndarray:
    """Rows as the kernels read them: C-ordered float64; rounded to float32 first for
    scikit-learn; for LightGBM, values within 1e-35 of zero read as zero (its row reader drops them)."""
    if trees.float32_inputs:
        return np.ascontiguousarray(np.asarray(x, dtype=np.float32), dtype=np.float64)
    rows = np.array(x, dtype=np.float64, order="C")  # a copy: the caller's matrix is left alone
    rows[np.abs(rows) <= _ZERO] = 0.0
    return rows


def expected_values(trees: TreeArrays) -> np.ndarray:
    """Each output's mean over the training rows, weighted as the trees saw them (the SHAP base).

    Computed term by term in LightGBM's own order (``Tree::ExpectedValue``, tree after tree), so
    the base value is the same number LightGBM's ``pred_contrib`` reports, to the last bit."""
    out = [0.0] * trees.n_outputs
    cover = trees.leaf_cover.tolist()
    for t in range(trees.n_trees):
        first, last = int(trees.tree_leaf_start[t]), int(trees.tree_leaf_start[t + 1])
        outputs = range(trees.n_outputs) if trees.tree_output[t] < 0 else (int(trees.tree_output[t]),)
        for k in outputs:
            values = trees.leaf_value[first:last, k].tolist()
            if last - first == 1:
                mean = values[0]
            else:
                total = float(trees.n_cover[trees.tree_root[t]])
                mean = 0.0
                for count, value in zip(cover[first:last], values, strict=True):
                    mean += (count / total) * value
            out[k] += mean
    return np.asarray(out) / trees.divisor


@dataclass(frozen=True, eq=False)
class TreeShapEngine:
    """One model's trees with each leaf's path and Fast TreeSHAP v2 table."""

    trees: TreeArrays
    path_start: np.ndarray
    path_node: np.ndarray
    path_left: np.ndarray
    path_slot: np.ndarray
    slot_start: np.ndarray
    slot_feature: np.ndarray
    slot_zero: np.ndarray
    table_start: np.ndarray
    table: np.ndarray
    base: np.ndarray

    @property
    def table_bytes(self) -> int:
        """Memory held by the tables."""
        return int(self.table.nbytes)

    def contributions(self, x: np.ndarray, threads: int | None = None) -> np.ndarray:
        """TreeSHAP values of rows ``x`` (from :func:`input_matrix`): rows × inputs × outputs."""
        trees = self.trees
        rows = input_matrix(trees, x)
        phi = np.zeros((len(rows), trees.n_features, trees.n_outputs))
        rule, default_left, threshold = trees.n_rule, trees.n_default_left, trees.n_threshold

        def work(start: int, stop: int) -> None:
            kernels.treeshap(
                rows, start, stop, trees.tree_node_start, trees.tree_leaf_start, trees.tree_output, trees.n_feature,
                rule, default_left, threshold, trees.n_cat_start, trees.n_cat_len, trees.cat_bits,
                trees.leaf_value, self.path_start, self.path_node, self.path_left, self.path_slot, self.slot_start,
                self.slot_feature, self.slot_zero, self.table_start, self.table, trees.divisor, phi,
            )  # fmt: skip

        run_split(work, len(rows), threads)
        return phi


def table_bytes_needed(
    trees: TreeArrays,
) -> tuple[int, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Bytes the engine would hold (tables, paths and slots), each leaf's path length and
    distinct inputs, and the parents of splits and leaves. The path lengths are counted first,
    in one pass over the nodes, so a model of absurdly long paths is refused before anything
    walks them (the parents are then None)."""
    n_leaves = len(trees.leaf_cover)
    depth = np.zeros(n_leaves, dtype=np.int64)
    unique = np.zeros(n_leaves, dtype=np.int64)
    kernels.leaf_depths(trees.tree_node_start, trees.n_left, trees.n_right, depth)
    path_bytes = 9 * int(depth.sum()) + 12 * n_leaves
    if path_bytes > MAX_TABLE_BYTES:
        return 1 << 62, depth, unique, None
    tree_parents = kernels.parents(trees.n_left, trees.n_right, n_leaves)
    kernels.distinct_inputs(*tree_parents, trees.n_feature, unique)
    if n_leaves and int(unique.max()) > MAX_PATH_INPUTS:
        return 1 << 62, depth, unique, tree_parents
    needed = path_bytes + 12 * int(unique.sum()) + 8 * int(np.sum(np.left_shift(1, unique)))
    return needed, depth, unique, tree_parents


def treeshap_engine(trees: TreeArrays, *, max_bytes: int | None = None, threads: int = 1) -> TreeShapEngine | None:
    """The engine for ``trees``, or None when its tables would pass ``max_bytes``
    (default :data:`MAX_TABLE_BYTES`)."""
    if (trees.tree_output < 0).any():  # trees that add to every output (a forest): not this engine's
        return None
    needed, depth, unique, tree_parents = table_bytes_needed(trees)
    if needed > (MAX_TABLE_BYTES if max_bytes is None else max_bytes) or tree_parents is None:
        return None
    n_leaves = len(depth)
    path_start = np.zeros(n_leaves + 1, dtype=np.int64)
    np.cumsum(depth, out=path_start[1:])
    slot_start = np.zeros(n_leaves + 1, dtype=np.int64)
    np.cumsum(unique, out=slot_start[1:])
    table_start = np.zeros(n_leaves + 1, dtype=np.int64)
    np.cumsum(np.left_shift(1, unique), out=table_start[1:])
    path_node = np.zeros(path_start[-1], dtype=np.int32)
    path_left = np.zeros(path_start[-1], dtype=np.bool_)
    path_slot = np.zeros(path_start[-1], dtype=np.int32)
    slot_feature = np.zeros(slot_start[-1], dtype=np.int32)
    slot_zero = np.zeros(slot_start[-1], dtype=np.float64)
    table = np.zeros(table_start[-1], dtype=np.float64)
    node_parent, leaf_parent = tree_parents

    def work(start: int, stop: int) -> None:
        kernels.fill_paths(
            start, stop, node_parent, leaf_parent, trees.n_feature, trees.n_left, trees.n_cover, trees.leaf_cover,
            path_start, slot_start, path_node, path_left, path_slot, slot_feature, slot_zero,
        )  # fmt: skip
        kernels.fill_tables(start, stop, slot_start, table_start, slot_zero, table)

    run_split(work, n_leaves, threads)
    return TreeShapEngine(
        trees, path_start, path_node, path_left, path_slot, slot_start, slot_feature, slot_zero, table_start, table,
        expected_values(trees),
    )  # fmt: skip


class PermutedPredictions:
    """Summed leaf values of rows, and of the same rows with one input shuffled (holds every
    row's leaf in every tree: see :data:`MAX_LEAF_MATRIX_BYTES`)."""

    def __init__(self, trees: TreeArrays, x: np.ndarray, threads: int | None = None) -> None:
        self.trees = trees
        self.rows = input_matrix(trees, x)
        self.threads = threads
        self.leaves_by_tree = np.zeros((trees.n_trees, len(self.rows)), dtype=np.int32)
        self._parents = kernels.parents(trees.n_left, trees.n_right, len(trees.leaf_cover))
        self._owner = np.repeat(np.arange(trees.n_trees), np.diff(trees.tree_node_start))  # each split's tree
        args = _split_args(trees)

        def work(start: int, stop: int) -> None:
            kernels.leaf_indices(self.rows, start, stop, trees.tree_root, *args, self.leaves_by_tree)

        run_split(work, len(self.rows), threads)
        self.base = self._leaf_sum()

    def _leaf_sum(self) -> np.ndarray:
        """Σ_t leaf_value of the rows (rows × outputs), in tree order."""
        total = np.zeros((len(self.rows), self.trees.n_outputs))
        for t in range(self.trees.n_trees):
            total += self.trees.leaf_value[self.leaves_by_tree[t]]
        return total

    def raw(self) -> np.ndarray:
        """The ensemble's output of the rows (rows × outputs)."""
        return self.base / self.trees.divisor

    def permuted(self, column: int, orders: np.ndarray) -> np.ndarray:
        """Output when input ``column`` of row ``i`` reads row ``orders[r, i]``'s value, for every
        repeat ``r`` at once: repeats × rows × outputs.

        Each row's output is a fixed function of the leaves it reaches (the trees that never split
        on the input summed once, plus the others in order), so rows that reach the same leaves
        tie exactly, as they do in the model's own output; the values match the model's to
        rounding. An averaging forest, whose class shares tie often between different leaves, is
        summed over all trees in the library's order instead (equal to its own output to
        rounding, its ties kept).
        """
        trees = self.trees
        replacements = np.ascontiguousarray(self.rows[:, column][orders])
        splitting = np.zeros(trees.n_trees, dtype=bool)
        splitting[self._owner[trees.n_feature == column]] = True
        walked = (
            np.arange(trees.n_trees, dtype=np.int32)
            if trees.divisor != 1.0
            else np.flatnonzero(splitting).astype(np.int32)
        )
        fixed = np.zeros((len(self.rows), trees.n_outputs))
        if len(walked) < trees.n_trees:
            for t in np.flatnonzero(~splitting):
                fixed += trees.leaf_value[self.leaves_by_tree[t]]
        n_leaves = len(trees.leaf_cover)
        tops = np.empty(n_leaves, dtype=np.int32)
        low = np.empty(n_leaves)
        high = np.empty(n_leaves)
        node_parent, leaf_parent = self._parents
        kernels.column_paths(
            leaf_parent, node_parent, trees.n_feature, trees.n_rule, trees.n_threshold, trees.n_left, column,
            tops, low, high,
        )  # fmt: skip
        sums = np.zeros((len(orders), len(self.rows), trees.n_outputs))
        args = _split_args(trees)

        def work(start: int, stop: int) -> None:
            kernels.permuted_sums(
                self.rows, column, replacements, walked, self.leaves_by_tree, tops, low, high, start, stop, *args,
                trees.leaf_value, sums,
            )  # fmt: skip

        run_split(work, len(self.rows), self.threads)
        return (fixed[None, :, :] + sums) / trees.divisor
