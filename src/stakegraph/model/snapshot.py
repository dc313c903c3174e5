"""Everything the analysis needs to know about one account, read from the store in one go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from stakegraph.model.entities import Account, Contact, Interaction, TeamMember

__all__ = ["TIE_REFERENCE", "AccountSnapshot", "TieAggregate", "decay_mass"]

TIE_REFERENCE = datetime(2000, 1, 1, tzinfo=UTC)
"""The fixed instant that tie aggregates are expressed against.

Exponential decay rescales: sum_i w_i * 0.5 ** ((T - t_i) / H) equals
0.5 ** ((T - R) / H) * sum_i w_i * 2 ** ((t_i - R) / H) for any fixed R. The store keeps the second
sum per (team member, contact) pair, up to date on every write, so the strength of a tie at any
time T after the last interaction costs one multiplication instead of a read of every interaction.
"""


def decay_mass(occurred_at: datetime, half_life_days: float) -> float:
    """The contribution ``2 ** ((t - R) / H)`` of one interaction at ``occurred_at``."""
    days = (occurred_at - TIE_REFERENCE).total_seconds() / 86400.0
    return float(2.0 ** (days / half_life_days))


@dataclass(frozen=True)
class TieAggregate:
    """The interactions one team member shared with one contact, folded into decay masses.

    ``kind_mass[kind]`` is the sum of :func:`decay_mass` over the shared interactions of that kind.
    Unanswered outbound emails are kept apart under ``"email_unanswered"`` so that whether they
    count stays a setting of the analysis.
    """

    team_id: str
    contact_id: str
    kind_mass: Mapping[str, float]
    count: int
    first_at: datetime
    last_at: datetime
    half_life_days: float

    def strength(
        self, as_of: datetime, weights: Mapping[str, float], *, count_unanswered: bool = False
    ) -> float:
        """Tie strength at ``as_of`` (which must not precede ``last_at``)."""
        days = (as_of - TIE_REFERENCE).total_seconds() / 86400.0
        factor = 0.5 ** (days / self.half_life_days)
        total = 0.0
        for kind, mass in self.kind_mass.items():
            if kind == "email_unanswered":
                if count_unanswered:
                    total += weights.get("email", 0.0) * mass
                continue
            total += weights.get(kind, 0.0) * mass
        return float(total * factor)


@dataclass(frozen=True)
class AccountSnapshot:
    """One account as of a time: its people, our people who touched it, and what happened.

    Either ``interactions`` holds every interaction up to ``as_of`` (``ties`` is ``None``), or the
    store answered from its tie aggregates: then ``ties`` holds one aggregate per pair,
    ``interactions`` is empty. In both cases ``recent_times`` (the account's latest interaction
    times up to ``as_of``, newest first) and ``interaction_count`` describe the account's own
    interactions: use them for recency rather than ``interactions``.
    """

    account: Account
    contacts: tuple[Contact, ...]
    team: tuple[TeamMember, ...]
    as_of: datetime
    interactions: tuple[Interaction, ...] = ()
    ties: tuple[TieAggregate, ...] | None = None
    recent_times: tuple[datetime, ...] = ()
    interaction_count: int = 0
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def last_interaction_at(self) -> datetime | None:
        """When the account was last touched, up to ``as_of``; ``None`` if never."""
        if self.recent_times:
            return max(self.recent_times)
        if self.interactions:
            return max(i.occurred_at for i in self.interactions)
        return None
