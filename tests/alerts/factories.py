"""Alerts, subscriptions and a webhook receiver's view of them, for the alert tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from stakegraph.alerts.model import Alert, AlertKind, PersonRef, Webhook
from stakegraph.analysis.report import Risk, RiskParts
from stakegraph.model import FieldChange

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def risk(score: float, level: str = "medium") -> Risk:
    """A risk whose parts sum to ``score`` (all in threads, for simplicity)."""
    return Risk(
        score=score,
        level=level,  # type: ignore[arg-type]
        parts=RiskParts(threads=score, senior_coverage=0, recency=0, executive_alignment=0),
    )


def alert(
    id: str = "al-1", kind: AlertKind = AlertKind.SPONSOR_ROLE_CHANGED, **fields: Any
) -> Alert:
    """A sponsor-role-changed alert about Sandra at Northwind unless told otherwise."""
    data: dict[str, Any] = {
        "id": id,
        "kind": kind,
        "account_id": "northwind",
        "account_name": "Northwind",
        "raised_at": NOW,
        "headline": "Sandra Lee (CIO -> COO) at Northwind: the account hung on her",
        "subject": PersonRef(id="c-sandra", name="Sandra Lee", title="COO"),
        "change": {"title": FieldChange(old="CIO", new="COO")},
        "risk_before": risk(30.0),
        "risk_after": risk(65.0, "high"),
        "next_steps": ["Ask Sandra Lee to introduce Alex Rep to Mark Chen, the new CIO."],
    }
    data.update(fields)
    return Alert.model_validate(data)


def webhook(id: str = "wh-1", url: str = "http://127.0.0.1:9/hook", **fields: Any) -> Webhook:
    """An enabled JSON subscription to every kind."""
    data: dict[str, Any] = {
        "id": id,
        "url": url,
        "secret": SECRET,
        "created_at": NOW,
    }
    data.update(fields)
    return Webhook.model_validate(data)


def seed(store: Any) -> None:
    """Two accounts and Sandra, enough for alerts to link to."""
    from stakegraph.model import Account, Contact

    store.upsert_accounts(
        [Account(id="northwind", name="Northwind"), Account(id="globex", name="Globex")]
    )
    store.upsert_contacts(
        [Contact(id="c-sandra", account_id="northwind", name="Sandra Lee", title="CIO")], at=NOW
    )
