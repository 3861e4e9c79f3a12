"""``explain init``: a bundle directory from a model file and data files, without writing code.

The spec is inferred from the model and the data: the task and the model inputs in the
model's order (from the model), categorical inputs, human labels from the column names
("debt_to_income" → "Debt to income"), the threshold, outcome words named after the outcome
column, and every other column kept as a shown-but-not-model column. Units are never
guessed. The written ``bundle.toml`` carries comments that say what to fill in for better
explanations (units, reason statements, ``expected_effect``, ``actionable``, ``sensitive``).

A held-out reference set is never guessed: without one, ``split_reference`` must be given,
and the share drawn from the decisions file is recorded in the spec (``reference_split``),
so the model card and ``explain validate`` say that importance and performance may be
optimistic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from explain.bundle._bundle import Bundle
from explain.bundle._spec import ColumnSpec, DecisionRule, FeatureSpec, Spec
from explain.bundle._spec_toml import toml_key
from explain.bundle._task_rules import ClassRules, TargetRules
from explain.bundle._write import write_bundle
from explain.errors import BundleError, BundleExistsError, InvalidParameterError
from explain.models._load import load_model

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")


@dataclass(frozen=True)
class InitResult:
    """What ``explain init`` wrote and what it inferred."""

    path: Path
    task: str
    inputs: tuple[str, ...]
    categorical: tuple[str, ...]
    other_columns: tuple[str, ...]
    reference_rows: int
    reference_split: float | None

    def next_commands(self) -> tuple[str, str]:
        """The two commands to run next."""
        return f"explain validate {self.path}", f"explain serve {self.path}"


def human_label(name: str) -> str:
    """A column name as words: ``debt_to_income`` → ``Debt to income``, ``annualIncome`` → ``Annual income``."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    words = re.sub(r"[_\-.\s]+", " ", words).strip().lower()
    return (words[:1].upper() + words[1:]) if words else str(name)


def read_table(path: Path, what: str) -> pd.DataFrame:
    """A CSV or Parquet file the user names, or an error that says what is wrong with it."""
    path = Path(path)
    if not path.exists():
        raise BundleError(f"{what}: {path} does not exist.")
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise BundleError(f"{what}: {path.name} is not a CSV or Parquet file (use .csv or .parquet).")
    try:
        frame = pd.read_parquet(path) if suffix in (".parquet", ".pq") else pd.read_csv(path, low_memory=False)
    except Exception as err:
        raise BundleError(f"{what}: {path.name} could not be read as {suffix[1:].upper()}: {err}") from err
    if frame.empty:
        raise BundleError(f"{what}: {path.name} has no rows.")
    return frame


def init_bundle(
    model_path: Path,
    decisions_path: Path,
    *,
    id_column: str,
    outcome_column: str | None = None,
    reference_path: Path | None = None,
    split_reference: float | None = None,
    threshold: float = 0.5,
    out: Path | None = None,
    name: str | None = None,
    force: bool = False,
    seed: int = 0,
) -> InitResult:
    """Write a bundle directory from a model file (LightGBM text or skops) and data files.

    Raises :class:`~explain.errors.ExplainError` with a message saying what to fix; nothing
    is written then, and an existing bundle is never replaced without ``force``.

    Examples
    --------
    >>> init_bundle(Path("model.txt"), Path("decisions.csv"), id_column="application_id",
    ...             outcome_column="defaulted", reference_path=Path("holdout.csv"))  # doctest: +SKIP
    """
    model_path, decisions_path = Path(model_path), Path(decisions_path)
    target = Path(out) if out is not None else Path.cwd() / f"{model_path.stem}_bundle"
    if target.exists() and not force:
        raise BundleExistsError(f"{target} already exists; pass --force to replace it, or --out another directory.")
    if not 0 < threshold < 1:
        raise InvalidParameterError(f"--threshold must lie strictly between 0 and 1; got {threshold!r}.")
    if reference_path is not None and split_reference is not None:
        raise InvalidParameterError("give --reference or --split-reference, not both.")
    if split_reference is not None and not 0.05 <= split_reference <= 0.9:
        raise InvalidParameterError(f"--split-reference must lie between 0.05 and 0.9; got {split_reference!r}.")
    if reference_path is None and split_reference is None:
        raise BundleError(
            "no held-out reference data. Pass --reference FILE: rows the model was not trained on, with their "
            "outcomes (importance, performance, fairness and drift are measured on them). Or pass "
            "--split-reference 0.3 to draw 30% of the decisions file as the reference; the spec and the model "
            "card then say that importance and performance may be optimistic."
        )
    adapter = load_model(model_path)
    decisions = read_table(decisions_path, "--decisions")
    for column, flag in ((id_column, "--id"), (outcome_column, "--outcome")):
        if column is not None and column not in decisions.columns:
            raise BundleError(
                f"{flag}: no column {column!r} in {decisions_path.name}; its columns are "
                f"{', '.join(map(str, decisions.columns[:30]))}."
            )
    reference: pd.DataFrame
    if reference_path is not None:
        reference = read_table(reference_path, "--reference")
    else:
        assert split_reference is not None
        rng = np.random.default_rng(seed)
        drawn = rng.random(len(decisions)) < split_reference
        reference, decisions = decisions.loc[drawn].copy(), decisions.loc[~drawn].copy()
        if reference.empty or decisions.empty:
            raise BundleError(f"--split-reference {split_reference}: too few rows to split ({len(drawn)}).")
    inputs = tuple(adapter.feature_names)
    missing = [f for f in inputs if f not in decisions.columns]
    if missing:
        raise BundleError(
            f"{decisions_path.name} lacks model inputs {', '.join(map(repr, missing[:10]))}"
            + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            + "; it needs every column the model was trained on, under the same names."
        )
    others = tuple(c for c in decisions.columns if c not in inputs and c not in (id_column, outcome_column))
    spec = _inferred_spec(
        adapter.task, adapter.classes, inputs, others, id_column, outcome_column, threshold,
        name or _default_name(model_path, outcome_column), split_reference if reference_path is None else None,
    )  # fmt: skip
    Bundle.from_estimator(  # every check loading the bundle would make, before anything is written
        adapter.estimator, decisions, id_column=id_column, outcome_column=outcome_column,
        reference=reference, spec=spec,
    )  # fmt: skip
    path = write_bundle(
        target, spec=spec, model=adapter.estimator, decisions=decisions, reference=reference, overwrite=force,
        annotate=lambda text: annotated(text, inputs),
    )  # fmt: skip
    return InitResult(
        path=path,
        task=adapter.task,
        inputs=inputs,
        categorical=tuple(f for f in inputs if f in adapter.categories),
        other_columns=others,
        reference_rows=len(reference),
        reference_split=spec.reference_split,
    )


