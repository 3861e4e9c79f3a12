"""Every decision of a table with its verdict and top reasons, for a download.

Binary: the score; multiclass: the chance of the predicted class; regression: the estimate.
Reasons cost a SHAP call per row, so rows are explained in chunks with progress.
"""

from __future__ import annotations

import pandas as pd

from explain._cores import uses_all_cores
from explain._progress import Progress, report
from explain.bundle._bundle import Bundle, TableName
from explain.decision._decision import explain_decisions

CHUNK = 2_000
REASONS = 3


#: The column prefix of each input's contribution (in the model's raw output space).
CONTRIBUTION_PREFIX = "contribution:"


def explained_rows(bundle: Bundle, frame: pd.DataFrame, *, contributions: bool = True) -> pd.DataFrame:
    """One row per row of ``frame`` (a table of the bundle's form, indexed by id): id, score (or
    chance, or estimate), verdict, up to three reasons in words and, with ``contributions``,
    the baseline and each input's contribution in the model's raw space (they add up to the
    model's raw output). The one path of the single-process table and of ``explain batch``."""
    rows: list[dict[str, object]] = []
    for result in explain_decisions(bundle, [str(i) for i in frame.index], data=frame):
        row: dict[str, object] = {
            "id": result.id,
            "score": result.prediction.score,
            "verdict": result.prediction.verdict,
        }
        for k in range(REASONS):
            row[f"reason_{k + 1}"] = result.reasons[k].text if k < len(result.reasons) else ""
        if contributions:
            row["top_reason"] = result.reasons[0].statement if result.reasons else ""  # as the list shows it
            row["baseline"] = result.base.raw
            row.update(
                zip([CONTRIBUTION_PREFIX + f for f in bundle.features], result.contributions.raw.tolist(), strict=True)
            )
        rows.append(row)
    columns = ["id", "score", "verdict", *[f"reason_{k + 1}" for k in range(REASONS)]]
    if contributions:
        columns += ["top_reason", "baseline", *[CONTRIBUTION_PREFIX + f for f in bundle.features]]
    return pd.DataFrame(rows, columns=columns)


@uses_all_cores
def verdicts_with_reasons(
    bundle: Bundle, *, table: TableName = "decisions", progress: Progress | None = None
) -> pd.DataFrame:
    """One row per decision: id, score (or chance, or estimate), verdict and up to three reasons in words."""
    frame = bundle.table(table)
    parts = []
    for start in range(0, len(frame), CHUNK):
        report(
            progress,
            start / max(len(frame), 1),
            f"Explaining decisions {start + 1:,}–{min(start + CHUNK, len(frame)):,}",
        )
        parts.append(explained_rows(bundle, frame.iloc[start : start + CHUNK], contributions=False))
    report(progress, 1.0, "Explained")
    return pd.concat(parts, ignore_index=True) if parts else explained_rows(bundle, frame, contributions=False)
