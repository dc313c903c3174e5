"""Store contract for API keys (both engines): only the hash is kept, revocation sticks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stakegraph.keys import hash_key, new_api_key
from stakegraph.store import GraphStore

pytestmark = pytest.mark.store


def test_keys_round_trip_with_scopes_and_allow_list(contract_store: GraphStore) -> None:
    created = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    open_key, everywhere = new_api_key(["admin"], name="ops", now=created)
    _, territory = new_api_key(["read", "write"], accounts=["b", "a"], now=created)
    contract_store.save_api_key(everywhere)
    contract_store.save_api_key(territory)
    stored = {k.id: k for k in contract_store.api_keys()}
    assert stored[everywhere.id] == everywhere
    assert stored[territory.id].accounts == ["a", "b"]
    assert [str(s) for s in stored[territory.id].scopes] == ["read", "write"]
    assert stored[everywhere.id].accounts is None  # unrestricted, not "no accounts"
    assert stored[everywhere.id].key_hash == hash_key(open_key)
    assert open_key not in repr(contract_store.api_keys())


def test_revocation(contract_store: GraphStore) -> None:
    _, record = new_api_key(["read"])
    contract_store.save_api_key(record)
    at = datetime(2026, 4, 1, tzinfo=UTC)
    assert contract_store.revoke_api_key(record.id, at) is True
    assert contract_store.revoke_api_key(record.id) is False
    assert contract_store.revoke_api_key("key_missing") is False
    [stored] = contract_store.api_keys()
    assert stored.revoked_at == at and not stored.active
