"""Alerts: a key sponsor changes role, an account goes dark or turns high-risk.

Read top to bottom: :mod:`~stakegraph.alerts.model` (what an alert, a subscription and a delivery
are) -> :mod:`~stakegraph.alerts.rules` (who is key, the likely successor, the alert itself; pure)
-> :mod:`~stakegraph.alerts.episodes` (going dark and risk high, once per episode; pure) ->
:mod:`~stakegraph.alerts.service` (reading the store and writing alerts with their outbox) ->
:mod:`~stakegraph.alerts.delivery` (the webhook worker: :mod:`~stakegraph.alerts.signing`,
:mod:`~stakegraph.alerts.retry`, :mod:`~stakegraph.alerts.addresses`,
:mod:`~stakegraph.alerts.messages`).

The names below load :mod:`~stakegraph.alerts.model` when first used (PEP 562), so that the
command line reaches :mod:`~stakegraph.alerts.kinds` (the plain enums) without pydantic and the
domain model; the store, which depends on the model, imports it by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    # PEP 562: only for names not yet set on the package.
    if name in __all__:
        from stakegraph.alerts import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
