"""Threads: how many independent relationships tie us to the account's decision layer.

The threads of an account are the size of a maximum matching in the bipartite graph of live ties
between our team and the senior staff (Hopcroft–Karp). By König's theorem this equals the size of
a minimum vertex cover: the fewest people, on either side, whose departure would cut us off. The
cover is reported by name, because those are the people the account hangs on.

networkx's own Hopcroft–Karp walks Python sets, so its matching (though not its size) changes
with the process's hash seed. The implementation here visits ids in sorted order, so one account
gives the same matching and the same cover in every process; the test-suite checks its size
against networkx's.

When several minimum covers exist, each connected piece of the tie graph takes one of its two
extreme König covers (built from our side or from theirs): the one whose people hold more live
tie strength overall, then the one on the customer's side, then the smaller ids. So an account
exec tied to many contacts is named rather than one of them, and a sponsor met by many of our
people is named rather than them.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from stakegraph.analysis.graph import (
    OURS,
    THEIRS,
    LiveTieList,
    LiveTies,
    live_strength,
    live_ties,
)
from stakegraph.errors import ValidationFailed

__all__ = [
    "Threads",
    "essential_people",
    "hopcroft_karp",
    "koenig_cover",
    "live_bipartite",
    "threads",
]


@dataclass(frozen=True, slots=True)
class Threads:
    """The threads over one set of contacts.

    Attributes
    ----------
    count : int
        Size of the maximum matching (= size of the cover).
    matching : list of (str, str)
        ``(team id, contact id)`` pairs of one maximum matching, sorted.
    cover : list of str
        A minimum vertex cover, sorted ids.
    essential : list of str
        People matched in *every* maximum matching, sorted: each one's departure costs a thread.
    """

    count: int
    matching: list[tuple[str, str]]
    cover: list[str]
    essential: list[str]


def live_bipartite(
    G: nx.Graph,
    contacts: Collection[str] | None = None,
    *,
    live: LiveTies | None = None,
) -> nx.Graph:
    """The live ties between our team and ``contacts`` (default: every contact), as a graph.

    Nodes (only people with at least one such tie) and edges are added in sorted order and keep
    their ``side`` attribute. ``live`` is :func:`~stakegraph.analysis.graph.live_ties` of ``G``
    when the caller has it already.
    """
    keep = None if contacts is None else set(contacts)
    edges = [
        (team_id, contact_id)
        for team_id, contact_id, _ in (live_ties(G) if live is None else live)
        if keep is None or contact_id in keep
    ]
    B = nx.Graph()
    for node in sorted({n for edge in edges for n in edge}):
        B.add_node(node, side=G.nodes[node]["side"])
    B.add_edges_from(edges)
    return B


Adjacency = Mapping[str, Iterable[str]]
"""A graph as each node's neighbours: a :class:`networkx.Graph` or a plain dict of lists."""


def _live_adjacency(live: LiveTies, keep: Collection[str] | None) -> dict[str, list[str]]:
    # live_bipartite's graph as a dict of sorted neighbour lists: the same nodes and edges,
    # without paying networkx's per-edge bookkeeping for a graph only searched here.
    if isinstance(live, LiveTieList):
        neighbours = live.neighbours()
        if keep is None:
            return neighbours
        kept = set(keep)
        adjacency_of_kept: dict[str, list[str]] = {}
        for team_id in sorted(live.sides()[0]):
            contacts = [c for c in neighbours[team_id] if c in kept]
            if contacts:
                adjacency_of_kept[team_id] = contacts
        for contact_id in sorted(kept & live.sides()[1]):
            adjacency_of_kept[contact_id] = neighbours[contact_id]
        return adjacency_of_kept
    wanted = None if keep is None else set(keep)
    adjacency: defaultdict[str, list[str]] = defaultdict(list)
    for team_id, contact_id, _ in live:
        if wanted is None or contact_id in wanted:
            adjacency[team_id].append(contact_id)
            adjacency[contact_id].append(team_id)
    for people in adjacency.values():
        people.sort()  # already in order when ``live`` is (live_ties sorts it): linear
    return dict(adjacency)


def _pieces(B: Adjacency) -> list[set[str]]:
    # Connected components, as networkx.connected_components gives them: each grown a whole
    # layer at a time by set unions (in C), not a node at a time.
    seen: set[str] = set()
    pieces: list[set[str]] = []
    for start in B:
        if start in seen:
            continue
        piece = {start}
        frontier = piece
        while frontier:
            frontier = set().union(*[B[node] for node in frontier])
            frontier -= piece
            piece |= frontier
        seen |= piece
        pieces.append(piece)
    return pieces


