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
  are also kept outside the database, in a head file beside it (itself MAC'd, written when the
  log is created, so a missing one is always noticed), and in a one-row head table that every
  append updates. Verification compares all three. The first row links to a MAC of the log's
  random id, so a chain cannot be moved to another log.
- what no local check can see, a whole log wiped with its head file or rolled back together
  with an old copy of the head file, ``verify(expect_at_least=N)`` catches against a count kept
  elsewhere (the summary prints the head to anchor).

Before every append the head file is checked against the database: when they disagree the log
*fails closed* (nothing more is recorded, so nothing more is shown) until someone looks. The
head file is written in two phases around the commit (the old head with the new one pending,
then the new one), so a crash at any moment leaves a state that is still accepted.

Appends are serialised by a transaction on the head row (``BEGIN IMMEDIATE`` on SQLite,
``SELECT … FOR UPDATE`` elsewhere), so concurrent writers, threads or processes, leave one
unbroken chain. This is not the *audit stamp* of computed results (:mod:`explain._stamp`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
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
    """What :meth:`AccessLog.verify` found: ``ok`` when the chain, the head row and the head file
    agree; ``head_seq`` and ``head_mac`` are the chain's end, to keep somewhere append-only."""

    rows: int
    problems: tuple[str, ...] = field(default_factory=tuple)
    head_seq: int = 0
    head_mac: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return (
                f"ok: {self.rows:,} events, the chain is unbroken and matches its head "
                f"(event {self.head_seq}, MAC {self.head_mac[:16]})."
            )
        listed = "\n".join(f"- {p}" for p in self.problems[:20])
        more = f"\n- … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        return f"BROKEN: {len(self.problems)} problem(s) in {self.rows:,} events:\n{listed}{more}"


def _mac(key: bytes, values: list[Any], prev_mac: str) -> str:
    message = json.dumps([*values, prev_mac], ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _head_mac(key: bytes, log_id: str, seq: int, mac: str, pending: tuple[int, str] | None) -> str:
    text = json.dumps(["head", log_id, seq, mac, list(pending) if pending else None])
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _genesis(key: bytes, log_id: str) -> str:
    """The "previous MAC" of a log's first row: bound to this log's random id."""
    return hmac.new(key, f"genesis|{log_id}".encode(), hashlib.sha256).hexdigest()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(str(a).encode("utf-8"), str(b).encode("utf-8"))


def default_head_file(url: str) -> Path | None:
    """``<database file>.head`` for a SQLite file URL, else None (another database needs one named)."""
    database = sqlite_file(url)
    return None if database is None else database.with_name(database.name + ".head")


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite file URL, else None."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as err:
        raise AccessLogError(f"the access log database URL is not usable: {err}") from None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database.removeprefix("file:"))


class AccessLog:
    """The access log at ``url`` (SQLAlchemy), MAC'd with ``key``, its head kept in ``head_file``.
    With ``create=False`` a log that does not exist yet is an error instead of being made (the
    command line reads logs; it never starts one somewhere by mistake).

    Examples
    --------
    >>> log = AccessLog("sqlite:///access-log.sqlite", key="a long random secret")  # doctest: +SKIP
    >>> log.record(AccessEvent("decision_viewed", "sub-1", "ana@bank.example", "viewer", "loan", "f1", "A17"))  # doctest: +SKIP
    >>> log.verify().ok  # doctest: +SKIP
    True
    """

    def __init__(self, url: str, *, key: str | bytes, head_file: Path | str | None = None, create: bool = True) -> None:
        from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event
        from sqlalchemy.engine import make_url

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
        self.create = create
        try:
            self.shown_url = make_url(url).render_as_string(hide_password=True)
            is_sqlite = url.startswith("sqlite")
            self._engine = create_engine(
                url, connect_args={"timeout": 60, "check_same_thread": False} if is_sqlite else {}
            )
        except Exception as err:  # an unknown dialect, a driver that is not installed, a malformed URL
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
            Column("log_id", String(32), nullable=False),
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
            lines = str(getattr(err, "orig", None) or err).splitlines()
            reason = lines[0] if lines and lines[0] else type(err).__name__
            raise AccessLogError(f"the access log could not be {doing} ({reason}).") from None

    def _prepare(self) -> None:
        """Create the tables, the head row and the head file once (a log that has them is left as
        it is). Another process may create them at the same moment: a failed attempt is retried."""
        if self._ready:
            return
        from sqlalchemy import insert, inspect, select
        from sqlalchemy.exc import SQLAlchemyError

        with self._ready_lock, self._failures("opened"):
            if self._ready:
                return
            if not self.create:
                database_file = sqlite_file(self.url)
                if database_file is not None and not database_file.is_file():
                    raise AccessLogError(
                        f"there is no access log at {self.shown_url}: check [access] log_url, and run this in the "
                        "directory the server starts in (relative paths are relative to it)."
                    )
                try:
                    tables = set(inspect(self._engine).get_table_names())
                except SQLAlchemyError:
                    tables = set()
                if not {"access_events", "access_log_head"} <= tables:
                    raise AccessLogError(
                        f"there is no access log at {self.shown_url}: check [access] log_url, and run this in the "
                        "directory the server starts in (relative paths are relative to it)."
                    )
            database = sqlite_file(self.url)  # a SQLite file: its folder is made on first use
            if database is not None:
                database.parent.mkdir(parents=True, exist_ok=True)
            for attempt in range(3):
                try:
                    self._metadata.create_all(self._engine, checkfirst=True)
                    with self._engine.connect() as connection:  # one writer at a time (BEGIN IMMEDIATE)
                        if connection.execute(select(self._head.c.id)).first() is None:
                            if self._read_head_file_text() is not None:
                                raise AccessLogError(
                                    f"the access log's head file {self.head_file} names a log this database does "
                                    "not hold (the database was deleted or replaced); nothing is recorded until an "
                                    "administrator checks it with explain audit verify."
                                )
                            log_id = secrets.token_hex(16)
                            genesis = _genesis(self._key, log_id)
                            connection.execute(insert(self._head).values(id=1, log_id=log_id, seq=0, mac=genesis))
                            self._write_head_file(log_id, 0, genesis)
                            connection.commit()
                    break
                except SQLAlchemyError:
                    if attempt == 2:
                        raise
            self._ready = True

    def record(self, event: AccessEvent, *, now: datetime | None = None) -> int:
        """Append ``event``; returns its sequence number. Raises :class:`AccessLogError` when the
        log cannot be written, or no longer matches its head file, so the caller can refuse the
        action it was about to show."""
        from sqlalchemy import insert, update

        self._prepare()
        recorded_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        with self._failures("written"), self._engine.connect() as connection:  # begins on first use
            log_id, last_seq, last_mac = self._locked_head(connection)
            if self._head_file_problems(log_id, last_seq, last_mac, self._read_head_file_text()):
                raise AccessLogError(
                    "the access log's database does not match its head file (events deleted, or the database "
                    "replaced), so nothing more is recorded until an administrator checks it with explain audit verify."
                )
            seq = last_seq + 1
            content = [
                seq, recorded_at, event.subject, event.email, event.role, event.bundle_name,
                event.bundle_fingerprint, event.decision_id, event.action, event.detail, event.session,
            ]  # fmt: skip
            mac = _mac(self._key, content, last_mac)
            connection.execute(insert(self._events).values(dict(zip(COLUMNS, [*content, last_mac, mac], strict=True))))
            connection.execute(update(self._head).where(self._head.c.id == 1).values(seq=seq, mac=mac))
            # under the database's write lock, in two phases: a crash anywhere leaves an accepted state
            self._write_head_file(log_id, last_seq, last_mac, pending=(seq, mac))
            try:
                connection.commit()
            except Exception:
                with contextlib.suppress(OSError):
                    self._write_head_file(log_id, last_seq, last_mac)
                raise
        self._finalise_head_file(log_id, seq, mac)
        return seq

    def _finalise_head_file(self, log_id: str, seq: int, mac: str) -> None:
        """Second phase: the head file says ``seq`` without a pending one, written under the
        database's lock and only while ``seq`` is still the last event (a later append's own
        pending head must not be overwritten with this older one)."""
        try:
            with self._engine.connect() as connection:
                if self._locked_head(connection) == (log_id, seq, mac):
                    self._write_head_file(log_id, seq, mac)
                connection.rollback()
        except Exception:  # recorded; the pending head is accepted until the next append finalises it
            logging.getLogger(__name__).warning("the access log's head file could not be finalised", exc_info=True)

    def _locked_head(self, connection: Any) -> tuple[str, int, str]:
        """The head row, locked until the transaction ends (appends and checks wait for each other)."""
        from sqlalchemy import select

        head = self._head
        row = connection.execute(select(head.c.log_id, head.c.seq, head.c.mac).where(head.c.id == 1).with_for_update()).one()  # fmt: skip
        return str(row.log_id), int(row.seq), str(row.mac)

    def _read_head_file_text(self) -> str | None:
        try:
            return self.head_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def _write_head_file(self, log_id: str, seq: int, mac: str, pending: tuple[int, str] | None = None) -> None:
        text = json.dumps(
            {
                "log_id": log_id,
                "seq": seq,
                "mac": mac,
                "pending": list(pending) if pending else None,
                "head_mac": _head_mac(self._key, log_id, seq, mac, pending),
            }
        )
        self.head_file.parent.mkdir(parents=True, exist_ok=True)
        staging = self.head_file.with_name(f".{self.head_file.name}.{os.getpid()}.{threading.get_ident()}")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, self.head_file)

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

    def verify(self, *, expect_at_least: int = 0) -> Verification:
        """Recompute every MAC and link, and compare the end with the head row and the head file,
        all in one transaction that appends wait for. ``expect_at_least``: the number of events
        the log held when last anchored elsewhere (a wiped or rolled-back log has fewer)."""
        from sqlalchemy import select

        self._prepare()
        problems: list[str] = []
        count = 0
        with self._failures("read"), self._engine.connect() as connection:
            log_id, head_seq, head_mac = self._locked_head(connection)
            expected_seq, prev_mac = 1, _genesis(self._key, log_id)
            for row in connection.execute(select(self._events).order_by(self._events.c.seq)):
                count += 1
                values = row._mapping
                seq = int(values["seq"])
                if seq != expected_seq:
                    problems.append(f"event {seq}: expected event {expected_seq} here (a row was inserted or deleted)")
                if not _same(values["prev_mac"], prev_mac):
                    problems.append(f"event {seq}: does not link to the event before it")
                content = [values[name] for name in _CONTENT]
                if not _same(_mac(self._key, content, str(values["prev_mac"])), values["mac"]):
                    problems.append(
                        f"event {seq}: its content does not match its MAC (edited, or written without the key)"
                    )
                expected_seq, prev_mac = seq + 1, str(values["mac"])
            head_text = self._read_head_file_text()
            connection.rollback()
        last_seq = expected_seq - 1
        if (head_seq, head_mac) != (last_seq, prev_mac):
            problems.append(
                f"the head row says the chain ends at event {head_seq}, "
                f"the table ends at event {last_seq} (rows deleted or the head edited)"
            )
        problems += self._head_file_problems(log_id, last_seq, prev_mac, head_text)
        if count < expect_at_least:
            problems.append(
                f"the log holds {count:,} events, fewer than the {expect_at_least:,} expected "
                "(wiped or rolled back together with its head file)"
            )
        return Verification(rows=count, problems=tuple(problems), head_seq=last_seq, head_mac=prev_mac)

    def _head_file_problems(self, log_id: str, last_seq: int, last_mac: str, text: str | None) -> list[str]:
        """How the head file (its text ``text``) disagrees with a chain ending at ``last_seq``."""
        if text is None:
            return [f"the head file {self.head_file} is missing"]
        try:
            head = json.loads(text)
            seq, mac, head_mac = int(head["seq"]), str(head["mac"]), str(head["head_mac"])
            pending = (int(head["pending"][0]), str(head["pending"][1])) if head.get("pending") else None
            file_log_id = str(head["log_id"])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return [f"the head file {self.head_file} is unreadable"]
        if not _same(_head_mac(self._key, file_log_id, seq, mac, pending), head_mac):
            return [f"the head file {self.head_file} was not written with this key"]
        if file_log_id != log_id:
            return [f"the head file {self.head_file} belongs to another access log (the database was replaced)"]
        if (last_seq, last_mac) not in ((seq, mac), pending):
            return [
                f"the head file says the chain ends at event {pending[0] if pending else seq}, the database at event "
                f"{last_seq} (the last events were deleted, or the chain was rewritten)"
            ]
        return []

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()
