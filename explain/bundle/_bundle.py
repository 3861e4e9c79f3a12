"""The bundle: a fitted model, the decisions to explain, reference data and the spec.

A bundle is immutable input. It is loaded from a directory (:func:`load_bundle`) or built in
memory (:meth:`Bundle.from_estimator`), and written with :func:`write_bundle`. Its
:attr:`Bundle.fingerprint` hashes the canonical spec, the model and the data, so caches
keyed on it never serve a stale result after any of them changes.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import tomllib
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from explain.bundle._spec import Spec, check_spec, parse_spec, spec_to_toml
from explain.errors import (
    BundleError,
    BundleExistsError,
    ExplainError,
    FeatureNotFoundError,
    OutcomesMissingError,
    SpecError,
)
from explain.models._adapter import ModelAdapter, adapt_estimator, load_model

TableName = Literal["decisions", "reference", "current"]
TABLES: tuple[TableName, ...] = ("decisions", "reference", "current")
SPEC_FILE = "bundle.toml"
#: Rows of each table explained (additivity checked) when a bundle is loaded.
EXPLAIN_PROBE_ROWS = 20


@dataclass(frozen=True, eq=False)
class Bundle:
    """A model with its data and spec. Tables are indexed by id (strings); treat them as read-only."""

    spec: Spec
    model: ModelAdapter
    decisions: pd.DataFrame
    reference: pd.DataFrame | None
    current: pd.DataFrame | None
    fingerprint: str
    key: str
    path: Path | None = None

    @property
    def name(self) -> str:
        """The bundle's display name from the spec."""
        return self.spec.name

    @property
    def features(self) -> tuple[str, ...]:
        """The model inputs, in the model's order."""
        return self.model.feature_names

    def table(self, name: TableName | str) -> pd.DataFrame:
        """One of the bundle's tables by name; raise a clear error if the bundle lacks it."""
        if name not in TABLES:
            raise BundleError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}.")
        frame = getattr(self, name)
        if frame is None:
            raise BundleError(f"bundle {self.key!r} has no {name} table.")
        return frame  # type: ignore[no-any-return]

    @property
    def population(self) -> pd.DataFrame:
        """The rows percentiles are measured against: the reference data, else the decisions."""
        return self.reference if self.reference is not None else self.decisions

    @property
    def population_table(self) -> TableName:
        """The name of :attr:`population`: ``"reference"``, else ``"decisions"``."""
        return "reference" if self.reference is not None else "decisions"

    @property
    def population_name(self) -> str:
        """Which table :attr:`population` is, in words."""
        return "reference data" if self.reference is not None else "decisions (no reference data in this bundle)"

    def outcomes(self, name: TableName = "reference") -> pd.Series:
        """Known outcomes (0/1) of a table; raise :class:`OutcomesMissingError` when there are none."""
        frame = getattr(self, name)
        col = self.spec.outcome_column
        if frame is None:
            raise OutcomesMissingError(
                f"bundle {self.key!r} has no {name} data, so there are no outcomes to measure against; "
                "add reference.parquet with an outcome column."
            )
        if col is None or col not in frame.columns:
            raise OutcomesMissingError(
                f"the {name} data of bundle {self.key!r} has no outcome column"
                + (f" {col!r}" if col else " (set outcome_column in bundle.toml)")
                + "; outcomes are needed for this."
            )
        known = frame[col].dropna()
        if known.empty:
            raise OutcomesMissingError(f"no outcomes are known in the {name} data of bundle {self.key!r}.")
        return known.astype(int)

    @classmethod
    def from_estimator(
        cls,
        model: Any,
        decisions: pd.DataFrame,
        *,
        id_column: str | None = None,
        outcome_column: str | None = None,
        reference: pd.DataFrame | None = None,
        current: pd.DataFrame | None = None,
        spec: Spec | Mapping[str, Any] | None = None,
        key: str = "model",
    ) -> Bundle:
        """Build a bundle in memory from a fitted model and DataFrames.

        Without a spec the defaults apply: threshold 0.5, the favourable side below it,
        verdicts "Above threshold"/"Below threshold", score label "score", labels from column
        names, nothing sensitive, recourse off. Without ``id_column`` the frame's index
        becomes the id.

        Examples
        --------
        >>> import pandas as pd
        >>> from sklearn.linear_model import LogisticRegression
        >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3], "b": [1.0, 0, 1, 0]})
        >>> m = LogisticRegression().fit(X, [0, 0, 1, 1])
        >>> Bundle.from_estimator(m, X).spec.decision.threshold
        0.5
        """
        base = spec if isinstance(spec, Spec) else parse_spec(dict(spec or {}), source="spec")
        frames = {"decisions": decisions, "reference": reference, "current": current}
        if id_column is None:
            id_column = base.id_column if spec is not None and base.id_column in decisions.columns else "id"
            if id_column not in decisions.columns:
                frames = {k: None if v is None else v.rename_axis(id_column).reset_index() for k, v in frames.items()}
        base = replace(base, id_column=id_column, outcome_column=outcome_column or base.outcome_column)
        adapter = adapt_estimator(model)
        problems: list[ExplainError] = []
        adapter = match_input_names(adapter, decisions.columns, "the decisions", problems)
        full_spec = _check_spec_against_model(base, adapter, "spec", problems)
        tables = {
            k: None if v is None else _normalize_table(v, full_spec, adapter, k, problems, k) for k, v in frames.items()
        }
        if not problems and tables["decisions"] is not None:
            _check_explainable(Path("spec"), full_spec, adapter, tables, problems)
        if problems:
            raise problems[0]
        digest = hashlib.sha256(full_spec.canonical_json().encode())
        digest.update(_model_fingerprint_bytes(adapter))
        for name in TABLES:
            frame = tables[name]
            if frame is not None:
                digest.update(name.encode())
                digest.update(",".join(f"{c}:{t}" for c, t in frame.dtypes.astype(str).items()).encode())
                digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        assert tables["decisions"] is not None
        return cls(
            spec=full_spec,
            model=adapter,
            decisions=tables["decisions"],
            reference=tables["reference"],
            current=tables["current"],
            fingerprint=digest.hexdigest()[:16],
            key=slugify(key),
        )


