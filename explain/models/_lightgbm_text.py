"""LightGBM text models, parsed and validated in Python before LightGBM's C code sees them.

LightGBM's own loader trusts its input: a model file cut off inside its ``parameters:``
block, a ``tree_sizes`` entry pointing past the end, a line without ``=`` or a child index
out of range makes the C++ code read outside its buffers and crash the process that loads
it. So a user's ``model.txt`` is never handed to LightGBM as it is. :func:`parse_lightgbm_text`
reads every field with strict rules (known keys, exact array lengths, indices in range, a
proper tree under each ``Tree=``) and :func:`canonical_text` writes the model back from the
parsed numbers: LightGBM only ever loads text this module produced. The parameters block,
feature importances and parser config are dropped (prediction never reads them); the
numbers are written with ``repr``, which round-trips every double exactly.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

import numpy as np

from explain.errors import ModelLoadError

_INT = re.compile(r"-?\d+")
_FEATURE_INFO = re.compile(r"none|\[[^\[\]:\s]+:[^\[\]:\s]+\]|-?\d+(:-?\d+)*")
_OBJECTIVE = re.compile(r"[a-z_]+( [a-z_]+:[-+0-9.eE]+)*")
_PARAMETER_LINE = re.compile(r"\[[A-Za-z0-9_]+: .*\]")
_OBJECTIVES = (
    "regression",
    "regression_l1",
    "quantile",
    "huber",
    "fair",
    "poisson",
    "binary",
    "lambdarank",
    "rank_xendcg",
    "multiclass",
    "multiclassova",
    "cross_entropy",
    "cross_entropy_lambda",
    "mape",
    "gamma",
    "tweedie",
    "custom",
)
_HEADER_KEYS = (
    "version",
    "num_class",
    "num_tree_per_iteration",
    "label_index",
    "max_feature_idx",
    "objective",
    "average_output",
    "feature_names",
    "monotone_constraints",
    "feature_infos",
    "tree_sizes",
)
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


@dataclass(frozen=True, eq=False)
class LightGBMText:
    """A validated LightGBM text model: header fields, trees, and the pandas category lists."""

    version: str
    num_class: int
    num_tree_per_iteration: int
    label_index: int
    max_feature_idx: int
    objective: str
    objective_options: dict[str, float]
    average_output: bool
    feature_names: tuple[str, ...]
    feature_infos: tuple[str, ...]
    monotone_constraints: tuple[int, ...] | None
    trees: tuple[LightGBMTree, ...]
    pandas_categorical: list[list[object]] | None
    categorical: tuple[bool, ...] = field(default=())

    @property
    def num_features(self) -> int:
        """Number of model inputs."""
        return self.max_feature_idx + 1


class _Refuse(Exception):
    """A problem in the text; turned into a ModelLoadError naming the file."""


def _int(text: str, what: str) -> int:
    if not _INT.fullmatch(text):
        raise _Refuse(f"{what} should be a whole number, found {text[:40]!r}")
    return int(text)


def _floats(text: str, count: int, what: str, *, finite: bool = True) -> np.ndarray:
    parts = text.split(" ") if text else []
    if len(parts) != count:
        raise _Refuse(f"{what} should hold {count} numbers, found {len(parts)}")
    try:
        values = np.array(parts, dtype=np.float64)
    except ValueError as err:
        raise _Refuse(f"{what} holds something that is not a number ({err})") from err
    if finite and not np.isfinite(values).all():
        raise _Refuse(f"{what} holds an infinite or missing number")
    return values


def _ints(text: str, count: int, what: str) -> np.ndarray:
    parts = text.split(" ") if text else []
    if len(parts) != count:
        raise _Refuse(f"{what} should hold {count} whole numbers, found {len(parts)}")
    try:
        values = np.array(parts, dtype=np.int64)
    except (ValueError, OverflowError):
        bad = next((p for p in parts if not _INT.fullmatch(p)), parts[0])
        raise _Refuse(f"{what} holds {bad[:40]!r}, which is not a whole number") from None
    if len(values) and (values.max() > 2**31 - 1 or values.min() < -(2**31)):
        raise _Refuse(f"{what} holds a number too large for LightGBM")
    return values


def _split_sections(text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    """Header lines, (index, lines) per ``Tree=`` block, and the lines after ``end of trees``."""
    lines = text.split("\n")
    if not lines or lines[0] != "tree":
        raise _Refuse("the first line should read 'tree'")
    i, n = 1, len(lines)
    header: list[str] = []
    while i < n and not lines[i].startswith("Tree=") and lines[i] != "end of trees":
        if lines[i]:
            header.append(lines[i])
        i += 1
    trees: list[tuple[int, list[str]]] = []
    while i < n and lines[i].startswith("Tree="):
        index = _int(lines[i][5:], f"the tree number on line {i + 1}")
        if index != len(trees):
            raise _Refuse(f"line {i + 1} starts tree {index}, but tree {len(trees)} was expected")
        if len(trees) >= MAX_TREES:
            raise _Refuse(f"the model has more than {MAX_TREES:,} trees")
        i += 1
        body: list[str] = []
        while i < n and lines[i]:
            body.append(lines[i])
            i += 1
        if i >= n:
            raise _Refuse(f"the file ends inside tree {index}: it was probably cut off")
        while i < n and not lines[i]:
            i += 1
        trees.append((index, body))
    if i >= n or lines[i] != "end of trees":
        where = f"after tree {len(trees) - 1}" if trees else "before the first tree"
        raise _Refuse(f"the line 'end of trees' is missing {where}: the file was probably cut off or edited")
    return header, trees, lines[i + 1 :]


def _parse_header(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if key == "average_output" and not sep:
            values[key] = ""
            continue
        if not sep or key not in _HEADER_KEYS:
            raise _Refuse(f"unexpected header line {line[:60]!r}")
        if key in values:
            raise _Refuse(f"the header sets {key} twice")
        values[key] = value
    for key in ("version", "num_class", "label_index", "max_feature_idx", "feature_names", "feature_infos"):
        if key not in values:
            raise _Refuse(f"the header has no {key}= line")
    return values


def _parse_objective(text: str | None, num_class: int) -> tuple[str, dict[str, float]]:
    if text is None:
        return "custom", {}
    if not _OBJECTIVE.fullmatch(text):
        raise _Refuse(f"the objective line {text[:60]!r} is malformed")
    name, *options = text.split(" ")
    if name not in _OBJECTIVES:
        raise _Refuse(f"unknown objective {name!r}")
    parsed: dict[str, float] = {}
    for option in options:
        key, _, value = option.partition(":")
        try:
            parsed[key] = float(value)
        except ValueError as err:
            raise _Refuse(f"objective option {option!r} is not a number") from err
        if not math.isfinite(parsed[key]):
            raise _Refuse(f"objective option {option!r} is not a finite number")
    if name in ("multiclass", "multiclassova"):
        if parsed.get("num_class") != num_class or num_class < 2:
            raise _Refuse(
                f"num_class={num_class} does not match the objective {text!r} (a multiclass model names its classes)"
            )
    elif num_class != 1:
        raise _Refuse(
            f"num_class={num_class} does not match the objective {name!r}, which has one output (num_class=1)"
        )
    if name in ("binary", "multiclassova") and parsed.get("sigmoid", 1.0) <= 0:
        raise _Refuse(f"the objective's sigmoid must be positive, found {parsed.get('sigmoid')}")
    return name, parsed


def _parse_tree(index: int, lines: list[str], num_features: int) -> LightGBMTree:
    fields: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if not sep or key not in _TREE_KEYS:
            raise _Refuse(f"tree {index} has an unexpected line {line[:60]!r}")
        if key in fields:
            raise _Refuse(f"tree {index} sets {key} twice")
        fields[key] = value
    where = f"tree {index}"
    for key in ("num_leaves", "num_cat", "leaf_value"):
        if key not in fields:
            raise _Refuse(f"{where} has no {key}= line")
    leaves = _int(fields["num_leaves"], f"{where}: num_leaves")
    if not 1 <= leaves <= MAX_LEAVES:
        raise _Refuse(f"{where}: num_leaves={leaves} is out of range")
    num_cat = _int(fields["num_cat"], f"{where}: num_cat")
    if _int(fields.get("is_linear", "0"), f"{where}: is_linear") != 0:
        raise _Refuse(f"{where} is a linear tree; models trained with linear_tree=true are not supported")
    shrinkage = _floats(fields.get("shrinkage", "1"), 1, f"{where}: shrinkage")[0]
    internal = leaves - 1
    leaf_value = _floats(fields["leaf_value"], leaves, f"{where}: leaf_value")
    optional_leaf = fields.get("leaf_weight", "")
    leaf_weight = (
        _floats(optional_leaf, leaves, f"{where}: leaf_weight", finite=False) if optional_leaf else np.zeros(leaves)
    )
    leaf_count = (
        _ints(fields.get("leaf_count", ""), leaves, f"{where}: leaf_count")
        if leaves > 1 or fields.get("leaf_count")
        else np.zeros(1, dtype=np.int64)
    )
    if (leaf_count < 0).any():
        raise _Refuse(f"{where}: leaf_count holds a negative count")
    if leaves == 1:
        if num_cat != 0:
            raise _Refuse(f"{where}: a tree of one leaf cannot have categorical splits")
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        return LightGBMTree(
            1, 0, empty_i, empty_f, empty_f, empty_i, empty_i, empty_i, leaf_value, leaf_weight, leaf_count,
            empty_f, empty_f, empty_i, empty_i, empty_i, float(shrinkage),
        )  # fmt: skip
    for key in ("split_feature", "threshold", "left_child", "right_child", "decision_type", "internal_count"):
        if key not in fields:
            raise _Refuse(f"{where} has no {key}= line")
    split_feature = _ints(fields["split_feature"], internal, f"{where}: split_feature")
    if split_feature.min() < 0 or split_feature.max() >= num_features:
        raise _Refuse(f"{where}: split_feature names an input outside 0..{num_features - 1}")
    threshold = _floats(fields["threshold"], internal, f"{where}: threshold", finite=False)
    if np.isnan(threshold).any():  # LightGBM writes inf for a split that only separates missing values
        raise _Refuse(f"{where}: threshold holds a missing number")
    decision_type = _ints(fields["decision_type"], internal, f"{where}: decision_type")
    if decision_type.min() < 0 or decision_type.max() > 11 or ((decision_type >> 2) & 3).max() > 2:
        raise _Refuse(f"{where}: decision_type holds an unknown split kind")
    left = _ints(fields["left_child"], internal, f"{where}: left_child")
    right = _ints(fields["right_child"], internal, f"{where}: right_child")
    _check_shape(where, left, right, leaves)
    internal_count = _ints(fields["internal_count"], internal, f"{where}: internal_count")
    if (internal_count <= 0).any():
        raise _Refuse(f"{where}: internal_count must be positive at every split")
    split_gain = (
        _floats(fields.get("split_gain", ""), internal, f"{where}: split_gain", finite=False)
        if fields.get("split_gain")
        else np.zeros(internal)
    )
    internal_value = (
        _floats(fields.get("internal_value", ""), internal, f"{where}: internal_value", finite=False)
        if fields.get("internal_value")
        else np.zeros(internal)
    )
    internal_weight = (
        _floats(fields.get("internal_weight", ""), internal, f"{where}: internal_weight", finite=False)
        if fields.get("internal_weight")
        else np.zeros(internal)
    )
    categorical = (decision_type & CATEGORICAL_MASK).astype(bool)
    cat_boundaries = np.zeros(0, dtype=np.int64)
    cat_threshold = np.zeros(0, dtype=np.int64)
    if num_cat < 0 or num_cat > internal:
        raise _Refuse(f"{where}: num_cat={num_cat} is out of range")
    if num_cat:
        if "cat_boundaries" not in fields or "cat_threshold" not in fields:
            raise _Refuse(f"{where} has categorical splits but no cat_boundaries or cat_threshold")
        cat_boundaries = _ints(fields["cat_boundaries"], num_cat + 1, f"{where}: cat_boundaries")
        if cat_boundaries[0] != 0 or (np.diff(cat_boundaries) <= 0).any() or cat_boundaries[-1] > 1 << 20:
            raise _Refuse(f"{where}: cat_boundaries must start at 0 and increase")
        cat_threshold = _ints(fields["cat_threshold"], int(cat_boundaries[-1]), f"{where}: cat_threshold")
        if cat_threshold.min() < 0 or cat_threshold.max() > 2**32 - 1:
            raise _Refuse(f"{where}: cat_threshold holds a bitset word out of range")
    if categorical.any():
        cuts = threshold[categorical]
        if num_cat == 0 or (cuts != np.round(cuts)).any() or cuts.min() < 0 or cuts.max() >= num_cat:
            raise _Refuse(f"{where}: a categorical split points to a category list that does not exist")
    return LightGBMTree(
        leaves, num_cat, split_feature, split_gain, threshold, decision_type, left, right, leaf_value, leaf_weight,
        leaf_count, internal_value, internal_weight, internal_count, cat_boundaries, cat_threshold, float(shrinkage),
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
                    raise _Refuse(f"{where}: split {node} points to leaf {leaf}, but there are {leaves} leaves")
                seen_leaves[leaf] += 1
            else:
                if child <= node or child >= internal:
                    raise _Refuse(f"{where}: split {node} points to split {child}, which cannot be its child")
                seen_nodes[child] += 1
    if seen_nodes[0] != 0 or (seen_nodes[1:] != 1).any() or (seen_leaves != 1).any():
        raise _Refuse(f"{where}: its splits and leaves do not form one tree")


def _parse_tail(lines: list[str]) -> list[list[object]] | None:
    """Check what follows the trees; return the pandas category lists (or None)."""
    for opening, closing in (("parameters:", "end of parameters"), ("parser:", "end of parser")):
        if opening in lines and closing not in lines[lines.index(opening) :]:
            raise _Refuse(f"the file ends inside its {opening} block: it was probably cut off")
    section = None
    pandas: list[list[object]] | None = None
    seen_pandas = False
    for number, line in enumerate(lines):
        if not line:
            continue
        if seen_pandas:
            raise _Refuse("there is text after the pandas_categorical line")
        if line in ("feature_importances:", "parameters:", "parser:"):
            section = line
        elif line in ("end of parameters", "end of parser"):
            if section is None or section[:-1] not in line:
                raise _Refuse(f"{line!r} without its opening line")
            section = "closed"
        elif line.startswith("pandas_categorical:"):
            if section in ("parameters:", "parser:"):
                raise _Refuse(f"the {section[:-1]} block is not closed: the file was probably cut off")
            pandas = _parse_pandas(line[len("pandas_categorical:") :])
            seen_pandas = True
        elif section == "parameters:":
            if not _PARAMETER_LINE.fullmatch(line):
                raise _Refuse(f"line {number + 1} after the trees ({line[:40]!r}) is not a parameter")
        elif section == "feature_importances:":
            _name, sep, value = line.rpartition("=")
            if not sep or not _INT.fullmatch(value):
                raise _Refuse(f"the feature importance line {line[:40]!r} is malformed")
        elif section != "parser:":
            raise _Refuse(f"unexpected text after the trees: {line[:40]!r}")
    if section in ("parameters:", "parser:"):
        raise _Refuse(f"the file ends inside its {section} block: it was probably cut off")
    return pandas


def _parse_pandas(text: str) -> list[list[object]] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise _Refuse(f"the pandas_categorical line is not valid JSON ({err})") from err
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
        raise _Refuse("the pandas_categorical line should hold one list of categories per categorical input")
    for cats in value:
        if not all(isinstance(c, (str, int, float, bool)) for c in cats):
            raise _Refuse("a pandas category list holds something other than text or numbers")
    return value


def parse_lightgbm_text(data: bytes, *, source: str = "model.txt") -> LightGBMText:
    """Parse and validate a LightGBM text model; raise :class:`ModelLoadError` naming the problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ModelLoadError(f"{source}: not a LightGBM text model (it is not UTF-8 text).") from err
    text = text.replace("\r\n", "\n")
    try:
        return _parse(text)
    except _Refuse as err:
        raise ModelLoadError(
            f"{source}: the LightGBM model file is damaged or incomplete: {err}. Export it again with "
            "booster.save_model('model.txt')."
        ) from None


