"""What a valid bundle will be able to show, page by page, and what would make it better.

``explain validate`` ends with this: warnings a person can act on (no reason statements, so
reasons use generic wording; no reference data, so no performance page; …) and, for each
page of the app, whether it will show its content or what it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from explain.bundle._bundle import Bundle


@dataclass(frozen=True)
class PageReadiness:
    """One page of the app: whether it will show its content, and what it shows or lacks."""

    page: str
    ready: bool
    note: str


@dataclass(frozen=True)
class Readiness:
    """Warnings about a valid bundle and what each page will show."""

    warnings: tuple[str, ...]
    pages: tuple[PageReadiness, ...]


def bundle_readiness(bundle: Bundle) -> Readiness:
    """What the app can show for ``bundle`` and what would make its explanations better."""
    spec = bundle.spec
    warnings: list[str] = []
    features = [spec.feature(f) for f in bundle.features]
    worded = [f for f in features if f.reason or f.reason_low or f.reason_high]
    if not worded:
        warnings.append(
            "no input has reason statements (reason / reason_favorable with expected_effect, or reason_low / "
            'reason_high), so reasons use generic wording ("Debt to income is high (34.0)").'
        )
    elif len(worded) < len(features):
        missing = [f.label for f in features if f not in worded]
        warnings.append(
            f"{len(missing)} of {len(features)} inputs have no reason statements ({', '.join(missing[:5])}"
            + (", …" if len(missing) > 5 else "")
            + "); their reasons use generic wording."
        )
    numeric = [f for f in bundle.features if f not in bundle.model.categories]
    unitless = [spec.feature(f).label for f in numeric if not spec.feature(f).unit and spec.feature(f).kind != "count"]
    if unitless and len(unitless) == len(numeric):
        warnings.append('no numeric input has a unit, so values are written as bare numbers; add unit = "$", "%", ….')
    reference = bundle.reference
    known = 0
    if reference is None:
        warnings.append(
            "no reference data: importance, dependence, checks, performance, errors, fairness and drift need "
            'held-out rows (reference = "reference.parquet").'
        )
    else:
        known = len(bundle.outcomes("reference")) if spec.outcome_column else 0
        if not known:
            warnings.append(
                "the reference data has no known outcomes (outcome_column), so there is no performance page, "
                "no error analysis and no permutation importance."
            )
    if spec.reference_split is not None:
        warnings.append(
            f"the reference data was drawn from the decisions file ({spec.reference_split:.0%}), not held out from "
            "training: importance and performance may be optimistic."
        )
    sensitive = spec.sensitive_columns + spec.sensitive_features
    if not sensitive:
        warnings.append("no column is marked sensitive, so the Fairness page has nothing to compare.")
    actionable = [f for f in bundle.features if spec.feature(f).actionable and not spec.feature(f).sensitive]
    if spec.recourse and not actionable:
        warnings.append("recourse is on but no input is marked actionable, so there are no suggestions.")
    if bundle.sql is not None and not bundle.sql.source.version_query:
        warnings.append(
            "the decisions query names no version_query, so the app cannot tell when rows change: results are kept "
            'in memory until the server restarts and never stored; add version_query = "SELECT max(updated_at) FROM …".'
        )
    if bundle.current is None:
        warnings.append("no current batch: the Drift page compares an uploaded file only.")

    n = bundle.decision_count
    has_ref = reference is not None
    where = "" if bundle.sql is None else f", read page by page from the connection {bundle.sql.source.connection!r}"
    pages = [
        PageReadiness("Decisions", True, f"{n:,} decisions{where}"),
        PageReadiness("Decision", True, "verdict, reasons, waterfall, what if, similar cases, case file"),
        PageReadiness(
            "What would change it",
            bool(spec.recourse and actionable),
            f"suggestions over {len(actionable)} actionable inputs"
            if spec.recourse and actionable
            else (spec.recourse_off_reason or "recourse is off or no input is actionable"),
        ),
        PageReadiness("Model", True, "the model card" + ("" if known else " (no held-out metrics)")),
        PageReadiness(
            "Importance",
            has_ref,
            "mean |SHAP|" + (" and permutation importance" if known else "") if has_ref else "needs reference data",
        ),
        PageReadiness(
            "Dependence", has_ref, "dependence and partial dependence" if has_ref else "needs reference data"
        ),
        PageReadiness(
            "Checks", has_ref, "expected effects and explanation quality" if has_ref else "needs reference data"
        ),
        PageReadiness(
            "Performance",
            bool(known),
            f"on {known:,} reference rows with outcomes" if known else "needs reference rows with known outcomes",
        ),
        PageReadiness("Errors", bool(known), "segments where the model errs" if known else "needs known outcomes"),
        PageReadiness(
            "Fairness",
            bool(has_ref and sensitive),
            f"groups of {', '.join(spec.label(c) for c in sensitive)}"
            if has_ref and sensitive
            else "needs a column marked sensitive and reference data",
        ),
        PageReadiness(
            "Drift",
            has_ref,
            ("the current batch" if bundle.current is not None else "an uploaded batch") + " against the reference"
            if has_ref
            else "needs reference data",
        ),
    ]
    return Readiness(tuple(warnings), tuple(pages))
