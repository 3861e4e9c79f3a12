"""Figure builders tested on their data: trace types, order, values, the "rest" bar."""

from __future__ import annotations

import numpy as np

from explain import Bundle
from explain.decision._decision import explain_decision
from explain.figures import contribution_waterfall, empty_figure, waterfall_steps
from explain.models._base import logit


def test_waterfall_steps_order_values_and_rest(loan: Bundle) -> None:
    result = explain_decision(loan, loan.decisions.index[2])
    names, steps, measures = waterfall_steps(result, max_features=8)
    n_features = len(loan.features)
    assert n_features > 8
    assert measures == ["absolute"] + ["relative"] * 9 + ["total"]
    assert names[0] == "Model baseline" and names[-1] == "Score"
    assert names[9] == f"{n_features - 8} other inputs"
    assert steps[0] == result.base.probability
    prob = result.contributions.probability
    top = np.argsort(-np.abs(prob), kind="stable")[:8]
    np.testing.assert_allclose(steps[1:9], prob[top])
    assert abs(steps[9] - np.delete(prob, top).sum()) < 1e-12
    assert abs(steps[0] + sum(steps[1:-1]) - result.prediction.score) < 1e-9
    assert list(np.abs(steps[1:9])) == sorted(np.abs(steps[1:9]), reverse=True)


def test_waterfall_figure_marks_signs_and_threshold(loan: Bundle) -> None:
    result = explain_decision(loan, loan.decisions.index[2])
    fig = contribution_waterfall(result)
    (trace,) = fig.data
    assert trace.type == "waterfall" and trace.orientation == "h"
    texts = list(trace.text)
    for value, text, measure in zip(trace.x, texts, trace.measure, strict=True):
        if measure == "relative":
            assert text.startswith("+" if value >= 0 else "−") and text.endswith("pts")
    from explain import format_percent

    # each label names its own bar's value: the baseline's label its baseline, not the observed rate
    assert trace.y[0] == f"Model baseline  <b>{format_percent(result.base.probability)}</b>"
    for label, text in zip(trace.y, texts, strict=True):
        assert label.endswith(f"<b>{text}</b>")
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == loan.spec.decision.threshold
    raw = contribution_waterfall(result, space="log-odds")
    assert raw.layout.shapes[0].x0 == float(logit(np.array(loan.spec.decision.threshold)))
    assert raw.data[0].x[0] == result.base.raw
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"


def test_waterfall_escapes_user_text(hostile_bundle: Bundle) -> None:
    result = explain_decision(hostile_bundle, hostile_bundle.decisions.index[0])
    fig = contribution_waterfall(result)
    for label in fig.data[0].y:
        assert "<img" not in label and "<a" not in label


def test_empty_figure_says_why() -> None:
    fig = empty_figure("Nothing to show")
    assert fig.layout.annotations[0].text == "Nothing to show" and not fig.data
