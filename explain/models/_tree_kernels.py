# mypy: disable-error-code="no-untyped-def"
"""Compiled kernels over :class:`~explain.models._tree_arrays.TreeArrays`: tree walks, leaf
indices, re-evaluation of the trees one input touches, and Fast TreeSHAP v2 tables and values.

Every kernel is compiled by numba (see :mod:`explain._numba`) with ``nogil``: threads run
them side by side (:mod:`explain._cores`).

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

import numpy as np

from explain._numba import jit as _jit

#: LightGBM's kZeroThreshold (1e-35f): values this close to zero count as zero.
_ZERO = float(np.float32(1e-35))
#: Rows handled together, tree by tree (the tree's tables stay in the processor's cache, and
#: the rows' running sums do not wait for each other).
_BLOCK = 256


@_jit
def _category_left(value, node, cat_start, cat_len, cat_bits):
    """LightGBM's ``CategoricalDecision``: left when the category's bit is set."""
    if np.isnan(value) or value >= 2147483648.0:
        return False
    code = int(value)  # truncates toward zero, as C's static_cast<int>
    if code < 0:
        return False
    word = code >> 5
    if word >= cat_len[node]:
        return False
    return ((cat_bits[cat_start[node] + word] >> np.uint32(code & 31)) & np.uint32(1)) == 1


@_jit
def _missing_left(value, node, rule, default_left, threshold):
    """LightGBM's ``NumericalDecision`` for a missing value, or for zero under missing type Zero."""
    if np.isnan(value):
        return threshold[node] >= 0.0 if rule[node] == 0 else default_left[node]
    if rule[node] == 1 and -_ZERO <= value <= _ZERO:
        return default_left[node]
    return value <= threshold[node]


# The hot loops below spell out the common decision (a number against the threshold) and call
# _category_left or _missing_left only for the rare cases. A shared helper taking the node
# arrays, inlined or not, made every walk three to five times slower (measured).


@_jit
def leaf_indices(
    X, start, stop, roots, feature, rule, default_left, threshold, left, right, cat_start, cat_len, cat_bits, out,
):  # fmt: skip
    """``out[t, i]``: the global leaf row ``i`` reaches in tree ``t`` (rows ``start..stop``)."""
    for i in range(start, stop):
        for t in range(len(roots)):
            node = roots[t]
            while node >= 0:
                value = X[i, feature[node]]
                kind = rule[node]
                if kind == 3:
                    go_left = _category_left(value, node, cat_start, cat_len, cat_bits)
                elif kind == 1 or np.isnan(value):
                    go_left = _missing_left(value, node, rule, default_left, threshold)
                else:
                    go_left = value <= threshold[node]
                node = left[node] if go_left else right[node]
            out[t, i] = ~node


@_jit
def column_paths(leaf_parent, node_parent, feature, rule, threshold, left, column, tops, low, high):
    """For every leaf, along its path: ``tops``, the highest split on input ``column`` (-1: none),
    and ``low < value <= high``, the values of the input that keep the path (an empty range when
    a split on it is categorical or treats zero as missing: those rows are always walked)."""
    for leaf in range(len(leaf_parent)):
        top = -1
        lo = -np.inf
        hi = np.inf
        child = ~leaf
        n = leaf_parent[leaf]
        while n >= 0:
            if feature[n] == column:
                top = n
                if rule[n] == 0 or rule[n] == 2:
                    if left[n] == child:
                        hi = min(hi, threshold[n])
                    else:
                        lo = max(lo, threshold[n])
                else:
                    lo = np.inf
                    hi = -np.inf
            child = n
            n = node_parent[n]
        tops[leaf] = top
        low[leaf] = lo
        high[leaf] = hi


