"""Writing a spec back as ``bundle.toml`` text (the inverse of :func:`~explain.bundle.parse_spec`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from explain.bundle._spec import Spec, SqlSource
from explain.bundle._task_rules import ClassRules, TargetRules
from explain.errors import SpecError

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = []
    for ch in text:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            raise SpecError(f"the text {text[:40]!r} holds a lone surrogate character, which no file can store.")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(k: str) -> str:
    """A TOML key: bare when it can be, else quoted."""
    bare = k.replace("_", "a").replace("-", "a").isalnum() and k.isascii()
    return k if bare else toml_string(k)


def spec_to_toml(spec: Spec) -> str:
    """Write a spec as ``bundle.toml`` text (the inverse of :func:`parse_spec`)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, SqlSource):
            pairs = [(k, x) for k, x in asdict(v).items() if x is not None]
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in pairs) + " }"
        return toml_string(str(v))

    key = toml_key

    lines = [f"schema_version = {spec.schema_version}"]
    top = {
        "name": spec.name,
        "task": spec.task,
        "model": spec.model,
        "decisions": spec.decisions,
        "reference": spec.reference,
        "current": spec.current,
        "id_column": spec.id_column,
        "outcome_column": spec.outcome_column,
        "score_label": spec.score_label,
        "favorable": spec.favorable,
        "recourse": spec.recourse,
        "recourse_off_reason": spec.recourse_off_reason or None,
        "reference_split": spec.reference_split,
    }
    lines += [f"{k} = {value(v)}" for k, v in top.items() if v is not None]
    d = spec.decision
    lines.append(f"decision = {{ threshold = {d.threshold!r}, above = {value(d.above)}, below = {value(d.below)} }}")
    if spec.outcome_labels:
        pairs = ", ".join(f"{k} = {value(v)}" for k, v in sorted(spec.outcome_labels.items(), reverse=True))
        lines.append(f"outcome_labels = {{ {pairs} }}")
    lines += _task_tables(spec, value)
    for f in spec.features.values():
        lines.append(f"\n[features.{key(f.name)}]")
        for k, v in asdict(f).items():
            default = v in (None, "") or (k == "change" and v == "any") or (k in ("actionable", "sensitive") and not v)
            if k != "name" and not default:
                lines.append(f"{k} = {value(v)}")
    for c in spec.columns.values():
        lines.append(f"\n[columns.{key(c.name)}]")
        for k, v in asdict(c).items():
            if k != "name" and v not in (None, "", False):
                lines.append(f"{k} = {value(v)}")
    return "\n".join(lines) + "\n"


def _task_tables(spec: Spec, value: Any) -> list[str]:
    """``[classes]`` of a multiclass spec and ``[target]`` of a regression one, where they say anything."""
    lines: list[str] = []
    c = spec.classes
    if spec.task == "multiclass" and c != ClassRules():
        lines.append("\n[classes]")
        if c.labels:
            pairs = ", ".join(f"{toml_string(k)} = {value(v)}" for k, v in c.labels.items())
            lines.append(f"labels = {{ {pairs} }}")
        for name, listed in (("order", c.order), ("adverse", c.adverse)):
            if listed:
                lines.append(f"{name} = [{', '.join(toml_string(v) for v in listed)}]")
        if c.min_probability is not None:
            lines.append(f"min_probability = {c.min_probability!r}")
        lines.append(f"otherwise = {value(c.otherwise)}")
    t = spec.target
    if spec.task == "regression" and t != TargetRules():
        lines.append("\n[target]")
        lines.append(f"label = {value(t.label)}")
        if t.unit:
            lines.append(f"unit = {value(t.unit)}")
        if t.decimals is not None:
            lines.append(f"decimals = {t.decimals}")
        if t.bands:
            bands = [
                f"{{ label = {value(b.label)}" + ("" if b.below is None else f", below = {b.below!r}") + " }"
                for b in t.bands
            ]
            lines.append(f"bands = [{', '.join(bands)}]")
    return lines
