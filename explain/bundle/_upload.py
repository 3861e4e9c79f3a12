"""Read a batch a user uploads (CSV or Parquet bytes) and coerce it to the model's inputs.

Every problem is an :class:`~explain.errors.ExplainError` whose message says what is wrong
and how to fix it, since the dashboard shows it as it is.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import PurePath

import numpy as np
import pandas as pd

from explain.bundle._bundle import Bundle
from explain.bundle._tables import text_values
from explain.errors import BundleError, FeatureNotFoundError

SUFFIXES = (".csv", ".parquet", ".pq")
MAX_BATCH_ROWS = 1_000_000


def _parse(data: bytes, filename: str, text_columns: list[str]) -> pd.DataFrame:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise BundleError(
            f"{filename!r} is not a CSV or Parquet file (its extension is {suffix or 'missing'!r}); "
            "upload a .csv or .parquet file."
        )
    if not data:
        raise BundleError(f"{filename!r} is empty; upload a file with a header row and one row per case.")
    if suffix == ".csv":
        _check_csv_header(data, filename)
        try:
            return pd.read_csv(
                io.BytesIO(data), dtype=dict.fromkeys(text_columns, str), encoding="utf-8-sig", low_memory=False
            )
        except UnicodeDecodeError as err:
            raise BundleError(
                f"{filename!r} is not UTF-8 text; save it again as 'CSV UTF-8' (comma-separated)."
            ) from err
        except pd.errors.EmptyDataError as err:
            raise BundleError(f"{filename!r} has no header row; the first line must name the columns.") from err
        except (pd.errors.ParserError, ValueError) as err:
            raise BundleError(
                f"{filename!r} could not be read as comma-separated text ({str(err).strip()[:200]}); "
                "check that every row has as many fields as the header."
            ) from err
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several unrelated types for corrupt files
        raise BundleError(
            f"{filename!r} could not be read as Parquet ({str(err).strip()[:200]}); is it really a Parquet file?"
        ) from err


def _check_csv_header(data: bytes, filename: str) -> None:
    """Refuse a header that names a column twice (pandas would silently rename the second
    ``income.1``) and say so when the file is separated by something other than commas."""
    first = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    names = next(csv.reader([first]), [])
    if len(names) <= 1:
        for sep, word in ((";", "semicolons (;)"), ("\t", "tabs"), ("|", "vertical bars (|)")):
            if sep in first:
                raise BundleError(
                    f"{filename!r} seems to be separated by {word}, not commas (its first line reads "
                    f"{first[:60]!r}); save it as comma-separated CSV (in Excel: CSV UTF-8, comma delimited)."
                )
    seen: set[str] = set()
    for name in (n.strip() for n in names):
        if name in seen:
            raise BundleError(f"{filename!r} has the column {name!r} more than once; keep one of them.")
        seen.add(name)


def _match_columns(frame: pd.DataFrame, wanted: list[str], filename: str) -> pd.DataFrame:
    """Rename columns that differ from a wanted name only in case or surrounding spaces."""
    names = [str(c) for c in frame.columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise BundleError(f"{filename!r} has the column {duplicated[0]!r} more than once; keep one of them.")
    present = set(names)
    renames: dict[str, str] = {}
    for want in wanted:
        if want in present:
            continue
        close = [n for n in names if n.strip().lower() == want.lower() and n not in wanted]
        if len(close) == 1:
            renames[close[0]] = want
    out = frame.rename(columns=renames)
    out.columns = [str(c) for c in out.columns]
    return out


def _numbers(column: pd.Series, name: str, label: str, ids: pd.Index) -> pd.Series:
    if pd.api.types.is_bool_dtype(column):
        return column.astype(float)
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype(float)
    else:
        text = column.astype("object").map(lambda v: v.strip() if isinstance(v, str) else v).replace("", np.nan)
        values = pd.to_numeric(text, errors="coerce")
        bad = text.notna() & values.isna()
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            raise BundleError(
                f"column {name!r} ({label}) must hold numbers, but the row with id {ids[first]!r} holds "
                f"{str(text.iloc[first])[:40]!r} ({int(bad.sum())} rows like it). Remove units, currency signs "
                "and thousands separators, and leave cells empty where the value is unknown."
            )
        values = values.astype(float)
    if np.isinf(values.to_numpy()).any():
        raise BundleError(f"column {name!r} ({label}) holds infinite values; replace them with numbers or empty cells.")
    return values


def _categories(column: pd.Series, name: str, label: str, known: tuple[str, ...]) -> np.ndarray:
    values = text_values(column)
    if not known:
        return values
    lookup = {k: k for k in known}
    folded: dict[str, list[str]] = {}
    for k in known:
        folded.setdefault(k.strip().lower(), []).append(k)
    out = np.empty(len(values), dtype=object)
    unknown: dict[str, int] = {}
    for i, v in enumerate(values):
        if v is None:
            out[i] = None
        elif v in lookup:
            out[i] = v
        elif len(folded.get(v.strip().lower(), [])) == 1:
            out[i] = folded[v.strip().lower()][0]
        else:
            out[i] = v
            unknown[v] = unknown.get(v, 0) + 1
    if unknown:
        shown = ", ".join(f"{v!r} ({n} rows)" for v, n in sorted(unknown.items(), key=lambda kv: -kv[1])[:5])
        raise BundleError(
            f"column {name!r} ({label}) holds values the model does not know: {shown}. The model knows "
            f"{', '.join(repr(k) for k in known)}; correct the spelling, or leave the cell empty where unknown."
        )
    return out


def _like(values: np.ndarray, index: pd.Index, dtype: object) -> pd.Series | pd.Categorical:
    """Text values in the reference column's dtype (categories, pandas strings or objects)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(values, categories=dtype.categories)
    column = pd.Series(values, index=index, dtype=object)
    return column.astype(dtype) if isinstance(dtype, pd.StringDtype) else column