@_jit
def permuted_sums(
    X, column, replacements, trees, leaves_by_tree, tops, low, high, start, stop,
    feature, rule, default_left, threshold, left, right, cat_start, cat_len, cat_bits, leaf_value, out,
):  # fmt: skip
    """``out[r, i, :]``: row ``i``'s leaf values summed over ``trees``, in order, when input
    ``column`` reads ``replacements[r, i]``.

    ``leaves_by_tree[t, i]`` is the leaf row ``i`` reaches in tree ``t``; ``tops``, ``low`` and
    ``high`` come from :func:`column_paths`. A tree is walked again only when the row's path
    reads the input and the new value leaves the path's range, and only from the path's first
    split on the input down. Rows go in blocks, trees inside, so
    the block's running sums are independent and the processor overlaps them."""
    outputs = leaf_value.shape[1]
    repeats = replacements.shape[0]
    for block in range(start, stop, _BLOCK):
        block_stop = min(block + _BLOCK, stop)
        for k in range(len(trees)):
            t = trees[k]
            for i in range(block, block_stop):
                kept = leaves_by_tree[t, i]
                top = tops[kept]
                lo = low[kept]
                hi = high[kept]
                for r in range(repeats):  # the repeats share the row's path: read it once
                    leaf = kept
                    value = replacements[r, i]
                    if top >= 0 and not (lo < value <= hi):
                        node = top
                        while node >= 0:
                            f = feature[node]
                            v = value if f == column else X[i, f]
                            kind = rule[node]
                            if kind == 3:
                                go_left = _category_left(v, node, cat_start, cat_len, cat_bits)
                            elif kind == 1 or np.isnan(v):
                                go_left = _missing_left(v, node, rule, default_left, threshold)
                            else:
                                go_left = v <= threshold[node]
                            node = left[node] if go_left else right[node]
                        leaf = ~node
                    for o in range(outputs):
                        out[r, i, o] += leaf_value[leaf, o]


@_jit
def leaf_depths(node_start, left, right, out):
    """Each leaf's path length, in one pass: a split's children always come after it."""
    depth = np.zeros(len(left), np.int64)
    for t in range(len(node_start) - 1):
        for n in range(node_start[t], node_start[t + 1]):
            for child in (left[n], right[n]):
                if child >= 0:
                    depth[child] = depth[n] + 1
                else:
                    out[~child] = depth[n] + 1


@_jit
def parents(left, right, n_leaves):
    """The split above every split and every leaf (-1 above a root)."""
    node_parent = np.full(len(left), -1, np.int64)
    leaf_parent = np.full(n_leaves, -1, np.int64)
    for n in range(len(left)):
        for child in (left[n], right[n]):
            if child >= 0:
                node_parent[child] = n
            else:
                leaf_parent[~child] = n
    return node_parent, leaf_parent


@_jit
def distinct_inputs(node_parent, leaf_parent, feature, out):
    """``out[l]``: the number of distinct inputs on leaf ``l``'s path."""
    seen = np.empty(64, np.int64)
    for leaf in range(len(leaf_parent)):
        unique = 0
        n = leaf_parent[leaf]
        while n >= 0:
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
        out[leaf] = unique


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
    rule,
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
    divisor,
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
                for n in range(first, node_start[t + 1]):
                    value = X[i, feature[n]]
                    kind = rule[n]
                    if kind == 3:
                        went_left[n - first] = _category_left(value, n, cat_start, cat_len, cat_bits)
                    elif kind == 1 or np.isnan(value):
                        went_left[n - first] = _missing_left(value, n, rule, default_left, threshold)
                    else:
                        went_left[n - first] = value <= threshold[n]
                for leaf in range(leaf_start[t], leaf_start[t + 1]):
                    s0 = slot_start[leaf]
                    d = slot_start[leaf + 1] - s0
                    if d == 0:
                        continue
                    mask = (1 << d) - 1
                    for p in range(path_start[leaf], path_start[leaf + 1]):
                        if went_left[path_node[p] - first] != path_left[p]:
                            mask &= ~(1 << path_slot[p])
                    value = leaf_value[leaf, out] / divisor
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
