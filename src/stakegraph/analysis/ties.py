"""Tie strength between one of our team and one contact, as of a time.

A tie is the sum, over the interactions the two shared, of the interaction's kind weight times
``0.5 ** (age_days / half_life_days)``; it is *live* when that sum reaches the live-tie threshold
(DESIGN.md, "Analysis"). The strengths come either from the interactions themselves or, when the
store answered from its pre-aggregated decay masses, from :class:`~stakegraph.model.TieAggregate`;
both give the same figures (exponential decay rescales, see
:data:`stakegraph.model.snapshot.TIE_REFERENCE`).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from stakegraph.errors import ValidationFailed
from stakegraph.model import (
    AccountSnapshot,
    Direction,
    Interaction,
    InteractionKind,
    TieTable,
    to_utc,
)
from stakegraph.model.snapshot import TIE_KINDS, TIE_REFERENCE
from stakegraph.settings import AnalysisSettings

__all__ = [
    "TieColumns",
    "TieStrength",
    "counts_toward_ties",
    "interaction_weight",
    "tie_columns",
    "tie_strengths",
]

_SECONDS_PER_DAY = 86400.0
# Two floating-point routes to the same strength (raw interactions, decay masses) may differ in
# the last bits; without a tolerance a tie sitting exactly on the threshold could flip.
_LIVE_TOLERANCE = 1e-9
_MICROSECOND = timedelta(microseconds=1)


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


class TieColumns:
    """Every tie of an account column by column, ordered by team id then contact id.

    The same figures as a list of :class:`TieStrength` (row ``k`` is one tie), kept as columns
    so that a big account's thousands of ties cost a few array operations rather than one Python
    object each. Only pairs with a positive strength are rows. People are integer codes into
    sorted lists of ids, as in :class:`~stakegraph.model.TieTable`; the id lists and the
    ``last_at`` instants are spelled out when first read.

    Attributes
    ----------
    team_names, contact_names : list of str
        Sorted distinct ids; ``team_codes`` and ``contact_codes`` index them.
    team_codes, contact_codes : numpy array of int
        The pair of each row.
    strength : numpy array of float
        Sum of kind weight x decay over each pair's shared interactions.
    live : numpy array of bool
        ``strength >= live_tie_threshold``.
    interactions : numpy array of int
        How many shared interactions each strength sums over.
    """

    __slots__ = (
        "_contact_ids",
        "_last_at",
        "_last_ms",
        "_team_ids",
        "contact_codes",
        "contact_names",
        "interactions",
        "live",
        "strength",
        "team_codes",
        "team_names",
    )

    def __init__(
        self,
        team: tuple[list[str], npt.NDArray[np.intp]],
        contact: tuple[list[str], npt.NDArray[np.intp]],
        strength: npt.NDArray[np.float64],
        live: npt.NDArray[np.bool_],
        interactions: npt.NDArray[np.int64],
        last: npt.NDArray[np.int64] | list[datetime | None],
    ) -> None:
        self.team_names, self.team_codes = team
        self.contact_names, self.contact_codes = contact
        self.strength = strength
        self.live = live
        self.interactions = interactions
        # Epoch milliseconds (from a tie table) or the instants themselves (from interactions).
        self._last_ms: npt.NDArray[np.int64] | None = None
        self._last_at: list[datetime | None] | None = None
        if isinstance(last, np.ndarray):
            self._last_ms = last
        else:
            self._last_at = last
        self._team_ids: list[str] | None = None
        self._contact_ids: list[str] | None = None

    def __len__(self) -> int:
        return len(self.team_codes)

    @property
    def team_ids(self) -> list[str]:
        """The team member of each row."""
        if self._team_ids is None:
            names = self.team_names
            self._team_ids = [names[k] for k in self.team_codes.tolist()]
        return self._team_ids

    @property
    def contact_ids(self) -> list[str]:
        """The contact of each row."""
        if self._contact_ids is None:
            names = self.contact_names
            self._contact_ids = [names[k] for k in self.contact_codes.tolist()]
        return self._contact_ids

    @property
    def last_at(self) -> list[datetime | None]:
        """When each pair last shared an interaction."""
        if self._last_at is None:
            assert self._last_ms is not None
            self._last_at = _utc_from_ms(self._last_ms)
        return self._last_at

    @classmethod
    def from_ties(cls, ties: Sequence[TieStrength]) -> TieColumns:
        """The columns of a list of ties, in the list's order."""
        team_names, team_codes = _codes([t.team_id for t in ties])
        contact_names, contact_codes = _codes([t.contact_id for t in ties])
        return cls(
            (team_names, team_codes),
            (contact_names, contact_codes),
            np.array([t.strength for t in ties], dtype=np.float64),
            np.array([t.live for t in ties], dtype=np.bool_),
            np.array([t.interactions for t in ties], dtype=np.int64),
            [t.last_at for t in ties],
        )

    def select(self, rows: npt.NDArray[np.intp]) -> TieColumns:
        """The rows at the given indices, in that order."""
        if self._last_ms is not None:
            last: npt.NDArray[np.int64] | list[datetime | None] = self._last_ms[rows]
        else:
            last = [self.last_at[k] for k in rows.tolist()]
        return TieColumns(
            (self.team_names, self.team_codes[rows]),
            (self.contact_names, self.contact_codes[rows]),
            self.strength[rows],
            self.live[rows],
            self.interactions[rows],
            last,
        )

    def between(self, team_ids: Container[str], contact_ids: Container[str]) -> TieColumns:
        """The ties between one of ``team_ids`` and one of ``contact_ids``."""
        # Each distinct id is checked once, then the rows by their codes.
        team_ok = np.array([t in team_ids for t in self.team_names], dtype=np.bool_)
        contact_ok = np.array([c in contact_ids for c in self.contact_names], dtype=np.bool_)
        if team_ok.all() and contact_ok.all():
            return self
        keep = team_ok.reshape(-1)[self.team_codes] & contact_ok.reshape(-1)[self.contact_codes]
        return self.select(np.flatnonzero(keep))

    def live_ties(self) -> list[tuple[str, str, float]]:
        """The live rows as ``(team id, contact id, strength)``, in the columns' order."""
        rows = np.flatnonzero(self.live)
        # The caller may wrap it: see stakegraph.analysis.graph.LiveTieList.
        return list(
            zip(
                map(self.team_names.__getitem__, self.team_codes[rows].tolist()),
                map(self.contact_names.__getitem__, self.contact_codes[rows].tolist()),
                self.strength[rows].tolist(),
                strict=True,
            )
        )

    def live_strength(self) -> dict[str, float]:
        """Each person's summed live tie strength, as
        :func:`~stakegraph.analysis.graph.live_strength` gives it over :meth:`live_ties`.

        The same bits: ``numpy.bincount`` adds each person's strengths one at a time in row
        order, as the loop over the live ties does.
        """
        rows = np.flatnonzero(self.live)
        strength = self.strength[rows]
        held: dict[str, float] = {}
        for names, codes in (
            (self.team_names, self.team_codes[rows]),
            (self.contact_names, self.contact_codes[rows]),
        ):
            sums = np.bincount(codes, weights=strength, minlength=len(names)).tolist()
            for k in np.flatnonzero(np.bincount(codes, minlength=len(names))).tolist():
                held[names[k]] = sums[k]
        return held

    def ties(self) -> list[TieStrength]:
        """One :class:`TieStrength` per row."""
        return [
            TieStrength(t, c, s, live, n, at)
            for t, c, s, live, n, at in zip(
                self.team_ids,
                self.contact_ids,
                self.strength.tolist(),
                self.live.tolist(),
                self.interactions.tolist(),
                self.last_at,
                strict=True,
            )
        ]


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


