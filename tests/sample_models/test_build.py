"""Sample builds: deterministic across processes, atomic, idempotent, in the right place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explain import Bundle, load_bundle
from explain.models._sklearn import canonical_skops
from sample_models import REGISTRY, build_sample, default_samples_dir, is_built


def _build_in_subprocess(out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sample_models", "build", "--out", str(out), "--size", "test", "--seed", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_two_builds_in_separate_processes_are_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for proc in (_build_in_subprocess(a), _build_in_subprocess(b)):
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    for name in REGISTRY:
        files = sorted(p.name for p in (a / name).iterdir())
        assert files == sorted(p.name for p in (b / name).iterdir())
        for file in files:
            left, right = (a / name / file).read_bytes(), (b / name / file).read_bytes()
            if file.endswith(".skops"):
                assert canonical_skops(left) == canonical_skops(right), file
            else:
                assert left == right, f"{name}/{file} differs between builds"
        one, two = load_bundle(a / name), load_bundle(b / name)
        assert one.fingerprint == two.fingerprint
        rows = one.decisions.iloc[:300]
        np.testing.assert_array_equal(one.model.predict_response(rows), two.model.predict_response(rows))


def test_concurrent_builds_into_one_directory_never_expose_half_a_bundle(tmp_path: Path) -> None:
    procs = [_build_in_subprocess(tmp_path, "--only", "churn") for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["churn"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary directories left behind"
    assert load_bundle(tmp_path / "churn").spec.name == "Subscriber churn"


def test_build_is_idempotent_and_rebuilds_when_the_seed_changes(tmp_path: Path) -> None:
    path = build_sample("loan", tmp_path, size="test", seed=0)
    stamp = (path / "model.txt").stat().st_mtime_ns
    assert build_sample("loan", tmp_path, size="test", seed=0) == path
    assert (path / "model.txt").stat().st_mtime_ns == stamp
    assert is_built(path, "test", 0) and not is_built(path, "test", 1)
    build_sample("loan", tmp_path, size="test", seed=1)
    assert is_built(path, "test", 1)


def test_samples_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EXPLAIN_SAMPLES_DIR", str(tmp_path / "elsewhere"))
    assert default_samples_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("EXPLAIN_SAMPLES_DIR")
    assert default_samples_dir().name in {".samples", "samples"}


def test_sample_tables_have_what_the_spec_promises(sample: Bundle) -> None:
    spec = sample.spec
    assert sample.reference is not None and sample.current is not None
    assert spec.outcome_column is not None
    assert set(sample.reference[spec.outcome_column].unique()) == {0.0, 1.0}
    assert sample.decisions[spec.outcome_column].isna().any(), "some decisions have no known outcome yet"
    assert not set(sample.reference.index) & set(sample.decisions.index)
    for f in spec.features.values():
        assert f.label and f.label != f.name and f.description, f.name
        if f.expected_effect is not None:  # a driver: statements for both sides
            assert f.reason and f.reason_favorable, f.name
    assert set(spec.outcome_labels) == {"0", "1"}
    assert any(f.actionable for f in spec.features.values()) == spec.recourse
    assert any(f.expected_effect for f in spec.features.values())


def test_fraud_sample_is_rare_and_recourse_off(fraud: Bundle) -> None:
    assert fraud.reference is not None
    rate = fraud.reference["is_fraud"].mean()
    assert 0.005 < rate < 0.02
    assert fraud.spec.recourse is False and fraud.spec.recourse_off_reason


def test_full_sizes_meet_the_issue() -> None:
    loan, churn, fraud = (REGISTRY[n].SIZES["full"] for n in ("loan", "churn", "fraud"))
    assert 28_000 <= sum(loan.values()) <= 32_000
    assert 18_000 <= sum(churn.values()) <= 22_000
    assert fraud["decisions"] >= 200_000


def test_the_fraud_sample_takes_a_number_of_decisions(tmp_path: Path) -> None:
    proc = _build_in_subprocess(tmp_path, "--only", "fraud", "--fraud-rows", "4321")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    bundle = load_bundle(tmp_path / "fraud")
    assert len(bundle.decisions) == 4321 and bundle.decisions.index.is_unique
    assert is_built(tmp_path / "fraud", "test", 0, 4321) and not is_built(tmp_path / "fraud", "test", 0)
    with pytest.raises(ValueError, match="only the fraud sample"):
        build_sample("loan", tmp_path, size="test", decision_rows=10)


def test_a_large_fraud_sample_has_no_zero_distance() -> None:
    from sample_models import fraud

    frame = fraud.generate(1_500_000, np.random.default_rng(2_000))
    assert frame["distance_from_home_km"].min() >= 0.1
    assert frame[fraud.OUTCOME].notna().all() and 0.002 < frame[fraud.OUTCOME].mean() < 0.05
