"""Where the access file and the access log are, read from the ``[access]`` section of
``.streamlit/secrets.toml`` (or from environment variables, which win).

``[access]`` keys: ``file`` (the access file), ``log_url`` (a SQLAlchemy URL; a SQLite file
under ``.explain-access/`` by default), ``log_key`` (the HMAC key, a long random string),
``log_head`` (the head file; beside a SQLite file by default). Relative paths are relative to
the directory the server (or the ``explain`` command) starts in, as Streamlit's own
``.streamlit/`` is.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explain.access._log import AccessLog, AccessLogError

DEFAULT_ACCESS_LOG_URL = "sqlite:///.explain-access/access-log.sqlite"
DEFAULT_SECRETS = Path(".streamlit") / "secrets.toml"
ENVIRONMENT = {
    "file": "EXPLAIN_ACCESS_FILE",
    "log_url": "EXPLAIN_ACCESS_LOG_URL",
    "log_key": "EXPLAIN_ACCESS_LOG_KEY",
    "log_head": "EXPLAIN_ACCESS_LOG_HEAD",
}


@dataclass(frozen=True)
class AccessSettings:
    """The access file, and the access log's database, key and head file."""

    access_file: Path | None = None
    log_url: str = DEFAULT_ACCESS_LOG_URL
    log_key: str | None = None
    log_head: Path | None = None

    @classmethod
    def from_section(cls, section: Mapping[str, Any] | None) -> AccessSettings:
        """From an ``[access]`` mapping, each key overridden by its environment variable."""
        values: dict[str, Any] = dict(section or {})
        unknown = set(values) - set(ENVIRONMENT)
        if unknown:
            raise AccessLogError(
                f"[access] has unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(ENVIRONMENT)}."
            )
        for key, variable in ENVIRONMENT.items():
            if os.environ.get(variable):
                values[key] = os.environ[variable]
        for key, value in values.items():
            if not isinstance(value, str):
                raise AccessLogError(f"[access] {key} must be a string; got {type(value).__name__}.")
        return cls(
            access_file=Path(values["file"]) if values.get("file") else None,
            log_url=values.get("log_url") or DEFAULT_ACCESS_LOG_URL,
            log_key=values.get("log_key") or None,
            log_head=Path(values["log_head"]) if values.get("log_head") else None,
        )

    @classmethod
    def from_secrets_file(cls, path: Path | str = DEFAULT_SECRETS) -> AccessSettings:
        """From the ``[access]`` section of a secrets file (absent file: environment and defaults only)."""
        path = Path(path)
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            secrets = {}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise AccessLogError(f"the secrets file {path} cannot be read: {err}") from None
        section = secrets.get("access")
        if section is not None and not isinstance(section, Mapping):
            raise AccessLogError(f"{path}: access must be a table, [access].")
        return cls.from_section(section)

    def open_log(self, *, create: bool = True) -> AccessLog | None:
        """The access log, or None when no key is set (nothing can be recorded without one);
        ``create=False`` for readers, which must not start a log somewhere by mistake."""
        if not self.log_key:
            return None
        return AccessLog(self.log_url, key=self.log_key, head_file=self.log_head, create=create)