def _default_name(model_path: Path, outcome_column: str | None) -> str:
    """The model file's name in words, unless it is a generic one ("model.txt"): then the outcome's."""
    if model_path.stem.lower() not in {"model", "booster", "clf", "classifier", "regressor", "estimator", "pipeline"}:
        return human_label(model_path.stem)
    return f"{human_label(outcome_column)} model" if outcome_column else "My model"


def _inferred_spec(
    task: str,
    classes: tuple[str, ...],
    inputs: tuple[str, ...],
    others: tuple[str, ...],
    id_column: str,
    outcome_column: str | None,
    threshold: float,
    name: str,
    reference_split: float | None,
) -> Spec:
    outcome = human_label(outcome_column) if outcome_column else "Positive"
    spec = Spec(
        name=name,
        task=task,  # type: ignore[arg-type]
        id_column=id_column,
        outcome_column=outcome_column,
        features={f: FeatureSpec(name=f, label=human_label(f)) for f in inputs},
        columns={c: ColumnSpec(name=c, label=human_label(c)) for c in others},
        reference_split=reference_split,
        recourse_off_reason=(
            "No input is marked as something a person can change yet: mark them with actionable = true in "
            "bundle.toml and set recourse = true."
        ),
    )
    if task == "binary":
        return replace(
            spec,
            score_label=f"chance of {outcome.lower()}",
            decision=DecisionRule(threshold=threshold, above=f"{outcome} likely", below=f"{outcome} unlikely"),
            outcome_labels={"1": outcome, "0": f"Not {outcome.lower()}"},
        )
    if task == "multiclass":
        labels = {c: (f"Class {c}" if re.fullmatch(r"-?\d+(\.\d+)?", c) else human_label(c)) for c in classes}
        return replace(spec, score_label="chance of each class", classes=ClassRules(labels=labels))
    return replace(spec, score_label=outcome.lower(), target=TargetRules(label=outcome.lower()))


HEADER = """\
# Written by `explain init`: inferred from the model and the data. Edit it for better
# explanations, then run `explain validate` on this directory.
#
# - name, score_label, decision.above / decision.below, outcome_labels: say them in your
#   business's words ("Declined" / "Approved", "estimated default risk").
# - favorable: the side of the threshold that is good for the person ("below" when the
#   model predicts something bad, such as a default).
# - Each [features.…]: a unit ("$", "%", "months"; left blank where the data cannot say),
#   reason statements, expected_effect, whether a person can act on it (actionable, with
#   change = "increase_only" | "decrease_only"), and sensitive for protected attributes.
# - Each [columns.…]: columns shown beside the decision but not used by the model; mark
#   sensitive = true for those fairness should compare groups of (an age band, say).
#   engineers_only = true keeps a column out of what viewers see when sign-in is on.
# - recourse = true once inputs are marked actionable: "What would change it" then suggests.
"""

FEATURE_HINTS = """\
# unit = ""              # "$", "%", "months", …: left blank, the data cannot say which
# expected_effect = ""   # "increases" or "decreases" the score: the Checks page tests it
# reason = ""            # the adverse reason in words ("Debt is high relative to income")
# reason_favorable = ""  # the favourable one ("Debt is modest relative to income")
# actionable = false     # true if a person can change it ("What would change it")
# sensitive = false      # true for a protected attribute: never a reason, compared by group
"""

SPLIT_NOTE = """\
# reference_split: the reference rows were drawn at random from the decisions file, not
# held out from training: importance and performance may be optimistic. Replace
# reference.parquet with true held-out rows and remove this line when you can.
"""


def annotated(text: str, inputs: tuple[str, ...]) -> str:
    """``bundle.toml`` text with the comments above: what to fill in, beside each input."""
    out: list[str] = [HEADER, "\n"]
    headers = {f"[features.{toml_key(f)}]\n" for f in inputs}
    for line in text.splitlines(keepends=True):
        if line.startswith("reference_split"):
            out.append(SPLIT_NOTE)
        out.append(line)
        if line in headers:
            out.append(FEATURE_HINTS)
    return "".join(out)
