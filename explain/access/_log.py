"""The access log: who was shown or given which person's decision, kept so tampering shows.

One row per action that shows or exports personal data (a decision opened, a what-if run,
recourse shown, an export, an upload, a batch download). Rows live in a real database through
SQLAlchemy (a SQLite file by default, any SQLAlchemy URL by configuration) and are only ever
appended. Each row carries an HMAC-SHA256, under a key the database never sees, over its own
content *and the previous row's MAC*, so:

- an edited row fails its own MAC;
- an inserted or deleted row breaks the sequence numbers and the next row's link;
- a chain rewritten without the key fails every MAC;
- deleting the *last* rows leaves a valid shorter chain, so the latest sequence number and MAC
  are also kept outside the database, in a head file beside it (itself MAC'd), and in a one-row
  head table that every append updates. Verification compares all three.

Appends are serialised by a transaction on the head row (``BEGIN IMMEDIATE`` on SQLite,
``SELECT … FOR UPDATE`` elsewhere), so concurrent writers, threads or processes, leave one
unbroken chain. This is not the *audit stamp* of computed results (:mod:`explain._stamp`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from explain.errors import ExplainError

ACCESS_ACTIONS: dict[str, str] = {
    "decision_viewed": "Decision shown",
    "whatif_submitted": "What-if run",
    "recourse_viewed": "Recourse shown",
    "export": "Export",
    "upload": "Upload",
    "batch_download": "Batch download",
    "access_log_export": "Access log exported",
}
"""Every action recorded, with the words the Access log page shows for it."""

MIN_KEY_LENGTH = 16
_GENESIS = ""  # the "previous MAC" of the first row
_CONTENT = (
    "seq", "recorded_at", "subject", "email", "role", "bundle_name", "bundle_fingerprint",
    "decision_id", "action", "detail", "session",
)  # fmt: skip
COLUMNS = (*_CONTENT, "prev_mac", "mac")
"""The columns of the log, in order, as :meth:`AccessLog.events` returns them."""


class AccessLogError(ExplainError, RuntimeError):
    """The access log cannot be written or read; the message says why and what to check."""


@dataclass(frozen=True)
class AccessEvent:
    """One action to record: who (subject, email, role), on what (bundle, decision), what, where (session)."""

    action: str
    subject: str
    email: str
    role: str
    bundle_name: str = ""
    bundle_fingerprint: str = ""
    decision_id: str = ""
    session: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        if self.action not in ACCESS_ACTIONS:
            raise AccessLogError(f"unknown access-log action {self.action!r}; one of {', '.join(ACCESS_ACTIONS)}.")


@dataclass(frozen=True)
class Verification:
    """What :meth:`AccessLog.verify` found: ``ok`` when the chain, the head row and the head file agree."""

    rows: int
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"ok: {self.rows:,} events, the chain is unbroken and matches its head."
        listed = "\n".join(f"- {p}" for p in self.problems[:20])
        more = f"\n- … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        return f"BROKEN: {len(self.problems)} problem(s) in {self.rows:,} events:\n{listed}{more}"


def _mac(key: bytes, values: list[Any], prev_mac: str) -> str:
    message = json.dumps([*values, prev_mac], ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _head_mac(key: bytes, seq: int, mac: str) -> str:
    return hmac.new(key, f"head|{seq}|{mac}".encode(), hashlib.sha256).hexdigest()


def default_head_file(url: str) -> Path | None:
    """``<database file>.head`` for a SQLite file URL, else None (another database needs one named)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    database = parsed.database.removeprefix("file:")
    return Path(database).with_name(Path(database).name + ".head")


