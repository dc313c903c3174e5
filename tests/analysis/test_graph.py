"""The relationship graph: who is in it, which edges, and the senior staff with their weights."""

from __future__ import annotations

import pytest

from stakegraph.analysis.graph import (
    contacts,
    is_senior,
    live_strength,
    live_ties,
    relationship_graph,
    senior_staff,
    seniority_weight,
    team,
)
from stakegraph.analysis.ties import tie_strengths
from stakegraph.errors import ValidationFailed
from stakegraph.settings import AnalysisSettings
from tests.factories import contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _graph(snap):  # type: ignore[no-untyped-def]
    return relationship_graph(snap, tie_strengths(snap, S), S)


def test_senior_staff_and_weights() -> None:
    cases = [
        (contact("ceo", "Chief Executive Officer"), (True, 4.0)),
        (contact("vp", "VP Sales"), (True, 3.0)),
        (contact("dir", "Director of IT"), (True, 2.0)),
        (contact("buyer", "Procurement Manager", buying_roles=["economic_buyer"]), (True, 2.0)),
        (contact("sponsor", None, buying_roles=["executive_sponsor"]), (True, 2.0)),
        (contact("champ", "Engineer", buying_roles=["champion"]), (False, 0.0)),
        (contact("mgr", "IT Manager"), (False, 0.0)),
    ]
    for person, (senior, weight) in cases:
        assert (is_senior(person, S), seniority_weight(person, S)) == (senior, weight), person.id


def test_people_ties_and_reporting_lines() -> None:
    snap = snapshot(
        contacts=[
            contact("cio", "CIO"),
            contact("dir", "Director IT", reports_to="cio"),
            contact("gone", "VP Ops", status="left", reports_to="cio"),
            contact("dev", "Developer", reports_to="gone"),
            contact("elsewhere", "Analyst", reports_to="nobody_we_know"),
        ],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["ae"], ["dir", "gone"]),
            interaction(["se"], ["dev"], "email"),
            interaction(["stranger"], ["cio"]),  # not in our team list: left out
        ],
    )
    G = _graph(snap)
    assert team(G) == ["ae", "se"]
    assert contacts(G) == ["cio", "dev", "dir", "elsewhere"]  # "gone" has left
    assert senior_staff(G) == ["cio", "dir"]
    kinds = {tuple(sorted((u, v))): k for u, v, k in G.edges(data="kind")}
    assert kinds == {
        ("cio", "dir"): "reports_to",
        ("ae", "dir"): "tie",
        ("dev", "se"): "tie",
    }
    assert live_ties(G) == [("ae", "dir", 1.0)]  # the email (0.3) is not live
    assert live_strength(G) == {"ae": 1.0, "dir": 1.0}


def test_a_reports_to_cycle_is_one_edge_each_way_round() -> None:
    snap = snapshot(
        contacts=[
            contact("a", "VP", reports_to="b"),
            contact("b", "VP", reports_to="c"),
            contact("c", "VP", reports_to="a"),
        ]
    )
    G = _graph(snap)
    assert sorted(tuple(sorted(e)) for e in G.edges()) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_one_id_on_both_sides_is_refused() -> None:
    snap = snapshot(contacts=[contact("pat", "CIO")], team=[member("pat")])
    with pytest.raises(ValidationFailed, match="pat"):
        _graph(snap)