def read_batch(data: bytes, filename: str, bundle: Bundle, *, max_rows: int = MAX_BATCH_ROWS) -> pd.DataFrame:
    """Read an uploaded CSV or Parquet batch and coerce it to the bundle's model inputs.

    The format follows the file name's extension. Model inputs are required (names matched
    exactly, or up to case and surrounding spaces); numbers are parsed as numbers,
    categories matched to the model's (up to case and spaces), and the outcome column, if
    present, must hold 0, 1 or nothing. The id column becomes the index (strings, unique);
    without one, row numbers ``"1"``, ``"2"``, … are the ids. Other columns are kept.
    Categorical inputs take the dtype of the reference table, so the batch compares with it.
    Raises :class:`~explain.errors.ExplainError` saying what is wrong and how to fix it.

    Examples
    --------
    >>> batch = read_batch(uploaded.getvalue(), uploaded.name, bundle)  # doctest: +SKIP
    >>> batch.index.name  # doctest: +SKIP
    'application_id'
    """
    spec = bundle.spec
    model = bundle.model
    categorical = [f for f in bundle.features if f in model.categories]
    frame = _parse(data, filename, [spec.id_column, *categorical])
    frame = _match_columns(frame, [spec.id_column, *bundle.features], filename)
    if frame.empty:
        raise BundleError(f"{filename!r} has a header but no rows; add at least one case.")
    if len(frame) > max_rows:
        raise BundleError(
            f"{filename!r} has {len(frame):,} rows; at most {max_rows:,} are accepted. Upload a sample of the batch."
        )
    missing = [f for f in bundle.features if f not in frame.columns]
    if missing:
        hints = []
        for name in missing[:3]:
            close = difflib.get_close_matches(name, list(frame.columns), n=1, cutoff=0.6)
            if close:
                hints.append(f"{close[0]!r} for {name!r}?")
        hint = f" Did you mean {', '.join(hints)}" if hints else ""
        raise FeatureNotFoundError(
            f"{filename!r} lacks {len(missing)} of the model's inputs: {', '.join(repr(m) for m in missing[:6])}"
            f"{' …' if len(missing) > 6 else ''}.{hint} The batch needs the columns "
            f"{', '.join(bundle.features)} (an id column {spec.id_column!r} is optional)."
        )
    if spec.id_column in frame.columns:
        ids = frame[spec.id_column]
        if ids.isna().any():
            row = int(np.flatnonzero(ids.isna().to_numpy())[0]) + 1
            raise BundleError(
                f"{filename!r}: data row {row} has no id in column {spec.id_column!r}; fill every id, or drop the "
                "column to number the rows instead."
            )
        str_ids = pd.Index([str(v) for v in text_values(ids)], name=spec.id_column)
        dup = str_ids[str_ids.duplicated()]
        if len(dup):
            raise BundleError(
                f"{filename!r}: the id {dup[0]!r} appears more than once in column {spec.id_column!r}; ids must be unique."
            )
        frame = frame.drop(columns=spec.id_column)
    else:
        str_ids = pd.Index([str(i + 1) for i in range(len(frame))], name=spec.id_column)
    out = frame.copy()
    out.index = str_ids
    reference = bundle.population
    for name in bundle.features:
        label = spec.label(name)
        if name in model.categories:
            values = _categories(out[name], name, label, model.categories[name])
            dtype = reference[name].dtype if name in reference.columns else None
            out[name] = _like(values, out.index, dtype)
        elif name in reference.columns and not pd.api.types.is_numeric_dtype(reference[name]):
            out[name] = _like(text_values(out[name]), out.index, reference[name].dtype)
        else:
            out[name] = _numbers(out[name], name, label, str_ids)
    outcome = spec.outcome_column
    if outcome is not None and outcome in out.columns:
        out[outcome] = _outcomes(out[outcome], outcome, filename, model.task, model.classes)
    model.prepare(out.head(5), where=repr(filename))
    return out