def _ordered_kinds(kind_mass: Mapping[str, float]) -> list[str]:
    known = [kind for kind in TIE_KINDS if kind in kind_mass]
    if len(known) == len(kind_mass):
        return known
    return known + [kind for kind in kind_mass if kind not in TIE_KINDS]


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
        # TieAggregate.strength, with the decay factor (the same for every pair) taken once, the
        # kinds summed in TIE_KINDS order: the order _table_strengths sums the columns in, so that
        # both routes give the same bits.
        value = 0.0
        kind_mass = aggregate.kind_mass
        for kind in _ordered_kinds(kind_mass):
            value += weights.get(kind, 0.0) * kind_mass[kind]
        value *= factor
        strength[pair] = strength.get(pair, 0.0) + value
        count[pair] = count.get(pair, 0) + aggregate.count
        at = to_utc(aggregate.last_at)
        if pair not in last or at > last[pair]:
            last[pair] = at
    return _ties(strength, count, last, settings)


def _codes(ids: list[str]) -> tuple[list[str], npt.NDArray[np.intp]]:
    # The sorted distinct ids, and each id's place among them.
    names = sorted(set(ids))
    place = {name: k for k, name in enumerate(names)}
    return names, np.array([place[name] for name in ids], dtype=np.intp).reshape(len(ids))