def _public_api_graph(snap, settings):  # type: ignore[no-untyped-def]
    """The people and reporting lines as networkx's public API adds them (what
    relationship_graph fills networkx's dicts with directly)."""
    import networkx as nx

    from stakegraph.analysis.graph import OURS, REPORTS_TO, THEIRS, is_senior, seniority_weight
    from stakegraph.model import Status

    G = nx.Graph(account_id=snap.account.id)
    for m in sorted(snap.team, key=lambda m: m.id):
        G.add_node(m.id, side=OURS, name=m.name, title=m.title, role=str(m.role))
    active = sorted((c for c in snap.contacts if c.status != Status.LEFT), key=lambda c: c.id)
    for c in active:
        G.add_node(
            c.id, side=THEIRS, name=c.name, title=c.title, seniority=str(c.seniority),
            function=str(c.function), stance=str(c.stance), status=str(c.status),
            senior=is_senior(c, settings), weight=seniority_weight(c, settings),
        )  # fmt: skip
    theirs = {c.id for c in active}
    G.add_edges_from(
        (c.id, c.reports_to, {"kind": REPORTS_TO, "manager": c.reports_to})
        for c in active
        if c.reports_to is not None and c.reports_to in theirs
    )
    return G


def test_the_graph_holds_what_the_public_networkx_api_would_hold() -> None:
    # Cycles (two and three people), someone reporting to a contact who left, to nobody known
    # and to one of ours; a contact listed twice.
    snap = snapshot(
        contacts=[
            contact("ceo", "CEO", reports_to="coo"),
            contact("coo", "COO", reports_to="ceo"),
            contact("a", "VP Sales", reports_to="b"),
            contact("b", "Director IT", reports_to="c"),
            contact("c", "Engineer", reports_to="a", buying_roles=["economic_buyer"]),
            contact("orphan", "Manager", reports_to="gone"),
            contact("gone", "CFO", status="left", reports_to="ceo"),
            contact("lost", "Developer", reports_to="nobody"),
            contact("mine", "Developer", reports_to="ae"),
            contact("dev", "Developer", reports_to="ceo", function="technology"),
            contact("dev", "Developer", reports_to="coo", function="technology"),
        ],
        team=[member("se", "sales_engineer"), member("ae")],
    )
    G = relationship_graph(snap, (), S)
    want = _public_api_graph(snap, S)
    assert G.graph == want.graph
    assert list(G.nodes(data=True)) == list(want.nodes(data=True))
    assert list(G.edges(data=True)) == list(want.edges(data=True))
    assert {n: list(G.adj[n].items()) for n in G} == {n: list(want.adj[n].items()) for n in want}
    assert G.has_edge("ceo", "coo") and G.has_edge("c", "a")
    assert not G.has_edge("mine", "ae") and not G.has_edge("orphan", "gone")


@pytest.mark.parametrize("seed", range(6))
def test_live_ties_from_columns_know_the_tied_people_as_the_loop_does(seed: int) -> None:
    import random

    import numpy as np

    from stakegraph.analysis.graph import LiveTieList
    from stakegraph.analysis.ties import TieColumns

    rng = random.Random(seed)
    team_names = [f"t{k:02d}" for k in range(rng.randrange(1, 8))]
    contact_names = [f"c{k:03d}" for k in range(rng.randrange(1, 60))]
    pairs = sorted(
        {
            (rng.randrange(len(team_names)), rng.randrange(len(contact_names)))
            for _ in range(rng.randrange(0, 150))
        }
    )
    columns = TieColumns(
        (team_names, np.array([t for t, _ in pairs], dtype=np.intp)),
        (contact_names, np.array([c for _, c in pairs], dtype=np.intp)),
        np.array([rng.random() for _ in pairs]),
        np.array([rng.random() < 0.6 for _ in pairs], dtype=np.bool_),
        np.ones(len(pairs), dtype=np.int64),
        np.zeros(len(pairs), dtype=np.int64),
    )
    fast = LiveTieList.from_columns(columns)
    slow = LiveTieList(columns.live_ties())
    assert len(fast) == len(slow)
    assert list(fast.neighbours().items()) == list(slow.neighbours().items())
    assert fast.sides() == slow.sides()
    assert fast.total() == slow.total() == sum(t[2] for t in columns.live_ties())
    assert fast == slow == columns.live_ties()  # the tuples, made when read
    assert list(fast) == list(slow) and fast[-1:] == slow[-1:]
