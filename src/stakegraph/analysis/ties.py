"""Tie strength between one of our team and one contact, as of a time.

A tie is the sum, over the interactions the two shared, of the interaction's kind weight times
``0.5 ** (age_days / half_life_days)``; it is *live* when that sum reaches the live-tie threshold
(DESIGN.md, "Analysis"). The strengths come either from the interactions themselves or, when the
store answered from its pre-aggregated decay masses, from :class:`~stakegraph.model.TieAggregate`;
both give the same figures (exponential decay rescales, see
:data:`stakegraph.model.snapshot.TIE_REFERENCE`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from stakegraph.errors import ValidationFailed
from stakegraph.model import AccountSnapshot, Direction, Interaction, InteractionKind, to_utc
from stakegraph.model.snapshot import TIE_REFERENCE
from stakegraph.settings import AnalysisSettings

__all__ = ["TieStrength", "counts_toward_ties", "interaction_weight", "tie_strengths"]

_SECONDS_PER_DAY = 86400.0
# Two floating-point routes to the same strength (raw interactions, decay masses) may differ in
# the last bits; without a tolerance a tie sitting exactly on the threshold could flip.
_LIVE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class TieStrength:
    """The tie between one team member and one contact.

    Attributes
    ----------
    team_id, contact_id : str
        The two people.
    strength : float
        Sum of kind weight x decay over their shared interactions.
    live : bool
        ``strength >= live_tie_threshold``.
    interactions : int
        How many shared interactions the strength sums over.
    last_at : datetime or None
        When they last shared an interaction.
    """

    team_id: str
    contact_id: str
    strength: float
    live: bool
    interactions: int
    last_at: datetime | None


def counts_toward_ties(interaction: Interaction, settings: AnalysisSettings) -> bool:
    """Whether an interaction adds to tie strength at all.

    An outbound email nobody answered is a message into the void, not a relationship: it counts
    only when ``settings.count_unanswered_outbound_email`` says so.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from stakegraph.model import Interaction
    >>> mail = Interaction(id="i1", account_id="a", kind="email", occurred_at=datetime.now(UTC),
    ...                    direction="outbound", answered=False)
    >>> counts_toward_ties(mail, AnalysisSettings())
    False
    """
    unanswered_outbound = (
        interaction.kind == InteractionKind.EMAIL
        and interaction.direction == Direction.OUTBOUND
        and interaction.answered is False
    )
    return settings.count_unanswered_outbound_email or not unanswered_outbound


def interaction_weight(
    interaction: Interaction, as_of: datetime, settings: AnalysisSettings
) -> float:
    """The contribution of one interaction to each tie it touches, as of ``as_of``.

    Parameters
    ----------
    interaction : Interaction
        Must not be later than ``as_of``.
    as_of : datetime
        The time ages are measured from.
    settings : AnalysisSettings
        Kind weights and the half-life.

    Returns
    -------
    float
        ``kind_weight x 0.5 ** (age_days / half_life_days)``.

    Raises
    ------
    ValidationFailed
        If the interaction happened after ``as_of``.

    Examples
    --------
    >>> from datetime import datetime, timedelta, UTC
    >>> from stakegraph.model import Interaction
    >>> now = datetime(2024, 6, 1, tzinfo=UTC)
    >>> call = Interaction(id="i1", account_id="a", kind="call",
    ...                    occurred_at=now - timedelta(days=90))
    >>> interaction_weight(call, now, AnalysisSettings())  # 0.8 x 0.5
    0.4
    """
    as_of = to_utc(as_of)
    if interaction.occurred_at > as_of:
        raise ValidationFailed(
            f"interaction {interaction.id} happened after the as-of time {as_of.isoformat()}"
        )
    age_days = (as_of - interaction.occurred_at).total_seconds() / _SECONDS_PER_DAY
    weight = settings.kind_weights.get(str(interaction.kind), 0.0)
    return float(weight * 0.5 ** (age_days / settings.half_life_days))


def _ties(
    strength: dict[tuple[str, str], float],
    count: dict[tuple[str, str], int],
    last: dict[tuple[str, str], datetime],
    settings: AnalysisSettings,
) -> dict[tuple[str, str], TieStrength]:
    # A pair with nothing that counts (only unanswered mail, say) is no tie at all, whichever
    # way the strengths were computed.
    threshold = settings.live_tie_threshold - _LIVE_TOLERANCE
    return {
        pair: TieStrength(pair[0], pair[1], s, s >= threshold, count[pair], last[pair])
        for pair, s in strength.items()
        if s > 0
    }


def _from_interactions(
    interactions: Iterable[Interaction], as_of: datetime, settings: AnalysisSettings
) -> dict[tuple[str, str], TieStrength]:
    strength: dict[tuple[str, str], float] = {}
    count: dict[tuple[str, str], int] = {}
    last: dict[tuple[str, str], datetime] = {}
    for interaction in interactions:
        # The as-of time rewinds the account: later interactions have not happened yet.
        if interaction.occurred_at > as_of or not counts_toward_ties(interaction, settings):
            continue
        weight = interaction_weight(interaction, as_of, settings)
        for team_id in interaction.team_ids:
            for contact_id in interaction.contact_ids:
                pair = (team_id, contact_id)
                strength[pair] = strength.get(pair, 0.0) + weight
                count[pair] = count.get(pair, 0) + 1
                if pair not in last or interaction.occurred_at > last[pair]:
                    last[pair] = interaction.occurred_at
    return _ties(strength, count, last, settings)


def _from_aggregates(
    snapshot: AccountSnapshot, settings: AnalysisSettings
) -> dict[tuple[str, str], TieStrength]:
    as_of = to_utc(snapshot.as_of)
    factor = 0.5 ** (
        (as_of - TIE_REFERENCE).total_seconds() / _SECONDS_PER_DAY / settings.half_life_days
    )
    weights = dict(settings.kind_weights)
    weights["email_unanswered"] = (
        weights.get("email", 0.0) if settings.count_unanswered_outbound_email else 0.0
    )
    strength: dict[tuple[str, str], float] = {}
    count: dict[tuple[str, str], int] = {}
    last: dict[tuple[str, str], datetime] = {}
    for aggregate in snapshot.ties or ():
        if abs(aggregate.half_life_days - settings.half_life_days) > 1e-9:
            raise ValidationFailed(
                f"tie aggregate {aggregate.team_id}/{aggregate.contact_id} was kept with a "
                f"half-life of {aggregate.half_life_days} days, the analysis uses "
                f"{settings.half_life_days}: read the full interactions instead"
            )
        if to_utc(aggregate.last_at) > as_of:
            raise ValidationFailed(
                f"tie aggregate {aggregate.team_id}/{aggregate.contact_id} holds interactions "
                f"after the as-of time {as_of.isoformat()}: read the full interactions instead"
            )
        pair = (aggregate.team_id, aggregate.contact_id)
        # TieAggregate.strength, with the decay factor (the same for every pair) taken once.
        value = 0.0
        for kind, mass in aggregate.kind_mass.items():
            value += weights.get(kind, 0.0) * mass
        value *= factor
        strength[pair] = strength.get(pair, 0.0) + value
        count[pair] = count.get(pair, 0) + aggregate.count
        at = to_utc(aggregate.last_at)
        if pair not in last or at > last[pair]:
            last[pair] = at
    return _ties(strength, count, last, settings)


def tie_strengths(snapshot: AccountSnapshot, settings: AnalysisSettings) -> list[TieStrength]:
    """Every tie of the account as of ``snapshot.as_of``, ordered by team id then contact id.

    Reads ``snapshot.ties`` when the store pre-aggregated them, otherwise
    ``snapshot.interactions`` (each team id x contact id pair of an interaction shares it;
    interactions after the as-of time are ignored). Pairs naming people outside the snapshot are
    kept here; :func:`~stakegraph.analysis.graph.relationship_graph` leaves them out.

    Parameters
    ----------
    snapshot : AccountSnapshot
        The account.
    settings : AnalysisSettings
        Kind weights, half-life, live-tie threshold, and whether unanswered outbound email counts.

    Returns
    -------
    list of TieStrength

    Raises
    ------
    ValidationFailed
        If a tie aggregate was kept with another half-life than the settings', or holds
        interactions after the as-of time (the store must read the full interactions then).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from stakegraph.model import Account, AccountSnapshot, Interaction
    >>> now = datetime(2024, 6, 1, tzinfo=UTC)
    >>> meeting = Interaction(id="i1", account_id="a", kind="meeting", occurred_at=now,
    ...                       team_ids=["rep"], contact_ids=["cio"])
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), contacts=(), team=(),
    ...                        as_of=now, interactions=(meeting,))
    >>> [(t.team_id, t.contact_id, t.strength, t.live) for t in tie_strengths(snap,
    ...                                                                     AnalysisSettings())]
    [('rep', 'cio', 1.0, True)]
    """
    if settings.half_life_days <= 0:
        raise ValidationFailed("the tie half-life must be a positive number of days")
    if snapshot.ties is not None:
        ties = _from_aggregates(snapshot, settings)
    else:
        ties = _from_interactions(snapshot.interactions, to_utc(snapshot.as_of), settings)
    return [ties[pair] for pair in sorted(ties)]
