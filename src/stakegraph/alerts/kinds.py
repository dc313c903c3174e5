"""What an alert is about, the body a subscriber gets, where a delivery stands: plain enums.

They are the choices of ``stakegraph alerts --kind``, ``webhooks add --format`` and ``webhooks
deliveries --status``; here, away from :mod:`~stakegraph.alerts.model` (pydantic and the domain
model), the command line offers them without loading either. The model re-exports them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AlertKind", "DeliveryStatus", "WebhookFormat"]


class AlertKind(StrEnum):
    """What happened."""

    SPONSOR_ROLE_CHANGED = "sponsor_role_changed"
    """A key contact changed title, seniority, manager, left, or moved to another account."""
    CHAMPION_ARRIVED = "champion_arrived"
    """Someone who knows us moved to another account we track: an opportunity there."""
    GOING_DARK = "going_dark"
    """Nobody has talked to the account for far longer than usual."""
    RISK_HIGH = "risk_high"
    """The account's risk crossed into ``high``."""


class WebhookFormat(StrEnum):
    """The body a subscriber receives."""

    JSON = "json"
    SLACK = "slack"


class DeliveryStatus(StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
