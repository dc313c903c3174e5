"""The relationship graph of one account: our team, their contacts, ties and the org chart.

One undirected :class:`networkx.Graph` per account. Nodes are people keyed by id, with a ``side``
attribute (:data:`OURS` or :data:`THEIRS`); edges are either ties (``kind="tie"``, between one of
our team and one contact, with ``strength`` and ``live``) or reporting lines
(``kind="reports_to"``, between two contacts, with the ``manager`` id). Contacts who have left the
account are not part of its live graph, nor are reporting lines to people outside it.

Every other analysis module reads this graph through the attribute names defined here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter

import networkx as nx
import numpy as np

from stakegraph.analysis.made_when_read import MadeWhenRead
from stakegraph.analysis.ties import TieColumns, TieStrength
from stakegraph.errors import ValidationFailed
from stakegraph.model import AccountSnapshot, Contact, Status
from stakegraph.settings import AnalysisSettings

__all__ = [
    "OURS",
    "REPORTS_TO",
    "THEIRS",
    "TIE",
    "LiveTieList",
    "LiveTies",
    "add_ties",
    "contacts",
    "is_senior",
    "live_strength",
    "live_ties",
    "relationship_graph",
    "senior_staff",
    "seniority_weight",
    "team",
]

OURS = "ours"
"""``side`` of our own team members."""
THEIRS = "theirs"
"""``side`` of the customer's contacts."""
TIE = "tie"
"""``kind`` of an edge between one of our team and one contact."""
REPORTS_TO = "reports_to"
"""``kind`` of an edge of the customer's org chart."""

LiveTies = Sequence[tuple[str, str, float]]
"""Live ties as ``(team id, contact id, strength)``, as :func:`live_ties` returns them."""


