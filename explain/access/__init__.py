"""Access: who may see which decision (:mod:`._policy`), and the tamper-evident access log of
who was shown or given one (:mod:`._log`), configured from the secrets (:mod:`._settings`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._log import ACCESS_ACTIONS as ACCESS_ACTIONS
    from ._log import AccessEvent as AccessEvent
    from ._log import AccessLog as AccessLog
    from ._log import AccessLogError as AccessLogError
    from ._log import Verification as Verification
    from ._log import default_head_file as default_head_file
    from ._policy import ACCESS_ROLES as ACCESS_ROLES
    from ._policy import Access as Access
    from ._policy import AccessFileError as AccessFileError
    from ._policy import AccessPolicy as AccessPolicy
    from ._policy import role_allows as role_allows
    from ._settings import DEFAULT_ACCESS_LOG_URL as DEFAULT_ACCESS_LOG_URL
    from ._settings import DEFAULT_SECRETS as DEFAULT_SECRETS
    from ._settings import AccessSettings as AccessSettings

_NAMES = {
    "ACCESS_ACTIONS": "._log",
    "AccessEvent": "._log",
    "AccessLog": "._log",
    "AccessLogError": "._log",
    "Verification": "._log",
    "default_head_file": "._log",
    "ACCESS_ROLES": "._policy",
    "Access": "._policy",
    "AccessFileError": "._policy",
    "AccessPolicy": "._policy",
    "role_allows": "._policy",
    "DEFAULT_ACCESS_LOG_URL": "._settings",
    "DEFAULT_SECRETS": "._settings",
    "AccessSettings": "._settings",
}
__getattr__, __dir__ = attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
