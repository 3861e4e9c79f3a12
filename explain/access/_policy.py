"""Who may see what: the access file, read into roles and the bundles each user may open.

The access file is TOML. Each ``[[grant]]`` names users (their email or their ID-token
subject) or groups (values of an ID-token claim, ``groups`` unless ``claim`` says otherwise),
a role, and the bundles (their URL keys; ``"*"`` for every bundle)::

    claim = "groups"

    [[grant]]
    users = ["ana@bank.example"]
    role = "viewer"
    bundles = ["loan"]

    [[grant]]
    groups = ["risk-engineering"]
    role = "engineer"
    bundles = ["*"]

An email counts only when the provider marks it verified (``email_verified = true`` in the ID
token): with some providers users can set their own. ``trust_email = "any"`` accepts every email
(for a provider that never sends the claim but checks emails itself); subjects and groups are
always safe keys.

Roles nest: a *viewer* sees the business pages, an *engineer* also the model workbench, an
*admin* also the access log. A user matched by several grants gets the highest role among
them and the union of their bundles. A user matched by none has no access.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explain.errors import ExplainError

ACCESS_ROLES = ("viewer", "engineer", "admin")
"""The roles, each seeing everything the one before it sees."""

ALL_BUNDLES = "*"


class AccessFileError(ExplainError, ValueError):
    """The access file is missing or malformed; the message names the file and the entry."""


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` may see what ``needed`` may (roles nest: viewer < engineer < admin)."""
    return role in ACCESS_ROLES and ACCESS_ROLES.index(role) >= ACCESS_ROLES.index(needed)


@dataclass(frozen=True)
class Access:
    """What one signed-in user may do: their role and the bundles they may open (None: all)."""

    role: str
    bundles: frozenset[str] | None

    def may_open(self, bundle_key: str) -> bool:
        return self.bundles is None or bundle_key in self.bundles

    def allows(self, needed: str) -> bool:
        return role_allows(self.role, needed)


@dataclass(frozen=True)
class _Grant:
    users: frozenset[str]
    groups: frozenset[str]
    role: str
    bundles: frozenset[str] | None


def _strings(value: Any, where: str, key: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AccessFileError(f"{where}: {key} must be a list of non-empty strings.")
    return frozenset(v.strip() for v in value)


@dataclass(frozen=True)
class AccessPolicy:
    """The grants of an access file, and the ID-token claim that lists a user's groups."""

    grants: tuple[_Grant, ...]
    claim: str = "groups"
    trust_email: str = "verified"  # "verified": an email matches only with email_verified = true; "any"

    @classmethod
    def load(cls, path: Path | str) -> AccessPolicy:
        """Read and check the access file at ``path``."""
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AccessFileError(f"the access file {path} does not exist; [access] file names it.") from None
        except (OSError, UnicodeDecodeError) as err:
            raise AccessFileError(f"the access file {path} cannot be read: {err}") from None
        except tomllib.TOMLDecodeError as err:
            raise AccessFileError(f"the access file {path} is not valid TOML: {err}") from None
        return cls.from_mapping(raw, source=str(path))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, source: str = "the access file") -> AccessPolicy:
        unknown = set(raw) - {"claim", "grant", "trust_email"}
        if unknown:
            raise AccessFileError(
                f"{source}: unknown key(s) {', '.join(sorted(unknown))}; allowed: claim, grant, trust_email."
            )
        trust_email = raw.get("trust_email", "verified")
        if trust_email not in ("verified", "any"):
            raise AccessFileError(f'{source}: trust_email must be "verified" or "any"; got {trust_email!r}.')
        claim = raw.get("claim", "groups")
        if not isinstance(claim, str) or not claim.strip():
            raise AccessFileError(f'{source}: claim must be the name of an ID-token claim, such as "groups".')
        entries = raw.get("grant", [])
        if not isinstance(entries, list):
            raise AccessFileError(f"{source}: grant must be a list of [[grant]] tables.")
        grants = []
        for n, entry in enumerate(entries, start=1):
            where = f"{source}, grant {n}"
            if not isinstance(entry, Mapping):
                raise AccessFileError(f"{where}: must be a table.")
            extra = set(entry) - {"users", "groups", "role", "bundles"}
            if extra:
                raise AccessFileError(
                    f"{where}: unknown key(s) {', '.join(sorted(extra))}; allowed: users, groups, role, bundles."
                )
            role = entry.get("role")
            if role not in ACCESS_ROLES:
                raise AccessFileError(f"{where}: role must be one of {', '.join(ACCESS_ROLES)}; got {role!r}.")
            users = _strings(entry.get("users"), where, "users")
            groups = _strings(entry.get("groups"), where, "groups")
            if not users and not groups:
                raise AccessFileError(f"{where}: name the users or the groups it grants to.")
            bundles = _strings(entry.get("bundles", [ALL_BUNDLES]), where, "bundles")
            grants.append(_Grant(users, groups, role, None if ALL_BUNDLES in bundles else bundles))
        return cls(tuple(grants), claim.strip(), trust_email)

    def resolve(self, subject: str, email: str, claims: Mapping[str, Any]) -> Access | None:
        """The access of the user with this subject, email and ID-token claims, or None."""
        raw_groups = claims.get(self.claim)
        groups = {raw_groups} if isinstance(raw_groups, str) else {str(g) for g in raw_groups or () if g is not None}
        email_counts = self.trust_email == "any" or claims.get("email_verified") is True
        names = {n for n in (subject, email if email_counts else "") if n}
        matched = [g for g in self.grants if g.users & names or g.groups & groups]
        if not matched:
            return None
        role = max((g.role for g in matched), key=ACCESS_ROLES.index)
        if any(g.bundles is None for g in matched):
            return Access(role, None)
        return Access(role, frozenset().union(*(g.bundles or frozenset() for g in matched)))
