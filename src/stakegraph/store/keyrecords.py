"""API keys to and from graph properties, shared by both store adapters.

Times are epoch milliseconds (both engines); ``accounts`` is a list with a ``restricted`` flag,
because a list property cannot be null and an empty list would be ambiguous.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from stakegraph.keys import ApiKey, Scope
from stakegraph.model import to_utc

__all__ = ["api_key_from_row", "api_key_params", "epoch_ms", "from_epoch_ms"]


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch."""
    return int(to_utc(moment).timestamp() * 1000)


def from_epoch_ms(value: int) -> datetime:
    """The instant of an epoch-milliseconds integer."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def api_key_params(key: ApiKey) -> dict[str, Any]:
    """The properties of one stored key (no nulls: ``SET +=`` would drop them anyway)."""
    params: dict[str, Any] = {
        "id": key.id,
        "name": key.name,
        "scopes": [str(s) for s in key.scopes],
        "accounts": list(key.accounts or []),
        "restricted": key.accounts is not None,
        "key_hash": key.key_hash,
        "created_at": epoch_ms(key.created_at),
    }
    if key.revoked_at is not None:
        params["revoked_at"] = epoch_ms(key.revoked_at)
    return params


def api_key_from_row(row: Mapping[str, Any]) -> ApiKey:
    """A key from one row of ``list_api_keys.cypher``."""
    revoked = row.get("revoked_at")
    return ApiKey(
        id=row["id"],
        name=row.get("name") or "",
        scopes=[Scope(s) for s in row.get("scopes") or []],
        accounts=list(row.get("accounts") or []) if row.get("restricted") else None,
        key_hash=row["key_hash"],
        created_at=from_epoch_ms(int(row["created_at"])),
        revoked_at=None if revoked is None else from_epoch_ms(int(revoked)),
    )
