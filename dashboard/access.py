"""Who is using the app, what they may see, and the access log of what they were shown.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` every page needs a signed-in user
(OpenID Connect through Streamlit's own ``st.login`` / ``st.user``) whom the access file grants
a role; without one the app runs in *local mode* and says so on every page. Actions that show
or export a person's data are recorded in the access log before the data is shown; when the
log cannot be written the action is refused (:func:`record` raises, :func:`recorded` says so).

A shared link survives the sign-in: the provider's callback returns to the root URL, so the
link asked for is kept, server-side, under this browser's XSRF token (a cookie Streamlit sets
before any page runs and keeps across the round trip) and restored after the sign-in.
"""

from __future__ import annotations

import binascii
import hashlib
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import streamlit as st

from dashboard import cache
from dashboard.text import md
from explain import Access, AccessEvent, AccessLogError, AccessSettings, Bundle, ExplainError

LOCAL_SUBJECT = "local"
S_SESSION = "access_session"  # a random id naming this browser session in the access log
S_SIGNED_IN_AT = "access_signed_in_at"
S_LAST_VIEW = "access_last_view"
S_RECOURSE_SEEN = "access_recourse_seen"
S_USER = "access_user"
PENDING_SECONDS = 15 * 60
MAX_PENDING = 10_000  # links kept at once (the oldest go first)
MAX_KEPT_KEYS = 8
MAX_KEPT_TEXT = 256
REFUSED = (
    "This action could not be recorded in the access log, so it was not carried out: {reason} "
    "Nothing was shown or exported. Ask your administrator to check the access log's database; the app keeps running."
)

_pending: dict[str, tuple[float, dict[str, str], str]] = {}  # browser -> (when, query, page path)
_signed_out: dict[str, float] = {}  # subject -> when they last signed out
_lock = threading.Lock()


@dataclass(frozen=True)
class User:
    """The person using this session: who (from the ID token), and what they may see."""

    subject: str
    email: str
    name: str
    access: Access
    local: bool = False

    @property
    def role(self) -> str:
        return self.access.role

    def may_open(self, bundle_key: str) -> bool:
        return self.access.may_open(bundle_key)

    def allows(self, needed: str) -> bool:
        return self.access.allows(needed)


LOCAL_USER = User(subject=LOCAL_SUBJECT, email="", name="local", access=Access("admin", None), local=True)


class SecretsUnreadable(Exception):
    """A secrets file exists but cannot be read: whether sign-in is wanted is unknown, so nothing is shown."""


def _check_secrets_files() -> None:
    """Raise :class:`SecretsUnreadable` when a secrets file Streamlit would read exists but is
    not valid TOML (Streamlit would then treat it as absent: local mode, everything open)."""
    import tomllib

    for name in st.get_option("secrets.files") or []:
        path = Path(name)
        if not path.is_file():
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            logging.getLogger("dashboard").error("the secrets file %s cannot be read: %s", path, err)
            raise SecretsUnreadable(str(path)) from None


def _secrets_section(name: str) -> Any:
    """A section of the secrets (None when there are none); :func:`current_user`, which every
    run starts with, has already refused a secrets file that cannot be read."""
    if not st.secrets.load_if_toml_exists():
        return None
    return st.secrets.get(name)


def auth_configured() -> bool:
    """Whether ``[auth]`` is in the secrets: then every page needs a signed-in user."""
    return bool(_secrets_section("auth"))


def settings() -> AccessSettings:
    """The access file and access log settings (``[access]`` in the secrets, the environment)."""
    section = _secrets_section("access")
    return AccessSettings.from_section(dict(section) if section else None)


def _session_id() -> str:
    if S_SESSION not in st.session_state:
        st.session_state[S_SESSION] = uuid.uuid4().hex
    return str(st.session_state[S_SESSION])


def _browser() -> str | None:
    """This browser's XSRF token (unmasked), hashed: stable across the provider's round trip."""
    raw = st.context.cookies.get("_streamlit_xsrf")
    if not isinstance(raw, str) or not raw:
        return None
    token = raw.strip("\"'").encode()
    parts = raw.strip("\"'").split("|")
    if len(parts) == 4 and parts[0] == "2":  # version|mask|masked token|time: a 4-byte mask, repeated
        try:
            mask, masked = binascii.a2b_hex(parts[1]), binascii.a2b_hex(parts[2])
            if mask:
                token = bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked))
        except binascii.Error:
            pass
    return hashlib.sha256(token).hexdigest()


