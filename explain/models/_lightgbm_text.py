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

from explain.errors import ModelLoadError
from explain.models._lightgbm_trees import (
    _INT,
    CATEGORICAL_MASK,
    MAX_TREES,
    LightGBMTree,
    Refuse,
    integer,
    integers,
    parse_tree,
    tree_text,
)

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

    @property
    def averaged_over(self) -> int:
        """The iterations a random-forest model (``average_output``) averages its trees over; 1 otherwise."""
        if not self.average_output:
            return 1
        return max(len(self.trees) // max(self.num_tree_per_iteration, 1), 1)


def _split_sections(text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    """Header lines, (index, lines) per ``Tree=`` block, and the lines after ``end of trees``."""
    lines = text.split("\n")
    if not lines or lines[0] != "tree":
        raise Refuse("the first line should read 'tree'")
    i, n = 1, len(lines)
    header: list[str] = []
    while i < n and not lines[i].startswith("Tree=") and lines[i] != "end of trees":
        if lines[i]:
            header.append(lines[i])
        i += 1
    trees: list[tuple[int, list[str]]] = []
    while i < n and lines[i].startswith("Tree="):
        index = integer(lines[i][5:], f"the tree number on line {i + 1}")
        if index != len(trees):
            raise Refuse(f"line {i + 1} starts tree {index}, but tree {len(trees)} was expected")
        if len(trees) >= MAX_TREES:
            raise Refuse(f"the model has more than {MAX_TREES:,} trees")
        i += 1
        body: list[str] = []
        while i < n and lines[i]:
            body.append(lines[i])
            i += 1
        if i >= n:
            raise Refuse(f"the file ends inside tree {index}: it was probably cut off")
        while i < n and not lines[i]:
            i += 1
        trees.append((index, body))
    if i >= n or lines[i] != "end of trees":
        where = f"after tree {len(trees) - 1}" if trees else "before the first tree"
        raise Refuse(f"the line 'end of trees' is missing {where}: the file was probably cut off or edited")
    return header, trees, lines[i + 1 :]


def _parse_header(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if key == "average_output" and not sep:
            values[key] = ""
            continue
        if not sep or key not in _HEADER_KEYS:
            raise Refuse(f"unexpected header line {line[:60]!r}")
        if key in values:
            raise Refuse(f"the header sets {key} twice")
        values[key] = value
    for key in ("version", "num_class", "label_index", "max_feature_idx", "feature_names", "feature_infos"):
        if key not in values:
            raise Refuse(f"the header has no {key}= line")
    return values


def _parse_objective(text: str | None, num_class: int) -> tuple[str, dict[str, float]]:
    if text is None:
        return "custom", {}
    if not _OBJECTIVE.fullmatch(text):
        raise Refuse(f"the objective line {text[:60]!r} is malformed")
    name, *options = text.split(" ")
    if name not in _OBJECTIVES:
        raise Refuse(f"unknown objective {name!r}")
    parsed: dict[str, float] = {}
    for option in options:
        key, _, value = option.partition(":")
        try:
            parsed[key] = float(value)
        except ValueError as err:
            raise Refuse(f"objective option {option!r} is not a number") from err
        if not math.isfinite(parsed[key]):
            raise Refuse(f"objective option {option!r} is not a finite number")
    if name in ("multiclass", "multiclassova"):
        if parsed.get("num_class") != num_class or num_class < 2:
            raise Refuse(
                f"num_class={num_class} does not match the objective {text!r} (a multiclass model names its classes)"
            )
    elif num_class != 1:
        raise Refuse(f"num_class={num_class} does not match the objective {name!r}, which has one output (num_class=1)")
    if name in ("binary", "multiclassova") and parsed.get("sigmoid", 1.0) <= 0:
        raise Refuse(f"the objective's sigmoid must be positive, found {parsed.get('sigmoid')}")
    return name, parsed


def _parse_tail(lines: list[str]) -> list[list[object]] | None:
    """Check what follows the trees; return the pandas category lists (or None)."""
    for opening, closing in (("parameters:", "end of parameters"), ("parser:", "end of parser")):
        if opening in lines and closing not in lines[lines.index(opening) :]:
            raise Refuse(f"the file ends inside its {opening} block: it was probably cut off")
    section = None
    pandas: list[list[object]] | None = None
    seen_pandas = False
    for number, line in enumerate(lines):
        if not line:
            continue
        if seen_pandas:
            raise Refuse("there is text after the pandas_categorical line")
        if line in ("feature_importances:", "parameters:", "parser:"):
            section = line
        elif line in ("end of parameters", "end of parser"):
            if section is None or section[:-1] not in line:
                raise Refuse(f"{line!r} without its opening line")
            section = "closed"
        elif line.startswith("pandas_categorical:"):
            if section in ("parameters:", "parser:"):
                raise Refuse(f"the {section[:-1]} block is not closed: the file was probably cut off")
            pandas = _parse_pandas(line[len("pandas_categorical:") :])
            seen_pandas = True
        elif section == "parameters:":
            if not _PARAMETER_LINE.fullmatch(line):
                raise Refuse(f"line {number + 1} after the trees ({line[:40]!r}) is not a parameter")
        elif section == "feature_importances:":
            _name, sep, value = line.rpartition("=")
            if not sep or not _INT.fullmatch(value):
                raise Refuse(f"the feature importance line {line[:40]!r} is malformed")
        elif section != "parser:":
            raise Refuse(f"unexpected text after the trees: {line[:40]!r}")
    if section in ("parameters:", "parser:"):
        raise Refuse(f"the file ends inside its {section} block: it was probably cut off")
    return pandas


def _parse_pandas(text: str) -> list[list[object]] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise Refuse(f"the pandas_categorical line is not valid JSON ({err})") from err
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
        raise Refuse("the pandas_categorical line should hold one list of categories per categorical input")
    for cats in value:
        if not all(isinstance(c, (str, int, float, bool)) for c in cats):
            raise Refuse("a pandas category list holds something other than text or numbers")
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
    except Refuse as err:
        raise ModelLoadError(
            f"{source}: the LightGBM model file is damaged or incomplete: {err}. Export it again with "
            "booster.save_model('model.txt')."
        ) from None


def _parse(text: str) -> LightGBMText:
    header_lines, tree_blocks, tail = _split_sections(text)
    header = _parse_header(header_lines)
    num_class = integer(header["num_class"], "num_class")
    if not 1 <= num_class <= 1000:
        raise Refuse(f"num_class={num_class} is out of range")
    objective, options = _parse_objective(header.get("objective"), num_class)
    per_iteration = integer(header.get("num_tree_per_iteration", str(num_class)), "num_tree_per_iteration")
    if per_iteration != num_class:
        raise Refuse(f"num_tree_per_iteration={per_iteration} does not match num_class={num_class}")
    max_feature_idx = integer(header["max_feature_idx"], "max_feature_idx")
    if not 0 <= max_feature_idx < 100_000:
        raise Refuse(f"max_feature_idx={max_feature_idx} is out of range")
    num_features = max_feature_idx + 1
    names = tuple(header["feature_names"].split(" "))
    if len(names) != num_features or any(not n or not n.isprintable() for n in names):
        raise Refuse(f"feature_names should list {num_features} names without spaces")
    infos = tuple(header["feature_infos"].split(" "))
    if len(infos) != num_features or not all(_FEATURE_INFO.fullmatch(i) for i in infos):
        raise Refuse(f"feature_infos should describe {num_features} inputs")
    monotone = None
    if "monotone_constraints" in header:
        values = integers(header["monotone_constraints"], num_features, "monotone_constraints")
        if values.min() < -1 or values.max() > 1:
            raise Refuse("monotone_constraints holds values other than -1, 0 and 1")
        monotone = tuple(int(v) for v in values)
    if not re.fullmatch(r"v[1-9]", header["version"]):
        raise Refuse(f"unknown model version {header['version'][:20]!r}")
    trees = tuple(parse_tree(i, body, num_features) for i, body in tree_blocks)
    if not trees or len(trees) % per_iteration:
        raise Refuse(f"the model has {len(trees)} trees, not a whole number of iterations of {per_iteration}")
    if "tree_sizes" in header and len(header["tree_sizes"].split(" ")) != len(trees):
        raise Refuse("tree_sizes does not list one size per tree")
    pandas = _parse_tail(tail)
    categorical = tuple(not (i.startswith("[") or i == "none") for i in infos)
    for tree in trees:
        cat_nodes = (tree.decision_type & CATEGORICAL_MASK).astype(bool)
        if cat_nodes.any() and not all(categorical[f] for f in tree.split_feature[cat_nodes]):
            raise Refuse("a categorical split uses an input that feature_infos describes as numeric")
    if pandas is None and any(categorical):
        raise Refuse(
            "the model has categorical inputs but the file ends without its pandas_categorical line: it was "
            "probably cut off, or the model was trained without pandas 'category' columns"
        )
    if pandas is not None and len(pandas) != sum(categorical):
        raise Refuse(f"pandas_categorical lists {len(pandas)} category lists for {sum(categorical)} categorical inputs")
    return LightGBMText(
        version=header["version"],
        num_class=num_class,
        num_tree_per_iteration=per_iteration,
        label_index=integer(header["label_index"], "label_index"),
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


def canonical_text(model: LightGBMText) -> str:
    """The model written back from its parsed numbers: what LightGBM is allowed to load.

    Two files that differ only in what prediction never reads (parameters, feature
    importances, line endings) give the same text, so it also serves as the model's identity.
    """
    objective = model.objective
    if model.objective_options:
        objective += "".join(f" {k}:{_number(v)}" for k, v in model.objective_options.items())
    blocks = [tree_text(i, t) for i, t in enumerate(model.trees)]
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
