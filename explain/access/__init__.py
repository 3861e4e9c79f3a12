"""Access: who may see which decision (:mod:`._policy`), and the tamper-evident access log of
who was shown or given one (:mod:`._log`), configured from the secrets (:mod:`._settings`)."""

from explain.access._log import (
    ACTIONS,
    COLUMNS,
    AccessEvent,
    AccessLog,
    AccessLogError,
    Verification,
    default_head_file,
)
from explain.access._policy import ROLES, Access, AccessFileError, AccessPolicy, role_allows
from explain.access._settings import DEFAULT_LOG_URL, DEFAULT_SECRETS, AccessSettings

__all__ = [
    "ACTIONS",
    "COLUMNS",
    "DEFAULT_LOG_URL",
    "DEFAULT_SECRETS",
    "ROLES",
    "Access",
    "AccessEvent",
    "AccessFileError",
    "AccessLog",
    "AccessLogError",
    "AccessPolicy",
    "AccessSettings",
    "Verification",
    "default_head_file",
    "role_allows",
]