def _page_path() -> str:
    """The last part of the URL's path (a page's ``url_path``; ``""`` at the root)."""
    url = st.context.url if isinstance(st.context.url, str) else ""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def _keep_requested_link() -> None:
    """Remember the link this browser asked for, to open it after the sign-in."""
    browser = _browser()
    query = {k[:MAX_KEPT_TEXT]: st.query_params[k][:MAX_KEPT_TEXT] for k in list(st.query_params)[:MAX_KEPT_KEYS]}
    path = _page_path()[:MAX_KEPT_TEXT]
    if browser is None or (not query and not path):
        return
    now = time.monotonic()
    with _lock:  # anyone can reach this before signing in: the store is bounded in age, count and size
        for key in [k for k, (when, _, _) in _pending.items() if now - when > PENDING_SECONDS]:
            del _pending[key]
        while len(_pending) >= MAX_PENDING:
            del _pending[next(iter(_pending))]
        _pending[browser] = (now, query, path)


def restore_requested_link() -> str | None:
    """Put back the query string of the link asked for before the sign-in; returns its page's
    URL path (``""`` for the root) for the app to switch to, or None when nothing was kept."""
    browser = _browser()
    if browser is None:
        return None
    with _lock:
        kept = _pending.pop(browser, None)
    if kept is None or time.monotonic() - kept[0] > PENDING_SECONDS:
        return None
    _, query, path = kept
    if not st.query_params:
        st.query_params.from_dict(query)
    return path


def _sign_in_page(message: str | None = None) -> NoReturn:
    st.title("Explain decisions")
    st.markdown(
        "The decisions here are about real people, so every page needs you to sign in. "
        "Who opens which decision is recorded."
    )
    if message:
        st.info(message)
    if st.query_params or _page_path():
        st.caption("The link you opened will open once you have signed in.")
    if st.button("Sign in", type="primary", icon="🔐"):
        st.login()
    st.stop()


def _refuse(message: str, *, sign_out: bool = False) -> NoReturn:
    st.title("Explain decisions")
    st.error(message)
    if sign_out:
        sign_out_button()
    st.stop()


def current_user() -> User:
    """The signed-in user with their role, or the local user; shows the sign-in page (or why
    access is refused) and stops the run when there is none."""
    try:
        _check_secrets_files()
        signed_in_mode = auth_configured()
    except Exception:  # fail closed: an unreadable secrets file may be the one that asks for sign-in
        _refuse(
            "The server's secrets file cannot be read, so it is unknown who may see what and nothing is shown. "
            "An administrator can see why in the server log."
        )
    if not signed_in_mode:
        return LOCAL_USER
    if not st.user.is_logged_in:
        _keep_requested_link()
        _sign_in_page()
    subject = str(st.user.get("sub") or "")
    email = str(st.user.get("email") or "")
    name = str(st.user.get("name") or email or subject)
    st.session_state.setdefault(S_SIGNED_IN_AT, time.time())
    with _lock:
        signed_out_at = _signed_out.get(subject)
    if signed_out_at is not None and signed_out_at >= st.session_state[S_SIGNED_IN_AT]:
        _discard_session()  # this session's own identity ends too (st.user lives per session)
        st.logout()
        st.stop()
    try:
        config = settings()
        if config.access_file is None:
            _refuse("Sign-in is on but no access file is named: set [access] file in .streamlit/secrets.toml.")
        if cache.access_log(config) is None:
            _refuse("Sign-in is on but the access log has no key: set [access] log_key in .streamlit/secrets.toml.")
        policy = cache.access_policy(Path(config.access_file))  # type: ignore[arg-type]
    except Exception as err:  # a broken access set-up refuses everyone, plainly
        reason = str(err) if isinstance(err, ExplainError) else "the access settings could not be read."
        logging.getLogger("dashboard").warning("access refused to %s: %s", subject, reason)
        _refuse(md(f"Access cannot be checked, so nothing is shown: {reason}"), sign_out=True)
    claims = st.user.to_dict()
    access = policy.resolve(subject, email, claims)
    if access is None:
        unverified = email and claims.get("email_verified") is not True and policy.trust_email == "verified"
        why = " Your provider did not mark your email as verified, and grants by email need that." if unverified else ""
        _refuse(
            md(
                f"You are signed in as {email or subject}, but no role is granted to you here.{why} "
                "Ask your administrator."
            ),
            sign_out=True,
        )
    return User(subject=subject, email=email, name=name, access=access)


