"""The ``explain`` command: make a bundle (init), check it (validate), serve it, show a decision,
importance, export reasons, check the access log."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from explain._csv import safe_csv
from explain._params import check_int
from explain._serve import serve_command, serve_environment
from explain.access._settings import DEFAULT_SECRETS
from explain.attribution._importance import ImportanceResult, permutation_importance, shap_importance
from explain.bundle._bundle import Bundle
from explain.bundle._formatting import format_percent
from explain.bundle._init import init_bundle
from explain.bundle._load import check_bundle, load_bundle
from explain.bundle._readiness import bundle_readiness
from explain.decision._decision import explain_decision, explain_decisions
from explain.errors import ExplainError


class ProgressBar:
    """A one-line text progress bar on stderr."""

    def __init__(self, title: str, width: int = 30) -> None:
        self.title, self.width = title, width

    def __call__(self, fraction: float, message: str) -> None:
        filled = round(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{self.title} [{bar}] {100 * fraction:3.0f}% {message[:50]:<50}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _show(bundle: Bundle, decision_id: str, table: str, target_class: str | None = None) -> None:
    result = explain_decision(bundle, decision_id, data=table, target_class=target_class)
    prediction = result.prediction
    print(f"{bundle.name} · decision {result.id}")
    print(prediction.headline)
    if prediction.class_probabilities:
        print("Chances: " + ", ".join(f"{label} {format_percent(p)}" for label, p in prediction.class_probabilities))
        print(f"Contributions explain: {prediction.explained_label}")
    if result.view_note:
        print(result.view_note)
    print()
    print(result.summary)
    print()
    print("Reasons:")
    for i, reason in enumerate(result.reasons, 1):
        print(f"  {i}. {reason.text}")
    if not result.reasons:
        print("  none stands out")
    print()
    print("Warnings:" if result.warnings else "Warnings: none")
    for warning in result.warnings:
        print(f"  - {warning}")
    print()
    units = prediction.units
    print(f"Model baseline {units.value(result.base.probability)}", end="")
    if result.base.observed_rate is not None:
        observed = result.base.observed_rate
        shown = units.value(observed) if prediction.task == "regression" else format_percent(observed)
        print(f"; {result.base.observed_note}: {shown}", end="")
    print()
    print(result.stamp.text())


def _print_importance(result: ImportanceResult) -> None:
    frame = result.to_frame()
    title = result.method if result.scoring is None else f"{result.method} (drop in {result.scoring_name})"
    print(f"{title} on {result.n_rows:,} {result.data} rows, 95% interval from {result.n_bootstrap} resamples")
    width = max(len(lbl) for lbl in frame["label"])
    for row in frame.itertuples():
        print(f"  {row.rank:>2}. {row.label:<{width}}  {row.importance:9.4f}  [{row.low:8.4f}, {row.high:8.4f}]")


def _importance(bundle: Bundle, args: argparse.Namespace) -> None:
    perm = permutation_importance(
        bundle,
        n_repeats=args.repeats,
        max_rows=args.max_rows,
        random_state=args.seed,
        progress=ProgressBar("permutation"),
    )
    shap = shap_importance(bundle, random_state=args.seed, progress=ProgressBar("SHAP       "))
    _print_importance(perm)
    print()
    _print_importance(shap)


def reasons_table(bundle: Bundle, *, adverse_only: bool = True, table: str = "decisions") -> pd.DataFrame:
    """One row per reason of each (adverse) decision: id, score, verdict, rank, reason, value, percentile."""
    frame = bundle.table(table)
    scores = bundle.model.predict_score(frame)
    side_adverse = bundle.spec.adverse
    threshold = bundle.spec.decision.threshold
    adverse = scores >= threshold if side_adverse == "above" else scores < threshold
    ids = list(frame.index[adverse] if adverse_only else frame.index)
    rows = []
    for start in range(0, len(ids), 2_000):
        for result in explain_decisions(bundle, ids[start : start + 2_000], data=table):
            for rank, reason in enumerate(result.reasons, 1):
                rows.append(
                    {
                        "id": result.id,
                        "score": result.prediction.score,
                        "verdict": result.prediction.verdict,
                        "rank": rank,
                        "reason": reason.statement,
                        "feature": reason.label,
                        "value": reason.value_text,
                        "percentile": reason.percentile_text,
                        "contribution_points": 100 * reason.contribution,
                    }
                )
    columns = ["id", "score", "verdict", "rank", "reason", "feature", "value", "percentile", "contribution_points"]
    return pd.DataFrame(rows, columns=columns)


def _validate(path: Path) -> int:
    """Every problem (refusing), else the warnings and what each page will show."""
    problems = check_bundle(path)
    if problems:
        print("Problems (the app refuses this bundle until they are fixed):")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    readiness = bundle_readiness(load_bundle(path))
    print("Problems: none")
    print("Warnings:" if readiness.warnings else "Warnings: none")
    for warning in readiness.warnings:
        print(f"  - {warning}")
    print("What each page will show:")
    width = max(len(p.page) for p in readiness.pages)
    for page in readiness.pages:
        print(f"  {page.page:<{width}}  {'yes' if page.ready else 'no '}  {page.note}")
    count = len(readiness.warnings)
    print("ok" if not count else f"ok, with {count} warning{'s' if count > 1 else ''}")
    return 0


def _init(args: argparse.Namespace) -> int:
    try:
        result = init_bundle(
            args.model, args.decisions, id_column=args.id_column, outcome_column=args.outcome_column,
            reference_path=args.reference, split_reference=args.split_reference, threshold=args.threshold,
            out=args.out, name=args.name, force=args.force,
        )  # fmt: skip
    except ExplainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {result.path}: a {result.task} model with {len(result.inputs)} inputs", end="")
    print(f" ({len(result.categorical)} categorical)" if result.categorical else "", end="")
    print(f", {len(result.other_columns)} other columns shown, {result.reference_rows:,} reference rows.")
    if result.reference_split is not None:
        print(
            f"The reference is {result.reference_split:.0%} of the decisions file, not held out: importance and "
            "performance may be optimistic."
        )
    print(f"Edit {result.path / 'bundle.toml'} for better explanations (its comments say what), then run:")
    for command in result.next_commands():
        print(f"  {command}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Become the Streamlit server (exec on POSIX), so stopping ``explain serve`` stops the server."""
    import os
    import subprocess

    try:
        command = serve_command(args.bundles, port=args.port, address=args.address, secrets=args.secrets)
    except ExplainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"serving {len(args.bundles)} bundle(s) on http://{args.address}:{args.port}", flush=True)
    env = serve_environment(samples=not args.no_samples, store=args.store)
    if os.name == "posix":
        os.execve(command[0], command, env)  # no child left behind when this process is stopped
    try:  # pragma: no cover - Windows has no exec that keeps the console
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:  # pragma: no cover
        return 0


