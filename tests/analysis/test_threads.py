"""Threads: maximum matching of live ties (Hopcroft–Karp) and its König cover, by name."""

from __future__ import annotations

import networkx as nx
import pytest

from stakegraph.analysis.graph import relationship_graph, senior_staff
from stakegraph.analysis.threads import (
    essential_people,
    hopcroft_karp,
    koenig_cover,
    live_bipartite,
    threads,
)
from stakegraph.analysis.ties import tie_strengths
from stakegraph.errors import ValidationFailed
from stakegraph.settings import AnalysisSettings
from tests.factories import contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def tie_graph(ties: list[tuple[str, str]], *, live: bool = True, strength: float = 1.0) -> nx.Graph:
    """A graph of ties only: first of each pair ours, second theirs."""
    G = nx.Graph()
    for ours, theirs in ties:
        G.add_node(ours, side="ours")
        G.add_node(theirs, side="theirs")
        G.add_edge(ours, theirs, kind="tie", live=live, strength=strength)
    return G


def assert_is_cover(G: nx.Graph, cover: list[str], contacts: list[str] | None = None) -> None:
    """Every live tie (to ``contacts``) has an end in the cover."""
    B = live_bipartite(G, contacts)
    for u, v in B.edges():
        assert u in cover or v in cover, f"tie {u}-{v} is not covered by {cover}"


def test_two_threads_where_one_person_knows_two_seniors() -> None:
    # ann knows the CIO and the CFO, bob only the CIO: ann-CFO and bob-CIO are two threads.
    G = tie_graph([("ann", "cio"), ("ann", "cfo"), ("bob", "cio")])
    t = threads(G)
    assert t.count == 2
    assert t.matching == [("ann", "cfo"), ("bob", "cio")]
    assert len(t.cover) == 2
    assert_is_cover(G, t.cover)


def test_the_cover_names_the_sponsor_many_of_ours_depend_on() -> None:
    G = tie_graph([("ae", "sandra"), ("se", "sandra"), ("cs", "sandra")])
    t = threads(G)
    assert (t.count, t.cover, t.essential) == (1, ["sandra"], ["sandra"])


def test_the_cover_names_our_rep_who_holds_every_tie() -> None:
    G = tie_graph([("dan", "cio"), ("dan", "vp"), ("dan", "dir")])
    t = threads(G)
    assert (t.count, t.cover, t.essential) == (1, ["dan"], ["dan"])


def test_one_to_one_tie_names_whoever_holds_more_elsewhere() -> None:
    # Senior graph: rep-cio only. The rep also knows two juniors, so the rep holds more.
    G = tie_graph([("rep", "cio"), ("rep", "dev1"), ("rep", "dev2")])
    t = threads(G, ["cio"])
    assert (t.count, t.cover) == (1, ["rep"])
    # Same strength on both sides: the customer's person is named.
    G = tie_graph([("rep", "cio")])
    assert threads(G).cover == ["cio"]


def test_threads_over_seniors_and_over_all_contacts() -> None:
    G = tie_graph([("ae", "cio"), ("se", "dev"), ("cs", "dev")])
    assert threads(G, ["cio"]).count == 1
    t = threads(G)
    assert t.count == 2  # ae-cio, and one of se/cs with dev
    assert t.cover == ["cio", "dev"]


def test_ties_that_are_not_live_are_no_thread() -> None:
    G = tie_graph([("ae", "cio")], live=False)
    assert threads(G).count == 0
    assert threads(G).cover == []


def test_nobody_contacted() -> None:
    G = nx.Graph()
    G.add_node("ae", side="ours")
    G.add_node("cio", side="theirs")
    t = threads(G)
    assert (t.count, t.matching, t.cover, t.essential) == (0, [], [], [])


def test_essential_people_are_matched_in_every_maximum_matching() -> None:
    # a-x, a-y, b-x: every maximum matching is {a-y, b-x}, so all four are essential.
    G = tie_graph([("a", "x"), ("a", "y"), ("b", "x")])
    assert threads(G).essential == ["a", "b", "x", "y"]
    # a-x, b-x, b-y, c-y: max 2; a or c can be left out, b... also replaceable? No:
    # matchings {a-x, b-y}, {a-x, c-y}, {b-x, c-y}: nobody is in all of them.
    G = tie_graph([("a", "x"), ("b", "x"), ("b", "y"), ("c", "y")])
    assert threads(G).count == 2
    assert threads(G).essential == ["x", "y"]


def test_result_does_not_depend_on_insertion_order() -> None:
    edges = [("a", "x"), ("a", "y"), ("b", "x"), ("c", "y"), ("c", "z"), ("d", "z")]
    forward = threads(tie_graph(edges))
    backward = threads(tie_graph(list(reversed(edges))))
    assert forward == backward


def test_matching_size_agrees_with_networkx_and_cover_is_minimum() -> None:
    G = tie_graph([("a", "x"), ("a", "y"), ("b", "x"), ("c", "y"), ("c", "z"), ("d", "z")])
    B = live_bipartite(G)
    top = ["a", "b", "c", "d"]
    ours = hopcroft_karp(B, top)
    theirs = nx.bipartite.hopcroft_karp_matching(B, top)
    assert len(ours) == len(theirs) == 6  # three pairs, both directions
    cover = koenig_cover(B, ours, top)
    assert len(cover) == 3
    assert cover == nx.bipartite.to_vertex_cover(B, ours, top)


def test_essential_people_match_removal() -> None:
    G = tie_graph([("a", "x"), ("a", "y"), ("b", "x"), ("c", "y"), ("c", "z"), ("d", "z")])
    base = threads(G).count
    B = live_bipartite(G)
    essential = essential_people(B, hopcroft_karp(B, "abcd"), "abcd")
    for person in sorted(G):
        H = G.copy()
        H.remove_node(person)
        assert (base - threads(H).count == 1) == (person in essential), person


def test_hopcroft_karp_refuses_a_graph_that_is_not_bipartite() -> None:
    B = nx.Graph([("a", "b"), ("a", "x")])
    with pytest.raises(ValidationFailed):
        hopcroft_karp(B, ["a", "b"])


def test_threads_from_a_snapshot() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("vp", "VP Finance"), contact("dev", "Developer")],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["ae"], ["cio", "vp"]),  # ae-cio 1.0, ae-vp 1.0
            interaction(["se"], ["vp"], "email"),  # se-vp 0.3: not live
            interaction(["se"], ["dev"]),  # se-dev 1.0
        ],
    )
    G = relationship_graph(snap, tie_strengths(snap, S), S)
    senior = threads(G, senior_staff(G))
    assert (senior.count, senior.cover) == (1, ["ae"])
    assert threads(G).count == 2
