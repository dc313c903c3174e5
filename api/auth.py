"""Who is asking: API keys from the ``Authorization: Bearer`` header (or the page cookie).

The service keeps a copy of the active keys (their hashes) for ``api_key_cache_s`` seconds so a
request costs no database round trip; an unknown key refreshes the copy at most once a second,
so a key created a moment ago with ``stakegraph keys create`` works at once.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time

from starlette.requests import HTTPConnection

from stakegraph.errors import AuthError, ForbiddenError, NotFoundError
from stakegraph.keys import ApiKey, Principal, Scope, hash_key
from stakegraph.store.base import GraphStore

__all__ = [
    "KEY_COOKIE",
    "KeyRing",
    "UnknownKey",
    "authenticate",
    "ensure_visible",
    "ensure_writable",
    "is_loopback",
    "require_scope",
]

log = logging.getLogger("stakegraph.api")

KEY_COOKIE = "stakegraph_key"
"""Cookie set by the login page, accepted on GET and HEAD only (so no write can be forged)."""

_MISS_REFRESH_S = 1.0


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class KeyRing:
    """The active API keys, by hash, as last read from the store."""

    def __init__(self, store: GraphStore, *, max_age_s: float, open_when_empty: bool) -> None:
        self._store = store
        self._max_age_s = max_age_s
        self.open_when_empty = open_when_empty
        self._by_hash: dict[str, ApiKey] = {}
        self._read_at = -1e18
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Read the active keys from the store now (blocking)."""
        keys = self._store.api_keys()
        with self._lock:
            self._by_hash = {k.key_hash: k for k in keys if k.active}
            self._read_at = time.monotonic()

    def stale(self) -> bool:
        """True when the copy is older than allowed."""
        return time.monotonic() - self._read_at > self._max_age_s

    def recently_read(self) -> bool:
        """True when the copy was read within the last second."""
        return time.monotonic() - self._read_at < _MISS_REFRESH_S

    @property
    def empty(self) -> bool:
        """True when there is no active key."""
        return not self._by_hash

    def find(self, key: str) -> ApiKey | None:
        """The active key whose hash matches ``key``."""
        return self._by_hash.get(hash_key(key))


def _token(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthError("the Authorization header must be 'Bearer <key>'")
        return value.strip()
    if conn.scope.get("method", "GET") in ("GET", "HEAD"):
        return conn.cookies.get(KEY_COOKIE) or None
    return None


class UnknownKey(AuthError):
    """A key that matches no active key in the ring (perhaps only not read yet)."""


def authenticate(conn: HTTPConnection, ring: KeyRing) -> Principal:
    """The principal of a request, from the ring as it is (never blocks).

    Raises
    ------
    UnknownKey
        The key matches no key in the ring: refresh the ring and try again once.
    AuthError
        No usable credentials.
    """
    if ring.empty and ring.open_when_empty:
        return Principal.open()
    token = _token(conn)
    if token is None:
        raise AuthError("an API key is required: send 'Authorization: Bearer <key>'")
    key = ring.find(token)
    if key is None:
        raise UnknownKey("unknown or revoked API key")
    return Principal.of(key)


def require_scope(principal: Principal, scope: Scope) -> Principal:
    """``principal`` if it holds ``scope``; otherwise a 403."""
    if not principal.has(scope):
        raise ForbiddenError(
            f"this key lacks the '{scope}' scope",
            details={"required": str(scope), "scopes": sorted(principal.scopes)},
        )
    return principal


def ensure_visible(principal: Principal, account_id: str) -> None:
    """Reads of an account outside the key's allow-list answer as if it did not exist."""
    if not principal.can_see(account_id):
        raise NotFoundError(f"no account {account_id!r}", details={"account_id": account_id})


def ensure_writable(principal: Principal, account_id: str, *, field: str = "account_id") -> None:
    """Writes to an account outside the key's allow-list are refused."""
    if not principal.can_see(account_id):
        raise ForbiddenError(
            f"this key may not write to account {account_id!r}",
            details={"field": field, "account_id": account_id},
        )
