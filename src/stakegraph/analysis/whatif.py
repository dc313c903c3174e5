"""What-if: the account as it would be with named people gone ("what if Sandra leaves?").

People are removed from the snapshot, not from the finished graph, so every metric is recomputed
exactly as for a real departure: their ties vanish, reporting lines through them break, and they
no longer count among the senior staff. The account's interaction times stay as they were: a
departure does not change when the account was last talked to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from stakegraph.errors import NotFoundError
from stakegraph.model import AccountSnapshot, TieAggregate, TieTable

__all__ = ["without_people"]


def without_people(snapshot: AccountSnapshot, people: Iterable[str]) -> AccountSnapshot:
    """The snapshot with the named team members and contacts removed.

    Parameters
    ----------
    snapshot : AccountSnapshot
        The account.
    people : iterable of str
        Ids of team members or contacts of the snapshot.

    Returns
    -------
    AccountSnapshot
        A new snapshot; ``snapshot`` is left as it was.

    Raises
    ------
    NotFoundError
        If an id names nobody in the snapshot.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from stakegraph.model import Account, Contact
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), team=(),
    ...                        contacts=(Contact(id="sandra", account_id="a", name="Sandra"),),
    ...                        as_of=datetime(2024, 1, 1, tzinfo=UTC))
    >>> without_people(snap, ["sandra"]).contacts
    ()
    """
    gone = set(people)
    if not gone:
        return snapshot
    known = {m.id for m in snapshot.team} | {c.id for c in snapshot.contacts}
    unknown = sorted(gone - known)
    if unknown:
        raise NotFoundError(
            f"nobody with id {', '.join(unknown)} on account {snapshot.account.id}",
            details=unknown,
        )
    interactions = tuple(
        i.model_copy(
            update={
                "team_ids": [t for t in i.team_ids if t not in gone],
                "contact_ids": [c for c in i.contact_ids if c not in gone],
            }
        )
        if gone.intersection(i.team_ids) or gone.intersection(i.contact_ids)
        else i
        for i in snapshot.interactions
    )
    ties: Sequence[TieAggregate] | None
    if snapshot.ties is None:
        ties = None
    elif isinstance(snapshot.ties, TieTable):
        ties = snapshot.ties.without(gone)  # stays a table: the analysis keeps its fast path
    else:
        ties = tuple(t for t in snapshot.ties if t.team_id not in gone and t.contact_id not in gone)
    return replace(
        snapshot,
        team=tuple(m for m in snapshot.team if m.id not in gone),
        contacts=tuple(c for c in snapshot.contacts if c.id not in gone),
        interactions=interactions,
        ties=ties,
    )
