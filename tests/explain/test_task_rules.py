"""The spec's words for multiclass and regression models: classes, rules, target and bands,
validated with exact messages, written and read back unchanged, and turned into verdicts."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from explain import (
    Band,
    Bundle,
    ClassRules,
    SpecError,
    TargetRules,
    adapt_estimator,
    check_spec,
    class_verdicts,
    format_number,
    parse_spec,
    spec_to_toml,
    target_verdicts,
)

MULTICLASS = {
    "task": "multiclass",
    "id_column": "application_id",
    "classes": {
        "labels": {"0": "Grade A", "1": "Grade B", "2": "Grade C", "3": "Grade D"},
        "order": ["0", "1", "2", "3"],
        "min_probability": 0.4,
        "otherwise": "Referred to an underwriter",
    },
}
REGRESSION = {
    "task": "regression",
    "target": {
        "label": "estimated yearly value",
        "unit": "$",
        "decimals": 0,
        "bands": [{"below": 1000, "label": "Low"}, {"below": 5000, "label": "Medium"}, {"label": "High"}],
    },
}


def test_class_rules_and_target_read_and_write_back_unchanged() -> None:
    import tomllib

    for raw in (MULTICLASS, REGRESSION):
        spec = parse_spec(raw)
        again = parse_spec(tomllib.loads(spec_to_toml(spec)))
        assert again == spec
    spec = parse_spec(MULTICLASS)
    assert spec.classes.label("2") == "Grade C" and spec.classes.label("9") == "Class 9"
    assert [spec.classes.is_adverse(c) for c in "0123"] == [False, False, True, True]  # the worse half
    assert parse_spec(REGRESSION).target.bands[-1] == Band("High", None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {
                **REGRESSION,
                "target": {"bands": [{"below": 5, "label": "Low"}, {"below": 2, "label": "Mid"}, {"label": "High"}]},
            },
            "spec: target.bands must rise: target.bands[1].below = 2 is not above the last.",
        ),
        (
            {**REGRESSION, "target": {"bands": [{"below": 5, "label": "Low"}, {"below": 9, "label": "High"}]}},
            "spec: the last of target.bands needs no 'below': it takes every larger estimate.",
        ),
        (
            {**REGRESSION, "target": {"bands": [{"label": "Low"}, {"label": "High"}]}},
            "spec: target.bands[0] has no 'below'; only the last band may leave it out.",
        ),
        (
            {"task": "binary", "classes": {"labels": {"0": "A"}}},
            "spec: [classes] describes a multiclass model, but task = 'binary'; remove it or fix task.",
        ),
        (
            {**MULTICLASS, "classes": {"min_probability": 1.5}},
            "spec: classes.min_probability must lie strictly between 0 and 1; got 1.5.",
        ),
        (
            {**MULTICLASS, "classes": {"order": ["0", "0"]}},
            "spec: classes.order names a class twice.",
        ),
        ({"task": "ranking"}, "spec: task must be one of binary, multiclass, regression; got 'ranking'."),
    ],
)
def test_bad_task_tables_say_exactly_what_is_wrong(raw: dict, message: str) -> None:  # type: ignore[type-arg]
    _, problems = check_spec(raw, source="spec")
    assert message in [str(p) for p in problems]


def _grades() -> tuple[lgb.Booster, pd.DataFrame]:
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    grade = np.digitize(x.a + 0.5 * x.b + rng.normal(0, 0.5, 400), [-1, 0, 1])
    return lgb.train({"objective": "multiclass", "num_class": 4, "verbose": -1}, lgb.Dataset(x, grade), 20), x


def test_the_verdict_is_the_most_probable_class_unless_it_falls_short() -> None:
    booster, x = _grades()
    adapter = adapt_estimator(booster)
    rules = parse_spec(MULTICLASS).classes
    p = adapter.predict_response(x)
    np.testing.assert_allclose(p, booster.predict(x), atol=1e-12)
    verdicts = class_verdicts(rules, adapter.classes, p)
    top = np.argmax(p, axis=1)
    second = np.argsort(-p, axis=1)[:, 1]
    for v, row, t, s in zip(verdicts, p, top, second, strict=True):
        assert v.predicted == str(t) and v.probability == pytest.approx(row[t])
        assert v.runner_up == str(s) and v.runner_up_probability == pytest.approx(row[s])
        assert v.verdict == (rules.label(str(t)) if row[t] >= 0.4 else "Referred to an underwriter")
    assert {v.verdict for v in verdicts} >= {"Grade A", "Grade D"}
    assert any(v.verdict == "Referred to an underwriter" for v in verdicts)
    with pytest.raises(SpecError, match="expected probabilities for 4 classes"):
        class_verdicts(rules, adapter.classes, p[:, :3])


def test_an_estimate_falls_in_its_band_and_reads_in_the_targets_unit() -> None:
    rules = parse_spec(REGRESSION).target
    verdicts = target_verdicts(rules, np.array([999.4, 1000.0, 4999.0, 12_345.0]), lambda v: f"${format_number(v, 0)}")
    assert [v.band for v in verdicts] == ["Low", "Medium", "Medium", "High"]
    assert verdicts[3].verdict == "High (Estimated yearly value: $12,345)"
    plain = target_verdicts(TargetRules(label="credit limit"), np.array([2500.0]), lambda v: f"${v:,.0f}")
    assert plain[0].verdict == "Credit limit: $2,500" and plain[0].band is None


def test_classes_the_model_does_not_have_are_refused_by_name() -> None:
    booster, x = _grades()
    spec = {**MULTICLASS, "id_column": "id", "classes": {"labels": {"7": "Grade Z"}}}
    with pytest.raises(
        SpecError, match=r"classes.labels names class '7', which the model does not have; its classes are 0, 1, 2, 3"
    ):
        Bundle.from_estimator(booster, x, spec=spec)
    assert ClassRules().otherwise == "Referred for review"
