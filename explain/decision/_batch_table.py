"""Every decision of a table with its verdict and top reasons, for a download.

Binary: the score; multiclass: the chance of the predicted class; regression: the estimate.
Reasons cost a SHAP call per row, so rows are explained in chunks with progress.
"""

from __future__ import annotations

import pandas as pd

from explain._progress import Progress, report
from explain.bundle._bundle import Bundle, TableName
from explain.decision._decision import explain_decisions

CHUNK = 2_000
REASONS = 3


def verdicts_with_reasons(
    bundle: Bundle, *, table: TableName = "decisions", progress: Progress | None = None
) -> pd.DataFrame:
    """One row per decision: id, score (or chance, or estimate), verdict and up to three reasons in words."""
    ids = [str(i) for i in bundle.table(table).index]
    rows: list[dict[str, object]] = []
    for start in range(0, len(ids), CHUNK):
        report(
            progress, start / max(len(ids), 1), f"Explaining decisions {start + 1:,}–{min(start + CHUNK, len(ids)):,}"
        )
        for result in explain_decisions(bundle, ids[start : start + CHUNK], data=table):
            row: dict[str, object] = {
                "id": result.id,
                "score": result.prediction.score,
                "verdict": result.prediction.verdict,
            }
            for k in range(REASONS):
                row[f"reason_{k + 1}"] = result.reasons[k].text if k < len(result.reasons) else ""
            rows.append(row)
    report(progress, 1.0, "Explained")
    columns = ["id", "score", "verdict", *[f"reason_{k + 1}" for k in range(REASONS)]]
    return pd.DataFrame(rows, columns=columns)
