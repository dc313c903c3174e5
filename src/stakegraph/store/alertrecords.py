"""Conversion between alerts, webhook subscriptions, deliveries and their stored properties.

An alert keeps the fields it is searched by as properties (kind, account, subject, times,
episode) and the whole document as ``body_json`` (no engine stores nested maps); the fields that
change after it is raised (acknowledged, resolved) live only as properties and override the body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from stakegraph.alerts.model import Alert, Attempt, Delivery, DeliveryJob, Webhook
from stakegraph.store.records import from_ms, to_ms

__all__ = [
    "alert_from_props",
    "alert_props",
    "delivery_from_props",
    "delivery_props",
    "job_from_row",
    "webhook_from_props",
    "webhook_props",
]

_LATER_FIELDS = {"acknowledged_at", "acknowledged_by", "resolved_at"}


def _ms(value: Any) -> int | None:
    return None if value is None else to_ms(value)


def _time(value: Any) -> Any:
    return None if value is None else from_ms(int(value))


def alert_props(alert: Alert) -> dict[str, Any]:
    """Stored properties of an alert."""
    return {
        "id": alert.id,
        "kind": alert.kind.value,
        "account_id": alert.account_id,
        "subject_id": alert.subject.id if alert.subject else None,
        "raised_at": to_ms(alert.raised_at),
        "episode": alert.episode,
        "episode_open": alert.episode is not None and alert.resolved_at is None,
        "acknowledged_at": _ms(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by,
        "resolved_at": _ms(alert.resolved_at),
        "body_json": alert.model_dump_json(exclude=_LATER_FIELDS),
    }


def alert_from_props(props: Mapping[str, Any]) -> Alert:
    """An alert from stored properties."""
    data = json.loads(props["body_json"])
    data["acknowledged_at"] = _time(props.get("acknowledged_at"))
    data["acknowledged_by"] = props.get("acknowledged_by")
    data["resolved_at"] = _time(props.get("resolved_at"))
    return Alert.model_validate(data)


def webhook_props(webhook: Webhook) -> dict[str, Any]:
    """Stored properties of a webhook subscription (kinds as a list of strings)."""
    return {
        "id": webhook.id,
        "url": webhook.url,
        "kinds": [k.value for k in webhook.kinds],
        "secret": webhook.secret,
        "format": webhook.format.value,
        "description": webhook.description,
        "enabled": webhook.enabled,
        "created_at": to_ms(webhook.created_at),
        "disabled_at": _ms(webhook.disabled_at),
        "disabled_reason": webhook.disabled_reason,
    }


def webhook_from_props(props: Mapping[str, Any]) -> Webhook:
    """A webhook subscription from stored properties."""
    data = dict(props)
    data["created_at"] = from_ms(int(data["created_at"]))
    data["disabled_at"] = _time(data.get("disabled_at"))
    data.setdefault("kinds", [])
    return Webhook.model_validate(data)


def delivery_props(delivery: Delivery) -> dict[str, Any]:
    """Stored properties of a delivery; its tries as a JSON string."""
    return {
        "id": delivery.id,
        "alert_id": delivery.alert_id,
        "webhook_id": delivery.webhook_id,
        "status": delivery.status.value,
        "attempt_count": delivery.attempt_count,
        "attempts_json": json.dumps([a.model_dump(mode="json") for a in delivery.attempts]),
        "created_at": to_ms(delivery.created_at),
        "next_attempt_at": _ms(delivery.next_attempt_at),
        "delivered_at": _ms(delivery.delivered_at),
        "last_error": delivery.last_error,
    }


def delivery_from_props(props: Mapping[str, Any]) -> Delivery:
    """A delivery from stored properties."""
    attempts = [Attempt.model_validate(a) for a in json.loads(props.get("attempts_json") or "[]")]
    return Delivery(
        id=str(props["id"]),
        alert_id=str(props["alert_id"]),
        webhook_id=str(props["webhook_id"]),
        status=props.get("status", "pending"),
        attempt_count=int(props.get("attempt_count") or 0),
        attempts=attempts,
        created_at=from_ms(int(props["created_at"])),
        next_attempt_at=_time(props.get("next_attempt_at")),
        delivered_at=_time(props.get("delivered_at")),
        last_error=props.get("last_error"),
    )


def job_from_row(row: Mapping[str, Any]) -> DeliveryJob:
    """A claimed delivery with its alert and subscription, from a ``claim_deliveries`` row."""
    return DeliveryJob(
        delivery=delivery_from_props(row["delivery"]),
        alert=alert_from_props(row["alert"]),
        webhook=webhook_from_props(row["webhook"]),
    )
