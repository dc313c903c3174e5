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
