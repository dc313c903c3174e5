"""Two accounts and Sandra in the store: enough for alerts to link to."""

from __future__ import annotations

from stakegraph.model import Account, Contact
from stakegraph.store import GraphStore
from tests.factories import NOW


def seed(store: GraphStore) -> None:
    """Northwind (with Sandra, its CIO) and Globex."""
    store.upsert_accounts(
        [Account(id="northwind", name="Northwind"), Account(id="globex", name="Globex")]
    )
    store.upsert_contacts(
        [Contact(id="c-sandra", account_id="northwind", name="Sandra Lee", title="CIO")], at=NOW
    )