def with_uploaded_decisions(bundle: Bundle, frame: pd.DataFrame, digest: str) -> Bundle:
    """The bundle with an uploaded batch (from :func:`read_batch`) as its decisions: the same
    model, spec and reference, a fingerprint of its own, so no result of the bundle's own
    decisions is ever served for the upload."""
    from dataclasses import replace

    return replace(bundle, decisions_frame=frame, sql=None, fingerprint=f"{bundle.fingerprint}+upload-{digest[:16]}")


def _outcomes(column: pd.Series, name: str, filename: str, task: str, classes: tuple[str, ...]) -> pd.Series:
    """Known outcomes of an upload as the task has them: 0/1 (binary), a model class (multiclass,
    as text), a number (regression); nothing where unknown. Anything else is refused by example."""
    present = column.notna() & (column.astype("object").astype(str).str.strip() != "")
    if task == "multiclass":
        text = column.astype("object").map(lambda v: str(v).strip())
        numeric = pd.to_numeric(text, errors="coerce")
        as_class = text.where(~numeric.notna() | text.isin(classes), numeric.map(lambda v: f"{v:g}"))
        bad = present & ~as_class.isin(classes)
        wanted, fixed = f"one of the model's classes ({', '.join(classes)})", as_class.where(present, None)
    else:
        known = pd.Series(pd.to_numeric(column.astype("object"), errors="coerce"), index=column.index)
        bad = present & (~known.isin([0, 1]) if task == "binary" else known.isna())
        wanted, fixed = ("0, 1" if task == "binary" else "a number"), known.astype(float)
    if bad.any():
        example = column.loc[bad].iloc[0]
        raise BundleError(
            f"{filename!r}: the outcome column {name!r} must hold {wanted} or nothing; found {example!r}. "
            "Fix it or drop the column."
        )
    return fixed
