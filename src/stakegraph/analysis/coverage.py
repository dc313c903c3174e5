"""Senior coverage and reach: how much of the decision layer we actually know.

*Senior coverage* is the seniority-weighted share of senior staff with at least one live tie to
our team. *Reach* also counts senior staff one reporting line away from any contact we have a live
tie with, since a warm introduction is possible there. The uncovered senior staff are named,
heaviest first.

An account whose senior staff we do not know at all (no contact is senior) has coverage and reach
0: nobody we know decides, which is a risk, not an absence of one.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from stakegraph.analysis.graph import REPORTS_TO, THEIRS, LiveTieList, LiveTies, live_ties

__all__ = ["SeniorCoverage", "covered_contacts", "senior_coverage"]


@dataclass(frozen=True, slots=True)
class SeniorCoverage:
    """Senior coverage and reach of one account.

    Attributes
    ----------
    senior : float
        Weighted share of senior staff with a live tie, 0..1.
    reach : float
        Weighted share of senior staff covered or one reports_to step from a covered contact.
    senior_staff : list of str
        Every senior contact, heaviest first, then by id.
    covered : list of str
        Senior contacts with a live tie, heaviest first, then by id.
    reached : list of str
        Senior contacts counted in ``reach``, heaviest first, then by id.
    uncovered : list of str
        Senior contacts without a live tie, heaviest first, then by id.
    covered_weight, total_weight : float
        The two sums behind ``senior``.
    """

    senior: float
    reach: float
    senior_staff: list[str]
    covered: list[str]
    reached: list[str]
    uncovered: list[str]
    covered_weight: float
    total_weight: float


def covered_contacts(G: nx.Graph, *, live: LiveTies | None = None) -> set[str]:
    """Contacts (senior or not) with at least one live tie to our team.

    ``live`` is :func:`~stakegraph.analysis.graph.live_ties` of ``G`` when already computed.
    """
    if isinstance(live, LiveTieList):
        return set(live.sides()[1])
    return {contact_id for _, contact_id, _ in (live_ties(G) if live is None else live)}


def senior_coverage(G: nx.Graph, *, covered: set[str] | None = None) -> SeniorCoverage:
    """Weighted senior coverage and reach of a relationship graph.

    Parameters
    ----------
    G : networkx.Graph
        A relationship graph; contacts carry ``senior`` and ``weight``.
    covered : set of str, optional
        :func:`covered_contacts` of ``G``, when already computed.

    Returns
    -------
    SeniorCoverage

    Examples
    --------
    We know the VP (weight 3); the CIO (weight 4) is her manager, so reachable but not covered:

    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("rep", side="ours")
    >>> G.add_node("cio", side="theirs", senior=True, weight=4.0)
    >>> G.add_node("vp", side="theirs", senior=True, weight=3.0)
    >>> G.add_edge("rep", "vp", kind="tie", live=True, strength=1.0)
    >>> G.add_edge("vp", "cio", kind="reports_to", manager="cio")
    >>> c = senior_coverage(G)
    >>> round(c.senior, 4), c.reach, c.uncovered  # 3 / (4 + 3), 7 / 7
    (0.4286, 1.0, ['cio'])
    """
    weight = {
        n: float(data["weight"])
        for n, data in G.nodes(data=True)
        if data["side"] == THEIRS and data["senior"]
    }

    def heaviest_first(ids: set[str]) -> list[str]:
        return sorted(ids, key=lambda n: (-weight[n], n))

    covered_any = covered_contacts(G) if covered is None else covered
    covered = {n for n in weight if n in covered_any}
    reached = set(covered)
    for n in weight:
        if n in reached:
            continue
        for neighbour, data in G[n].items():
            if data.get("kind") == REPORTS_TO and neighbour in covered_any:
                reached.add(n)
                break
    total = sum(weight.values())
    covered_weight = sum(weight[n] for n in covered)
    reached_weight = sum(weight[n] for n in reached)
    return SeniorCoverage(
        senior=covered_weight / total if total > 0 else 0.0,
        reach=reached_weight / total if total > 0 else 0.0,
        senior_staff=heaviest_first(set(weight)),
        covered=heaviest_first(covered),
        reached=heaviest_first(reached),
        uncovered=heaviest_first(set(weight) - covered),
        covered_weight=covered_weight,
        total_weight=total,
    )
