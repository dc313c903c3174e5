"""Alerting end to end on the embedded store: imports raise role-change alerts, scans raise
going-dark and risk-high once per episode, and the outbox reaches a real receiver."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from stakegraph.alerts.model import AlertKind, DeliveryStatus
from stakegraph.alerts.service import on_role_changes, scan
from stakegraph.alerts.signing import verify
from stakegraph.cli import app
from stakegraph.model import Account, Contact, Interaction, TeamMember
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

from .receiver import Receiver

pytestmark = pytest.mark.store

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def acme_bundle(*, promoted: bool, now: datetime) -> dict[str, Any]:
    """Seed 004 as two versions of a CRM export: before and after Sandra's promotion."""
    contacts = [
        {"id": "sandra", "account_id": "acme", "name": "Sandra Lee",
         "title": "COO" if promoted else "CIO", "buying_roles": ["executive_sponsor"],
         "stance": "supporter"},
        {"id": "cfo", "account_id": "acme", "name": "Carla Diaz", "title": "CFO"},
        {"id": "it_mgr", "account_id": "acme", "name": "Ivan Petrov", "title": "IT Manager",
         "reports_to": "marcus" if promoted else "sandra"},
    ]  # fmt: skip
    if promoted:
        contacts.insert(
            0,
            {"id": "marcus", "account_id": "acme", "name": "Marcus Chen", "title": "CIO",
             "reports_to": "sandra"},
        )  # fmt: skip
    return {
        "format": "stakegraph-bundle",
        "version": 1,
        "accounts": [{"id": "acme", "name": "Acme", "annual_value": 1_000_000}],
        "team": [{"id": "ae", "name": "Alex Rep", "role": "account_exec"}],
        "contacts": contacts,
        "interactions": [
            {"id": f"m{w}", "account_id": "acme", "kind": "meeting",
             "occurred_at": _iso(now - timedelta(days=7 * w + 2)), "team_ids": ["ae"],
             "contact_ids": ["sandra"]}
            for w in range(8)
        ],
    }  # fmt: skip


def _env(settings: Settings) -> dict[str, str]:
    return {
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
        "STAKEGRAPH_GRAPH_URL": "",
        "STAKEGRAPH_WEBHOOK_ALLOW_PRIVATE": "true",
    }


