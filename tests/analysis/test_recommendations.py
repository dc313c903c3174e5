"""Recommendations: uncovered senior staff by weight, each with the shortest warm path."""

from __future__ import annotations

import pytest

from stakegraph.analysis.coverage import senior_coverage
from stakegraph.analysis.graph import relationship_graph
from stakegraph.analysis.recommendations import recommendations, warm_paths
from stakegraph.analysis.ties import tie_strengths
from stakegraph.settings import AnalysisSettings
from tests.factories import contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _graph(snap):  # type: ignore[no-untyped-def]
    return relationship_graph(snap, tie_strengths(snap, S), S)


def test_ranked_by_weight_then_id_with_warm_paths() -> None:
    snap = snapshot(
        contacts=[
            contact("ceo", "CEO"),  # 4, manager of the covered VP
            contact("cto", "CTO", reports_to="ceo"),  # 4, via ceo? ceo is uncovered: 2 hops
            contact("vp", "VP Sales", reports_to="ceo"),  # covered
            contact("dir_b", "Director Finance"),  # 2, nobody near
            contact("dir_a", "Director IT", reports_to="cto"),  # 2
            contact("buyer", "Buyer", buying_roles=["decision_maker"], reports_to="vp"),  # 2
        ],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["ae"], ["vp"]),
            interaction(["se"], ["dir_b"], "email"),  # not live: no warm path through it
        ],
    )
    G = _graph(snap)
    recs = recommendations(G, senior_coverage(G).uncovered)
    assert [(r.contact_id, r.weight, r.path) for r in recs] == [
        ("ceo", 4.0, ["ae", "vp", "ceo"]),
        ("cto", 4.0, ["ae", "vp", "ceo", "cto"]),
        ("buyer", 2.0, ["ae", "vp", "buyer"]),
        ("dir_a", 2.0, ["ae", "vp", "ceo", "cto", "dir_a"]),
        ("dir_b", 2.0, None),
    ]


def test_the_shortest_path_wins_and_ties_break_by_id() -> None:
    snap = snapshot(
        contacts=[
            contact("cfo", "CFO"),
            contact("x", "Analyst", reports_to="cfo"),
            contact("y", "Analyst", reports_to="cfo"),
            contact("z", "Analyst", reports_to="x"),
        ],
        team=[member("bo"), member("al")],
        interactions=[interaction(["bo"], ["y"]), interaction(["al"], ["z"])],
    )
    # bo-y-cfo (3 people) beats al-z-x-cfo (4).
    assert warm_paths(_graph(snap), ["cfo"]) == {"cfo": ["bo", "y", "cfo"]}
    snap = snapshot(
        contacts=[
            contact("cfo", "CFO"),
            contact("x", "Analyst", reports_to="cfo"),
            contact("y", "Analyst", reports_to="cfo"),
        ],
        team=[member("bo"), member("al")],
        interactions=[interaction(["bo"], ["x"]), interaction(["al"], ["y"])],
    )
    # Two paths of 3: al (first of our team by id) and her contact.
    assert warm_paths(_graph(snap), ["cfo"]) == {"cfo": ["al", "y", "cfo"]}


def test_a_reports_to_cycle_does_not_loop() -> None:
    snap = snapshot(
        contacts=[
            contact("a", "VP Ops", reports_to="b"),
            contact("b", "VP Sales", reports_to="c"),
            contact("c", "VP IT", reports_to="a"),
            contact("d", "VP HR", reports_to="c"),
        ],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["a"])],
    )
    G = _graph(snap)
    recs = recommendations(G, senior_coverage(G).uncovered)
    assert [(r.contact_id, r.path) for r in recs] == [
        ("b", ["ae", "a", "b"]),
        ("c", ["ae", "a", "c"]),
        ("d", ["ae", "a", "c", "d"]),
    ]


def test_nothing_to_recommend_when_every_senior_is_covered() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["cio"])],
    )
    G = _graph(snap)
    assert recommendations(G, senior_coverage(G).uncovered) == []
