# mypy: disable-error-code="no-untyped-def"
"""Compiled kernels over :class:`~explain.models._tree_arrays.TreeArrays`: tree walks, leaf
indices, re-evaluation of the trees one input touches, and Fast TreeSHAP v2 tables and values.

Every kernel is compiled by numba with ``nogil`` (threads run them side by side, see
:mod:`explain._cores`) and ``cache``: the machine code is written to a user cache
directory on first use, so compilation happens once per machine, not once per start.

Fast TreeSHAP v2 (Yang, 2021, arXiv:2109.09847) in short: for a leaf whose path has ``D``
distinct inputs with zero fractions ``z`` (the training share of each split followed, one
product per input), path-dependent TreeSHAP gives input ``i`` the amount

    v · (1 − z_i) · R · S(T \\ {i})   when the row satisfies every split on i (i ∈ T),
    − v · R · S(T)                    when it does not,

where ``T`` is the set of path inputs the row satisfies, ``R`` the product of ``z`` over the
inputs not in ``T`` and ``S(U) = Σ_{W ⊆ U} w(|W|, D) · Π_{j ∈ U \\ W} z_j`` with the Shapley
weight ``w(k, D) = k! (D − k − 1)! / D!``. ``S`` depends on the tree alone, so it is computed
once per leaf for all ``2^D`` subsets; a row then costs one pass over each leaf's path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numba
import numpy as np


def _cache_directory() -> str:
    """``$NUMBA_CACHE_DIR``, else ``~/.cache/explain-dashboard/numba``, else a temporary
    directory (a read-only home must not stop the engine, only make it compile again)."""
    for candidate in (os.environ.get("NUMBA_CACHE_DIR"), Path.home() / ".cache" / "explain-dashboard" / "numba"):
        if not candidate:
            continue
        try:
            Path(candidate).mkdir(parents=True, exist_ok=True)
            probe = Path(candidate) / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
            return str(candidate)
        except OSError:
            continue
    return str(Path(tempfile.gettempdir()) / f"explain-numba-{os.getuid() if hasattr(os, 'getuid') else 0}")


numba.config.CACHE_DIR = _cache_directory()  # type: ignore[attr-defined]  # read when the decorators below run
_jit: Any = numba.njit(cache=True, nogil=True)

#: LightGBM's kZeroThreshold (1e-35f): values this close to zero count as zero.
_ZERO = float(np.float32(1e-35))
#: Rows explained together, tree by tree (their tables stay in the processor's cache).
_BLOCK = 256


@_jit
def _goes_left(value, node, kind, missing, default_left, threshold, cat_start, cat_len, cat_bits):
    """LightGBM's ``NumericalDecision`` / ``CategoricalDecision`` for one split."""
    if kind[node] == 1:
        if np.isnan(value) or value >= 2147483648.0:
            return False
        code = int(value)  # truncates toward zero, as C's static_cast<int>
        if code < 0:
            return False
        word = code >> 5
        if word >= cat_len[node]:
            return False
        return ((cat_bits[cat_start[node] + word] >> np.uint32(code & 31)) & np.uint32(1)) == 1
    kind_of_missing = missing[node]
    if np.isnan(value) and kind_of_missing != 2:
        value = 0.0
    if (kind_of_missing == 1 and -_ZERO <= value <= _ZERO) or (kind_of_missing == 2 and np.isnan(value)):
        return default_left[node]
    return value <= threshold[node]


@_jit
def _leaf(
    x,
    root,
    replaced,
    replacement,
    feature,
    kind,
    missing,
    default_left,
    threshold,
    left,
    right,
    cat_start,
    cat_len,
    cat_bits,
):
    """The leaf row ``x`` reaches from ``root``, reading ``replacement`` for input ``replaced``."""
    node = root
    while node >= 0:
        f = feature[node]
        value = replacement if f == replaced else x[f]
        if _goes_left(value, node, kind, missing, default_left, threshold, cat_start, cat_len, cat_bits):
            node = left[node]
        else:
            node = right[node]
    return ~node