class AccessLog:
    """The access log at ``url`` (SQLAlchemy), MAC'd with ``key``, its head kept in ``head_file``.

    Examples
    --------
    >>> log = AccessLog("sqlite:///access-log.sqlite", key="a long random secret")  # doctest: +SKIP
    >>> log.record(AccessEvent("decision_viewed", "sub-1", "ana@bank.example", "viewer", "loan", "f1", "A17"))  # doctest: +SKIP
    >>> log.verify().ok  # doctest: +SKIP
    True
    """

    def __init__(self, url: str, *, key: str | bytes, head_file: Path | str | None = None) -> None:
        from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event
        from sqlalchemy.exc import ArgumentError

        raw_key = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        if len(raw_key) < MIN_KEY_LENGTH:
            raise AccessLogError(
                f"the access log key must be at least {MIN_KEY_LENGTH} characters; set [access] log_key in "
                ".streamlit/secrets.toml to a long random string (python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))')."
            )
        self._key = raw_key
        head = Path(head_file) if head_file is not None else default_head_file(url)
        if head is None:
            raise AccessLogError(
                "the access log's head file must be named for a database other than a SQLite file: set "
                "[access] log_head to a path outside the database."
            )
        self.head_file = head
        self.url = url
        try:
            is_sqlite = url.startswith("sqlite")
            self._engine = create_engine(
                url, connect_args={"timeout": 60, "check_same_thread": False} if is_sqlite else {}
            )
        except (ArgumentError, ImportError, ValueError) as err:
            raise AccessLogError(f"the access log database URL is not usable: {err}") from None
        if is_sqlite:  # a write lock from BEGIN, so appends serialise instead of failing to upgrade

            @event.listens_for(self._engine, "connect")
            def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None

            @event.listens_for(self._engine, "begin")
            def _immediate(connection: Any) -> None:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        metadata = MetaData()
        self._events = Table(
            "access_events",
            metadata,
            Column("seq", Integer, primary_key=True, autoincrement=False),
            *(Column(name, Text, nullable=False) for name in _CONTENT[1:]),
            Column("prev_mac", String(64), nullable=False),
            Column("mac", String(64), nullable=False),
        )
        self._head = Table(
            "access_log_head",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("seq", Integer, nullable=False),
            Column("mac", String(64), nullable=False),
        )
        self._metadata = metadata
        self._ready = False
        self._ready_lock = threading.Lock()

    # -- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _failures(self, doing: str) -> Iterator[None]:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            yield
        except AccessLogError:
            raise
        except (SQLAlchemyError, OSError) as err:
            reason = str(getattr(err, "orig", None) or err).splitlines()[0]
            raise AccessLogError(f"the access log could not be {doing} ({reason}).") from None

    def _prepare(self) -> None:
        """Create the tables and the head row once (a database that has them is left as it is).
        Another process may create them at the same moment: a failed attempt is tried again."""
        if self._ready:
            return
        from sqlalchemy import insert, select
        from sqlalchemy.exc import SQLAlchemyError

        with self._ready_lock, self._failures("opened"):
            database = default_head_file(self.url)  # a SQLite file: its folder is made on first use
            if database is not None:
                database.parent.mkdir(parents=True, exist_ok=True)
            for attempt in range(3):
                try:
                    self._metadata.create_all(self._engine, checkfirst=True)
                    with self._engine.begin() as connection:
                        if connection.execute(select(self._head.c.id)).first() is None:
                            connection.execute(insert(self._head).values(id=1, seq=0, mac=_GENESIS))
                    break
                except SQLAlchemyError:
                    if attempt == 2:
                        raise
            self._ready = True

    def record(self, event: AccessEvent, *, now: datetime | None = None) -> int:
        """Append ``event``; returns its sequence number. Raises :class:`AccessLogError` when the
        log cannot be written, so the caller can refuse the action it was about to show."""
        from sqlalchemy import insert, select, update

        self._prepare()
        recorded_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        with self._failures("written"), self._engine.connect() as connection:  # begins on first use
            head = connection.execute(select(self._head.c.seq, self._head.c.mac).where(self._head.c.id == 1).with_for_update()).one()  # fmt: skip
            previous = self._read_head_file_text()
            if self._head_file_problems(int(head.seq), str(head.mac), previous):
                raise AccessLogError(
                    "the access log's database does not match its head file (events deleted, or the database "
                    "replaced), so nothing more is recorded until an administrator checks it with explain audit verify."
                )
            seq, prev_mac = int(head.seq) + 1, str(head.mac)
            content = [
                seq, recorded_at, event.subject, event.email, event.role, event.bundle_name,
                event.bundle_fingerprint, event.decision_id, event.action, event.detail, event.session,
            ]  # fmt: skip
            mac = _mac(self._key, content, prev_mac)
            connection.execute(insert(self._events).values(dict(zip(COLUMNS, [*content, prev_mac, mac], strict=True))))
            connection.execute(update(self._head).where(self._head.c.id == 1).values(seq=seq, mac=mac))
            self._write_head_file(seq, mac)  # under the database's write lock: heads are written in order
            try:
                connection.commit()
            except Exception:
                self._restore_head_file(previous)
                raise
        return seq

    def _read_head_file_text(self) -> str | None:
        try:
            return self.head_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def _write_head_file(self, seq: int, mac: str) -> None:
        text = json.dumps({"seq": seq, "mac": mac, "head_mac": _head_mac(self._key, seq, mac)})
        self._replace_head_file(text)

    def _replace_head_file(self, text: str) -> None:
        self.head_file.parent.mkdir(parents=True, exist_ok=True)
        staging = self.head_file.with_name(f".{self.head_file.name}.{os.getpid()}.{threading.get_ident()}")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, self.head_file)

    def _restore_head_file(self, previous: str | None) -> None:
        with contextlib.suppress(OSError):
            if previous is None:
                self.head_file.unlink(missing_ok=True)
            else:
                self._replace_head_file(previous)

    # -- reading -------------------------------------------------------------------------------

    def events(
        self, *, since: datetime | None = None, user: str | None = None, decision: str | None = None
    ) -> pd.DataFrame:
        """The recorded events in order, filtered: ``since`` (inclusive, UTC if naive), ``user``
        (subject or email, exact), ``decision`` (its id, exact)."""
        from sqlalchemy import or_, select

        self._prepare()
        query = select(self._events).order_by(self._events.c.seq)
        if since is not None:
            moment = since if since.tzinfo else since.replace(tzinfo=UTC)
            query = query.where(self._events.c.recorded_at >= moment.astimezone(UTC).isoformat(timespec="microseconds"))
        if user:
            query = query.where(or_(self._events.c.subject == user, self._events.c.email == user))
        if decision:
            query = query.where(self._events.c.decision_id == decision)
        with self._failures("read"), self._engine.connect() as connection:
            rows = connection.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(COLUMNS))
        return frame.astype({"seq": "int64"})

    def verify(self) -> Verification:
        """Recompute every MAC and link, and compare the last with the head row and the head file."""
        from sqlalchemy import select

        self._prepare()
        problems: list[str] = []
        expected_seq, prev_mac, count = 1, _GENESIS, 0
        with self._failures("read"), self._engine.connect() as connection:
            for row in connection.execute(select(self._events).order_by(self._events.c.seq)):
                count += 1
                values = row._mapping
                seq = int(values["seq"])
                if seq != expected_seq:
                    problems.append(f"event {seq}: expected event {expected_seq} here (a row was inserted or deleted)")
                if values["prev_mac"] != prev_mac:
                    problems.append(f"event {seq}: does not link to the event before it")
                content = [values[name] for name in _CONTENT]
                if not hmac.compare_digest(_mac(self._key, content, values["prev_mac"]), str(values["mac"])):
                    problems.append(
                        f"event {seq}: its content does not match its MAC (edited, or written without the key)"
                    )
                expected_seq, prev_mac = seq + 1, str(values["mac"])
            head = connection.execute(select(self._head.c.seq, self._head.c.mac).where(self._head.c.id == 1)).first()
        last_seq = expected_seq - 1
        if head is None or (int(head.seq), str(head.mac)) != (last_seq, prev_mac):
            problems.append(
                f"the head row says the chain ends at event {head.seq if head else '?'}, "
                f"the table ends at event {last_seq} (rows deleted or the head edited)"
            )
        problems += self._head_file_problems(last_seq, prev_mac, self._read_head_file_text())
        return Verification(rows=count, problems=tuple(problems))

    def _head_file_problems(self, last_seq: int, last_mac: str, text: str | None) -> list[str]:
        """How the head file (its text ``text``) disagrees with a chain ending at ``last_seq``."""
        if text is None:
            return [] if last_seq == 0 else [f"the head file {self.head_file} is missing"]
        try:
            head = json.loads(text)
            seq, mac, head_mac = int(head["seq"]), str(head["mac"]), str(head["head_mac"])
        except (ValueError, KeyError, TypeError):
            return [f"the head file {self.head_file} is unreadable"]
        if not hmac.compare_digest(_head_mac(self._key, seq, mac), head_mac):
            return [f"the head file {self.head_file} was not written with this key"]
        if (seq, mac) != (last_seq, last_mac):
            return [
                f"the head file says the chain ends at event {seq}, the database at event {last_seq} "
                "(the last events were deleted, or the chain was rewritten)"
            ]
        return []

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()
