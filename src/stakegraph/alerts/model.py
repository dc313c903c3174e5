"""What an alert, a webhook subscription and a delivery from the outbox are.

An :class:`Alert` is written once, with everything a reader needs to act on it (who changed,
how the risk moved, who to meet and who can introduce us), so that a webhook subscriber never has
to call back for details. Alerts of the *episode* kinds (going dark, risk turning high) are raised
once per episode: the episode stays open until the account recovers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from stakegraph.alerts.kinds import AlertKind, DeliveryStatus, WebhookFormat
from stakegraph.analysis.parts import Risk
from stakegraph.model import FieldChange
from stakegraph.model.entities import UtcDatetime

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


EPISODE_KINDS: frozenset[AlertKind] = frozenset({AlertKind.GOING_DARK, AlertKind.RISK_HIGH})
"""Kinds raised once per episode: not again until the account has recovered."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PersonRef(_Frozen):
    """Somebody an alert names, on our side or theirs."""

    id: str
    name: str
    title: str | None = None
    side: Literal["ours", "theirs"] = "theirs"


class Successor(PersonRef):
    """Who most likely took over the subject's old role, and why we think so."""

    reason: str = Field(description="How the successor was found, in plain words.")


class WarmPath(_Frozen):
    """A chain of live ties and reporting lines from one of our team to a contact."""

    ids: list[str]
    names: list[str]
    text: str = Field(description="The path in words: 'Alex Rep -> Sandra Lee -> Mark Chen'.")


class Alert(_Frozen):
    """One alert about one account; the same document is stored, listed and delivered."""

    id: str = Field(description="Stable id; also the webhook-id of every delivery of the alert.")
    kind: AlertKind
    account_id: str
    account_name: str = ""
    raised_at: UtcDatetime
    headline: str = Field(description="One line for a channel or a list.")
    subject: PersonRef | None = Field(default=None, description="The contact it is about.")
    reasons: list[str] = Field(default_factory=list, description="Why this matters.")
    change: dict[str, FieldChange] = Field(
        default_factory=dict, description="Old and new values of the fields that changed."
    )
    role_change_id: str | None = None
    from_account_id: str | None = Field(default=None, description="Where the subject came from.")
    to_account_id: str | None = Field(default=None, description="Where the subject went.")
    risk_before: Risk | None = None
    risk_after: Risk | None = None
    successor: Successor | None = None
    warm_paths: list[WarmPath] = Field(
        default_factory=list, description="From our team to the successor (or the subject)."
    )
    next_steps: list[str] = Field(default_factory=list, description="What to do, in plain words.")
    days_silent: float | None = None
    episode: str | None = Field(
        default=None, description="account|kind for episode kinds: one open alert per episode."
    )
    acknowledged_at: UtcDatetime | None = None
    acknowledged_by: str | None = None
    resolved_at: UtcDatetime | None = Field(
        default=None, description="When the episode ended (the account recovered)."
    )

    @property
    def open(self) -> bool:
        """Neither acknowledged nor resolved."""
        return self.acknowledged_at is None and self.resolved_at is None


class Webhook(_Frozen):
    """A webhook subscription: where to send which alerts, signed with which secret."""

    id: str
    url: str = Field(description="http(s) URL; checked against private and metadata addresses.")
    kinds: list[AlertKind] = Field(default_factory=lambda: list(AlertKind))
    secret: str = Field(description="Signs every delivery (Standard Webhooks, whsec_...).")
    format: WebhookFormat = WebhookFormat.JSON
    description: str = ""
    enabled: bool = True
    created_at: UtcDatetime
    disabled_at: UtcDatetime | None = None
    disabled_reason: str | None = None


class Attempt(_Frozen):
    """One try at delivering."""

    at: UtcDatetime
    status_code: int | None = None
    error: str | None = None
    duration_ms: float = 0.0
    retry_at: UtcDatetime | None = Field(default=None, description="When the next try is due.")


class Delivery(_Frozen):
    """One alert to one subscription, from the outbox."""

    id: str
    alert_id: str
    webhook_id: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempt_count: int = 0
    attempts: list[Attempt] = Field(default_factory=list, description="The latest tries.")
    created_at: UtcDatetime
    next_attempt_at: UtcDatetime | None = None
    delivered_at: UtcDatetime | None = None
    last_error: str | None = None


class DeliveryJob(_Frozen):
    """A claimed delivery with what it needs: the alert and the subscription."""

    delivery: Delivery
    alert: Alert
    webhook: Webhook
