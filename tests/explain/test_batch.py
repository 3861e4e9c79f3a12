"""``explain batch`` on a real Dask LocalCluster: partition by partition, results identical to
the single-process path, contributions that add up to the model's own output, readable by
``pandas.read_parquet``; a bad partition is named and nothing half-written is left."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, BundleError, ExplainError
from explain.batch import explain_batch
from explain.cli import main
from explain.decision._batch_table import CONTRIBUTION_PREFIX, explained_rows


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """An existing two-worker cluster, one thread each (its scheduler address)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as running:
        yield running.scheduler_address


def _decisions_file(loan: Bundle, path: Path) -> Path:
    assert loan.path is not None
    frame = pd.read_parquet(loan.path / str(loan.spec.decisions))
    frame.to_parquet(path, row_group_size=150)  # several row groups: several partitions
    return path


def test_two_local_workers_give_the_single_process_results(loan: Bundle, tmp_path: Path) -> None:
    data = _decisions_file(loan, tmp_path / "decisions.parquet")
    seen: list[tuple[int, int]] = []
    result = explain_batch(
        loan,
        data=str(data),
        store=tmp_path / "store",
        workers=2,
        partition_rows=150,
        progress=lambda d, n: seen.append((d, n)),
    )
    assert result.workers == 2 and result.partitions == -(-len(loan.decisions) // 150) and result.partitions > 2
    assert seen[-1] == (result.partitions, result.partitions)
    assert result.path.parent.name == loan.fingerprint and result.path.parent.parent == tmp_path / "store"
    got = pd.read_parquet(result.path)  # plain pandas reads the store's directory
    assert len(got) == len(loan.decisions) == result.rows
    want = explained_rows(loan, loan.decisions)
    got = got.set_index("id").loc[want["id"]].reset_index()
    # partitions of 150 rows are explained by LightGBM's own TreeSHAP, the whole table by the
    # compiled engine: the same numbers to rounding, and the same base, verdicts and reasons
    contribution_columns = [c for c in want.columns if c.startswith(CONTRIBUTION_PREFIX)]
    pd.testing.assert_frame_equal(
        got.drop(columns=contribution_columns), want.drop(columns=contribution_columns), check_exact=True
    )
    np.testing.assert_allclose(got[contribution_columns], want[contribution_columns], rtol=0, atol=1e-12)
    contributions = got[[CONTRIBUTION_PREFIX + f for f in loan.features]].to_numpy()
    raw = loan.model.predict_raw(loan.decisions.loc[got["id"]])
    np.testing.assert_allclose(got["baseline"].to_numpy() + contributions.sum(axis=1), raw, rtol=0, atol=1e-9)


def test_an_existing_cluster_and_a_csv_file(
    loan: Bundle, tmp_path: Path, cluster: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert loan.path is not None
    frame = pd.read_parquet(loan.path / str(loan.spec.decisions)).head(400)
    frame.to_csv(tmp_path / "new.csv", index=False)
    code = main(["batch", str(loan.path), "--data", str(tmp_path / "new.csv"), "--store", str(tmp_path / "s"),
                 "--scheduler", cluster])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "explained 400 decisions" in out and "on 2 worker(s)" in out
    written = next((tmp_path / "s" / loan.fingerprint).glob("batch-*"))
    got = pd.read_parquet(written).set_index("id")
    want = explained_rows(loan, loan.decisions.loc[frame[loan.spec.id_column]]).set_index("id")
    pd.testing.assert_frame_equal(got.loc[want.index], want, check_exact=False, rtol=1e-12)


def test_a_bad_partition_is_named_and_nothing_is_left_half_written(loan: Bundle, tmp_path: Path, cluster: str) -> None:
    assert loan.path is not None
    frame = pd.read_parquet(loan.path / str(loan.spec.decisions)).head(600)
    frame["annual_income"] = frame["annual_income"].astype(object)
    frame.loc[450, "annual_income"] = "a lot"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(
        ExplainError, match=r"partition 1 of .*bad.csv.*'annual_income'.*" + str(frame.loc[450, "application_id"])
    ):
        explain_batch(loan, data=str(tmp_path / "bad.csv"), store=tmp_path / "s", scheduler=cluster)
    assert not list((tmp_path / "s" / loan.fingerprint).iterdir())
    with pytest.raises(BundleError, match="names no file"):
        explain_batch(loan, data=str(tmp_path / "nothing-*.parquet"), store=tmp_path / "s", scheduler=cluster)


def test_the_bundles_own_decisions_give_the_scores_the_list_reads(loan: Bundle, tmp_path: Path, cluster: str) -> None:
    from explain import decision_scores, stored_scores

    assert stored_scores(loan, tmp_path) is None  # nothing explained yet
    explain_batch(loan, store=tmp_path, scheduler=cluster)
    stored = stored_scores(loan, tmp_path)
    assert stored is not None
    np.testing.assert_allclose(stored, decision_scores(loan), rtol=0, atol=1e-12)


def test_the_list_reads_scores_and_reasons_from_a_batch(loan: Bundle, tmp_path: Path, cluster: str) -> None:
    from explain import DecisionQuery, query_decisions, stored_top_reasons

    assert stored_top_reasons(loan, tmp_path) is None
    explain_batch(loan, store=tmp_path, scheduler=cluster)
    reasons = stored_top_reasons(loan, tmp_path)
    assert reasons is not None and len(reasons) == len(loan.decisions)
    for query in (DecisionQuery(), DecisionQuery(sort_by="annual_income", page=2)):
        computed = query_decisions(loan, query)
        read = query_decisions(loan, query, reasons=reasons)
        pd.testing.assert_frame_equal(read.rows, computed.rows)