def _discard_session() -> None:
    """Drop everything the session holds: its uploads, what-ifs, prepared exports."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def sign_out_button() -> None:
    """Sign out: this session's uploads and what-ifs are discarded, and every session of the
    same user is refused on its next run."""
    if st.button("Sign out", icon="🚪", key="sign_out"):
        subject = str(st.user.get("sub") or "")
        browser = _browser()
        with _lock:
            _signed_out[subject] = time.time()
            if browser is not None:
                _pending.pop(browser, None)
        _discard_session()
        st.logout()
        st.stop()  # nothing more of this run: no link kept for the next person at this browser


def identity_panel(user: User) -> None:
    """The sidebar's "signed in as" line and sign-out button, or the local-mode banner."""
    if user.local:
        try:
            kept = "Views are recorded in the access log." if cache.access_log(settings()) else "Nothing is recorded."
        except ExplainError as err:  # a broken [access] section: said here, and every view is refused
            kept = md(f"The access log cannot be used ({err}), so decisions are not shown.")
        except Exception:  # the database said something unexpected: views are refused the same way
            logging.getLogger("dashboard").exception("opening the access log failed")
            kept = "The access log cannot be used, so decisions are not shown."
        st.warning(
            "Local mode: no sign-in is set up, so anyone who can reach this server sees every decision. "
            f"{kept} The README's “Sign-in and the access log” says how to require a sign-in.",
            icon="🔓",
        )
        return
    with st.sidebar:
        st.caption(md(f"Signed in as {user.email or user.subject} · {user.role}"))
        sign_out_button()


def record(user: User, action: str, *, bundle: Bundle | None = None, decision_id: str = "", detail: str = "") -> None:
    """Record ``action`` in the access log; raises :class:`AccessLogError` when it cannot be
    written. Without a configured log (local mode, no key) nothing is recorded."""
    log = cache.access_log(settings())
    if log is None:
        if not user.local:  # signed-in use needs the log: current_user refuses without one
            raise AccessLogError("the access log is not configured.")
        return
    log.record(
        AccessEvent(
            action=action,
            subject=user.subject,
            email=user.email,
            role=user.role,
            bundle_name=bundle.name if bundle is not None else "",
            bundle_fingerprint=bundle.fingerprint if bundle is not None else "",
            decision_id=decision_id,
            session=_session_id(),
            detail=detail,
        )
    )


def recorded(user: User, action: str, **what: Any) -> bool:
    """:func:`record`, and on failure the refusal shown in place; whether it was recorded."""
    try:
        record(user, action, **what)
    except AccessLogError as err:
        logging.getLogger("dashboard").error("access log: %s", err)
        st.error(md(REFUSED.format(reason=str(err))), icon="🚫")
        return False
    except Exception:  # the database said something unexpected: still refuse, still keep running
        logging.getLogger("dashboard").exception("access log failed")
        st.error(md(REFUSED.format(reason="the access log's database failed.")), icon="🚫")
        return False
    return True


def record_view_or_stop(user: User, bundle: Bundle, decision_id: str, table: str) -> None:
    """Record a decision when it is first shown (and again after another was shown); when the
    log cannot be written, say so and show nothing of it."""
    view = (bundle.fingerprint, table, decision_id)
    if st.session_state.get(S_LAST_VIEW) == view:
        return
    detail = {"decisions": "", "upload": "from this session's uploaded batch"}.get(table, f"table: {table}")
    if not recorded(user, "decision_viewed", bundle=bundle, decision_id=decision_id, detail=detail):
        st.stop()
    st.session_state[S_LAST_VIEW] = view


def recourse_first_shown(user: User, bundle: Bundle, decision_id: str, table: str) -> bool:
    """Record recourse the first time it is shown for a decision in this session; whether it may be shown."""
    seen: set[tuple[str, str, str]] = st.session_state.setdefault(S_RECOURSE_SEEN, set())
    view = (bundle.fingerprint, table, decision_id)
    if view in seen:
        return True
    if not recorded(user, "recourse_viewed", bundle=bundle, decision_id=decision_id):
        return False
    seen.add(view)
    return True


def hidden_columns(bundle: Bundle) -> set[str]:
    """The spec's ``engineers_only`` columns, when the user of this run is not an engineer."""
    if session_user().allows("engineer"):
        return set()
    return {c.name for c in bundle.spec.columns.values() if c.engineers_only}


def session_user() -> User:
    """The user of this run: the app finds it before any page runs; found again if absent."""
    user = st.session_state.get(S_USER)
    return user if isinstance(user, User) else current_user()