def _check_bipartite(B: Adjacency, top: set[str]) -> None:
    for u in B:
        neighbours = B[u]
        # Set operations in C; the offending edge is looked for only once one is known.
        if top.isdisjoint(neighbours) if u in top else top.issuperset(neighbours):
            continue
        for v in neighbours:
            if (u in top) == (v in top):
                raise ValidationFailed(f"edge {u}-{v} does not join the two sides of the graph")


def hopcroft_karp(B: Adjacency, top: Iterable[str]) -> dict[str, str]:
    """A maximum matching of the bipartite graph ``B`` by Hopcroft–Karp, deterministically.

    Parameters
    ----------
    B : networkx.Graph or dict of lists
        Bipartite: every edge joins a node of ``top`` to a node outside it.
    top : iterable of str
        One side of ``B``.

    Returns
    -------
    dict
        Both directions of every matched pair (as networkx's ``hopcroft_karp_matching``).

    Raises
    ------
    ValidationFailed
        If an edge joins two nodes on the same side.

    Examples
    --------
    >>> import networkx as nx
    >>> B = nx.Graph([("ann", "cio"), ("ann", "cfo"), ("bob", "cio")])
    >>> sorted(hopcroft_karp(B, ["ann", "bob"]).items())
    [('ann', 'cfo'), ('bob', 'cio'), ('cfo', 'ann'), ('cio', 'bob')]
    """
    left = sorted(n for n in set(top) if n in B)
    left_set = set(left)
    _check_bipartite(B, left_set)
    adjacency = {u: sorted(B[u]) for u in left}
    match_left: dict[str, str | None] = dict.fromkeys(left)
    match_right: dict[str, str] = {}
    infinity = len(B) + 1
    distance: dict[str | None, int] = {}

    # Each left node's neighbours as a set: a layer of the search below looks only at the
    # matched ones (at most one per left node) and asks whether any is free, in C.
    near = {u: set(neighbours) for u, neighbours in adjacency.items()}
    matched = match_right.keys()

    def layer() -> bool:
        # Breadth-first layers of alternating paths from every free left node. The distances
        # are those of a search over every edge in any order: breadth-first distances are.
        queue: deque[str] = deque()
        for u in left:
            if match_left[u] is None:
                distance[u] = 0
                queue.append(u)
            else:
                distance[u] = infinity
        distance[None] = infinity
        while queue:
            u = queue.popleft()
            if distance[u] < distance[None]:
                step = distance[u] + 1
                if distance[None] == infinity and not near[u] <= matched:
                    distance[None] = step  # a free right node: an augmenting path ends here
                for v in sorted(near[u] & matched):
                    partner = match_right[v]
                    if distance.get(partner, infinity) == infinity:
                        distance[partner] = step
                        queue.append(partner)
        return distance[None] != infinity

    def augment(root: str) -> bool:
        # Depth-first search along the layers, iteratively (accounts can be large).
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[tuple[str, str]] = []
        while stack:
            u, i = stack[-1]
            if i >= len(adjacency[u]):
                distance[u] = infinity
                stack.pop()
                if path:
                    path.pop()
                continue
            stack[-1] = (u, i + 1)
            v = adjacency[u][i]
            partner = match_right.get(v)
            if partner is None:
                if distance[None] == distance[u] + 1:
                    path.append((u, v))
                    for pu, pv in path:
                        match_left[pu] = pv
                        match_right[pv] = pu
                    return True
            elif distance.get(partner, infinity) == distance[u] + 1:
                path.append((u, v))
                stack.append((partner, 0))
        return False

    while layer():
        for u in left:
            if match_left[u] is None:
                augment(u)
    matching: dict[str, str] = {}
    for u, v in match_left.items():
        if v is not None:
            matching[u] = v
            matching[v] = u
    return matching


def _alternating_reach(B: Adjacency, matching: Mapping[str, str], top: set[str]) -> set[str]:
    # Everything reachable from the free nodes of ``top`` by alternating paths: unmatched edges
    # away from ``top``, matched edges back into it. A layer at a time by set unions: the set
    # reached does not depend on the order of the search. (A node of ``top`` is reached either
    # free or through its mate, so the edge to its mate never leads anywhere new.)
    frontier = {u for u in top if u not in matching}
    reached = set(frontier)
    while frontier:
        across = set().union(*[B[u] for u in frontier])
        across -= reached
        reached |= across
        frontier = {matching[v] for v in across if v in matching}
        frontier -= reached
        reached |= frontier
    return reached


