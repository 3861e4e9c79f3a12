"""The trees of a LightGBM text model: parsed with strict rules, and written back canonically.

See :mod:`._lightgbm_text` for why a model file is never handed to LightGBM as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_INT = re.compile(r"-?\d+")
_TREE_KEYS = (
    "num_leaves",
    "num_cat",
    "split_feature",
    "split_gain",
    "threshold",
    "decision_type",
    "left_child",
    "right_child",
    "leaf_value",
    "leaf_weight",
    "leaf_count",
    "internal_value",
    "internal_weight",
    "internal_count",
    "cat_boundaries",
    "cat_threshold",
    "is_linear",
    "shrinkage",
)
#: Above this many trees or leaves a model file is refused rather than parsed.
MAX_TREES = 100_000
MAX_LEAVES = 1 << 17
CATEGORICAL_MASK = 1
DEFAULT_LEFT_MASK = 2


@dataclass(frozen=True, eq=False)
class LightGBMTree:
    """One tree's arrays, as LightGBM stores them (internal nodes 0..n-2, leaves as ``~i``)."""

    num_leaves: int
    num_cat: int
    split_feature: np.ndarray
    split_gain: np.ndarray
    threshold: np.ndarray
    decision_type: np.ndarray
    left_child: np.ndarray
    right_child: np.ndarray
    leaf_value: np.ndarray
    leaf_weight: np.ndarray
    leaf_count: np.ndarray
    internal_value: np.ndarray
    internal_weight: np.ndarray
    internal_count: np.ndarray
    cat_boundaries: np.ndarray
    cat_threshold: np.ndarray
    shrinkage: float


class Refuse(Exception):
    """A problem in the text; turned into a ModelLoadError naming the file."""


def integer(text: str, what: str) -> int:
    if not _INT.fullmatch(text):
        raise Refuse(f"{what} should be a whole number, found {text[:40]!r}")
    return int(text)


def floats(text: str, count: int, what: str, *, finite: bool = True) -> np.ndarray:
    parts = text.split(" ") if text else []
    if len(parts) != count:
        raise Refuse(f"{what} should hold {count} numbers, found {len(parts)}")
    try:
        values = np.array(parts, dtype=np.float64)
    except ValueError as err:
        raise Refuse(f"{what} holds something that is not a number ({err})") from err
    if finite and not np.isfinite(values).all():
        raise Refuse(f"{what} holds an infinite or missing number")
    return values


def integers(text: str, count: int, what: str) -> np.ndarray:
    parts = text.split(" ") if text else []
    if len(parts) != count:
        raise Refuse(f"{what} should hold {count} whole numbers, found {len(parts)}")
    try:
        values = np.array(parts, dtype=np.int64)
    except (ValueError, OverflowError):
        bad = next((p for p in parts if not _INT.fullmatch(p)), parts[0])
        raise Refuse(f"{what} holds {bad[:40]!r}, which is not a whole number") from None
    if len(values) and (values.max() > 2**31 - 1 or values.min() < -(2**31)):
        raise Refuse(f"{what} holds a number too large for LightGBM")
    return values


