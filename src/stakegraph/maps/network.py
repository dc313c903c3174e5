"""The relationship map of one account as a pyvis network: who knows whom, and how well.

pyvis is the data model (nodes and edges with vis-network options); positions are computed here
with a networkx layout, so the browser never has to run a physics simulation on a large graph.
Nothing here renders HTML: see :mod:`stakegraph.maps.render`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from pyvis.network import Network

from stakegraph.analysis.report import Report
from stakegraph.model import AccountSnapshot, Contact, Seniority, Status, TeamMember

__all__ = [
    "COLOURS",
    "AccountMap",
    "LegendEntry",
    "build_map",
    "contact_node_id",
    "team_node_id",
]

COLOURS: Mapping[str, str] = {
    "team": "#2563eb",
    "contact": "#f59e0b",
    "left": "#9ca3af",
    "spof": "#dc2626",
    "uncovered": "#7c3aed",
    "live_tie": "#475569",
    "weak_tie": "#cbd5e1",
    "org_chart": "#94a3b8",
    "border": "#1f2937",
}

_CONTACT_SIZE: Mapping[str, float] = {
    Seniority.C_LEVEL: 34.0,
    Seniority.VP: 28.0,
    Seniority.DIRECTOR: 22.0,
    Seniority.MANAGER: 16.0,
    Seniority.INDIVIDUAL: 12.0,
    Seniority.UNKNOWN: 12.0,
}
_TEAM_SIZE: Mapping[str, float] = {"executive": 28.0, "account_exec": 24.0}
_TEAM_DEFAULT_SIZE = 18.0

# Rings of the large-graph layout, from the centre out: our team, then the customer by rank.
_RING: Mapping[str, int] = {
    Seniority.C_LEVEL: 1,
    Seniority.VP: 2,
    Seniority.DIRECTOR: 3,
    Seniority.MANAGER: 4,
    Seniority.INDIVIDUAL: 5,
    Seniority.UNKNOWN: 5,
}


def team_node_id(member_id: str) -> str:
    """The map node of one of our people (team and contact ids may collide, nodes may not)."""
    return f"team:{member_id}"


def contact_node_id(contact_id: str) -> str:
    """The map node of one of the customer's people."""
    return f"contact:{contact_id}"


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a CSS class that draws the swatch, and what it means."""

    swatch: str
    label: str


@dataclass
class AccountMap:
    """A map ready to render: the pyvis network plus what the page shows around it."""

    account_id: str
    account_name: str
    network: Network
    physics: bool
    legend: list[LegendEntry]
    people_total: int
    people_shown: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def nodes(self) -> list[dict[str, Any]]:
        """vis-network node objects."""
        nodes: list[dict[str, Any]] = self.network.nodes
        return nodes

    @property
    def edges(self) -> list[dict[str, Any]]:
        """vis-network edge objects."""
        edges: list[dict[str, Any]] = self.network.edges
        return edges

    @property
    def options(self) -> dict[str, Any]:
        """vis-network options."""
        options: dict[str, Any] = self.network.options
        return options

    def data(self) -> dict[str, Any]:
        """Everything the browser needs, as one JSON-ready object."""
        return {"nodes": self.nodes, "edges": self.edges, "options": self.options}


def _lines(*parts: tuple[str, object]) -> str:
    # Hover text is plain text: vis-network writes a string title with innerText.
    return "\n".join(f"{label}: {value}" for label, value in parts if value not in (None, "", []))


def _strength_width(strength: float, strongest: float) -> float:
    if strongest <= 0:
        return 1.0
    return round(1.0 + 7.0 * math.sqrt(max(strength, 0.0) / strongest), 2)


def _pick_contacts(
    contacts: list[Contact], important: set[str], limit: int
) -> tuple[list[Contact], int]:
    if len(contacts) <= limit:
        return contacts, 0
    by_id = {c.id: c for c in contacts}
    chosen: dict[str, Contact] = {}
    for cid in important:
        if cid in by_id:
            chosen[cid] = by_id[cid]
    # Their managers next (the org chart around the people who matter), then by rank.
    for cid in list(chosen):
        manager = by_id[cid].reports_to
        if manager in by_id:
            chosen.setdefault(manager, by_id[manager])
    rank = list(_RING)
    for contact in sorted(contacts, key=lambda c: (rank.index(c.seniority), c.name, c.id)):
        if len(chosen) >= limit:
            break
        chosen.setdefault(contact.id, contact)
    kept = [c for c in contacts if c.id in chosen][:limit]
    return kept, len(contacts) - len(kept)


def _positions(
    graph: nx.Graph, rings: Mapping[str, int], *, spring: bool
) -> dict[str, tuple[float, float]]:
    if graph.number_of_nodes() == 0:
        return {}
    shells: dict[int, list[str]] = {}
    for node in sorted(graph.nodes):
        shells.setdefault(rings.get(node, 5), []).append(node)
    nlist = [shells[k] for k in sorted(shells)]
    pos = nx.shell_layout(graph, nlist=nlist)
    if spring and graph.number_of_nodes() > 2:
        pos = nx.spring_layout(graph, pos=pos, seed=7, iterations=60, weight="weight")
    scale = 90.0 * math.sqrt(graph.number_of_nodes()) + 120.0
    return {
        n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in pos.items()
    }


def build_map(
    snapshot: AccountSnapshot,
    report: Report,
    *,
    physics_max_nodes: int = 60,
    max_nodes: int = 1500,
) -> AccountMap:
    """The relationship map of one account.

    Parameters
    ----------
    snapshot
        The account's people, as read for ``report``.
    report
        The account's report: ties, the cover, single points of failure, the uncovered.
    physics_max_nodes
        Beyond this many people the map is drawn still (positions from the layout only).
    max_nodes
        Beyond this many people only the ones that matter most are shown: our team, senior
        staff, everyone with a tie, their managers, then by rank.

    Returns
    -------
    AccountMap
        Our team and the account's active contacts in two colours, sized by seniority; ties as
        edges as wide as they are strong (live ties dark, weak ones pale); the org chart as
        dashed arrows to each manager; single points of failure ringed in red; uncovered
        senior staff ringed with a dashed violet line.
    """
    spof = set(report.single_points_of_failure)
    cover = set(report.threads.cover)
    uncovered = set(report.coverage.uncovered)
    senior = set(report.coverage.senior_staff) | uncovered | set(report.coverage.covered)
    tied_contacts = {t.contact_id for t in report.ties}
    tied_team = {t.team_id for t in report.ties}

    active = [c for c in snapshot.contacts if c.status == Status.ACTIVE]
    team: list[TeamMember] = [m for m in snapshot.team if m.id in tied_team] or list(snapshot.team)
    important = (senior | tied_contacts | spof | cover) & {c.id for c in active}
    contacts, hidden = _pick_contacts(active, important, max(0, max_nodes - len(team)))
    contact_ids = {c.id for c in contacts}

    total_people = len(team) + len(contacts)
    physics = total_people <= physics_max_nodes

    graph: nx.Graph = nx.Graph()
    rings: dict[str, int] = {}
    for member in team:
        graph.add_node(team_node_id(member.id))
        rings[team_node_id(member.id)] = 0
    for contact in contacts:
        graph.add_node(contact_node_id(contact.id))
        rings[contact_node_id(contact.id)] = _RING.get(contact.seniority, 5)

    ties = [t for t in report.ties if t.contact_id in contact_ids]
    strongest = max((t.strength for t in ties), default=0.0)
    for tie in ties:
        a, b = team_node_id(tie.team_id), contact_node_id(tie.contact_id)
        if a in graph and b in graph:
            graph.add_edge(a, b, weight=max(tie.strength, 0.05))
    for contact in contacts:
        if contact.reports_to in contact_ids:
            graph.add_edge(
                contact_node_id(contact.id), contact_node_id(contact.reports_to), weight=0.5
            )
    positions = _positions(graph, rings, spring=physics)

    # directed=True only spares pyvis a scan of every edge per edge added; arrows are per edge.
    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    for member in team:
        node = team_node_id(member.id)
        marks = []
        if member.id in spof:
            marks.append("single point of failure")
        if member.id in cover:
            marks.append("the account hangs on them")
        x, y = positions.get(node, (0.0, 0.0))
        net.add_node(
            node,
            label=("⚠ " if member.id in spof else "") + member.name,
            shape="square",
            color=_node_colour(COLOURS["team"], member.id in spof, False),
            size=_TEAM_SIZE.get(member.role, _TEAM_DEFAULT_SIZE),
            borderWidth=5 if member.id in spof else 1,
            title=_lines(
                ("Our team", member.name),
                ("Title", member.title),
                ("Role", str(member.role).replace("_", " ")),
                ("Note", "; ".join(marks)),
            ),
            x=x,
            y=y,
            person_id=member.id,
            side="ours",
            flags=sorted(
                f for f, on in (("spof", member.id in spof), ("cover", member.id in cover)) if on
            ),
        )
    for contact in contacts:
        node = contact_node_id(contact.id)
        is_spof = contact.id in spof
        is_uncovered = contact.id in uncovered
        marks = []
        if is_spof:
            marks.append("single point of failure")
        if contact.id in cover:
            marks.append("the account hangs on them")
        if is_uncovered:
            marks.append("senior, nobody on our team knows them")
        x, y = positions.get(node, (0.0, 0.0))
        options: dict[str, Any] = {}
        if is_uncovered and not is_spof:
            options["shapeProperties"] = {"borderDashes": [6, 4]}
        net.add_node(
            node,
            label=("⚠ " if is_spof else "") + contact.name,
            shape="dot",
            color=_node_colour(COLOURS["contact"], is_spof, is_uncovered),
            size=_CONTACT_SIZE.get(contact.seniority, 12.0),
            borderWidth=5 if is_spof else (4 if is_uncovered else 1),
            title=_lines(
                ("Contact", contact.name),
                ("Title", contact.title),
                ("Seniority", str(contact.seniority).replace("_", " ")),
                ("Function", str(contact.function)),
                ("Buying roles", ", ".join(str(r).replace("_", " ") for r in contact.buying_roles)),
                ("Stance", str(contact.stance)),
                ("Note", "; ".join(marks)),
            ),
            x=x,
            y=y,
            person_id=contact.id,
            side="theirs",
            flags=sorted(
                f
                for f, on in (
                    ("spof", is_spof),
                    ("cover", contact.id in cover),
                    ("uncovered", is_uncovered),
                    ("senior", contact.id in senior),
                )
                if on
            ),
            **options,
        )
    names = {m.id: m.name for m in team} | {c.id: c.name for c in contacts}
    for tie in ties:
        a, b = team_node_id(tie.team_id), contact_node_id(tie.contact_id)
        if a not in graph or b not in graph:
            continue
        net.add_edge(
            a,
            b,
            width=_strength_width(tie.strength, strongest),
            color=COLOURS["live_tie"] if tie.live else COLOURS["weak_tie"],
            arrows={"to": {"enabled": False}},
            title=_lines(
                (
                    "Tie",
                    f"{names.get(tie.team_id, tie.team_id)} — "
                    f"{names.get(tie.contact_id, tie.contact_id)}",
                ),
                ("Strength", f"{tie.strength:.2f}" + (" (live)" if tie.live else " (weak)")),
                ("Interactions", tie.interactions),
            ),
            kind="tie",
            live=tie.live,
        )
    for contact in contacts:
        if contact.reports_to in contact_ids:
            net.add_edge(
                contact_node_id(contact.id),
                contact_node_id(contact.reports_to),
                width=1,
                dashes=[4, 4],
                color=COLOURS["org_chart"],
                arrows={"to": {"enabled": True, "scaleFactor": 0.5}},
                title=_lines(
                    ("Org chart", f"{contact.name} reports to {names[contact.reports_to]}")
                ),
                kind="reports_to",
            )
    net.options = _options(physics)
    return AccountMap(
        account_id=report.account_id,
        account_name=report.account_name or snapshot.account.name,
        network=net,
        physics=physics,
        legend=_legend(),
        people_total=len(team) + len(active),
        people_shown=total_people,
        stats={
            "hidden": hidden,
            "ties": len(ties),
            "live_ties": sum(1 for t in ties if t.live),
            "single_points_of_failure": len(spof),
            "uncovered": len(uncovered),
        },
    )


def _node_colour(fill: str, spof: bool, uncovered: bool) -> dict[str, Any]:
    border = COLOURS["spof"] if spof else COLOURS["uncovered"] if uncovered else COLOURS["border"]
    return {
        "background": fill,
        "border": border,
        "highlight": {"background": fill, "border": border},
        "hover": {"background": fill, "border": border},
    }


def _options(physics: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "nodes": {
            "font": {"size": 18, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}
        },
        "edges": {"smooth": False},
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -9000,
                "springLength": 170,
                "avoidOverlap": 0.3,
            },
            "stabilization": {"enabled": physics, "iterations": 150, "fit": True},
        },
        "layout": {"improvedLayout": False, "randomSeed": 7},
    }


def _legend() -> list[LegendEntry]:
    return [
        LegendEntry("sg-swatch-team", "Our team"),
        LegendEntry("sg-swatch-contact", "Their people (size: seniority)"),
        LegendEntry("sg-swatch-spof", "Single point of failure"),
        LegendEntry("sg-swatch-uncovered", "Senior, not covered by anyone"),
        LegendEntry("sg-swatch-live", "Live tie (width: strength)"),
        LegendEntry("sg-swatch-weak", "Weak tie"),
        LegendEntry("sg-swatch-org", "Reports to (org chart)"),
    ]
