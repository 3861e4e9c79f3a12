"""The ``explain`` console script, run as a user would, in a subprocess."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from explain._csv import safe_csv


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("explain") or ""
    command = [exe] if exe else [sys.executable, "-m", "explain.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300)


def test_show_prints_verdict_summary_reasons_and_warnings(samples_dir: Path, loan: object) -> None:
    decision_id = loan.decisions.index[0]  # type: ignore[attr-defined]
    out = run("show", str(samples_dir / "loan"), decision_id)
    assert out.returncode == 0, out.stderr
    assert "estimated default risk" in out.stdout and "the 20% limit" in out.stdout
    assert "Reasons:" in out.stdout and "  1. " in out.stdout and "Warnings" in out.stdout
    assert "Model baseline" in out.stdout and "LightGBM TreeSHAP" in out.stdout


def test_show_unknown_decision_is_a_clear_error(samples_dir: Path) -> None:
    out = run("show", str(samples_dir / "loan"), "NOPE")
    assert out.returncode == 2 and "id 'NOPE' is not in the decisions table" in out.stderr
    assert "Traceback" not in out.stderr


def test_importance_prints_both_with_intervals_and_progress(samples_dir: Path) -> None:
    out = run("importance", str(samples_dir / "churn"), "--repeats", "2", "--max-rows", "1000")
    assert out.returncode == 0, out.stderr
    assert "permutation (drop in ROC AUC)" in out.stdout and "mean |SHAP|" in out.stdout
    assert "95% interval" in out.stdout and "Contract type" in out.stdout
    assert "100%" in out.stderr and "[####" in out.stderr


def test_validate_ok_and_broken(samples_dir: Path, tmp_path: Path) -> None:
    ok = run("validate", str(samples_dir / "fraud"))
    assert ok.returncode == 0 and ok.stdout.startswith("Problems: none\n"), ok.stdout
    assert "What each page will show:" in ok.stdout and ok.stdout.strip().splitlines()[-1].startswith("ok")
    assert "Fairness              yes  groups of Cardholder age band" in ok.stdout
    assert "What would change it  no   " in ok.stdout  # fraud: recourse off, with its reason
    broken = tmp_path / "broken"
    shutil.copytree(samples_dir / "loan", broken)
    toml = broken / "bundle.toml"
    toml.write_text(toml.read_text().replace("threshold = 0.2", "threshold = 2.0"))
    out = run("validate", str(broken))
    assert out.returncode == 1 and "decision.threshold must lie strictly between 0 and 1" in out.stdout
    assert out.stdout.startswith("Problems (the app refuses this bundle until they are fixed):")


def test_reasons_csv_for_adverse_decisions(samples_dir: Path, tmp_path: Path, loan: object) -> None:
    target = tmp_path / "reasons.csv"
    out = run("reasons", str(samples_dir / "loan"), "--adverse", "--out", str(target))
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(target)
    assert set(table["verdict"]) == {"Declined"}
    scores = loan.model.predict_score(loan.decisions)  # type: ignore[attr-defined]
    assert table["id"].nunique() == int((scores >= 0.2).sum())
    assert table["rank"].max() <= 4


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    frame = pd.DataFrame(
        {"=HYPERLINK(1)": ["=cmd", "+1", "-2", "@x", "\tx", "\rx", "fine"], "n": [-1.5, 2, 3, 4, 5, 6, 7]}
    )
    text = safe_csv(frame)
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["'=HYPERLINK(1)", "n"]
    assert [r[0] for r in rows[1:4]] == ["'=cmd", "'+1", "'-2"]
    assert rows[1][1] == "-1.5"


def test_serve_passes_the_projects_hardened_settings(tmp_path: Path, samples_dir: Path) -> None:
    import tomllib

    from explain._serve import SERVER_SETTINGS, serve_command

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    flat = {f"{section}.{key}": value for section, table in config.items() for key, value in table.items()}
    as_text = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in flat.items()}
    assert {k: v for k, v in SERVER_SETTINGS.items() if k in as_text} == as_text  # every project setting, same value
    command = serve_command([samples_dir / "loan"], port=8765, address="0.0.0.0")
    assert command[command.index("--server.port") + 1] == "8765"
    assert command[command.index("--server.address") + 1] == "0.0.0.0"
    assert command[-2:] == ["--bundle", str((samples_dir / "loan").resolve())]
    assert "--secrets.files" not in command
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[access]\n", encoding="utf-8")
    with_secrets = serve_command([samples_dir / "loan"], secrets=secrets)
    assert with_secrets[with_secrets.index("--secrets.files") + 1] == str(secrets.resolve())
    assert with_secrets[with_secrets.index("--server.address") + 1] == "127.0.0.1"  # local unless opened up
    refused = run("serve", str(tmp_path))
    assert (
        refused.returncode == 2
        and "is not a bundle directory (no bundle.toml); explain init makes one" in refused.stderr
    )