def _batch(bundle: Bundle, args: argparse.Namespace) -> None:
    from explain.batch import explain_batch

    check_int("--workers", args.workers, 1)
    check_int("--threads-per-worker", args.threads_per_worker, 1)
    check_int("--partition-rows", args.partition_rows, 1)

    def progress(done: int, total: int) -> None:
        filled = round(30 * done / total)
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} partitions", end="", flush=True)

    result = explain_batch(
        bundle,
        data=args.data,
        store=args.store,
        scheduler=args.scheduler,
        workers=args.workers,
        threads_per_worker=args.threads_per_worker,
        partition_rows=args.partition_rows,
        progress=progress,
    )
    print(
        f"\nexplained {result.rows:,} decisions in {result.partitions} partitions on {result.workers} worker(s) "
        f"in {result.seconds:.1f} s; results in {result.path} (pandas.read_parquet reads the directory)"
    )


def _audit(args: argparse.Namespace) -> int:
    """``explain audit verify`` and ``explain audit export``: the access log, read with the server's secrets."""
    from datetime import datetime

    from explain.access import AccessSettings

    try:
        log = AccessSettings.from_secrets_file(args.secrets).open_log(create=False)
        if log is None:
            print(
                f"error: no access log key: set [access] log_key in {args.secrets} (or EXPLAIN_ACCESS_LOG_KEY).",
                file=sys.stderr,
            )
            return 2
        if args.audit_command == "verify":
            report = log.verify(expect_at_least=args.expect_at_least)
            print(report.summary())
            return 0 if report.ok else 1
        try:
            since = datetime.fromisoformat(args.since) if args.since else None
        except ValueError:
            print(f"error: --since must be a date or time such as 2026-12-01 or 2026-12-01T09:30; got {args.since!r}.", file=sys.stderr)  # fmt: skip
            return 2
        events = log.events(since=since, user=args.user, decision=args.decision)
        suffix = args.out.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            print(f"error: --out must end in .csv or .parquet; got {args.out.name!r}.", file=sys.stderr)
            return 2
        try:
            if suffix == ".parquet":
                events.to_parquet(args.out, index=False)
            else:
                args.out.write_text(safe_csv(events), encoding="utf-8")
        except OSError as err:
            print(f"error: {args.out} could not be written: {err.strerror or err}", file=sys.stderr)
            return 2
        print(f"wrote {len(events):,} access-log events to {args.out}")
        return 0
    except ExplainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="explain", description="Explain the decisions of a model bundle.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="the verdict, summary, reasons and warnings of one decision")
    show.add_argument("bundle", type=Path)
    show.add_argument("decision_id")
    show.add_argument("--table", choices=["decisions", "reference", "current"], default="decisions")
    show.add_argument(
        "--class", dest="target_class", help="multiclass: explain this class instead of the predicted one"
    )
    imp = sub.add_parser("importance", help="permutation and mean |SHAP| importance with intervals")
    imp.add_argument("bundle", type=Path)
    imp.add_argument("--repeats", type=int, default=5)
    imp.add_argument("--max-rows", type=int, default=20_000)
    imp.add_argument("--seed", type=int, default=0)
    val = sub.add_parser("validate", help="every problem the app would report, or ok")
    val.add_argument("bundle", type=Path)
    ini = sub.add_parser("init", help="write a bundle directory from a model file and data files")
    ini.add_argument("--model", type=Path, required=True, help="LightGBM text model (.txt) or skops file")
    ini.add_argument("--decisions", type=Path, required=True, help="CSV or Parquet of the decisions to explain")
    ini.add_argument("--reference", type=Path, help="CSV or Parquet of held-out rows with outcomes")
    ini.add_argument("--split-reference", type=float, help="draw this share of the decisions as the reference")
    ini.add_argument("--id", dest="id_column", required=True, help="the id column")
    ini.add_argument("--outcome", dest="outcome_column", help="the known outcome column (optional)")
    ini.add_argument("--threshold", type=float, default=0.5, help="binary: the score limit (default 0.5)")
    ini.add_argument("--name", help="the model's name in the app (default: from the model file's name)")
    ini.add_argument("--out", type=Path, help="the bundle directory (default: ./<model file>_bundle)")
    ini.add_argument("--force", action="store_true", help="replace an existing bundle directory")
    srv = sub.add_parser("serve", help="the dashboard on these bundles, with the hardened server settings")
    srv.add_argument("bundles", type=Path, nargs="+")
    srv.add_argument("--port", type=int, default=8501)
    srv.add_argument("--address", default="127.0.0.1", help="127.0.0.1 by default: only this machine")
    srv.add_argument("--no-samples", action="store_true", help="offer only these bundles")
    srv.add_argument(
        "--secrets", type=Path, help="a secrets file with [auth] and [access] (default: .streamlit/secrets.toml here)"
    )
    srv.add_argument(
        "--store",
        type=Path,
        help="where computed results are kept across restarts (default: .explain-store/ beside each bundle)",
    )
    rea = sub.add_parser("reasons", help="export the reasons of every (adverse) decision as CSV")
    rea.add_argument("bundle", type=Path)
    rea.add_argument("--adverse", action="store_true", help="only adverse decisions")
    rea.add_argument("--out", type=Path, required=True)
    bat = sub.add_parser("batch", help="explain every decision (or a large file) on Dask, into the store")
    bat.add_argument("bundle", type=Path)
    bat.add_argument("--data", help="a CSV or Parquet file, or a glob of them (default: the bundle's decisions)")
    bat.add_argument("--store", type=Path, help="the store directory (default: .explain-store/ beside the bundle)")
    bat.add_argument("--scheduler", help="an existing Dask cluster, tcp://host:8786 (default: a local cluster)")
    bat.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local cluster: worker processes")
    bat.add_argument("--threads-per-worker", type=int, default=1, help="local cluster: threads per worker")
    bat.add_argument("--partition-rows", type=int, default=50_000, help="rows per partition (at most)")
    aud = sub.add_parser("audit", help="check or export the access log (who was shown which decision)")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True)
    ver = aud_sub.add_parser("verify", help="recompute the chain; exit 1 if it was tampered with")
    ver.add_argument(
        "--expect-at-least",
        type=int,
        default=0,
        metavar="N",
        help="fail unless the log holds at least N events (the count kept elsewhere: catches a wiped log)",
    )
    exp = aud_sub.add_parser("export", help="write the access log, filtered, as CSV or Parquet")
    exp.add_argument("--out", type=Path, required=True, help="a .csv (neutralised) or .parquet file")
    exp.add_argument("--since", help="only events at or after this date or time (UTC unless it says)")
    exp.add_argument("--user", help="only this user (email or subject)")
    exp.add_argument("--decision", help="only this decision id")
    for audit_parser in (ver, exp):
        audit_parser.add_argument(
            "--secrets",
            type=Path,
            default=DEFAULT_SECRETS,
            help="the secrets file with [access] (default: %(default)s)",
        )
    args = parser.parse_args(argv)

    if args.command == "validate":
        return _validate(args.bundle)
    if args.command == "init":
        return _init(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "audit":
        return _audit(args)
    try:
        bundle = load_bundle(args.bundle)
        if args.command == "show":
            _show(bundle, args.decision_id, args.table, args.target_class)
        elif args.command == "importance":
            _importance(bundle, args)
        elif args.command == "batch":
            _batch(bundle, args)
        elif args.command == "reasons":
            table = reasons_table(bundle, adverse_only=args.adverse)
            args.out.write_text(safe_csv(table), encoding="utf-8")
            print(f"wrote {len(table):,} reasons for {table['id'].nunique():,} decisions to {args.out}")
    except ExplainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
