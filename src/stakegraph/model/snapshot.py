"""Everything the analysis needs to know about one account, read from the store in one go."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import overload

import numpy as np
import numpy.typing as npt

from stakegraph.model.entities import Account, Contact, Interaction, TeamMember

__all__ = [
    "TIE_KINDS",
    "TIE_REFERENCE",
    "AccountSnapshot",
    "TieAggregate",
    "TieTable",
    "decay_mass",
]

TIE_KINDS: tuple[str, ...] = ("meeting", "call", "email", "event", "message", "email_unanswered")
"""The kinds a tie aggregate keeps one decay mass for, in the order the store keeps them."""

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


def _ms(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def _codes(ids: Sequence[str]) -> tuple[list[str], npt.NDArray[np.intp]]:
    # The sorted distinct ids, and each id's place among them.
    names = sorted(set(ids))
    place = {name: k for k, name in enumerate(names)}
    return names, np.array([place[i] for i in ids], dtype=np.intp)


def _spelled(names: list[str], codes: npt.NDArray[np.intp]) -> list[str]:
    return [names[k] for k in codes.tolist()]


def _kept(names: list[str], gone: set[str]) -> npt.NDArray[np.bool_]:
    return np.array([name not in gone for name in names], dtype=np.bool_).reshape(len(names))


class TieTable(Sequence[TieAggregate]):
    """The tie aggregates of one account, column by column.

    A big account has thousands of (team member, contact) pairs; the store hands them over as a
    few arrays instead of one object per pair, and the analysis computes every strength with one
    matrix product (:meth:`strengths`). Indexing or iterating still yields
    :class:`TieAggregate` objects, for code that wants one pair at a time. Each pair appears once.

    People are kept as integer codes into sorted lists of distinct ids (:attr:`team_names`,
    :attr:`contact_names`), so that ordering or filtering thousands of rows by person is a
    numpy operation; :attr:`team_ids` and :attr:`contact_ids` spell the rows out.

    Parameters
    ----------
    team_ids, contact_ids : sequence of str
        The pair of each row.
    counts : array of int
        Interactions folded into each row.
    first_ms, last_ms : array of int
        Epoch milliseconds of each pair's first and last interaction.
    masses : 2-d array of float
        One row per pair, one column per kind of :data:`TIE_KINDS`: the decay masses.
    half_life_days : float
        The half-life every mass was computed with.
    """

    __slots__ = (
        "_contact_ids",
        "_team_ids",
        "contact_codes",
        "contact_names",
        "counts",
        "first_ms",
        "half_life_days",
        "last_ms",
        "masses",
        "team_codes",
        "team_names",
    )

    def __init__(
        self,
        team_ids: Sequence[str],
        contact_ids: Sequence[str],
        counts: npt.ArrayLike,
        first_ms: npt.ArrayLike,
        last_ms: npt.ArrayLike,
        masses: npt.ArrayLike,
        half_life_days: float,
    ) -> None:
        if len(contact_ids) != len(team_ids):
            raise ValueError("a tie table needs one contact id per team id")
        people = (*_codes(team_ids), *_codes(contact_ids))
        self._set(*people, counts, first_ms, last_ms, masses, half_life_days)
        self._team_ids: list[str] | None = list(team_ids)
        self._contact_ids: list[str] | None = list(contact_ids)

    @classmethod
    def from_codes(
        cls,
        team_names: list[str],
        team_codes: npt.ArrayLike,
        contact_names: list[str],
        contact_codes: npt.ArrayLike,
        counts: npt.ArrayLike,
        first_ms: npt.ArrayLike,
        last_ms: npt.ArrayLike,
        masses: npt.ArrayLike,
        half_life_days: float,
    ) -> TieTable:
        """A table whose rows name people by their place in sorted lists of distinct ids.

        ``team_names`` and ``contact_names`` must be sorted and distinct; ``team_codes[k]`` is
        the index in ``team_names`` of row ``k``'s team member, and so on.
        """
        if any(a >= b for names in (team_names, contact_names) for a, b in pairwise(names)):
            raise ValueError("the names of a tie table must be sorted and distinct")
        table = cls.__new__(cls)
        table._set(
            team_names,
            team_codes,
            contact_names,
            contact_codes,
            counts,
            first_ms,
            last_ms,
            masses,
            half_life_days,
        )
        table._team_ids = None
        table._contact_ids = None
        return table

    def _set(
        self,
        team_names: list[str],
        team_codes: npt.ArrayLike,
        contact_names: list[str],
        contact_codes: npt.ArrayLike,
        counts: npt.ArrayLike,
        first_ms: npt.ArrayLike,
        last_ms: npt.ArrayLike,
        masses: npt.ArrayLike,
        half_life_days: float,
    ) -> None:
        self.team_names: list[str] = team_names
        self.contact_names: list[str] = contact_names
        self.team_codes: npt.NDArray[np.intp] = np.asarray(team_codes, dtype=np.intp)
        n = len(self.team_codes)
        self.team_codes = self.team_codes.reshape(n)
        self.contact_codes: npt.NDArray[np.intp] = np.asarray(contact_codes, dtype=np.intp).reshape(
            n
        )
        self.counts: npt.NDArray[np.int64] = np.asarray(counts, dtype=np.int64).reshape(n)
        self.first_ms: npt.NDArray[np.int64] = np.asarray(first_ms, dtype=np.int64).reshape(n)
        self.last_ms: npt.NDArray[np.int64] = np.asarray(last_ms, dtype=np.int64).reshape(n)
        self.masses: npt.NDArray[np.float64] = np.asarray(masses, dtype=np.float64).reshape(
            n, len(TIE_KINDS)
        )
        self.half_life_days = float(half_life_days)
        for codes, names in ((self.team_codes, team_names), (self.contact_codes, contact_names)):
            if n and (int(codes.min()) < 0 or int(codes.max()) >= len(names)):
                raise ValueError("a tie table's code names nobody in its list of ids")

    @property
    def team_ids(self) -> list[str]:
        """The team member of each row."""
        if self._team_ids is None:
            self._team_ids = _spelled(self.team_names, self.team_codes)
        return self._team_ids

    @property
    def contact_ids(self) -> list[str]:
        """The contact of each row."""
        if self._contact_ids is None:
            self._contact_ids = _spelled(self.contact_names, self.contact_codes)
        return self._contact_ids

    @classmethod
    def from_aggregates(cls, ties: Iterable[TieAggregate]) -> TieTable:
        """A table of aggregates that all share one half-life (the first one's; 90 if none)."""
        rows = list(ties)
        half_lives = {t.half_life_days for t in rows}
        if len(half_lives) > 1:
            raise ValueError(f"tie aggregates kept with different half-lives: {sorted(half_lives)}")
        return cls(
            [t.team_id for t in rows],
            [t.contact_id for t in rows],
            [t.count for t in rows],
            [_ms(t.first_at) for t in rows],
            [_ms(t.last_at) for t in rows],
            np.array(
                [[t.kind_mass.get(kind, 0.0) for kind in TIE_KINDS] for t in rows],
                dtype=np.float64,
            ).reshape(len(rows), len(TIE_KINDS)),
            rows[0].half_life_days if rows else 90.0,
        )

    def __len__(self) -> int:
        return len(self.team_codes)

    @overload
    def __getitem__(self, index: int) -> TieAggregate: ...

    @overload
    def __getitem__(self, index: slice) -> TieTable: ...

    def __getitem__(self, index: int | slice) -> TieAggregate | TieTable:
        if isinstance(index, slice):
            return self.select(np.arange(len(self))[index])
        masses = self.masses[index]
        return TieAggregate(
            team_id=self.team_names[self.team_codes[index]],
            contact_id=self.contact_names[self.contact_codes[index]],
            kind_mass={k: float(m) for k, m in zip(TIE_KINDS, masses, strict=True) if m},
            count=int(self.counts[index]),
            first_at=datetime.fromtimestamp(int(self.first_ms[index]) / 1000, tz=UTC),
            last_at=datetime.fromtimestamp(int(self.last_ms[index]) / 1000, tz=UTC),
            half_life_days=self.half_life_days,
        )

    def __iter__(self) -> Iterator[TieAggregate]:
        for k in range(len(self)):
            yield self[k]

    def select(self, rows: npt.ArrayLike) -> TieTable:
        """The table of the given rows (indices or a boolean mask), in that order."""
        picked = np.arange(len(self))[np.asarray(rows)]
        return TieTable.from_codes(
            self.team_names,
            self.team_codes[picked],
            self.contact_names,
            self.contact_codes[picked],
            self.counts[picked],
            self.first_ms[picked],
            self.last_ms[picked],
            self.masses[picked],
            self.half_life_days,
        )

    def without(self, people: Iterable[str]) -> TieTable:
        """The table without every pair that names one of ``people`` (either side)."""
        gone = set(people)
        keep = _kept(self.team_names, gone)[self.team_codes]
        keep &= _kept(self.contact_names, gone)[self.contact_codes]
        return self.select(keep)

    @property
    def last_at(self) -> datetime | None:
        """The latest interaction of any pair; ``None`` for an empty table."""
        if not len(self):
            return None
        return datetime.fromtimestamp(int(self.last_ms.max()) / 1000, tz=UTC)

    def strengths(
        self, as_of: datetime, weights: Mapping[str, float], *, count_unanswered: bool = False
    ) -> npt.NDArray[np.float64]:
        """Every pair's :meth:`TieAggregate.strength` at ``as_of``, a column at a time.

        The kinds are added in :data:`TIE_KINDS` order and then scaled, one IEEE operation at a
        time as the analysis's per-pair route does, so both give the same bits.
        """
        days = (as_of - TIE_REFERENCE).total_seconds() / 86400.0
        factor = 0.5 ** (days / self.half_life_days)
        strength = np.zeros(len(self), dtype=np.float64)
        for column, kind in enumerate(TIE_KINDS):
            if kind == "email_unanswered":
                weight = weights.get("email", 0.0) if count_unanswered else 0.0
            else:
                weight = weights.get(kind, 0.0)
            strength = strength + weight * self.masses[:, column]
        result: npt.NDArray[np.float64] = strength * factor
        return result


@dataclass(frozen=True)
class AccountSnapshot:
    """One account as of a time: its people, our people who touched it, and what happened.

    Either ``interactions`` holds every interaction up to ``as_of`` (``ties`` is ``None``), or the
    store answered from its tie aggregates: then ``ties`` holds one aggregate per pair,
    ``interactions`` is empty. In both cases ``recent_times`` (the account's latest interaction
    times up to ``as_of``, newest first, as many as the going-dark window needs) describe the
    account's own interactions: use them for recency rather than ``interactions``.
    """

    account: Account
    contacts: tuple[Contact, ...]
    team: tuple[TeamMember, ...]
    as_of: datetime
    interactions: tuple[Interaction, ...] = ()
    ties: Sequence[TieAggregate] | None = None
    recent_times: tuple[datetime, ...] = ()
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def last_interaction_at(self) -> datetime | None:
        """When the account was last touched, up to ``as_of``; ``None`` if never."""
        if self.recent_times:
            return max(self.recent_times)
        if self.interactions:
            return max(i.occurred_at for i in self.interactions)
        return None