@_jit
def leaf_indices(
    X,
    start,
    stop,
    roots,
    feature,
    kind,
    missing,
    default_left,
    threshold,
    left,
    right,
    cat_start,
    cat_len,
    cat_bits,
    out,
):
    """``out[i, t]``: the global leaf row ``i`` reaches in tree ``t`` (rows ``start..stop``)."""
    for i in range(start, stop):
        x = X[i]
        for t in range(len(roots)):
            out[i, t] = _leaf(
                x,
                roots[t],
                -1,
                0.0,
                feature,
                kind,
                missing,
                default_left,
                threshold,
                left,
                right,
                cat_start,
                cat_len,
                cat_bits,
            )


@_jit
def permuted_change(
    X,
    column,
    replacements,
    trees,
    leaves,
    start,
    stop,
    roots,
    feature,
    kind,
    missing,
    default_left,
    threshold,
    left,
    right,
    cat_start,
    cat_len,
    cat_bits,
    leaf_value,
    out,
):
    """``out[r, i, :]``: how row ``i``'s summed leaf values change when input ``column`` reads
    ``replacements[r, i]``; only ``trees`` (those that split on the input) are walked again."""
    outputs = leaf_value.shape[1]
    for r in range(replacements.shape[0]):
        for i in range(start, stop):
            x = X[i]
            value = replacements[r, i]
            for k in range(len(trees)):
                t = trees[k]
                before = leaves[i, t]
                after = _leaf(
                    x,
                    roots[t],
                    column,
                    value,
                    feature,
                    kind,
                    missing,
                    default_left,
                    threshold,
                    left,
                    right,
                    cat_start,
                    cat_len,
                    cat_bits,
                )
                if after != before:
                    for o in range(outputs):
                        out[r, i, o] += leaf_value[after, o] - leaf_value[before, o]


@_jit
def path_sizes(node_start, leaf_start, roots, feature, left, right, leaf_depth, leaf_unique):
    """Each leaf's path length and number of distinct inputs on it."""
    n_nodes = len(feature)
    n_leaves = len(leaf_depth)
    node_parent = np.full(n_nodes, -1, np.int64)
    leaf_parent = np.full(n_leaves, -1, np.int64)
    for n in range(n_nodes):
        for child in (left[n], right[n]):
            if child >= 0:
                node_parent[child] = n
            else:
                leaf_parent[~child] = n
    seen = np.empty(64, np.int64)
    for leaf in range(n_leaves):
        depth = 0
        unique = 0
        n = leaf_parent[leaf]
        while n >= 0:
            depth += 1
            f = feature[n]
            known = False
            for s in range(min(unique, 64)):
                if seen[s] == f:
                    known = True
                    break
            if not known:
                if unique < 64:
                    seen[unique] = f
                unique += 1
            n = node_parent[n]
        leaf_depth[leaf] = depth
        leaf_unique[leaf] = unique
    return node_parent, leaf_parent


@_jit
def fill_paths(
    leaf_start,
    leaf_end,
    node_parent,
    leaf_parent,
    feature,
    left,
    cover,
    leaf_cover,
    path_start,
    slot_start,
    path_node,
    path_left,
    path_slot,
    slot_feature,
    slot_zero,
):
    """Each leaf's path (node, side, slot) and its distinct inputs with their zero fractions."""
    for leaf in range(leaf_start, leaf_end):
        p = path_start[leaf]
        s0 = slot_start[leaf]
        unique = 0
        child = ~leaf
        child_cover = leaf_cover[leaf]
        n = leaf_parent[leaf]
        while n >= 0:
            f = feature[n]
            slot = -1
            for s in range(unique):
                if slot_feature[s0 + s] == f:
                    slot = s
                    break
            if slot < 0:
                slot = unique
                slot_feature[s0 + slot] = f
                slot_zero[s0 + slot] = 1.0
                unique += 1
            slot_zero[s0 + slot] *= child_cover / cover[n]
            path_node[p] = n
            path_left[p] = left[n] == child
            path_slot[p] = slot
            p += 1
            child = n
            child_cover = cover[n]
            n = node_parent[n]


