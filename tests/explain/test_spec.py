"""The spec schema: defaults, validation, round trip through TOML."""

from __future__ import annotations

import tomllib

import pytest

from explain import SpecError, parse_spec
from explain.bundle._spec_toml import spec_to_toml
from sample_models import REGISTRY


def test_score_equal_to_threshold_is_above() -> None:
    rule = parse_spec({"decision": {"threshold": 0.2, "above": "Declined", "below": "Approved"}}).decision
    assert rule.verdict(0.2) == "Declined" and rule.verdict(0.1999999) == "Approved"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"favorable": "left"}, "favorable must be one of above, below; got 'left'"),
        ({"features": {"x": {"change": "up"}}}, r"features\.x\.change must be one of increase_only"),
        ({"features": {"x": {"labl": "X"}}}, r"unknown key 'labl' in \[features.x\]; did you mean 'label'\?"),
        ({"decision": {"threshold": True}}, "decision.threshold must be an integer or a number, got bool"),
        ({"decision": {"threshold": 0}}, "strictly between 0 and 1"),
        ({"columns": {"x": {"sensitive": "yes"}}}, r"columns\.x\.sensitive must be true or false"),
        ({"schema_version": 2}, "schema_version 2 is not supported"),
    ],
)
def test_bad_spec_messages(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_spec(raw, source="bundle.toml")


def test_sample_specs_round_trip_through_toml() -> None:
    for name, module in REGISTRY.items():
        spec = parse_spec(module.SPEC, source=name)
        again = parse_spec(tomllib.loads(spec_to_toml(spec)), source=name)
        assert again == spec