def _parse(text: str) -> LightGBMText:
    header_lines, tree_blocks, tail = _split_sections(text)
    header = _parse_header(header_lines)
    num_class = _int(header["num_class"], "num_class")
    if not 1 <= num_class <= 1000:
        raise _Refuse(f"num_class={num_class} is out of range")
    objective, options = _parse_objective(header.get("objective"), num_class)
    per_iteration = _int(header.get("num_tree_per_iteration", str(num_class)), "num_tree_per_iteration")
    if per_iteration != num_class:
        raise _Refuse(f"num_tree_per_iteration={per_iteration} does not match num_class={num_class}")
    max_feature_idx = _int(header["max_feature_idx"], "max_feature_idx")
    if not 0 <= max_feature_idx < 100_000:
        raise _Refuse(f"max_feature_idx={max_feature_idx} is out of range")
    num_features = max_feature_idx + 1
    names = tuple(header["feature_names"].split(" "))
    if len(names) != num_features or any(not n or not n.isprintable() for n in names):
        raise _Refuse(f"feature_names should list {num_features} names without spaces")
    infos = tuple(header["feature_infos"].split(" "))
    if len(infos) != num_features or not all(_FEATURE_INFO.fullmatch(i) for i in infos):
        raise _Refuse(f"feature_infos should describe {num_features} inputs")
    monotone = None
    if "monotone_constraints" in header:
        values = _ints(header["monotone_constraints"], num_features, "monotone_constraints")
        if values.min() < -1 or values.max() > 1:
            raise _Refuse("monotone_constraints holds values other than -1, 0 and 1")
        monotone = tuple(int(v) for v in values)
    if not re.fullmatch(r"v[1-9]", header["version"]):
        raise _Refuse(f"unknown model version {header['version'][:20]!r}")
    trees = tuple(_parse_tree(i, body, num_features) for i, body in tree_blocks)
    if not trees or len(trees) % per_iteration:
        raise _Refuse(f"the model has {len(trees)} trees, not a whole number of iterations of {per_iteration}")
    if "tree_sizes" in header and len(header["tree_sizes"].split(" ")) != len(trees):
        raise _Refuse("tree_sizes does not list one size per tree")
    pandas = _parse_tail(tail)
    categorical = tuple(not (i.startswith("[") or i == "none") for i in infos)
    for tree in trees:
        cat_nodes = (tree.decision_type & CATEGORICAL_MASK).astype(bool)
        if cat_nodes.any() and not all(categorical[f] for f in tree.split_feature[cat_nodes]):
            raise _Refuse("a categorical split uses an input that feature_infos describes as numeric")
    if pandas is None and any(categorical):
        raise _Refuse(
            "the model has categorical inputs but the file ends without its pandas_categorical line: it was "
            "probably cut off, or the model was trained without pandas 'category' columns"
        )
    if pandas is not None and len(pandas) != sum(categorical):
        raise _Refuse(
            f"pandas_categorical lists {len(pandas)} category lists for {sum(categorical)} categorical inputs"
        )
    return LightGBMText(
        version=header["version"],
        num_class=num_class,
        num_tree_per_iteration=per_iteration,
        label_index=_int(header["label_index"], "label_index"),
        max_feature_idx=max_feature_idx,
        objective=objective,
        objective_options=options,
        average_output="average_output" in header,
        feature_names=names,
        feature_infos=infos,
        monotone_constraints=monotone,
        trees=trees,
        pandas_categorical=pandas,
        categorical=categorical,
    )