def _tree_fields(index: int, lines: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if not sep or key not in _TREE_KEYS:
            raise Refuse(f"tree {index} has an unexpected line {line[:60]!r}")
        if key in fields:
            raise Refuse(f"tree {index} sets {key} twice")
        fields[key] = value
    for key in ("num_leaves", "num_cat", "leaf_value"):
        if key not in fields:
            raise Refuse(f"tree {index} has no {key}= line")
    return fields


def _optional_floats(fields: dict[str, str], key: str, count: int, where: str) -> np.ndarray:
    """An informational array (gains, weights, internal values): zeros when absent, any number allowed."""
    text = fields.get(key, "")
    return floats(text, count, f"{where}: {key}", finite=False) if text else np.zeros(count)


def _leaves(fields: dict[str, str], where: str) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Number of leaves, leaf values, weights and counts."""
    leaves = integer(fields["num_leaves"], f"{where}: num_leaves")
    if not 1 <= leaves <= MAX_LEAVES:
        raise Refuse(f"{where}: num_leaves={leaves} is out of range")
    value = floats(fields["leaf_value"], leaves, f"{where}: leaf_value")
    has_count = leaves > 1 or fields.get("leaf_count")
    count = (
        integers(fields.get("leaf_count", ""), leaves, f"{where}: leaf_count")
        if has_count
        else np.zeros(1, dtype=np.int64)
    )
    if (count < 0).any():
        raise Refuse(f"{where}: leaf_count holds a negative count")
    return leaves, value, _optional_floats(fields, "leaf_weight", leaves, where), count


def _splits(fields: dict[str, str], where: str, leaves: int, num_features: int) -> dict[str, np.ndarray]:
    """The arrays of the internal nodes, checked: inputs in range, known split kinds, one tree."""
    internal = leaves - 1
    for key in ("split_feature", "threshold", "left_child", "right_child", "decision_type", "internal_count"):
        if key not in fields:
            raise Refuse(f"{where} has no {key}= line")
    out = {key: integers(fields[key], internal, f"{where}: {key}")
           for key in ("split_feature", "decision_type", "left_child", "right_child", "internal_count")}  # fmt: skip
    if out["split_feature"].min() < 0 or out["split_feature"].max() >= num_features:
        raise Refuse(f"{where}: split_feature names an input outside 0..{num_features - 1}")
    kinds = out["decision_type"]
    if kinds.min() < 0 or kinds.max() > 11 or ((kinds >> 2) & 3).max() > 2:
        raise Refuse(f"{where}: decision_type holds an unknown split kind")
    _check_shape(where, out["left_child"], out["right_child"], leaves)
    if (out["internal_count"] <= 0).any():
        raise Refuse(f"{where}: internal_count must be positive at every split")
    out["threshold"] = floats(fields["threshold"], internal, f"{where}: threshold", finite=False)
    if np.isnan(out["threshold"]).any():  # LightGBM writes inf for a split that only separates missing values
        raise Refuse(f"{where}: threshold holds a missing number")
    for key in ("split_gain", "internal_value", "internal_weight"):
        out[key] = _optional_floats(fields, key, internal, where)
    return out


def _categories(
    fields: dict[str, str], where: str, splits: dict[str, np.ndarray]
) -> tuple[int, np.ndarray, np.ndarray]:
    """The category bitsets of categorical splits, checked against the splits that use them."""
    num_cat = integer(fields["num_cat"], f"{where}: num_cat")
    if num_cat < 0 or num_cat > len(splits["decision_type"]):
        raise Refuse(f"{where}: num_cat={num_cat} is out of range")
    boundaries = bitsets = np.zeros(0, dtype=np.int64)
    if num_cat:
        if "cat_boundaries" not in fields or "cat_threshold" not in fields:
            raise Refuse(f"{where} has categorical splits but no cat_boundaries or cat_threshold")
        boundaries = integers(fields["cat_boundaries"], num_cat + 1, f"{where}: cat_boundaries")
        if boundaries[0] != 0 or (np.diff(boundaries) <= 0).any() or boundaries[-1] > 1 << 20:
            raise Refuse(f"{where}: cat_boundaries must start at 0 and increase")
        bitsets = integers(fields["cat_threshold"], int(boundaries[-1]), f"{where}: cat_threshold")
        if bitsets.min() < 0 or bitsets.max() > 2**32 - 1:
            raise Refuse(f"{where}: cat_threshold holds a bitset word out of range")
    categorical = (splits["decision_type"] & CATEGORICAL_MASK).astype(bool)
    if categorical.any():
        cuts = splits["threshold"][categorical]
        if num_cat == 0 or (cuts != np.round(cuts)).any() or cuts.min() < 0 or cuts.max() >= num_cat:
            raise Refuse(f"{where}: a categorical split points to a category list that does not exist")
    return num_cat, boundaries, bitsets


def parse_tree(index: int, lines: list[str], num_features: int) -> LightGBMTree:
    """One ``Tree=`` block, every field checked (exact lengths, indices in range, one tree)."""
    where = f"tree {index}"
    fields = _tree_fields(index, lines)
    if integer(fields.get("is_linear", "0"), f"{where}: is_linear") != 0:
        raise Refuse(f"{where} is a linear tree; models trained with linear_tree=true are not supported")
    shrinkage = float(floats(fields.get("shrinkage", "1"), 1, f"{where}: shrinkage")[0])
    leaves, leaf_value, leaf_weight, leaf_count = _leaves(fields, where)
    if leaves == 1:
        if integer(fields["num_cat"], f"{where}: num_cat") != 0:
            raise Refuse(f"{where}: a tree of one leaf cannot have categorical splits")
        i, f = np.zeros(0, dtype=np.int64), np.zeros(0)
        return LightGBMTree(1, 0, i, f, f, i, i, i, leaf_value, leaf_weight, leaf_count, f, f, i, i, i, shrinkage)
    s = _splits(fields, where, leaves, num_features)
    num_cat, boundaries, bitsets = _categories(fields, where, s)
    return LightGBMTree(
        leaves, num_cat, s["split_feature"], s["split_gain"], s["threshold"], s["decision_type"], s["left_child"],
        s["right_child"], leaf_value, leaf_weight, leaf_count, s["internal_value"], s["internal_weight"],
        s["internal_count"], boundaries, bitsets, shrinkage,
    )  # fmt: skip


def _check_shape(where: str, left: np.ndarray, right: np.ndarray, leaves: int) -> None:
    """Every split's children are later splits or leaves, and each node has exactly one parent."""
    internal = leaves - 1
    seen_nodes = np.zeros(internal, dtype=np.int64)
    seen_leaves = np.zeros(leaves, dtype=np.int64)
    for node in range(internal):
        for child in (int(left[node]), int(right[node])):
            if child < 0:
                leaf = ~child
                if leaf >= leaves:
                    raise Refuse(f"{where}: split {node} points to leaf {leaf}, but there are {leaves} leaves")
                seen_leaves[leaf] += 1
            else:
                if child <= node or child >= internal:
                    raise Refuse(f"{where}: split {node} points to split {child}, which cannot be its child")
                seen_nodes[child] += 1
    if seen_nodes[0] != 0 or (seen_nodes[1:] != 1).any() or (seen_leaves != 1).any():
        raise Refuse(f"{where}: its splits and leaves do not form one tree")


def join_numbers(values: np.ndarray, *, floats: bool) -> str:
    if floats:
        return " ".join(repr(float(v)) for v in values)
    return " ".join(str(int(v)) for v in values)


def tree_text(index: int, tree: LightGBMTree) -> str:
    parts = [
        f"num_leaves={tree.num_leaves}",
        f"num_cat={tree.num_cat}",
        f"split_feature={join_numbers(tree.split_feature, floats=False)}",
        f"split_gain={join_numbers(tree.split_gain, floats=True)}",
        f"threshold={join_numbers(tree.threshold, floats=True)}",
        f"decision_type={join_numbers(tree.decision_type, floats=False)}",
        f"left_child={join_numbers(tree.left_child, floats=False)}",
        f"right_child={join_numbers(tree.right_child, floats=False)}",
        f"leaf_value={join_numbers(tree.leaf_value, floats=True)}",
        f"leaf_weight={join_numbers(tree.leaf_weight, floats=True)}",
        f"leaf_count={join_numbers(tree.leaf_count, floats=False)}",
        f"internal_value={join_numbers(tree.internal_value, floats=True)}",
        f"internal_weight={join_numbers(tree.internal_weight, floats=True)}",
        f"internal_count={join_numbers(tree.internal_count, floats=False)}",
    ]
    if tree.num_cat:
        parts.append(f"cat_boundaries={join_numbers(tree.cat_boundaries, floats=False)}")
        parts.append(f"cat_threshold={join_numbers(tree.cat_threshold, floats=False)}")
    parts += ["is_linear=0", f"shrinkage={tree.shrinkage!r}"]
    return f"Tree={index}\n" + "\n".join(parts) + "\n\n\n"
