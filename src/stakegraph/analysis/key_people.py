"""Key people and single points of failure, on the customer's side and on ours.

For every person with a live tie, the loss if they left: the threads it costs, the senior coverage
it costs, and the share of all live tie strength they hold. A *single point of failure* is someone
whose departure takes threads or senior coverage to zero, or who holds at least
``spof_strength_share`` (half, by default) of all live tie strength. Our own account exec who
holds the whole relationship is one, exactly like the customer's lone sponsor.

The losses are computed from one matching, not by re-running the analysis per person: a person
costs a thread exactly when they are matched in every maximum matching
(:func:`~stakegraph.analysis.threads.essential_people`), and coverage only depends on who covers
whom. The test-suite checks both against the what-if recomputation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import networkx as nx

from stakegraph.analysis.coverage import SeniorCoverage, covered_contacts, senior_coverage
from stakegraph.analysis.graph import (
    OURS,
    THEIRS,
    LiveTieList,
    LiveTies,
    live_strength,
    live_ties,
    senior_staff,
)
from stakegraph.analysis.threads import Threads, threads
from stakegraph.errors import ValidationFailed

__all__ = [
    "HOLDS_TIE_STRENGTH",
    "TAKES_SENIOR_COVERAGE_TO_ZERO",
    "TAKES_THREADS_TO_ZERO",
    "PersonLoss",
    "key_people",
]

TAKES_THREADS_TO_ZERO = "takes_threads_to_zero"
"""Reason: after they leave, no thread ties us to the senior staff."""
TAKES_SENIOR_COVERAGE_TO_ZERO = "takes_senior_coverage_to_zero"
"""Reason: after they leave, we know none of the senior staff."""
HOLDS_TIE_STRENGTH = "holds_tie_strength"
"""Reason: they hold at least the single-point-of-failure share of all live tie strength."""

# Shares and coverages are ratios of float sums; a share of exactly one half must count as half.
_EPSILON = 1e-9


@dataclass(slots=True)
class PersonLoss:
    """What the account loses if one person leaves (read-only, as the report is).

    Attributes
    ----------
    id, side : str
        The person and their side (``"ours"`` or ``"theirs"``).
    threads : int
        Drop in senior threads (0 or 1).
    senior_coverage : float
        Drop in senior coverage (never negative: a departure that raises coverage loses nothing).
    strength_share : float
        Their share of all live tie strength, 0..1.
    single_point_of_failure : bool
        Whether any of ``reasons`` applies.
    reasons : list of str
        Which single-point-of-failure rules apply.
    """

    id: str
    side: str
    threads: int
    senior_coverage: float
    strength_share: float
    single_point_of_failure: bool
    reasons: list[str]


def _only_tie_weights(G: nx.Graph, coverage: SeniorCoverage, live: LiveTies) -> dict[str, float]:
    # For each of ours: the weight of the covered senior contacts whose only live tie is them.
    tied: dict[str, list[str]] = {}
    if isinstance(live, LiveTieList):
        tied = live.neighbours()  # a contact's neighbours are our team
    else:
        for team_id, contact_id, _ in live:
            tied.setdefault(contact_id, []).append(team_id)
    lost: dict[str, float] = {}
    for contact in coverage.covered:
        ours = tied.get(contact, [])
        if len(ours) == 1:
            lost[ours[0]] = lost.get(ours[0], 0.0) + float(G.nodes[contact]["weight"])
    return lost


def _coverage_after(
    data: Mapping[str, Any],
    person: str,
    coverage: SeniorCoverage,
    only_tie: dict[str, float],
    covered: set[str],
) -> float:
    if data["side"] == THEIRS:
        if not data["senior"]:
            return coverage.senior
        w = float(data["weight"])
        covered_w = coverage.covered_weight - (w if person in covered else 0.0)
        total_w = coverage.total_weight - w
        return covered_w / total_w if total_w > _EPSILON else 0.0
    # One of ours: the senior contacts only they have a live tie with become uncovered.
    if coverage.total_weight <= _EPSILON:
        return 0.0
    return (coverage.covered_weight - only_tie.get(person, 0.0)) / coverage.total_weight


def key_people(
    G: nx.Graph,
    *,
    senior_threads: Threads | None = None,
    coverage: SeniorCoverage | None = None,
    spof_strength_share: float = 0.5,
    live: LiveTies | None = None,
    held: Mapping[str, float] | None = None,
    only_single_points_of_failure: bool = False,
) -> list[PersonLoss]:
    """The loss of every person with a live tie, single points of failure first.

    Parameters
    ----------
    G : networkx.Graph
        A relationship graph.
    senior_threads : Threads, optional
        ``threads(G, senior_staff(G))``, when already computed.
    coverage : SeniorCoverage, optional
        ``senior_coverage(G)``, when already computed.
    spof_strength_share : float
        Share of all live tie strength from which one person is a single point of failure.
    live : sequence of (str, str, float), optional
        :func:`~stakegraph.analysis.graph.live_ties` of ``G``, when already computed.
    held : mapping, optional
        :func:`~stakegraph.analysis.graph.live_strength` of ``G``, when already computed.
    only_single_points_of_failure : bool
        Give the single points of failure alone (the head of the whole list), looking only at
        the people who can be one: the matched people when one thread is left, our team and
        the senior staff while some coverage is left, whoever holds the share of strength.

    Returns
    -------
    list of PersonLoss
        Single points of failure first, then by threads, coverage and strength lost, then id.

    Raises
    ------
    ValidationFailed
        If ``spof_strength_share`` is not within 0..1.

    Examples
    --------
    Our rep is the only one who knows anyone; the CIO is the only senior contact:

    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("rep", side="ours")
    >>> G.add_node("cio", side="theirs", senior=True, weight=4.0)
    >>> G.add_node("dev", side="theirs", senior=False, weight=0.0)
    >>> G.add_edge("rep", "cio", kind="tie", live=True, strength=3.0)
    >>> G.add_edge("rep", "dev", kind="tie", live=True, strength=1.0)
    >>> [(p.id, p.threads, p.strength_share, p.single_point_of_failure) for p in key_people(G)]
    [('rep', 1, 1.0, True), ('cio', 1, 0.75, True), ('dev', 0, 0.25, False)]
    """
    if not 0.0 <= spof_strength_share <= 1.0:
        raise ValidationFailed("spof_strength_share must be within 0..1")
    if live is None:
        live = live_ties(G)
    if senior_threads is None:
        senior_threads = threads(G, senior_staff(G), live=live)
    if coverage is None:
        coverage = senior_coverage(G, covered=covered_contacts(G, live=live))
    if held is None:
        held = live_strength(G, live)
    total = live.total() if isinstance(live, LiveTieList) else sum(map(itemgetter(2), live))
    essential = set(senior_threads.essential)
    only_tie = _only_tie_weights(G, coverage, live)
    covered = set(coverage.covered)
    ranked: list[tuple[tuple[bool, int, float, float, str], PersonLoss]] = []
    nodes = dict(G.nodes(data=True))  # the graph's own attribute dicts, looked up once each
    senior_count = senior_threads.count
    had_coverage = coverage.senior > _EPSILON
    spof_share = spof_strength_share - _EPSILON
    people = sorted(held)
    if only_single_points_of_failure:
        people = [
            person
            for person in people
            if (senior_count == 1 and person in essential)
            or (had_coverage and (nodes[person]["side"] != THEIRS or nodes[person]["senior"]))
            or (total > 0 and held[person] / total >= spof_share)
        ]
    for person in people:
        data = nodes[person]
        side = data["side"]
        thread_loss = 1 if person in essential else 0
        if side == THEIRS and not data["senior"]:
            # Senior coverage does not count them: it stays as it is.
            after = coverage.senior
            coverage_loss = 0.0
        else:
            after = _coverage_after(data, person, coverage, only_tie, covered)
            coverage_loss = max(0.0, coverage.senior - after)
        share = held[person] / total if total > 0 else 0.0
        reasons: list[str] = []
        if senior_count > 0 and senior_count - thread_loss == 0:
            reasons.append(TAKES_THREADS_TO_ZERO)
        if had_coverage and after <= _EPSILON:
            reasons.append(TAKES_SENIOR_COVERAGE_TO_ZERO)
        if share >= spof_share:
            reasons.append(HOLDS_TIE_STRENGTH)
        if only_single_points_of_failure and not reasons:
            continue
        loss = PersonLoss(
            person,
            OURS if side == OURS else THEIRS,
            thread_loss,
            coverage_loss,
            share,
            bool(reasons),
            reasons,
        )
        # Single points of failure first, then by threads, coverage and strength lost, then id.
        key = (not reasons, -thread_loss, -round(coverage_loss, 9), -round(share, 9), person)
        ranked.append((key, loss))
    ranked.sort(key=itemgetter(0))
    out = [loss for _, loss in ranked]
    return out