class LiveTieList(MadeWhenRead[tuple[str, str, float]]):
    """Live ties sorted by team id then contact id, that know each person's tied people.

    Several metrics search the live ties person by person (threads, warm paths, who holds a
    contact's only tie); :meth:`neighbours` works the lookup out once for all of them, and
    :meth:`sides` and :meth:`total` the people with a live tie and the strength they hold. Made
    from tie columns (:meth:`from_columns`, as the report makes it), the ``(team id, contact
    id, strength)`` tuples themselves are made only when something reads them: the report's
    metrics read the lookup, the sides and the total. Read-only, as a tuple is.
    """

    __slots__ = ("_neighbours", "_sides", "_total")

    def __init__(self, ties: Iterable[tuple[str, str, float]] = ()) -> None:
        super().__init__(ties)
        self._neighbours: dict[str, list[str]] | None = None
        self._sides: tuple[set[str], set[str]] | None = None
        self._total: float | None = None

    def sides(self) -> tuple[set[str], set[str]]:
        """The team members and the contacts with a live tie (ours, theirs)."""
        if self._sides is None:
            ties = self._made()
            self._sides = (set(map(itemgetter(0), ties)), set(map(itemgetter(1), ties)))
        return self._sides

    def total(self) -> float:
        """The live ties' strengths summed in order, as ``sum`` over the tuples gives it."""
        if self._total is None:
            self._total = sum(map(itemgetter(2), self._made()))
        return self._total

    @classmethod
    def from_columns(cls, columns: TieColumns) -> LiveTieList:
        """The live rows of tie columns (ordered by team id then contact id, as the analysis
        makes them), with the lookup of each person's tied people made from the columns.

        :meth:`neighbours` would loop over every live tie in Python; here the team members' and
        the contacts' lists are slices of two lists of names, grouped by numpy, and the lookup
        holds the same lists in the same order (its keys as the loop would meet them).
        """
        rows = np.flatnonzero(columns.live)
        teams, contacts = columns.team_codes[rows], columns.contact_codes[rows]
        team_ids = list(map(columns.team_names.__getitem__, teams.tolist()))
        contact_ids = list(map(columns.contact_names.__getitem__, contacts.tolist()))
        strengths = columns.strength[rows].tolist()
        n = len(rows)
        if n < 2 or np.any(
            (teams[1:] < teams[:-1]) | ((teams[1:] == teams[:-1]) & (contacts[1:] <= contacts[:-1]))
        ):
            # Not in (team, contact) order, or nothing to group: the tuples and the loop.
            return cls(zip(team_ids, contact_ids, strengths, strict=True))
        out = cls.later(lambda: list(zip(team_ids, contact_ids, strengths, strict=True)), n)
        out._total = sum(strengths)  # the same floats in the same order as over the tuples
        # Each team member's contacts: the rows of one team member follow each other.
        team_starts = np.flatnonzero(np.r_[True, teams[1:] != teams[:-1]])
        # Each contact's team members: the rows of one contact, in row order (a stable sort).
        by_contact = np.argsort(contacts, kind="stable")
        grouped = contacts[by_contact]
        contact_starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        by_contact_rows = by_contact.tolist()
        teams_by_contact = list(map(team_ids.__getitem__, by_contact_rows))
        # The loop meets a team member at their first row and a contact at theirs (after the
        # team member of that row): the lookup's keys in that order.
        firsts = np.concatenate([team_starts * 2, by_contact[contact_starts] * 2 + 1])
        starts = np.concatenate([team_starts, contact_starts]).tolist()
        ends = np.concatenate([team_starts[1:], [n], contact_starts[1:], [n]]).tolist()
        k_teams = len(team_starts)
        neighbours: dict[str, list[str]] = {}
        for k in np.argsort(firsts, kind="stable").tolist():
            start, end = starts[k], ends[k]
            if k < k_teams:
                neighbours[team_ids[start]] = contact_ids[start:end]
            else:
                neighbours[contact_ids[by_contact_rows[start]]] = teams_by_contact[start:end]
        out._neighbours = neighbours
        out._sides = (
            {team_ids[k] for k in team_starts.tolist()},
            {contact_ids[by_contact_rows[k]] for k in contact_starts.tolist()},
        )
        return out

    def neighbours(self) -> dict[str, list[str]]:
        """Each person's live-tied people, sorted by id (a contact's team, a team member's
        contacts); people without a live tie are absent."""
        if self._neighbours is None:
            neighbours: dict[str, list[str]] = {}
            for team_id, contact_id, _ in self._made():
                # Sorted by team then contact: both lists fill in id order.
                mine = neighbours.get(team_id)
                if mine is None:
                    neighbours[team_id] = [contact_id]
                else:
                    mine.append(contact_id)
                theirs = neighbours.get(contact_id)
                if theirs is None:
                    neighbours[contact_id] = [team_id]
                else:
                    theirs.append(team_id)
            self._neighbours = neighbours
        return self._neighbours


def is_senior(contact: Contact, settings: AnalysisSettings) -> bool:
    """Whether a contact belongs to the senior staff (the decision layer).

    Senior by seniority (c_level, vp, director by default) or by a buying role (economic buyer,
    executive sponsor, decision maker by default).

    Examples
    --------
    >>> from stakegraph.model import Contact
    >>> is_senior(Contact(id="c", account_id="a", name="N", title="CIO"), AnalysisSettings())
    True
    >>> is_senior(Contact(id="c", account_id="a", name="N", title="Analyst"), AnalysisSettings())
    False
    """
    if str(contact.seniority) in settings.senior_seniorities:
        return True
    return any(str(role) in settings.senior_buying_roles for role in contact.buying_roles)


def seniority_weight(contact: Contact, settings: AnalysisSettings) -> float:
    """The weight of a senior contact in coverage and recommendations (0 when not senior).

    Examples
    --------
    >>> from stakegraph.model import Contact
    >>> s = AnalysisSettings()
    >>> seniority_weight(Contact(id="c", account_id="a", name="N", title="VP Sales"), s)
    3.0
    >>> seniority_weight(Contact(id="c", account_id="a", name="N", title="Buyer",
    ...                          buying_roles=["economic_buyer"]), s)
    2.0
    """
    if not is_senior(contact, settings):
        return 0.0
    weights = settings.seniority_weights
    return float(weights.get(str(contact.seniority), weights.get("other", 0.0)))


