"""Senior coverage and reach, weighted by seniority, with the uncovered named."""

from __future__ import annotations

import pytest

from stakegraph.analysis.coverage import covered_contacts, senior_coverage
from stakegraph.analysis.graph import relationship_graph
from stakegraph.analysis.ties import tie_strengths
from stakegraph.settings import AnalysisSettings
from tests.factories import contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _coverage(snap):  # type: ignore[no-untyped-def]
    return senior_coverage(relationship_graph(snap, tie_strengths(snap, S), S))


def test_weighted_coverage_and_reach() -> None:
    snap = snapshot(
        contacts=[
            contact("cio", "CIO"),  # weight 4, covered
            contact("vp", "VP Engineering", reports_to="cio"),  # 3, one step from the CIO
            contact("dir", "Director, Platform", reports_to="vp"),  # 2, one step from dev
            contact("buyer", "Buyer", buying_roles=["economic_buyer"]),  # 2, nobody near
            contact("dev", "Developer", reports_to="dir"),  # not senior, covered
            contact("cold", "Analyst"),  # not senior, no tie
        ],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["cio", "dev"])],
    )
    c = _coverage(snap)
    # Senior weights: cio 4 + vp 3 + dir 2 + buyer 2 = 11; covered: cio = 4.
    assert c.senior == pytest.approx(4 / 11)
    # Reach: cio 4 + vp 3 (reports to the covered CIO) + dir 2 (manages the covered dev) = 9.
    assert c.reach == pytest.approx(9 / 11)
    assert c.covered == ["cio"]
    assert c.reached == ["cio", "vp", "dir"]
    assert c.uncovered == ["vp", "buyer", "dir"]  # heaviest first, then by id
    assert c.senior_staff == ["cio", "vp", "buyer", "dir"]
    assert (c.covered_weight, c.total_weight) == (4.0, 11.0)


def test_a_tie_that_is_not_live_does_not_cover() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["cio"], "email")],  # 0.3
    )
    c = _coverage(snap)
    assert (c.senior, c.reach, c.uncovered) == (0.0, 0.0, ["cio"])


def test_no_senior_staff_is_no_coverage() -> None:
    snap = snapshot(
        contacts=[contact("dev", "Developer")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["dev"])],
    )
    c = _coverage(snap)
    assert (c.senior, c.reach, c.uncovered, c.senior_staff) == (0.0, 0.0, [], [])


def test_reach_through_a_reports_to_cycle() -> None:
    snap = snapshot(
        contacts=[
            contact("a", "VP Sales", reports_to="b"),
            contact("b", "VP Marketing", reports_to="a"),
            contact("c", "Director Sales", reports_to="b"),
        ],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["a"])],
    )
    c = _coverage(snap)
    # 3 + 3 + 2 = 8; covered a = 3; reach a and b (one step from a) = 6; c is two steps away.
    assert c.senior == pytest.approx(3 / 8)
    assert c.reach == pytest.approx(6 / 8)
    assert c.uncovered == ["b", "c"]


def test_covered_contacts_include_juniors() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("dev", "Developer")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["dev"])],
    )
    G = relationship_graph(snap, tie_strengths(snap, S), S)
    assert covered_contacts(G) == {"dev"}
