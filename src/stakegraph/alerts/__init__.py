"""Alerts: a key sponsor changes role, an account goes dark or turns high-risk.

Read top to bottom: :mod:`~stakegraph.alerts.model` (what an alert, a subscription and a delivery
are) -> :mod:`~stakegraph.alerts.rules` (who is key, the likely successor, the alert itself; pure)
-> :mod:`~stakegraph.alerts.episodes` (going dark and risk high, once per episode; pure) ->
:mod:`~stakegraph.alerts.service` (reading the store and writing alerts with their outbox) ->
:mod:`~stakegraph.alerts.delivery` (the webhook worker: :mod:`~stakegraph.alerts.signing`,
:mod:`~stakegraph.alerts.retry`, :mod:`~stakegraph.alerts.addresses`,
:mod:`~stakegraph.alerts.messages`).

This package's ``__init__`` imports only the model, so the store can depend on it.
"""

from stakegraph.alerts.model import (
    EPISODE_KINDS,
    Alert,
    AlertKind,
    Attempt,
    Delivery,
    DeliveryJob,
    DeliveryStatus,
    PersonRef,
    Successor,
    WarmPath,
    Webhook,
    WebhookFormat,
)

__all__ = [
    "EPISODE_KINDS",
    "Alert",
    "AlertKind",
    "Attempt",
    "Delivery",
    "DeliveryJob",
    "DeliveryStatus",
    "PersonRef",
    "Successor",
    "WarmPath",
    "Webhook",
    "WebhookFormat",
]
