"""Factories for domain objects in tests: short to call, valid by default, explicit where needed.

Times default to :data:`NOW`, a fixed instant, so expected values can be computed by hand.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from stakegraph.model import (
    Account,
    AccountSnapshot,
    Contact,
    Interaction,
    TeamMember,
    TieAggregate,
)
from stakegraph.model.snapshot import decay_mass

__all__ = [
    "ACCOUNT_ID",
    "NOW",
    "WEBHOOK_SECRET",
    "account",
    "aggregated",
    "alert",
    "contact",
    "interaction",
    "member",
    "snapshot",
    "tie_aggregates",
    "webhook",
]

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
"""The as-of time of every factory-built snapshot unless told otherwise."""
ACCOUNT_ID = "acme"

_ids = itertools.count(1)


def account(id: str = ACCOUNT_ID, **fields: Any) -> Account:
    """An account named after its id."""
    fields.setdefault("name", id.title())
    return Account(id=id, **fields)


def contact(id: str, title: str | None = None, **fields: Any) -> Contact:
    """A contact of :data:`ACCOUNT_ID`; seniority and function come from ``title`` unless given."""
    fields.setdefault("account_id", ACCOUNT_ID)
    fields.setdefault("name", id.replace("_", " ").title())
    return Contact(id=id, title=title, **fields)


def member(id: str, role: str = "account_exec", **fields: Any) -> TeamMember:
    """One of our team members."""
    fields.setdefault("name", id.replace("_", " ").title())
    return TeamMember(id=id, role=role, **fields)


def interaction(
    team_ids: Sequence[str],
    contact_ids: Sequence[str],
    kind: str = "meeting",
    *,
    days_ago: float = 0.0,
    at: datetime | None = None,
    **fields: Any,
) -> Interaction:
    """An interaction ``days_ago`` days before :data:`NOW` (or ``at``) with a fresh id."""
    fields.setdefault("id", f"i{next(_ids)}")
    fields.setdefault("account_id", ACCOUNT_ID)
    when = at if at is not None else NOW - timedelta(days=days_ago)
    return Interaction(
        kind=kind,
        occurred_at=when,
        team_ids=list(team_ids),
        contact_ids=list(contact_ids),
        **fields,
    )


def snapshot(
    contacts: Iterable[Contact] = (),
    team: Iterable[TeamMember] = (),
    interactions: Iterable[Interaction] = (),
    *,
    as_of: datetime = NOW,
    **account_fields: Any,
) -> AccountSnapshot:
    """An account snapshot listing its interactions (as a full store read gives it)."""
    listed = tuple(interactions)
    return AccountSnapshot(
        account=account(**account_fields),
        contacts=tuple(contacts),
        team=tuple(team),
        as_of=as_of,
        interactions=listed,
    )


def tie_aggregates(
    interactions: Iterable[Interaction], half_life_days: float = 90.0
) -> tuple[TieAggregate, ...]:
    """Fold interactions into per-pair decay masses, as the store keeps them on write."""
    mass: dict[tuple[str, str], dict[str, float]] = {}
    count: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], datetime] = {}
    last: dict[tuple[str, str], datetime] = {}
    for i in interactions:
        unanswered = i.kind == "email" and i.direction == "outbound" and i.answered is False
        key = "email_unanswered" if unanswered else str(i.kind)
        for t in i.team_ids:
            for c in i.contact_ids:
                pair = (t, c)
                kinds = mass.setdefault(pair, {})
                kinds[key] = kinds.get(key, 0.0) + decay_mass(i.occurred_at, half_life_days)
                count[pair] = count.get(pair, 0) + 1
                first[pair] = min(first.get(pair, i.occurred_at), i.occurred_at)
                last[pair] = max(last.get(pair, i.occurred_at), i.occurred_at)
    return tuple(
        TieAggregate(
            team_id=t,
            contact_id=c,
            kind_mass=mass[(t, c)],
            count=count[(t, c)],
            first_at=first[(t, c)],
            last_at=last[(t, c)],
            half_life_days=half_life_days,
        )
        for t, c in sorted(mass)
    )


def aggregated(snap: AccountSnapshot, half_life_days: float = 90.0) -> AccountSnapshot:
    """The same account as the store answers it from its tie aggregates (no interaction list)."""
    times = sorted(i.occurred_at for i in snap.interactions if i.occurred_at <= snap.as_of)
    return AccountSnapshot(
        account=snap.account,
        contacts=snap.contacts,
        team=snap.team,
        as_of=snap.as_of,
        interactions=(),
        ties=tie_aggregates(
            (i for i in snap.interactions if i.occurred_at <= snap.as_of), half_life_days
        ),
        recent_times=tuple(times[-10:]),
    )


# -- alerts (stakegraph.alerts) ---------------------------------------------------------------
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
"""The secret of the Standard Webhooks specification's example."""


def alert(id: str = "al-1", kind: str = "sponsor_role_changed", **fields: Any) -> Any:
    """An alert (raised at :data:`NOW`) about Sandra, Northwind's promoted CIO, unless told
    otherwise."""
    from stakegraph.alerts.model import Alert, PersonRef
    from stakegraph.analysis.report import Risk, RiskParts
    from stakegraph.model import FieldChange

    def risk(score: float, level: str) -> Risk:
        parts = RiskParts(threads=score, senior_coverage=0, recency=0, executive_alignment=0)
        return Risk(score=score, level=level, parts=parts)  # type: ignore[arg-type]

    data: dict[str, Any] = {
        "id": id,
        "kind": kind,
        "account_id": "northwind",
        "account_name": "Northwind",
        "raised_at": NOW,
        "headline": "Sandra Lee (CIO -> COO) at Northwind: the account hung on her",
        "subject": PersonRef(id="c-sandra", name="Sandra Lee", title="COO"),
        "change": {"title": FieldChange(old="CIO", new="COO")},
        "risk_before": risk(30.0, "medium"),
        "risk_after": risk(65.0, "high"),
        "next_steps": ["Ask Sandra Lee to introduce Alex Rep to Mark Chen, the new CIO."],
    }
    data.update(fields)
    return Alert.model_validate(data)


def webhook(id: str = "wh-1", url: str = "http://127.0.0.1:9/hook", **fields: Any) -> Any:
    """An enabled JSON webhook subscription to every alert kind, signed with
    :data:`WEBHOOK_SECRET`."""
    from stakegraph.alerts.model import Webhook

    data: dict[str, Any] = {"id": id, "url": url, "secret": WEBHOOK_SECRET, "created_at": NOW}
    data.update(fields)
    return Webhook.model_validate(data)