def relationship_graph(
    snapshot: AccountSnapshot,
    ties: Iterable[TieStrength] | TieColumns,
    settings: AnalysisSettings,
) -> nx.Graph:
    """Build the relationship graph of one account.

    Parameters
    ----------
    snapshot : AccountSnapshot
        The account's contacts and our team.
    ties : iterable of TieStrength, or TieColumns
        Tie strengths (see :func:`~stakegraph.analysis.ties.tie_strengths` and
        :func:`~stakegraph.analysis.ties.tie_columns`); ties naming someone outside the graph
        (unknown, or a contact who left) are left out.
    settings : AnalysisSettings
        Who is senior and their weights.

    Returns
    -------
    networkx.Graph
        Nodes added in sorted id order (team first), so that every traversal is deterministic.

    Raises
    ------
    ValidationFailed
        If one id names both a team member and a contact (the report could not tell them apart).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from stakegraph.model import Account, AccountSnapshot, Contact, TeamMember
    >>> from stakegraph.analysis.ties import TieColumns, TieStrength
    >>> snap = AccountSnapshot(
    ...     account=Account(id="a", name="A"),
    ...     contacts=(Contact(id="cio", account_id="a", name="C", title="CIO"),
    ...               Contact(id="dir", account_id="a", name="D", title="Director IT",
    ...                       reports_to="cio")),
    ...     team=(TeamMember(id="rep", name="R"),), as_of=datetime(2024, 1, 1, tzinfo=UTC))
    >>> G = relationship_graph(snap, [TieStrength("rep", "dir", 1.0, True, 1, None)],
    ...                        AnalysisSettings())
    >>> sorted(G.edges(data="kind"))
    [('cio', 'dir', 'reports_to'), ('rep', 'dir', 'tie')]
    """
    team_ids = {m.id for m in snapshot.team}
    clash = sorted(team_ids & {c.id for c in snapshot.contacts})
    if clash:
        raise ValidationFailed(
            f"ids name both a team member and a contact: {', '.join(clash)}", details=clash
        )
    G = nx.Graph(account_id=snapshot.account.id)
    for member in sorted(snapshot.team, key=lambda m: m.id):
        G.add_node(
            member.id,
            side=OURS,
            name=member.name,
            title=member.title,
            role=str(member.role),
        )
    active = sorted((c for c in snapshot.contacts if c.status != Status.LEFT), key=_by_id)
    weights = settings.seniority_weights
    senior_seniorities = set(settings.senior_seniorities)
    senior_roles = set(settings.senior_buying_roles)

    def attributes(contact: Contact) -> dict[str, object]:
        seniority = str(contact.seniority)
        # is_senior and seniority_weight, with the seniority looked up once per contact.
        senior = seniority in senior_seniorities or (
            bool(contact.buying_roles)
            and not senior_roles.isdisjoint(map(str, contact.buying_roles))
        )
        return {
            "side": THEIRS,
            "name": contact.name,
            "title": contact.title,
            "seniority": seniority,
            "function": str(contact.function),
            "stance": str(contact.stance),
            "status": str(contact.status),
            "senior": senior,
            "weight": float(weights.get(seniority, weights.get("other", 0.0))) if senior else 0.0,
        }

    # The graph's own dicts, filled in the order and with the dicts that add_nodes_from and
    # add_edges_from would fill them with (a test checks that the graphs are equal): their
    # checks per node and per edge cost more than the people (a report of 500 contacts).
    node, adj = G._node, G._adj
    for contact in active:
        if contact.id in node:
            node[contact.id].update(attributes(contact))
        else:
            node[contact.id] = attributes(contact)
            adj[contact.id] = {}
    for contact in active:
        manager = contact.reports_to
        if manager is not None and manager in node and manager not in team_ids:
            line = adj[contact.id].get(manager)
            if line is None:
                line = adj[contact.id][manager] = adj[manager][contact.id] = {}
            line["kind"] = REPORTS_TO
            line["manager"] = manager
    if not (isinstance(ties, (list, tuple)) and not ties):
        add_ties(G, ties)
    return G