def _join(values: np.ndarray, *, floats: bool) -> str:
    if floats:
        return " ".join(repr(float(v)) for v in values)
    return " ".join(str(int(v)) for v in values)


def _tree_text(index: int, tree: LightGBMTree) -> str:
    parts = [
        f"num_leaves={tree.num_leaves}",
        f"num_cat={tree.num_cat}",
        f"split_feature={_join(tree.split_feature, floats=False)}",
        f"split_gain={_join(tree.split_gain, floats=True)}",
        f"threshold={_join(tree.threshold, floats=True)}",
        f"decision_type={_join(tree.decision_type, floats=False)}",
        f"left_child={_join(tree.left_child, floats=False)}",
        f"right_child={_join(tree.right_child, floats=False)}",
        f"leaf_value={_join(tree.leaf_value, floats=True)}",
        f"leaf_weight={_join(tree.leaf_weight, floats=True)}",
        f"leaf_count={_join(tree.leaf_count, floats=False)}",
        f"internal_value={_join(tree.internal_value, floats=True)}",
        f"internal_weight={_join(tree.internal_weight, floats=True)}",
        f"internal_count={_join(tree.internal_count, floats=False)}",
    ]
    if tree.num_cat:
        parts.append(f"cat_boundaries={_join(tree.cat_boundaries, floats=False)}")
        parts.append(f"cat_threshold={_join(tree.cat_threshold, floats=False)}")
    parts += ["is_linear=0", f"shrinkage={tree.shrinkage!r}"]
    return f"Tree={index}\n" + "\n".join(parts) + "\n\n\n"


