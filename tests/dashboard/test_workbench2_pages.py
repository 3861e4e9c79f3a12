"""AppTest of performance, errors, fairness and drift: one shown number equals the library's."""

from __future__ import annotations

import pytest

from explain import Bundle, format_psi, format_ratio
from explain.evaluation._drift import batch_drift
from explain.evaluation._error_segments import error_segments
from explain.evaluation._fairness import group_fairness
from explain.evaluation._performance import model_performance
from tests.dashboard.conftest import shown_table
from tests.dashboard.test_app import _all_markdown
from tests.dashboard.test_workbench_pages import SAMPLES, open_page
from tests.hostile import assert_no_live_markup


@pytest.mark.parametrize("name", SAMPLES)
def test_performance_page(name: str, bundles: dict[str, Bundle]) -> None:
    at = open_page("performance", name)
    perf = model_performance(bundles[name])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Recall"] == f"{100 * perf.at().recall:.1f}%"
    assert len(at.get("plotly_chart")) == 6
    # the threshold slider is kept in the URL and re-cuts the metrics
    at.slider(key=f"threshold::{name}::performance").set_value(50.0).run()
    assert at.query_params["threshold"] == "0.500"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Recall"] == f"{100 * perf.at(0.5).recall:.1f}%"


def test_threshold_from_a_link_and_business_pages_unchanged(loan: Bundle) -> None:
    from tests.dashboard.conftest import open_app

    at = open_app(bundle="loan", threshold="0.35")
    at.switch_page("views/performance.py").run()
    assert at.slider(key="threshold::loan::performance").value == 35.0
    at.switch_page("views/fairness.py").run()  # the threshold carries to the other page with a slider
    assert at.slider(key="threshold::loan::fairness").value == 35.0
    at.slider(key="threshold::loan::fairness").set_value(42.5).run()
    at.switch_page("views/performance.py").run()
    assert at.slider(key="threshold::loan::performance").value == 42.5
    at.switch_page("views/fairness.py").run()
    assert at.slider(key="threshold::loan::fairness").value == 42.5
    at.switch_page("views/decisions.py").run()
    scores = loan.model.predict_score(loan.decisions)
    at.multiselect(key="browse_loan_verdict").set_value(["Declined"]).run()
    total = next(m.value for m in at.markdown if "matching decisions" in m.value)
    assert f"**{int((scores >= 0.20).sum()):,} matching decisions**" in total  # verdicts use the spec's 20%


@pytest.mark.parametrize("name", SAMPLES)
def test_errors_page(name: str, bundles: dict[str, Bundle]) -> None:
    at = open_page("errors", name)
    result = error_segments(bundles[name])
    segments = shown_table(at, "Segment")
    assert list(segments["Segment"]) == [s.description for s in result.segments]
    shown = [list(df.value["Id"]) for df in at.dataframe if "Id" in df.value.columns]
    expected = [[c.id for c in result.worst_false_positives], [c.id for c in result.worst_false_negatives]]
    assert shown == [ids for ids in expected if ids]  # false positives on the left, false negatives on the right


@pytest.mark.parametrize("name", SAMPLES)
def test_fairness_page(name: str, bundles: dict[str, Bundle]) -> None:
    bundle = bundles[name]
    at = open_page("fairness", name)
    result = group_fairness(bundle)
    column = result.columns[0]
    table = shown_table(at, "Ratio to best")
    assert list(table["Ratio to best"]) == [format_ratio(v) for v in column.selection_ratio]
    flags = [e.value.replace("\\", "") for e in at.error]
    assert len([f for f in flags if "Four-fifths rule" in f]) == len(column.flagged_groups)
    if name == "loan":
        assert any("18-25" in f for f in flags)


@pytest.mark.parametrize("name", SAMPLES)
def test_drift_page_on_the_current_batch(name: str, bundles: dict[str, Bundle]) -> None:
    at = open_page("drift", name)
    result = batch_drift(bundles[name])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Score PSI"] == format_psi(result.score_psi)
    assert any("Major shift" in e.value for e in at.error)


def test_drift_upload_errors_keep_the_last_good_state(loan: Bundle) -> None:
    at = open_page("drift", "loan")
    before = {m.label: m.value for m in at.metric}["Score PSI"]
    uploader = at.get("file_uploader")
    assert uploader, "the drift page offers an upload"
    uploader[0].upload("batch.csv", b"application_id,annual_income\nX1,abc\n", "text/csv").run()  # type: ignore[attr-defined]
    errors = [e.value for e in at.error]
    assert any("batch.csv could not be used" in e.replace("\\", "") for e in errors)
    assert {m.label: m.value for m in at.metric}["Score PSI"] == before
    good = loan.current.reset_index().head(400)  # type: ignore[union-attr]
    uploader = at.get("file_uploader")
    uploader[0].upload("good.csv", good.to_csv(index=False).encode(), "text/csv").run()  # type: ignore[attr-defined]
    expected = batch_drift(loan, batch=good.set_index("application_id"))
    assert {m.label: m.value for m in at.metric}["Score PSI"] == format_psi(expected.score_psi)
    assert any("good.csv" in m.value.replace("\\", "") for m in at.markdown)


def test_drift_page_says_which_batch_it_shows_and_removing_an_upload_goes_back(loan: Bundle) -> None:
    at = open_page("drift", "loan")
    current = loan.current.reset_index()  # type: ignore[union-attr]
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("good.csv", current.head(400).to_csv(index=False).encode(), "text/csv")).run()  # type: ignore[attr-defined]
    assert any("Showing" in m.value and "good.csv" in m.value.replace("\\", "") for m in at.markdown)
    at.get("file_uploader")[0].set_value(("bad.csv", b"a;b\n1;2\n", "text/csv")).run()  # type: ignore[attr-defined]
    error = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "bad.csv could not be used" in error and "semicolons" in error and "Still showing" in error
    assert "good.csv" in error
    assert any("Showing" in m.value and "good.csv" in m.value.replace("\\", "") for m in at.markdown)
    at.get("file_uploader")[0].clear().run()  # type: ignore[attr-defined]
    assert any("the bundle's current batch" in m.value.replace("\\", "") for m in at.markdown)
    assert not any("good.csv" in m.value.replace("\\", "") for m in at.markdown)
    at.get("file_uploader")[0].set_value(("tiny.csv", current.head(40).to_csv(index=False).encode(), "text/csv")).run()  # type: ignore[attr-defined]
    assert any("too few to measure drift meaningfully" in w.value for w in at.warning)
    assert not any("Major shift" in e.value for e in at.error)


@pytest.mark.parametrize("page", ["performance", "errors", "fairness", "drift"])
def test_hostile_bundle_on_workbench_pages_part_two(page: str) -> None:
    at = open_page(page, "hostile")
    for text in _all_markdown(at):
        assert_no_live_markup(text)