def _by_id(contact: Contact) -> str:
    return contact.id


def add_ties(
    G: nx.Graph, ties: Iterable[TieStrength] | TieColumns, *, live_only: bool = False
) -> None:
    """Add tie edges to a relationship graph, leaving out ties naming someone outside it.

    Parameters
    ----------
    G : networkx.Graph
        A relationship graph (its people; :func:`relationship_graph` with no ties, say).
    ties : iterable of TieStrength, or TieColumns
        The ties.
    live_only : bool
        Add the live ties only. Every metric of the analysis reads live ties alone, so a graph
        built for them alone gives the same figures for a fraction of the edges.
    """
    ours = {n for n, side in G.nodes(data="side") if side == OURS}
    theirs = {n for n, side in G.nodes(data="side") if side == THEIRS}
    if isinstance(ties, TieColumns):
        rows = ties.between(ours, theirs)
        team_ids, contact_ids, last_at = rows.team_ids, rows.contact_ids, rows.last_at
        strength, live = rows.strength.tolist(), rows.live.tolist()
        interactions = rows.interactions.tolist()
        G.add_edges_from(
            (
                team_ids[k],
                contact_ids[k],
                {
                    "kind": TIE,
                    "strength": strength[k],
                    "live": live[k],
                    "interactions": interactions[k],
                    "last_at": last_at[k],
                },
            )
            for k in (np.flatnonzero(rows.live) if live_only else np.arange(len(rows))).tolist()
        )
        return
    G.add_edges_from(
        (
            tie.team_id,
            tie.contact_id,
            {
                "kind": TIE,
                "strength": tie.strength,
                "live": tie.live,
                "interactions": tie.interactions,
                "last_at": tie.last_at,
            },
        )
        for tie in ties
        if tie.team_id in ours and tie.contact_id in theirs and (tie.live or not live_only)
    )


def team(G: nx.Graph) -> list[str]:
    """Our team members in the graph, sorted by id."""
    return sorted(n for n, side in G.nodes(data="side") if side == OURS)


def contacts(G: nx.Graph) -> list[str]:
    """The account's contacts in the graph, sorted by id."""
    return sorted(n for n, side in G.nodes(data="side") if side == THEIRS)


def senior_staff(G: nx.Graph) -> list[str]:
    """The senior contacts in the graph, sorted by id."""
    return sorted(n for n, data in G.nodes(data=True) if data["side"] == THEIRS and data["senior"])


def live_ties(G: nx.Graph) -> LiveTieList:
    """Every live tie as ``(team id, contact id, strength)``, sorted by the two ids.

    Walks the adjacency of our (few) team members rather than every edge: an account has
    thousands of ties but a couple of dozen of us.
    """
    out: list[tuple[str, str, float]] = []
    for team_id in team(G):
        for contact_id, data in G.adj[team_id].items():
            if data["kind"] == TIE and data["live"]:
                out.append((team_id, contact_id, float(data["strength"])))
    out.sort()
    return LiveTieList(out)


def live_strength(G: nx.Graph, live: LiveTies | None = None) -> dict[str, float]:
    """Each person's summed live tie strength (people without a live tie are left out).

    ``live`` is :func:`live_ties` of ``G`` when the caller has it already.
    """
    held: dict[str, float] = {}
    for team_id, contact_id, strength in live_ties(G) if live is None else live:
        held[team_id] = held.get(team_id, 0.0) + strength
        held[contact_id] = held.get(contact_id, 0.0) + strength
    return held