def _utc_from_ms(ms: npt.NDArray[np.int64]) -> list[datetime | None]:
    # Many pairs share their last interaction (a meeting of several people): convert each
    # distinct instant once, exactly as TieTable.__getitem__ does.
    distinct, where = np.unique(ms, return_inverse=True)
    # numpy divides as Python would (milliseconds are exact in a double): the same instants.
    instants = [datetime.fromtimestamp(seconds, UTC) for seconds in (distinct / 1000).tolist()]
    return [instants[k] for k in where.tolist()]


def _from_table(table: TieTable, as_of: datetime, settings: AnalysisSettings) -> TieColumns | None:
    """The columns of a tie table, vectorised; ``None`` when a pair appears twice.

    Gives the same bits as :func:`_from_aggregates` over the table's rows
    (:meth:`~stakegraph.model.TieTable.strengths` adds the kinds in the order the per-pair loop
    does).
    """
    n = len(table)
    if n and abs(table.half_life_days - settings.half_life_days) > 1e-9:
        raise ValidationFailed(
            f"tie aggregate {table.team_ids[0]}/{table.contact_ids[0]} was kept with a "
            f"half-life of {table.half_life_days} days, the analysis uses "
            f"{settings.half_life_days}: read the full interactions instead"
        )
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    # Whole microseconds, compared with the millisecond instants without float rounding.
    as_of_us = (as_of - epoch) // _MICROSECOND
    late = np.flatnonzero(table.last_ms * 1000 > as_of_us)
    if late.size:
        k = int(late[0])
        raise ValidationFailed(
            f"tie aggregate {table.team_ids[k]}/{table.contact_ids[k]} holds interactions "
            f"after the as-of time {as_of.isoformat()}: read the full interactions instead"
        )
    strength = table.strengths(
        as_of, settings.kind_weights, count_unanswered=settings.count_unanswered_outbound_email
    )
    team_codes, contact_codes = table.team_codes, table.contact_codes
    if len(table.team_names) < 2**15 and not np.any(contact_codes[1:] < contact_codes[:-1]):
        # The store's tables come contact by contact: a stable sort by team member alone (a
        # radix sort of small integers, five times faster) gives the lexsort's order.
        order = np.argsort(team_codes.astype(np.int16), kind="stable")
    else:
        order = np.lexsort((contact_codes, team_codes))
    sorted_team, sorted_contact = team_codes[order], contact_codes[order]
    if np.any((sorted_team[1:] == sorted_team[:-1]) & (sorted_contact[1:] == sorted_contact[:-1])):
        return None  # the per-pair route sums repeated pairs
    # A pair with nothing that counts (only unanswered mail, say) is no tie at all.
    order = order[strength[order] > 0]
    strength = strength[order]
    return TieColumns(
        (table.team_names, team_codes[order]),
        (table.contact_names, contact_codes[order]),
        strength,
        strength >= settings.live_tie_threshold - _LIVE_TOLERANCE,
        table.counts[order],
        table.last_ms[order],
    )


def tie_columns(snapshot: AccountSnapshot, settings: AnalysisSettings) -> TieColumns:
    """:func:`tie_strengths` as columns; vectorised when the store answered with a tie table.

    Parameters
    ----------
    snapshot : AccountSnapshot
        The account.
    settings : AnalysisSettings
        Kind weights, half-life, live-tie threshold, and whether unanswered outbound email counts.

    Returns
    -------
    TieColumns
        The same ties, figures and order as :func:`tie_strengths`.

    Raises
    ------
    ValidationFailed
        As :func:`tie_strengths`.
    """
    if settings.half_life_days <= 0:
        raise ValidationFailed("the tie half-life must be a positive number of days")
    if isinstance(snapshot.ties, TieTable):
        columns = _from_table(snapshot.ties, to_utc(snapshot.as_of), settings)
        if columns is not None:
            return columns
    return TieColumns.from_ties(tie_strengths(snapshot, settings))


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
    if isinstance(snapshot.ties, TieTable):
        columns = _from_table(snapshot.ties, to_utc(snapshot.as_of), settings)
        if columns is not None:
            return columns.ties()
    if snapshot.ties is not None:
        ties = _from_aggregates(snapshot, settings)
    else:
        ties = _from_interactions(snapshot.interactions, to_utc(snapshot.as_of), settings)
    return [ties[pair] for pair in sorted(ties)]