def _write(path: Path, bundle: dict[str, Any]) -> Path:
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_the_promotion_end_to_end(
    settings: Settings, store: GraphStore, receiver: Receiver, tmp_path: Path
) -> None:
    """Import the account, subscribe a webhook, import the next version where Sandra is promoted
    and a new CIO appears: the alert names him as successor, with a warm path through her, and
    reaches the receiver signed."""
    runner = CliRunner()
    env = _env(settings)
    now = datetime.now(UTC)
    first = runner.invoke(
        app, ["import", str(_write(tmp_path / "v1.json", acme_bundle(promoted=False, now=now)))],
        env=env,
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert store.list_alerts() == []

    added = runner.invoke(app, ["webhooks", "add", receiver.url, "--secret", SECRET], env=env)
    assert added.exit_code == 0, added.output

    second = runner.invoke(
        app, ["import", str(_write(tmp_path / "v2.json", acme_bundle(promoted=True, now=now)))],
        env=env,
    )  # fmt: skip
    assert second.exit_code == 0, second.output
    assert "alert sponsor_role_changed: Sandra Lee (CIO → COO) at Acme" in second.output

    # Ivan's new manager is a role change too, but he is not key: one alert only.
    assert len(store.role_changes(account_id="acme")) == 2
    (alert,) = store.list_alerts(account_ids=["acme"])
    assert alert.kind is AlertKind.SPONSOR_ROLE_CHANGED
    assert alert.subject is not None and alert.subject.id == "sandra"
    assert alert.successor is not None and alert.successor.id == "marcus"
    assert alert.successor.reason == "now holds Sandra Lee's old title, CIO"
    assert [p.ids for p in alert.warm_paths] == [["ae", "sandra", "marcus"]]
    # Before (Marcus was not there): coverage 1/2 -> 55; after: coverage 1/3 -> 60, high.
    assert alert.risk_before is not None and alert.risk_after is not None
    assert (alert.risk_before.score, alert.risk_after.score) == (55.0, 60.0)
    assert alert.risk_after.level == "high"

    listed = runner.invoke(app, ["alerts", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert [a["id"] for a in json.loads(listed.output)] == [alert.id]

    delivered = runner.invoke(app, ["deliver"], env=env)
    assert delivered.exit_code == 0, delivered.output
    (request,) = receiver.wait_for(1)
    assert request.headers["webhook-id"] == alert.id
    assert verify(SECRET, request.headers, request.body, now=time.time())
    body = json.loads(request.body)
    assert body["type"] == "alert.sponsor_role_changed"
    assert body["data"]["successor"]["name"] == "Marcus Chen"
    assert body["data"]["warm_paths"][0]["text"] == "Alex Rep → Sandra Lee → Marcus Chen"
    (delivery,) = store.deliveries(alert_id=alert.id)
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.attempt_count == 1

    # Importing the same file again changes nothing and raises nothing.
    again = runner.invoke(app, ["import", str(tmp_path / "v2.json")], env=env)
    assert again.exit_code == 0 and "alert " not in again.output
    assert len(store.list_alerts()) == 1


def _account(store: GraphStore, now: datetime) -> None:
    store.upsert_accounts([Account(id="acme", name="Acme")])
    store.upsert_team([TeamMember(id="ae", name="Alex Rep", role="account_exec")])
    store.upsert_contacts(
        [
            Contact(id="sandra", account_id="acme", name="Sandra Lee", title="CIO"),
            Contact(id="ian", account_id="acme", name="Ian", title="Analyst"),
        ],
        at=now,
    )
    store.upsert_interactions(
        [
            Interaction(id=f"m{w}", account_id="acme", kind="meeting",
                        occurred_at=now - timedelta(days=7 * w + 1), team_ids=["ae"],
                        contact_ids=["sandra"])
            for w in range(6)
        ]
    )  # fmt: skip


def test_a_non_key_contact_change_raises_nothing(settings: Settings, store: GraphStore) -> None:
    now = datetime.now(UTC)
    _account(store, now)
    ian = Contact(id="ian", account_id="acme", name="Ian", title="Senior Analyst")
    changes = store.upsert_contacts([ian], at=now).role_changes
    assert len(changes) == 1
    assert on_role_changes(store, settings, changes, now=now) == []
    assert store.list_alerts() == []
    # Examined all the same: a scan will not look at it again.
    window = {"since": now - timedelta(hours=1), "until": now + timedelta(hours=1)}
    assert store.unchecked_role_changes(**window) == []


def test_a_role_change_nobody_examined_is_swept_up_by_the_scan(
    settings: Settings, store: GraphStore
) -> None:
    now = datetime.now(UTC)
    _account(store, now)
    promoted = Contact(id="sandra", account_id="acme", name="Sandra Lee", title="COO")
    store.upsert_contacts([promoted], at=now)  # the process "dies" before alerting
    result = scan(store, settings.model_copy(update={"workers": 1}), now=now)
    assert [a.kind for a in result.swept] == [AlertKind.SPONSOR_ROLE_CHANGED]
    assert scan(store, settings.model_copy(update={"workers": 1}), now=now).swept == []


def test_going_dark_is_raised_once_per_episode(settings: Settings, store: GraphStore) -> None:
    one_worker = settings.model_copy(update={"workers": 1})
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    _account(store, start)

    def dark(days: float) -> list[str]:
        result = scan(store, one_worker, now=start + timedelta(days=days))
        return [a.id for a in result.raised if a.kind is AlertKind.GOING_DARK]

    assert dark(1) == []  # weekly rhythm, last touch a day ago
    raised = dark(40)  # 41 days of silence > max(30, 3 x 7)
    assert len(raised) == 1
    assert dark(41) == [] and dark(60) == []  # the same episode
    (episode,) = [a for a in store.open_episodes() if a.kind is AlertKind.GOING_DARK]
    assert episode.id == raised[0] and episode.days_silent == pytest.approx(41.0)
    assert "Nobody has talked to Acme for 41 days" in episode.headline
    assert any("Alex Rep to call Sandra Lee" in s for s in episode.next_steps)

    # A meeting ends the episode; the next long silence is a new one.
    store.upsert_interactions(
        [Interaction(id="back", account_id="acme", kind="meeting",
                     occurred_at=start + timedelta(days=61), team_ids=["ae"],
                     contact_ids=["sandra"])]
    )  # fmt: skip
    result = scan(store, one_worker, now=start + timedelta(days=62))
    assert "acme|going_dark" in result.resolved
    resolved = store.get_alert(raised[0])
    assert resolved is not None and resolved.resolved_at is not None
    assert len(dark(110)) == 1
    assert len(store.list_alerts(kinds=["going_dark"])) == 2


def test_risk_turning_high_is_raised_once_and_ends_on_recovery(
    settings: Settings, store: GraphStore
) -> None:
    one_worker = settings.model_copy(update={"workers": 1})
    now = datetime.now(UTC)
    _account(store, now)
    # Sandra is the only thread (30), fully covered (0), recent (0), no executive of ours (10):
    # 40, medium. A new uncovered CFO and CEO push coverage to 1/3: 30 + 20 + 10 = 60, high.
    store.upsert_contacts(
        [
            Contact(id="cfo", account_id="acme", name="Carla", title="CFO"),
            Contact(id="ceo", account_id="acme", name="Cesar", title="CEO"),
        ],
        at=now,
    )
    first = scan(store, one_worker, now=now)
    (alert,) = [a for a in first.raised if a.kind is AlertKind.RISK_HIGH]
    assert alert.risk_after is not None and alert.risk_after.score == 60.0
    assert alert.reasons[0] == "a single senior thread (30 points)"
    assert scan(store, one_worker, now=now).raised == []
    store.upsert_team([TeamMember(id="boss", name="Bo Exec", role="executive")])
    store.upsert_interactions(
        [Interaction(id=f"e{k}", account_id="acme", kind="meeting", occurred_at=now,
                     team_ids=["boss"], contact_ids=["ceo", "cfo"]) for k in range(2)]
    )  # fmt: skip
    recovered = scan(store, one_worker, now=now + timedelta(minutes=1))
    assert "acme|risk_high" in recovered.resolved


@pytest.mark.slow
def test_a_scan_in_worker_processes_decides_the_same(settings: Settings, store: GraphStore) -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    _account(store, start)
    # Never talked to: not dark (no silence to measure), but nobody known there is high risk.
    store.upsert_accounts([Account(id="quiet", name="Quiet Ltd")])
    result = scan(store, settings.model_copy(update={"workers": 2}), now=start + timedelta(days=40))
    assert sorted((a.kind.value, a.account_id) for a in result.raised) == [
        ("going_dark", "acme"),
        ("risk_high", "quiet"),
    ]
    assert result.accounts == 2 and result.failures == {}


def test_the_alerts_commands(settings: Settings, store: GraphStore, receiver: Receiver) -> None:
    runner = CliRunner()
    env = _env(settings)
    now = datetime.now(UTC)
    _account(store, now)
    store.upsert_contacts(
        [
            Contact(id="cfo", account_id="acme", name="Carla", title="CFO"),
            Contact(id="ceo", account_id="acme", name="Cesar", title="CEO"),
        ]
    )  # coverage 1/3: 30 + 20 + 0 + 10 = 60, high
    hook = runner.invoke(app, ["webhooks", "add", receiver.url, "--format", "slack"], env=env)
    assert hook.exit_code == 0, hook.output
    hook_id = hook.stdout.strip().splitlines()[0]
    assert "secret: whsec_" in hook.output
    scanned = runner.invoke(app, ["scan"], env=env)
    assert scanned.exit_code == 0, scanned.output
    assert "Scanned 1 account(s)" in scanned.output
    (alert,) = store.list_alerts()
    shown = runner.invoke(app, ["alerts", "show", alert.id], env=env)
    assert shown.exit_code == 0 and "Risk at Acme is high" in shown.output
    listed = runner.invoke(app, ["webhooks", "list", "--json"], env=env)
    assert [w["id"] for w in json.loads(listed.output)] == [hook_id]
    assert "secret" not in json.loads(listed.output)[0]
    delivered = runner.invoke(app, ["deliver"], env=env)
    assert delivered.exit_code == 0 and "1 delivered" in delivered.output
    (request,) = receiver.wait_for(1)
    assert set(json.loads(request.body)) == {"text", "blocks"}
    history = runner.invoke(app, ["webhooks", "deliveries", hook_id, "--json"], env=env)
    assert json.loads(history.output)[0]["status"] == "delivered"
    acked = runner.invoke(app, ["alerts", "ack", alert.id], env=env)
    assert acked.exit_code == 0
    assert json.loads(runner.invoke(app, ["alerts", "--open", "--json"], env=env).output) == []
    missing = runner.invoke(app, ["alerts", "show", "nope"], env=env)
    assert missing.exit_code != 0
    removed = runner.invoke(app, ["webhooks", "remove", hook_id], env=env)
    assert removed.exit_code == 0 and store.webhooks() == []


def test_a_sponsor_moving_to_another_tracked_account(settings: Settings, store: GraphStore) -> None:
    """Sandra leaves Acme for Globex: Acme loses its thread, Globex gains someone who knows us."""
    now = datetime.now(UTC)
    _account(store, now)
    store.upsert_accounts([Account(id="globex", name="Globex")])
    store.upsert_contacts([Contact(id="gus", account_id="globex", name="Gus", title="CEO")])
    moved = Contact(id="sandra", account_id="globex", name="Sandra Lee", title="CTO")
    changes = store.upsert_contacts([moved], at=now).role_changes
    raised = on_role_changes(store, settings, changes, now=now)
    assert [(a.kind, a.account_id) for a in raised] == [
        (AlertKind.SPONSOR_ROLE_CHANGED, "acme"),
        (AlertKind.CHAMPION_ARRIVED, "globex"),
    ]
    gone, arrived = raised
    # Acme before: Sandra (its only senior contact) covered: 30 + 0 + 0 + 10 = 40.
    # Acme after: no thread (40), nobody senior known (30), recent (0), no executive (10): 80.
    assert gone.risk_before is not None and gone.risk_before.score == 40.0
    assert gone.risk_after is not None and gone.risk_after.score == 80.0
    assert gone.change["account_id"].new == "globex"
    assert arrived.risk_before is not None and arrived.risk_after is not None
    assert arrived.risk_after.score < arrived.risk_before.score
    assert [p.ids for p in arrived.warm_paths] == [["ae", "sandra"]]
    assert any("introduce us to Gus" in step for step in arrived.next_steps)