def koenig_cover(B: Adjacency, matching: Mapping[str, str], top: Iterable[str]) -> set[str]:
    """König's minimum vertex cover from a maximum matching, built from the ``top`` side.

    In linear time (networkx's ``to_vertex_cover`` searches once per node). The result does not
    depend on which maximum matching is given.

    Examples
    --------
    >>> import networkx as nx
    >>> B = nx.Graph([("ann", "cio"), ("bob", "cio"), ("cat", "cio")])
    >>> m = hopcroft_karp(B, ["ann", "bob", "cat"])
    >>> sorted(koenig_cover(B, m, ["ann", "bob", "cat"]))
    ['cio']
    """
    top_set = {n for n in top if n in B}
    reached = _alternating_reach(B, matching, top_set)
    return {n for n in B if (n in top_set) != (n in reached)}


def essential_people(B: Adjacency, matching: Mapping[str, str], top: Iterable[str]) -> set[str]:
    """The people matched in every maximum matching: losing one of them costs one thread.

    A matched node stays in every maximum matching exactly when no even alternating path leads to
    it from a free node of its own side (Gallai–Edmonds); everyone else can be left out at no
    cost.

    Examples
    --------
    >>> import networkx as nx
    >>> B = nx.Graph([("ann", "cio"), ("bob", "cio")])
    >>> sorted(essential_people(B, hopcroft_karp(B, ["ann", "bob"]), ["ann", "bob"]))
    ['cio']
    """
    top_set = {n for n in top if n in B}
    bottom_set = set(B) - top_set
    from_top = _alternating_reach(B, matching, top_set)
    from_bottom = _alternating_reach(B, matching, bottom_set)
    return {n for n in top_set if n not in from_top} | {
        n for n in bottom_set if n not in from_bottom
    }


def threads(
    G: nx.Graph,
    contacts: Collection[str] | None = None,
    *,
    held: Mapping[str, float] | None = None,
    live: LiveTies | None = None,
    essential: bool = True,
) -> Threads:
    """Maximum matching of live ties between our team and ``contacts``, with its cover.

    Parameters
    ----------
    G : networkx.Graph
        A relationship graph (:func:`~stakegraph.analysis.graph.relationship_graph`).
    contacts : collection of str, optional
        The contacts to match against (the senior staff, say); default every contact.
    held : mapping, optional
        :func:`~stakegraph.analysis.graph.live_strength` of ``G``, when already computed (it
        breaks ties between equally small covers).
    live : sequence of (str, str, float), optional
        :func:`~stakegraph.analysis.graph.live_ties` of ``G``, when already computed.
    essential : bool
        Whether to find :attr:`Threads.essential` (two more searches of the graph); when False
        it is left empty.

    Returns
    -------
    Threads

    Examples
    --------
    Sandra is the only senior contact anyone knows; two of ours know her well:

    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_nodes_from(["ae", "se"], side="ours")
    >>> G.add_nodes_from(["sandra", "cio"], side="theirs")
    >>> G.add_edges_from([("ae", "sandra"), ("se", "sandra")], kind="tie", live=True, strength=2.0)
    >>> t = threads(G, ["sandra", "cio"])
    >>> t.count, t.cover, t.essential
    (1, ['sandra'], ['sandra'])
    """
    # live_bipartite(G, contacts, live=live), as a dict: only searched, never drawn or exported.
    B = _live_adjacency(live_ties(G) if live is None else live, contacts)
    if isinstance(live, LiveTieList):  # its sides are G's: a tie joins one of ours to a contact
        team_ids, contact_ids = live.sides()
        ours, theirs = team_ids & B.keys(), contact_ids & B.keys()
    else:
        nodes = G.nodes
        ours = {n for n in B if nodes[n]["side"] == OURS}
        theirs = {n for n in B if nodes[n]["side"] == THEIRS}
    matching = hopcroft_karp(B, ours)
    from_ours = koenig_cover(B, matching, ours)
    from_theirs = koenig_cover(B, matching, theirs)
    if held is None:
        held = live_strength(G, live)
    cover: set[str] = set()
    for piece in _pieces(B):
        # Option 0 leans to the customer's side, option 1 to ours (see the module docstring).
        options = (piece & from_theirs, piece & from_ours)
        ranks = [
            (-round(sum(held.get(n, 0.0) for n in option), 9), order, sorted(option))
            for order, option in enumerate(options)
        ]
        cover |= options[ranks.index(min(ranks))]
    pairs = sorted((u, v) for u, v in matching.items() if u in ours)
    return Threads(
        count=len(pairs),
        matching=pairs,
        cover=sorted(cover),
        essential=sorted(essential_people(B, matching, ours)) if essential else [],
    )
