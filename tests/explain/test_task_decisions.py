"""One decision of a multiclass and of a regression bundle: the verdict in the spec's words,
contributions that add up in the reader's units to the model's own output, reasons that
agree with their values, and binary-only computations refused by name."""

from __future__ import annotations

import numpy as np
import pytest

from explain import (
    Bundle,
    InvalidParameterError,
    UnsupportedTaskError,
    explain_decision,
    explain_decisions,
    value_side,
)
from explain.decision._task_view import reader_view


def _statements_agree(bundle: Bundle, result: object) -> None:
    for reason in result.reasons:  # type: ignore[attr-defined]
        spec = bundle.spec.feature(reason.feature)
        if reason.neutral or not (spec.reason_low or spec.reason_high):
            continue
        side = value_side(
            bundle.profile.features[reason.feature],
            result.contributions.values[result.contributions.features.index(reason.feature)],
        )  # type: ignore[attr-defined]
        assert reason.statement == (spec.reason_high if side == "high" else spec.reason_low), reason


def test_a_grade_decision_names_the_class_and_adds_up(grades_bundle: Bundle) -> None:
    bundle = grades_bundle
    ids = list(bundle.decisions.index[:40])
    probabilities = bundle.model.predict_response(bundle.decisions.loc[ids])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    rules = bundle.spec.classes
    for decision_id, p, result in zip(ids, probabilities, explain_decisions(bundle, ids), strict=True):
        top = int(np.argmax(p))
        pred = result.prediction
        expected = rules.label(str(top)) if p[top] >= rules.min_probability else rules.otherwise
        assert pred.verdict == expected and pred.explained_class == str(top)
        assert pred.class_probabilities[0] == (rules.label(str(top)), pytest.approx(p[top]))
        view = result.contributions.probability
        if pred.units.kind == "probability":  # the contributions move the baseline to the class's probability
            assert result.base.probability + view.sum() == pytest.approx(p[top], abs=1e-9)
        else:
            assert result.view_note.startswith("Shown as the model's margin")
        raw = bundle.model.predict_raw(bundle.decisions.loc[[decision_id]])[0]
        assert result.base.raw + result.contributions.raw.sum() == pytest.approx(raw[top], abs=1e-6)
        assert pred.headline.startswith(pred.verdict) and result.summary.startswith(pred.headline)
        _statements_agree(bundle, result)
    assert {r.prediction.verdict for r in explain_decisions(bundle, ids)} >= {"Grade A", "Referred to an underwriter"}


def test_why_not_another_grade(grades_bundle: Bundle) -> None:
    decision_id = str(grades_bundle.decisions.index[0])
    other = explain_decision(grades_bundle, decision_id, target_class="3")
    assert other.prediction.explained_class == "3" and other.prediction.explained_label == "Grade D"
    raw = grades_bundle.model.predict_raw(grades_bundle.decisions.loc[[decision_id]])[0]
    assert other.base.raw + other.contributions.raw.sum() == pytest.approx(raw[3], abs=1e-6)
    with pytest.raises(
        InvalidParameterError, match=r"target_class must be one of the model's classes 0, 1, 2, 3; got 'E'"
    ):
        explain_decision(grades_bundle, decision_id, target_class="E")


def test_a_limit_decision_is_the_estimate_in_dollars_and_its_band(limits_bundle: Bundle) -> None:
    bundle = limits_bundle
    ids = list(bundle.decisions.index[:40])
    estimates = bundle.model.predict_response(bundle.decisions.loc[ids])
    for estimate, result in zip(estimates, explain_decisions(bundle, ids), strict=True):
        pred = result.prediction
        assert pred.estimate == pytest.approx(estimate, abs=1e-6)
        assert result.base.probability + result.contributions.probability.sum() == pytest.approx(estimate, abs=1e-6)
        assert pred.band == bundle.spec.target.band(estimate)
        assert pred.verdict == f"{pred.band} (Credit limit: ${estimate:,.0f})"
        assert pred.adverse == (estimate < result.base.probability)  # favourable above: a lower limit is adverse
        _statements_agree(bundle, result)
        for reason in result.reasons:
            assert "points" not in reason.statement  # effects read in dollars
    assert result.base.observed_note.startswith("observed mean in 1,500 reference cases")


