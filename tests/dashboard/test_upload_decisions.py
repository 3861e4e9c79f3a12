"""Explain an uploaded batch on the Decisions page: browsed and opened like the bundle's own
decisions, a bad file refused without losing the good one, and another session never sees it."""

from __future__ import annotations

from explain import Bundle, explain_decision, read_batch, verdicts_with_reasons, with_uploaded_decisions
from tests.dashboard.conftest import assert_healthy, open_app


def _batch(loan: Bundle, n: int = 300) -> bytes:
    frame = loan.current.reset_index().head(n).drop(columns=[loan.spec.outcome_column], errors="ignore")  # type: ignore[union-attr]
    return frame.to_csv(index=False).encode()


def _markdown(at: object) -> str:
    return " ".join(m.value for m in at.markdown).replace("\\", "")  # type: ignore[attr-defined]


def test_an_uploaded_batch_is_browsed_opened_and_kept_from_a_bad_file(loan: Bundle) -> None:
    at = open_app(bundle="loan")
    at.get("file_uploader")[0].upload("new.csv", _batch(loan), "text/csv").run()  # type: ignore[attr-defined]
    assert_healthy(at)
    assert "300 matching decisions" in _markdown(at)
    assert any("Showing the uploaded file new.csv: 300 decisions" in i.value.replace("\\", "") for i in at.info)
    at.get("file_uploader")[0].upload("bad.csv", b"application_id,annual_income\nX1,abc\n", "text/csv").run()  # type: ignore[attr-defined]
    assert any("bad.csv could not be used" in e.value.replace("\\", "") and "Still showing new.csv" in
               e.value.replace("\\", "") for e in at.error)  # fmt: skip
    assert "300 matching decisions" in _markdown(at)

    frame = read_batch(_batch(loan), "new.csv", loan)
    decision_id = str(frame.index[7])
    at.session_state["current_decision"] = decision_id
    at.switch_page("views/decision.py").run()
    assert_healthy(at)
    expected = explain_decision(loan, decision_id, data=frame)
    assert expected.prediction.headline in at.subheader[0].value.replace("\\", "")
    assert at.query_params["table"] == ["upload"] or at.query_params["table"] == "upload"
    shared = " ".join(c.value for c in at.code)
    assert "bundle=loan&" in shared and "table=upload" in shared

    at.switch_page("views/decisions.py").run()
    next(b for b in at.button if b.label.startswith("Prepare a CSV of the 300 verdicts")).click()
    at.run()
    assert_healthy(at)
    download = next(d for d in at.get("download_button") if "verdicts and reasons" in str(d.proto.label))
    assert download is not None
    table = verdicts_with_reasons(with_uploaded_decisions(loan, frame, "x" * 64))
    assert len(table) == 300 and table["reason_1"].str.len().gt(0).any()

    next(b for b in at.button if b.label == "Back to the bundle's decisions").click()
    at.run()
    assert f"{len(loan.decisions):,} matching decisions" in _markdown(at)


def test_another_session_never_sees_an_upload(loan: Bundle) -> None:
    first = open_app(bundle="loan")
    first.get("file_uploader")[0].upload("mine.csv", _batch(loan, 120), "text/csv").run()  # type: ignore[attr-defined]
    assert "120 matching decisions" in _markdown(first)
    frame = read_batch(_batch(loan, 120), "mine.csv", loan)
    other = open_app(bundle="loan", decision=str(frame.index[0]), table="upload")
    assert any("lives only in the browser session that uploaded it" in i.value for i in other.info)
    assert "mine.csv" not in _markdown(other) and not any("mine.csv" in i.value for i in other.info)


def test_uploaded_outcomes_are_read_as_the_task_has_them(grades_bundle: Bundle, limits_bundle: Bundle) -> None:
    import pytest

    from explain import BundleError

    for bundle, expected in ((grades_bundle, str), (limits_bundle, float)):
        frame = bundle.current.reset_index().head(30)  # type: ignore[union-attr]
        frame[bundle.spec.outcome_column] = bundle.reference[bundle.spec.outcome_column].head(30).to_numpy()  # type: ignore[index]
        out = read_batch(frame.to_csv(index=False).encode(), "b.csv", bundle)
        known = out[bundle.spec.outcome_column].dropna()  # type: ignore[index]
        assert len(known) and all(isinstance(v, expected) for v in known)
        if bundle is grades_bundle:
            assert set(known) <= set(bundle.model.classes)
        frame[bundle.spec.outcome_column] = "Z"  # type: ignore[index]
        wanted = "one of the model's classes (0, 1, 2, 3)" if bundle is grades_bundle else "a number"
        with pytest.raises(
            BundleError, match=rf"must hold {wanted.replace('(', '[(]').replace(')', '[)]')} or nothing; found 'Z'"
        ):
            read_batch(frame.to_csv(index=False).encode(), "b.csv", bundle)
