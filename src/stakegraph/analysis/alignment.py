"""Executive alignment and business/technology alignment.

*Executive alignment*: one of our executives has a live tie with one of the customer's c_level or
vp contacts ("customers like to see the boss").

*Business/technology alignment*: per function, how many contacts we have a live tie with and the
mean stance of its contacts (supporter +1, neutral 0, detractor -1, unknown left out). The account
is misaligned when the business and technology mean stances have opposite signs, or when we have
no live tie on one of the two sides (we would not hear it if they pulled apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from stakegraph.analysis.graph import THEIRS, TIE, LiveTieList, LiveTies, live_ties, team
from stakegraph.model import Function
from stakegraph.settings import AnalysisSettings

__all__ = [
    "AlignmentResult",
    "FunctionStats",
    "executive_alignment",
    "executive_ties",
    "function_alignment",
]


@dataclass(frozen=True, slots=True)
class FunctionStats:
    """Coverage and mean stance of the contacts of one function.

    Attributes
    ----------
    contacts : int
        Contacts of this function.
    senior : int
        Of them, senior staff.
    covered : int
        Of them, with a live tie to our team.
    coverage : float
        ``covered / contacts`` (0 without contacts).
    live_ties : int
        Live ties between our team and this function.
    mean_stance : float or None
        Mean stance of the contacts whose stance is known; ``None`` if nobody's is.
    """

    contacts: int
    senior: int
    covered: int
    coverage: float
    live_ties: int
    mean_stance: float | None


@dataclass(frozen=True, slots=True)
class AlignmentResult:
    """Business/technology alignment of one account.

    Attributes
    ----------
    misaligned : bool
        Opposite mean stances, or no live tie on one side.
    reason : str
        Why, in one sentence; empty when aligned.
    functions : dict of str to FunctionStats
        ``business``, ``technology`` and ``other``, always all three.
    """

    misaligned: bool
    reason: str
    functions: dict[str, FunctionStats]


def executive_ties(
    G: nx.Graph, settings: AnalysisSettings, *, live: LiveTies | None = None
) -> list[tuple[str, str]]:
    """Live ties between our executives and the customer's executives, sorted.

    ``live`` is :func:`~stakegraph.analysis.graph.live_ties` of ``G`` when the caller has it
    (then ``G`` need not hold the tie edges).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("ceo", side="ours", role="executive")
    >>> G.add_node("cfo", side="theirs", seniority="c_level")
    >>> G.add_edge("ceo", "cfo", kind="tie", live=True, strength=1.0)
    >>> executive_ties(G, AnalysisSettings())
    [('ceo', 'cfo')]
    """
    out: list[tuple[str, str]] = []
    if isinstance(live, LiveTieList):  # each executive's own ties, not every tie
        nodes = G.nodes
        neighbours = live.neighbours()
        return sorted(
            (ours, theirs)
            for ours in team(G)
            if nodes[ours].get("role") in settings.executive_roles
            for theirs in neighbours.get(ours, ())
            if nodes[theirs].get("seniority") in settings.executive_seniorities
        )
    if live is not None:
        nodes = G.nodes
        executives = {n for n in team(G) if nodes[n].get("role") in settings.executive_roles}
        return sorted(
            (ours, theirs)
            for ours, theirs, _ in live
            if ours in executives
            and nodes[theirs].get("seniority") in settings.executive_seniorities
        )
    for ours in team(G):
        if G.nodes[ours].get("role") not in settings.executive_roles:
            continue
        for theirs, data in G.adj[ours].items():
            if (
                data["kind"] == TIE
                and data["live"]
                and G.nodes[theirs].get("seniority") in settings.executive_seniorities
            ):
                out.append((ours, theirs))
    return sorted(out)


def executive_alignment(G: nx.Graph, settings: AnalysisSettings) -> bool:
    """Whether one of our executives has a live tie with a c_level or vp contact."""
    return bool(executive_ties(G, settings))


def _sign(value: float | None) -> int:
    if value is None or value == 0:
        return 0
    return 1 if value > 0 else -1


def function_alignment(
    G: nx.Graph, settings: AnalysisSettings, *, live: LiveTies | None = None
) -> AlignmentResult:
    """Coverage and mean stance per function, and whether business and technology align.

    Parameters
    ----------
    G : networkx.Graph
        A relationship graph; contacts carry ``function``, ``stance`` and ``senior``.
    settings : AnalysisSettings
        ``stance_values``: what each stance is worth (unknown and unlisted stances are left out).
    live : sequence of (str, str, float), optional
        :func:`~stakegraph.analysis.graph.live_ties` of ``G``, when already computed.

    Returns
    -------
    AlignmentResult

    Examples
    --------
    The business side is for us, the technology side against:

    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("rep", side="ours")
    >>> G.add_node("coo", side="theirs", function="business", stance="supporter", senior=True)
    >>> G.add_node("cto", side="theirs", function="technology", stance="detractor", senior=True)
    >>> G.add_edges_from([("rep", "coo"), ("rep", "cto")], kind="tie", live=True, strength=1.0)
    >>> a = function_alignment(G, AnalysisSettings())
    >>> a.misaligned, a.functions["business"].mean_stance, a.functions["technology"].mean_stance
    (True, 1.0, -1.0)
    """
    names = [str(f) for f in Function]
    members: dict[str, list[tuple[str, dict[str, Any]]]] = {name: [] for name in names}
    for node, data in G.nodes(data=True):
        if data["side"] == THEIRS:
            function = str(data.get("function", Function.OTHER))
            members.setdefault(function, []).append((node, data))
    functions: dict[str, FunctionStats] = {}
    live_count: dict[str, int] = {}
    if isinstance(live, LiveTieList):
        live_count = {person: len(tied) for person, tied in live.neighbours().items()}
    else:
        for _, contact_id, _ in live_ties(G) if live is None else live:
            live_count[contact_id] = live_count.get(contact_id, 0) + 1
    stance_values = settings.stance_values
    for name, people in members.items():
        covered = 0
        function_ties = 0
        senior = 0
        stances: list[float] = []
        for person, data in people:
            ties = live_count.get(person, 0)
            function_ties += ties
            covered += 1 if ties else 0
            senior += 1 if data.get("senior") else 0
            stance = data.get("stance")
            if stance in stance_values:
                stances.append(float(stance_values[stance]))
        functions[name] = FunctionStats(
            contacts=len(people),
            senior=senior,
            covered=covered,
            coverage=covered / len(people) if people else 0.0,
            live_ties=function_ties,
            mean_stance=sum(stances) / len(stances) if stances else None,
        )
    business = functions[str(Function.BUSINESS)]
    technology = functions[str(Function.TECHNOLOGY)]
    silent = [
        name
        for name, stats in ((Function.BUSINESS, business), (Function.TECHNOLOGY, technology))
        if stats.live_ties == 0
    ]
    if silent:
        sides = " and ".join(str(s) for s in silent)
        reason = f"no live tie with the {sides} side"
    elif _sign(business.mean_stance) * _sign(technology.mean_stance) < 0:
        reason = (
            f"business and technology pull apart (mean stance {business.mean_stance:+.2f} "
            f"against {technology.mean_stance:+.2f})"
        )
    else:
        reason = ""
    return AlignmentResult(misaligned=bool(reason), reason=reason, functions=functions)
