"""Alerts and their outbox in the graph: written together, once, claimed under a lease."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stakegraph.alerts.model import AlertKind, DeliveryStatus
from stakegraph.store import GraphStore
from stakegraph.store.falkor import FalkorStore
from tests.factories import NOW, alert, webhook

from .accounts import seed

pytestmark = pytest.mark.store


def _edges(store: GraphStore, alert_id: str) -> set[tuple[str, str]]:
    assert isinstance(store, FalkorStore)
    result = store._graph.query(
        "MATCH (al:Alert {id: $id})-[r]->(x) RETURN type(r), x.id", {"id": alert_id}
    )
    return {(str(t), str(x)) for t, x in result.result_set}


def test_an_alert_lands_with_its_links_and_one_delivery_per_subscriber(store: GraphStore) -> None:
    seed(store)
    store.save_webhook(webhook("wh-all"))
    store.save_webhook(webhook("wh-dark", kinds=[AlertKind.GOING_DARK]))
    store.save_webhook(webhook("wh-off", enabled=False))
    written = store.save_alerts([alert("al-1")])
    assert written == ["al-1"]
    assert _edges(store, "al-1") == {("ABOUT", "northwind"), ("SUBJECT", "c-sandra")}
    deliveries = store.deliveries(alert_id="al-1")
    assert [(d.webhook_id, d.status) for d in deliveries] == [("wh-all", DeliveryStatus.PENDING)]
    assert deliveries[0].id == "al-1|wh-all" and deliveries[0].next_attempt_at == NOW
    stored = store.get_alert("al-1")
    assert stored == alert("al-1")


def test_an_alert_is_written_once(store: GraphStore) -> None:
    seed(store)
    store.save_webhook(webhook())
    assert store.save_alerts([alert("al-1"), alert("al-1")]) == ["al-1"]
    assert store.save_alerts([alert("al-1")]) == []
    assert len(store.deliveries()) == 1
    assert len(store.list_alerts()) == 1


def test_an_episode_is_raised_once_until_it_is_resolved(store: GraphStore) -> None:
    seed(store)

    def dark(id: str, days: int) -> object:
        return alert(
            id,
            AlertKind.GOING_DARK,
            subject=None,
            change={},
            episode="northwind|going_dark",
            raised_at=NOW + timedelta(days=days),
        )

    assert store.save_alerts([dark("dark-1", 0)]) == ["dark-1"]  # type: ignore[list-item]
    assert store.save_alerts([dark("dark-2", 1)]) == []  # type: ignore[list-item]
    assert [a.id for a in store.open_episodes()] == ["dark-1"]
    assert store.resolve_episodes(["northwind|going_dark"], at=NOW + timedelta(days=2)) == [
        "dark-1"
    ]
    assert store.open_episodes() == []
    resolved = store.get_alert("dark-1")
    assert resolved is not None and resolved.resolved_at == NOW + timedelta(days=2)
    assert not resolved.open
    assert store.save_alerts([dark("dark-3", 3)]) == ["dark-3"]  # type: ignore[list-item]


def test_listing_filters_and_acknowledging(store: GraphStore) -> None:
    seed(store)
    store.save_alerts(
        [
            alert("a-old", raised_at=NOW - timedelta(days=10)),
            alert("a-new"),
            alert(
                "g-1",
                AlertKind.RISK_HIGH,
                account_id="globex",
                subject=None,
                episode="globex|risk_high",
            ),
        ]
    )
    assert [a.id for a in store.list_alerts()] == ["g-1", "a-new", "a-old"]
    assert [a.id for a in store.list_alerts(account_ids=["globex"])] == ["g-1"]
    assert store.list_alerts(account_ids=[]) == []
    assert [a.id for a in store.list_alerts(kinds=["risk_high"])] == ["g-1"]
    assert [a.id for a in store.list_alerts(since=NOW - timedelta(days=1))] == ["g-1", "a-new"]
    assert [a.id for a in store.list_alerts(limit=1)] == ["g-1"]
    acked = store.acknowledge_alert("a-new", by="key-1", at=NOW + timedelta(hours=1))
    assert acked is not None and acked.acknowledged_by == "key-1" and not acked.open
    again = store.acknowledge_alert("a-new", by="key-2", at=NOW + timedelta(hours=2))
    assert again is not None and again.acknowledged_by == "key-1"
    assert again.acknowledged_at == NOW + timedelta(hours=1)
    assert [a.id for a in store.list_alerts(open_only=True)] == ["g-1", "a-old"]
    assert store.acknowledge_alert("nope") is None


def test_claims_are_leased_and_resumed_when_the_lease_runs_out(store: GraphStore) -> None:
    seed(store)
    store.save_webhook(webhook())
    store.save_alerts([alert("a1"), alert("a2", raised_at=NOW + timedelta(seconds=1))])
    first = store.claim_deliveries(
        now=NOW + timedelta(seconds=5), lease_until=NOW + timedelta(seconds=35), limit=1
    )
    assert [j.delivery.id for j in first] == ["a1|wh-1"]
    assert first[0].alert.id == "a1" and first[0].webhook.id == "wh-1"
    second = store.claim_deliveries(
        now=NOW + timedelta(seconds=5), lease_until=NOW + timedelta(seconds=35), limit=5
    )
    assert [j.delivery.id for j in second] == ["a2|wh-1"]
    assert (
        store.claim_deliveries(
            now=NOW + timedelta(seconds=6), lease_until=NOW + timedelta(seconds=40), limit=5
        )
        == []
    )
    # The worker that held a1 died: after its lease a1 is due again; a2 is recorded delivered.
    delivered = second[0].delivery.model_copy(
        update={"status": DeliveryStatus.DELIVERED, "attempt_count": 1, "delivered_at": NOW}
    )
    store.record_delivery(delivered)
    again = store.claim_deliveries(
        now=NOW + timedelta(seconds=36), lease_until=NOW + timedelta(seconds=70), limit=5
    )
    assert [j.delivery.id for j in again] == ["a1|wh-1"]
    assert store.delivery_counts() == {"pending": 1, "delivered": 1, "failed": 0}


def test_a_disabled_subscription_is_not_delivered_and_deleting_drops_its_outbox(
    store: GraphStore,
) -> None:
    seed(store)
    store.save_webhook(webhook())
    store.save_alerts([alert("a1")])
    disabled = store.disable_webhook("wh-1", reason="410 Gone", at=NOW)
    assert disabled is not None and not disabled.enabled and disabled.disabled_reason == "410 Gone"
    assert (
        store.claim_deliveries(
            now=NOW + timedelta(days=1), lease_until=NOW + timedelta(days=2), limit=5
        )
        == []
    )
    assert [w.id for w in store.webhooks()] == ["wh-1"]
    assert store.delete_webhook("wh-1") is True
    assert store.delete_webhook("wh-1") is False
    assert store.deliveries() == [] and store.webhooks() == []
    assert store.get_alert("a1") is not None


def test_role_changes_examined_by_the_alerting_are_marked(store: GraphStore) -> None:
    seed(store)
    sandra = store.get_contact("c-sandra")
    assert sandra is not None
    promoted = sandra.model_copy(update={"title": "COO"})
    changes = store.upsert_contacts([promoted], at=NOW).role_changes
    assert len(changes) == 1
    window = {"since": NOW - timedelta(hours=1), "until": NOW + timedelta(hours=1)}
    assert [c.id for c in store.unchecked_role_changes(**window)] == [changes[0].id]
    store.save_alerts([], checked_role_changes=[changes[0].id], at=NOW)
    assert store.unchecked_role_changes(**window) == []