def slugify(text: str) -> str:
    """A short URL-safe key from a name: lower case letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40] or "bundle"


def match_input_names(
    adapter: ModelAdapter, columns: pd.Index, where: str, problems: list[ExplainError]
) -> ModelAdapter:
    """The adapter with its inputs named as the data names them.

    LightGBM turns each space in a column name into ``_`` and keeps only the new name in the
    model, so a model trained on ``credit amount`` expects ``credit_amount``. Such inputs are
    matched to the user's column (and the spec uses the user's name); a table holding both
    spellings is ambiguous and refused.
    """
    renames: dict[str, str] = {}
    names = [str(c) for c in columns]
    for model_name in adapter.feature_names:
        spellings = [c for c in names if c.replace(" ", "_") == model_name]
        if len(spellings) > 1:
            problems.append(
                BundleError(
                    f"{where}: the columns {' and '.join(repr(c) for c in spellings)} both match the model input "
                    f"{model_name!r} (LightGBM stores spaces in names as '_'); rename or drop one of them."
                )
            )
        elif spellings and spellings[0] != model_name:
            renames[model_name] = spellings[0]
    return adapter.renamed(renames) if renames else adapter


def _check_spec_against_model(spec: Spec, adapter: ModelAdapter, source: str, problems: list[ExplainError]) -> Spec:
    """Refuse spec features that are not model inputs; add default entries for unlisted inputs."""
    inputs = set(adapter.feature_names)
    for name in spec.features:
        if name not in inputs:
            problems.append(
                SpecError(
                    f"{source}: [features.{name}] is not an input of the model; the model's inputs are "
                    f"{', '.join(adapter.feature_names)}. Move it to [columns] or fix its name."
                )
            )
    for name in spec.columns:
        if name in inputs:
            problems.append(
                SpecError(f"{source}: [columns.{name}] is a model input; list it under [features.{name}] instead.")
            )
    return spec.with_features(list(adapter.feature_names))


def _normalize_table(
    frame: pd.DataFrame,
    spec: Spec,
    adapter: ModelAdapter,
    where: str,
    problems: list[ExplainError],
    table: str,
) -> pd.DataFrame | None:
    """Check a table against spec and model; return a copy indexed by string ids."""
    before = len(problems)
    id_col = spec.id_column
    if id_col not in frame.columns:
        problems.append(
            BundleError(
                f"{where}: the id column {id_col!r} (id_column in the spec) is missing; the columns are "
                f"{', '.join(map(str, frame.columns[:12]))}."
            )
        )
        return None
    if len(frame) == 0:
        problems.append(
            BundleError(f"{where}: the table has no rows; a bundle needs at least one row in each of its tables.")
        )
        return None
    ids = frame[id_col]
    if ids.isna().any():
        problems.append(BundleError(f"{where}: {int(ids.isna().sum())} rows have no id in column {id_col!r}."))
    str_ids = ids.astype("string").astype(object)
    dup = str_ids[str_ids.duplicated()]
    if len(dup):
        problems.append(
            BundleError(f"{where}: ids must be unique, but {dup.iloc[0]!r} appears more than once in {id_col!r}.")
        )
    missing = [f for f in adapter.feature_names if f not in frame.columns]
    if missing:
        problems.append(
            FeatureNotFoundError(
                f"{where}: the model input {missing[0]!r} is missing from the data"
                + (f" (also {', '.join(missing[1:4])})" if len(missing) > 1 else "")
                + f"; the data has {', '.join(map(str, frame.columns[:15]))}. Was a column renamed?"
            )
        )
    for name in spec.columns:
        if name not in frame.columns and table == "decisions":
            problems.append(
                BundleError(f"{where}: the spec lists [columns.{name}] but the data has no column {name!r}.")
            )
    out_col = spec.outcome_column
    if out_col is not None and out_col in frame.columns:
        values = pd.to_numeric(frame[out_col].astype("object"), errors="coerce")
        bad = frame[out_col].notna() & ~values.isin([0, 1])
        if bad.any():
            example = frame.loc[bad, out_col].iloc[0]
            problems.append(
                BundleError(
                    f"{where}: the outcome column {out_col!r} must hold 0 and 1 (or be empty where unknown); "
                    f"found {example!r}."
                )
            )
    if len(problems) > before:
        return None
    out = frame.copy()
    out.index = pd.Index(str_ids.to_numpy(), name=id_col)
    if not _check_inputs(out, adapter, where, problems):
        return None
    out = out.drop(columns=[id_col])
    if out_col is not None and out_col in out.columns:
        out[out_col] = pd.to_numeric(out[out_col].astype("object"), errors="coerce").astype(float)
    try:
        adapter.prepare(out.head(5), where=where)
    except ExplainError as err:
        problems.append(err)
        return None
    return out


def _first_ids(index: pd.Index, mask: np.ndarray) -> str:
    bad = index[mask]
    shown = ", ".join(repr(str(i)) for i in bad[:3])
    return f"{len(bad):,} rows, first the ids {shown}" if len(bad) > 1 else f"the row with id {shown}"


def _check_inputs(out: pd.DataFrame, adapter: ModelAdapter, where: str, problems: list[ExplainError]) -> bool:
    """Numeric model inputs must hold finite numbers or nothing; nullable integers become floats.

    Changes ``out`` in place (a copy the caller owns); returns whether the inputs are usable.
    """
    ok = True
    for name in adapter.feature_names:
        if name not in out.columns or name in adapter.categories:
            continue
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_timedelta64_dtype(column):
            problems.append(
                BundleError(
                    f"{where}: column {name!r} holds dates or durations ({column.dtype}), but the model reads it as a "
                    "number; store the number the model was trained on (for example days since an event)."
                )
            )
            ok = False
            continue
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            values = column.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        else:
            text = column.astype("object")
            values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
            bad = text.notna().to_numpy() & np.isnan(values)
            if bad.any():
                example = str(text[bad].iloc[0])[:40]
                problems.append(
                    BundleError(
                        f"{where}: column {name!r} should hold numbers, but {_first_ids(out.index, bad)} "
                        f"{'holds' if bad.sum() == 1 else 'hold text such as'} {example!r}."
                    )
                )
                ok = False
                continue
        infinite = np.isinf(values)
        if infinite.any():
            problems.append(
                BundleError(
                    f"{where}: column {name!r} holds infinite values ({_first_ids(out.index, infinite)}); replace "
                    "them with real numbers, or leave the cells empty where the value is unknown."
                )
            )
            ok = False
            continue
        if (
            isinstance(column.dtype, pd.api.extensions.ExtensionDtype)
            or not pd.api.types.is_numeric_dtype(column)
            or (pd.api.types.is_bool_dtype(column))
        ):
            out[name] = values  # nullable integers, booleans and numbers stored as text: plain floats, NaN missing
    return ok


def _check_explainable(
    spec_path: Path,
    spec: Spec,
    adapter: ModelAdapter,
    tables: dict[str, pd.DataFrame | None],
    problems: list[ExplainError],
) -> None:
    """Explain a few rows of each table and check additivity, so a model the app cannot
    explain is refused at the door rather than on the first page."""
    from explain.attribution._shap import shap_values

    decisions = tables["decisions"]
    assert decisions is not None
    _check_missing_values(adapter, tables, problems)
    if problems:
        return
    probe = Bundle(spec, adapter, decisions, tables["reference"], tables["current"], "probe", "probe")
    for name, frame in tables.items():
        if frame is None:
            continue
        try:
            shap_values(probe, list(frame.index[:EXPLAIN_PROBE_ROWS]), data=name)
        except ExplainError as err:
            problems.append(ExplainError(f"{spec_path}: the model's explanations fail on the {name} table: {err}"))
        except Exception as err:  # a model or pipeline that breaks while being explained
            problems.append(
                ExplainError(
                    f"{spec_path}: the model cannot be explained on the {name} table ({type(err).__name__}: {err})."
                )
            )


def _check_missing_values(
    adapter: ModelAdapter, tables: dict[str, pd.DataFrame | None], problems: list[ExplainError]
) -> None:
    """An input with missing values must be one the model accepts missing (tried on one row)."""
    for name in adapter.feature_names:
        where = [(t, f) for t, f in tables.items() if f is not None and bool(f[name].isna().any())]
        if not where:
            continue
        table, frame = where[0]
        row = frame.loc[frame[name].isna()].head(1)
        try:
            result = adapter.predict_raw(row)
            accepted = bool(np.isfinite(result).all())
        except Exception:  # the model's own refusal, whatever its type
            accepted = False
        if not accepted:
            missing = frame[name].isna().to_numpy()
            problems.append(
                BundleError(
                    f"the {table} table leaves {name!r} empty in {_first_ids(frame.index, missing)}, but the model "
                    "cannot score a row without it; fill the values, or add an imputer to the model's pipeline."
                )
            )


def _model_fingerprint_bytes(adapter: ModelAdapter) -> bytes:
    """Canonical bytes of a model: LightGBM text, or a skops archive with ids renumbered."""
    if adapter.family == "lightgbm":
        return adapter.estimator.model_to_string(num_iteration=-1).encode()  # type: ignore[no-any-return]
    import skops.io as sio

    return canonical_skops(sio.dumps(adapter.estimator))


def canonical_skops(data: bytes) -> bytes:
    """A canonical form of a skops archive.

    skops names arrays and objects by memory address and stamps zip entries with the time;
    renumbering those addresses by first appearance and concatenating the members in that
    order gives the same bytes for the same model in any process.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        schema = zf.read("schema.json").decode()
        order: dict[str, str] = {}
        for token in re.findall(r"\d{8,}", schema):
            order.setdefault(token, str(len(order)))
        canonical = re.sub(r"\d{8,}", lambda m: "#" + order[m.group(0)], schema)
        parts = [canonical.encode()]
        names = set(zf.namelist())
        for token in order:
            member = f"{token}.npy"
            if member in names:
                parts.append(zf.read(member))
        for member in sorted(n for n in names if n != "schema.json" and not re.fullmatch(r"\d{8,}\.npy", n)):
            parts.append(member.encode() + zf.read(member))
    return b"\0".join(parts)