def test_binary_only_computations_say_so(grades_bundle: Bundle, limits_bundle: Bundle) -> None:
    from explain import model_performance

    with pytest.raises(
        UnsupportedTaskError,
        match=r"defined for binary classifiers in this version; this model is a multiclass classifier with 4 classes \(LightGBM objective 'multiclass'\)",
    ):
        model_performance(grades_bundle)
    with pytest.raises(
        UnsupportedTaskError, match=r"this model is a regression model \(LightGBM objective 'regression'\)"
    ):
        model_performance(limits_bundle)


def test_softmax_probability_view_only_where_it_moves_with_the_margin() -> None:
    values = np.array([[0.6, 2.0, 0.0], [0.4, 1.0, 0.0]])  # two inputs × three classes
    base, raw = np.zeros(3), values.sum(axis=0)  # margins 1, 3, 0: class 0's margin rose, its chance fell
    fell = reader_view("margin", values, base, raw, cls=0, class_label="Grade A")
    assert fell.units.kind == "margin" and "against its margin" in fell.note
    np.testing.assert_allclose(fell.values, [0.6, 0.4])
    rose = reader_view("margin", values, base, raw, cls=1, class_label="Grade B")
    p = np.exp(raw) / np.exp(raw).sum()
    assert rose.units.kind == "probability" and rose.note == ""
    assert rose.base + rose.values.sum() == pytest.approx(p[1]) and rose.base == pytest.approx(1 / 3)


def test_the_command_line_shows_a_grade_and_a_limit(
    grades_bundle: Bundle, limits_bundle: Bundle, capsys: pytest.CaptureFixture[str]
) -> None:
    from explain.cli import main

    decision_id = str(grades_bundle.decisions.index[0])
    expected = explain_decision(grades_bundle, decision_id, target_class="1")
    assert main(["show", str(grades_bundle.path), decision_id, "--class", "1"]) == 0
    out = capsys.readouterr().out
    assert expected.prediction.headline in out and "Contributions explain: Grade B" in out
    chances = next(line for line in out.splitlines() if line.startswith("Chances: "))
    assert all(f"Grade {g} " in chances for g in "ABCD")
    assert main(["show", str(limits_bundle.path), str(limits_bundle.decisions.index[0])]) == 0
    out = capsys.readouterr().out
    assert (
        "(Credit limit: $" in out and "Model baseline $" in out and "observed mean in 1,500 reference cases: $" in out
    )
    assert main(["reasons", str(limits_bundle.path), "--out", str(limits_bundle.path / "r.csv")]) == 2
    assert "defined for binary classifiers in this version" in capsys.readouterr().err


def test_why_one_grade_rather_than_another_adds_up_to_the_models_odds(grades_bundle: Bundle) -> None:
    from explain import class_contrast

    decision_id = str(grades_bundle.decisions.index[1])
    p = grades_bundle.model.predict_response(grades_bundle.decisions.loc[[decision_id]])[0]
    top = grades_bundle.model.classes[int(np.argmax(p))]
    for versus in grades_bundle.model.classes:
        contrast = class_contrast(grades_bundle, decision_id, versus)
        assert contrast.explained == top and contrast.output == "margin"
        assert contrast.base + contrast.values.sum() == pytest.approx(contrast.total, abs=1e-9)
        ratio = p[int(top)] / p[int(versus)]  # softmax: the odds of two classes are exp(margin difference)
        assert np.exp(contrast.total) == pytest.approx(ratio, rel=1e-9)
        frame = contrast.to_frame()
        assert list(frame["contrast"].abs()) == sorted(frame["contrast"].abs(), reverse=True)
        if versus != top:
            assert f"{np.exp(contrast.total):.2f} times as likely as" in contrast.statement
            first = frame.iloc[0]
            toward = contrast.explained_label if first["contrast"] > 0 else contrast.versus_label
            assert first["effect"] == f"favours {toward} ×{np.exp(abs(first['contrast'])):.2f}"
    with pytest.raises(InvalidParameterError, match="target_class must be one of the model's classes"):
        class_contrast(grades_bundle, decision_id, "E")