def canonical_text(model: LightGBMText) -> str:
    """The model written back from its parsed numbers: what LightGBM is allowed to load.

    Two files that differ only in what prediction never reads (parameters, feature
    importances, line endings) give the same text, so it also serves as the model's identity.
    """
    objective = model.objective
    if model.objective_options:
        objective += "".join(f" {k}:{_number(v)}" for k, v in model.objective_options.items())
    blocks = [_tree_text(i, t) for i, t in enumerate(model.trees)]
    head = [
        "tree",
        f"version={model.version}",
        f"num_class={model.num_class}",
        f"num_tree_per_iteration={model.num_tree_per_iteration}",
        f"label_index={model.label_index}",
        f"max_feature_idx={model.max_feature_idx}",
    ]
    if model.objective != "custom":
        head.append(f"objective={objective}")
    if model.average_output:
        head.append("average_output")
    head.append("feature_names=" + " ".join(model.feature_names))
    if model.monotone_constraints is not None:
        head.append("monotone_constraints=" + " ".join(map(str, model.monotone_constraints)))
    head.append("feature_infos=" + " ".join(model.feature_infos))
    head.append("tree_sizes=" + " ".join(str(len(b.encode("utf-8"))) for b in blocks))
    pandas = json.dumps(model.pandas_categorical, ensure_ascii=False)
    return "\n".join(head) + "\n\n" + "".join(blocks) + "end of trees\n\npandas_categorical:" + pandas + "\n"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
