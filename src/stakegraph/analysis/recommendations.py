"""Recommendations: whom to meet next, and who can introduce us.

Every senior contact without a live tie is a recommendation, heaviest first (c_level 4, vp 3,
director 2, other senior 2 by default), then by id. Each comes with the shortest *warm path*: from
one of our team, through live ties and reporting lines (either way along a reporting line: a
manager can introduce a report and a report their manager), to the contact — or none when no such
path exists. The search visits people in id order, so among equally short paths the same one is
chosen in every run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from stakegraph.analysis.graph import OURS, REPORTS_TO, TIE, LiveTieList, LiveTies

__all__ = ["Recommendation", "recommendations", "warm_paths"]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One senior contact to meet, and who can introduce us.

    Attributes
    ----------
    contact_id : str
        The uncovered senior contact.
    weight : float
        Their seniority weight.
    path : list of str or None
        Ids from one of our team to the contact, or ``None`` when unreachable.
    """

    contact_id: str
    weight: float
    path: list[str] | None


def _warm(data: dict[str, object]) -> bool:
    kind = data.get("kind")
    return kind == REPORTS_TO or (kind == TIE and bool(data.get("live")))


def warm_paths(
    G: nx.Graph, targets: Iterable[str], *, live: LiveTies | None = None
) -> dict[str, list[str] | None]:
    """The shortest warm path from any of our team to each target.

    One breadth-first search from all of our team at once, neighbours in id order. With
    ``live`` (:func:`~stakegraph.analysis.graph.live_ties` of ``G``) the live ties are read
    from it and only the reporting lines from ``G``.

    Parameters
    ----------
    G : networkx.Graph
        A relationship graph.
    targets : iterable of str
        Contact ids.

    Returns
    -------
    dict
        Target id to its path (our team member first, the target last), or ``None``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("ae", side="ours")
    >>> G.add_nodes_from(["sandra", "cio", "cfo"], side="theirs")
    >>> G.add_edge("ae", "sandra", kind="tie", live=True, strength=3.0)
    >>> G.add_edge("cio", "sandra", kind="reports_to", manager="sandra")
    >>> warm_paths(G, ["cio", "cfo"])
    {'cio': ['ae', 'sandra', 'cio'], 'cfo': None}
    """
    wanted = list(targets)
    parent: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for node in sorted(n for n, side in G.nodes(data="side") if side == OURS):
        parent[node] = None
        queue.append(node)
    # A node's parent is fixed when it is first reached, so the search can stop once every
    # target has been: the paths are the same as from a search of the whole graph.
    missing = {t for t in wanted if t not in parent}
    adjacency = G.adj
    tied: dict[str, list[str]] = {}
    if isinstance(live, LiveTieList):
        tied = live.neighbours()
    else:
        for team_id, contact_id, _ in live or ():
            tied.setdefault(team_id, []).append(contact_id)
            tied.setdefault(contact_id, []).append(team_id)
    while queue and missing:
        node = queue.popleft()
        neighbours = adjacency[node]
        if live is None:
            warm = [n for n in neighbours if _warm(neighbours[n])]
        else:
            lines = [n for n in neighbours if neighbours[n].get("kind") == REPORTS_TO]
            warm = lines + tied.get(node, []) if lines else tied.get(node, [])
        for neighbour in sorted(warm):
            if neighbour in parent:
                continue
            parent[neighbour] = node
            queue.append(neighbour)
            missing.discard(neighbour)
    paths: dict[str, list[str] | None] = {}
    for target in wanted:
        if target not in parent:
            paths[target] = None
            continue
        path = [target]
        step = parent[target]
        while step is not None:
            path.append(step)
            step = parent[step]
        paths[target] = path[::-1]
    return paths


def recommendations(
    G: nx.Graph, uncovered: Iterable[str], *, live: LiveTies | None = None
) -> list[Recommendation]:
    """Uncovered senior contacts, heaviest first, each with their warm path.

    Parameters
    ----------
    G : networkx.Graph
        A relationship graph; contacts carry ``weight``.
    uncovered : iterable of str
        Senior contacts without a live tie
        (:attr:`~stakegraph.analysis.coverage.SeniorCoverage.uncovered`).
    live : sequence of (str, str, float), optional
        :func:`~stakegraph.analysis.graph.live_ties` of ``G``, when already computed.

    Returns
    -------
    list of Recommendation
    """
    ranked = sorted(set(uncovered), key=lambda n: (-float(G.nodes[n]["weight"]), n))
    paths = warm_paths(G, ranked, live=live)
    return [Recommendation(n, float(G.nodes[n]["weight"]), paths[n]) for n in ranked]
