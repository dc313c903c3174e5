"""API keys: scopes, an optional account allow-list, and the hash that is all the store keeps.

A key is shown once, when it is created; the store keeps only its SHA-256. Keys are 256 random
bits, so a plain hash is enough (a slow password hash protects guessable secrets, which these
are not).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from stakegraph.model.entities import UtcDatetime
from stakegraph.scopes import Scope

__all__ = [
    "KEY_PREFIX",
    "ApiKey",
    "Principal",
    "Scope",
    "hash_key",
    "key_matches",
    "new_api_key",
]

KEY_PREFIX = "sgk_"
"""Every key starts with this, so a leaked one is easy to recognise (and to scan for)."""


_IMPLIED: dict[Scope, frozenset[Scope]] = {
    Scope.READ: frozenset({Scope.READ}),
    Scope.WRITE: frozenset({Scope.READ, Scope.WRITE}),
    Scope.ADMIN: frozenset({Scope.READ, Scope.WRITE, Scope.ADMIN}),
}


class ApiKey(BaseModel):
    """A stored API key: everything but the key itself."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = ""
    scopes: list[Scope]
    accounts: list[str] | None = Field(
        default=None, description="The accounts this key may see; null for every account."
    )
    key_hash: str
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None

    @property
    def active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None


def hash_key(key: str) -> str:
    """The hex SHA-256 of ``key``, as stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(key: str, key_hash: str) -> bool:
    """True when ``key`` hashes to ``key_hash`` (compared in constant time)."""
    return hmac.compare_digest(hash_key(key), key_hash)


def new_api_key(
    scopes: Iterable[Scope | str],
    *,
    accounts: Iterable[str] | None = None,
    name: str = "",
    now: datetime | None = None,
) -> tuple[str, ApiKey]:
    """A fresh key and its stored record; show the key once and keep only the record.

    Parameters
    ----------
    scopes
        At least one of ``read``, ``write``, ``admin``.
    accounts
        Account ids the key is limited to; ``None`` for every account.
    name
        A label for people (who holds the key, what for).
    now
        Creation time (default: now).

    Raises
    ------
    ValueError
        Without a scope, with an unknown scope, or with an empty account list.
    """
    scope_set = sorted({Scope(s) for s in scopes}, key=list(Scope).index)
    if not scope_set:
        raise ValueError("a key needs at least one scope")
    account_list: list[str] | None = None
    if accounts is not None:
        account_list = sorted({a.strip() for a in accounts if a.strip()})
        if not account_list:
            raise ValueError("an account-limited key needs at least one account id")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(
        id="key_" + secrets.token_hex(6),
        name=name,
        scopes=scope_set,
        accounts=account_list,
        key_hash=hash_key(key),
        created_at=now or datetime.now(UTC),
    )
    return key, record


@dataclass(frozen=True)
class Principal:
    """Who is asking: the rights of one key (or of everyone, when the service runs open)."""

    key_id: str | None
    scopes: frozenset[Scope]
    accounts: frozenset[str] | None

    @classmethod
    def open(cls) -> Principal:
        """Everyone, with every right: a loopback service without keys."""
        return cls(key_id=None, scopes=frozenset(Scope), accounts=None)

    @classmethod
    def of(cls, key: ApiKey) -> Principal:
        """The rights that ``key`` grants."""
        scopes: set[Scope] = set()
        for scope in key.scopes:
            scopes |= _IMPLIED[scope]
        accounts = None if key.accounts is None else frozenset(key.accounts)
        return cls(key_id=key.id, scopes=frozenset(scopes), accounts=accounts)

    @property
    def restricted(self) -> bool:
        """True when limited to some accounts."""
        return self.accounts is not None

    def has(self, scope: Scope) -> bool:
        """True when this principal holds ``scope``."""
        return scope in self.scopes

    def can_see(self, account_id: str) -> bool:
        """True when ``account_id`` is within the allow-list (always, without one)."""
        return self.accounts is None or account_id in self.accounts