@_jit
def fill_tables(leaf_start, leaf_end, slot_start, table_start, slot_zero, table):
    """``table[table_start[l] + U]`` = S(U) for every subset ``U`` of leaf ``l``'s distinct inputs."""
    for leaf in range(leaf_start, leaf_end):
        d = slot_start[leaf + 1] - slot_start[leaf]
        if d == 0:
            continue
        z = slot_zero[slot_start[leaf] : slot_start[leaf + 1]]
        weight = np.zeros(d + 1)
        weight[0] = 1.0 / d
        for k in range(d - 1):
            weight[k + 1] = weight[k] * (k + 1) / (d - k - 1)
        base = table_start[leaf]
        poly = np.zeros((d + 1, d + 1))  # poly[level]: coefficients of Π_{j ∈ U} (z_j + x)
        poly[0, 0] = 1.0
        masks = np.zeros(d + 1, np.int64)
        nxt = np.zeros(d + 1, np.int64)
        table[base] = weight[0]
        level = 0
        while level >= 0:
            b = nxt[level]
            if b >= d:
                level -= 1
                continue
            nxt[level] = b + 1
            zb = z[b]
            for k in range(level + 2):
                below = poly[level, k - 1] if k > 0 else 0.0
                poly[level + 1, k] = (poly[level, k] * zb if k <= level else 0.0) + below
            mask = masks[level] | (1 << b)
            total = 0.0
            for k in range(level + 2):
                total += weight[k] * poly[level + 1, k]
            table[base + mask] = total
            level += 1
            masks[level] = mask
            nxt[level] = b + 1


@_jit
def treeshap(
    X,
    start,
    stop,
    node_start,
    leaf_start,
    tree_output,
    feature,
    kind,
    missing,
    default_left,
    threshold,
    cat_start,
    cat_len,
    cat_bits,
    leaf_value,
    path_start,
    path_node,
    path_left,
    path_slot,
    slot_start,
    slot_feature,
    slot_zero,
    table_start,
    table,
    scale,
    phi,
):
    """Path-dependent TreeSHAP values of rows ``start..stop`` into ``phi`` (rows × inputs × outputs)."""
    widest = 1
    for t in range(len(node_start) - 1):
        widest = max(widest, node_start[t + 1] - node_start[t])
    went_left = np.zeros(widest, np.bool_)
    # rows in blocks, trees inside: one tree's tables stay in cache while a block of rows uses them
    for block in range(start, stop, _BLOCK):
        block_stop = min(block + _BLOCK, stop)
        for t in range(len(node_start) - 1):
            first = node_start[t]
            out = tree_output[t]
            for i in range(block, block_stop):
                x = X[i]
                for n in range(first, node_start[t + 1]):
                    went_left[n - first] = _goes_left(
                        x[feature[n]], n, kind, missing, default_left, threshold, cat_start, cat_len, cat_bits
                    )
                for leaf in range(leaf_start[t], leaf_start[t + 1]):
                    s0 = slot_start[leaf]
                    d = slot_start[leaf + 1] - s0
                    if d == 0:
                        continue
                    mask = (1 << d) - 1
                    for p in range(path_start[leaf], path_start[leaf + 1]):
                        if went_left[path_node[p] - first] != path_left[p]:
                            mask &= ~(1 << path_slot[p])
                    value = leaf_value[leaf, out] * scale
                    for s in range(d):
                        if not (mask >> s) & 1:
                            value *= slot_zero[s0 + s]
                    if value == 0.0:
                        continue
                    base = table_start[leaf]
                    unmet = -value * table[base + mask]
                    for s in range(d):
                        f = slot_feature[s0 + s]
                        if (mask >> s) & 1:
                            phi[i, f, out] += value * (1.0 - slot_zero[s0 + s]) * table[base + (mask ^ (1 << s))]
                        else:
                            phi[i, f, out] += unmet