def _read_table(path: Path, where: str, problems: list[ExplainError]) -> tuple[pd.DataFrame | None, bytes]:
    if not path.exists():
        problems.append(BundleError(f"{where}: the file {path} does not exist."))
        return None, b""
    data = path.read_bytes()
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(io.BytesIO(data)), data
        return pd.read_parquet(io.BytesIO(data)), data
    except Exception as err:
        problems.append(BundleError(f"{where}: {path.name} could not be read as a table: {err}"))
        return None, b""


def read_spec_file(spec_path: Path, problems: list[ExplainError]) -> dict[str, Any] | None:
    """The parsed TOML of ``bundle.toml``, or None with a problem that names the file and the fix."""
    data = spec_path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(
            SpecError(
                f"{spec_path}: the file starts with a byte-order mark (BOM), which TOML does not allow; save it as "
                "UTF-8 without BOM (in most editors: Save with encoding → UTF-8)."
            )
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(
            SpecError(
                f"{spec_path}: the file is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}, perhaps saved "
                "as Latin-1 or Windows-1252); save it again with the encoding UTF-8."
            )
        )
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        problems.append(SpecError(f"{spec_path}: not valid TOML: {err}"))
        return None


def _inside(directory: Path, name: str, field_name: str, problems: list[ExplainError]) -> Path | None:
    """``directory / name`` when it stays inside the directory once symlinks are resolved."""
    target = (directory / name).resolve()
    if not target.is_relative_to(directory.resolve()):
        problems.append(
            SpecError(
                f"{directory / SPEC_FILE}: {field_name} = {name!r} leads outside the bundle directory "
                f"(to {target}); keep the bundle's files inside it."
            )
        )
        return None
    return target


def _load(path: Path, problems: list[ExplainError]) -> Bundle | None:
    path = Path(path)
    spec_path = path / SPEC_FILE
    if not spec_path.exists():
        problems.append(BundleError(f"{path}: no {SPEC_FILE} here; a bundle directory needs one."))
        return None
    raw = read_spec_file(spec_path, problems)
    if raw is None:
        return None
    spec, spec_problems = check_spec(raw, source=str(spec_path))
    problems.extend(spec_problems)
    adapter = None
    model_path = _inside(path, spec.model, "model", problems)
    if model_path is not None:
        try:
            adapter, model_bytes = load_model(model_path)
        except ExplainError as err:
            problems.append(err)
    frames: dict[str, pd.DataFrame | None] = {}
    digest = hashlib.sha256()
    for name in TABLES:
        file_name = getattr(spec, name)
        table_path = None if file_name is None else _inside(path, file_name, name, problems)
        if table_path is None:
            frames[name] = None
            continue
        frame, data = _read_table(table_path, f"{path / file_name}", problems)
        frames[name] = frame
        digest.update(name.encode() + hashlib.sha256(data).digest())
    if adapter is None:
        return None
    if frames["decisions"] is not None:
        adapter = match_input_names(adapter, frames["decisions"].columns, str(path / spec.decisions), problems)
    full_spec = _check_spec_against_model(spec, adapter, str(spec_path), problems)
    tables = {
        name: None
        if frame is None
        else _normalize_table(frame, full_spec, adapter, str(path / getattr(spec, name)), problems, name)
        for name, frame in frames.items()
    }
    if problems or tables["decisions"] is None:
        return None
    _check_explainable(spec_path, full_spec, adapter, tables, problems)
    if problems:
        return None
    model_part = model_bytes if adapter.family == "lightgbm" else canonical_skops(model_bytes)
    fingerprint = hashlib.sha256(
        full_spec.canonical_json().encode() + hashlib.sha256(model_part).digest() + digest.digest()
    ).hexdigest()[:16]
    return Bundle(
        spec=full_spec,
        model=adapter,
        decisions=tables["decisions"],
        reference=tables["reference"],
        current=tables["current"],
        fingerprint=fingerprint,
        key=slugify(path.name),
        path=path,
    )


def load_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Load and validate a bundle directory; raise the first problem as an :class:`ExplainError`.

    Examples
    --------
    >>> bundle = load_bundle("path/to/loan")  # doctest: +SKIP
    >>> bundle.spec.score_label  # doctest: +SKIP
    'estimated default risk'
    """
    problems: list[ExplainError] = []
    bundle = _load(Path(path), problems)
    if problems:
        raise problems[0]
    assert bundle is not None
    return bundle


def check_bundle(path: str | os.PathLike[str]) -> list[str]:
    """Every problem :func:`load_bundle` would report for ``path``; empty when it loads."""
    problems: list[ExplainError] = []
    _load(Path(path), problems)
    return [str(p) for p in problems]


def _with_id_column(frame: pd.DataFrame, id_column: str, name: str) -> pd.DataFrame:
    """The frame with its ids as a column: a loaded bundle keeps ids in the index."""
    if id_column in frame.columns:
        return frame
    if frame.index.name == id_column or not isinstance(frame.index, pd.RangeIndex):
        return frame.rename_axis(id_column).reset_index()
    raise BundleError(
        f"the {name} table has no id column {id_column!r} (id_column in the spec) and no ids in its index."
    )


def write_bundle(
    path: str | os.PathLike[str],
    *,
    spec: Spec,
    model: Any,
    decisions: pd.DataFrame,
    reference: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a bundle directory atomically: into a temporary directory, then renamed into place.

    Two processes writing the same bundle never expose half of one: the first rename wins
    and, without ``overwrite``, the other raises :class:`BundleExistsError` (as does any
    write to an existing directory). LightGBM models are saved as text, scikit-learn models
    with skops. Tables are written as Parquet with the ids as a column (a loaded bundle's
    tables keep them in the index), so the written bundle always loads again. The spec is
    checked for text TOML cannot hold before anything is written.

    Examples
    --------
    >>> write_bundle("my_model", spec=bundle.spec, model=bundle.model.estimator,
    ...              decisions=bundle.decisions, overwrite=True)  # doctest: +SKIP
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise BundleExistsError(f"{target} already exists; pass overwrite=True to replace it.")
    adapter = adapt_estimator(model)
    model_file = "model.txt" if adapter.family == "lightgbm" else "model.skops"
    names = {
        "decisions": "decisions.parquet",
        "reference": "reference.parquet" if reference is not None else None,
        "current": "current.parquet" if current is not None else None,
    }
    spec = replace(spec, model=model_file, **names)  # type: ignore[arg-type]
    toml_text = spec_to_toml(spec)
    if parse_spec(tomllib.loads(toml_text), source=SPEC_FILE) != spec:  # pragma: no cover - a writer bug
        raise SpecError("the spec would not read back as written; nothing was written.")
    tables = {
        key: None if frame is None else _with_id_column(frame, spec.id_column, key)
        for key, frame in (("decisions", decisions), ("reference", reference), ("current", current))
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (tmp / SPEC_FILE).write_text(toml_text, encoding="utf-8")
        if adapter.family == "lightgbm":
            (tmp / model_file).write_text(adapter.estimator.model_to_string(num_iteration=-1), encoding="utf-8")
        else:
            import skops.io as sio

            sio.dump(adapter.estimator, tmp / model_file)
        for key, frame in tables.items():
            if frame is not None:
                frame.to_parquet(tmp / str(names[key]), index=False)
        if target.exists():
            if not overwrite:
                raise BundleExistsError(f"{target} was written by someone else meanwhile; nothing was replaced.")
            trash = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(target, trash)
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError as err:
            if not target.exists():
                raise
            raise BundleExistsError(f"{target} was written by someone else meanwhile; nothing was replaced.") from err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


__all__ = [
    "Bundle",
    "TableName",
    "check_bundle",
    "load_bundle",
    "write_bundle",
]
