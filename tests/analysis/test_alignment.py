"""Executive alignment, and business/technology coverage and stance."""

from __future__ import annotations

import pytest

from stakegraph.analysis.alignment import (
    executive_alignment,
    executive_ties,
    function_alignment,
)
from stakegraph.analysis.graph import relationship_graph
from stakegraph.analysis.ties import tie_strengths
from stakegraph.settings import AnalysisSettings
from tests.factories import contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _graph(snap):  # type: ignore[no-untyped-def]
    return relationship_graph(snap, tie_strengths(snap, S), S)


def test_executive_alignment_needs_our_executive_their_c_level_or_vp_and_a_live_tie() -> None:
    contacts = [contact("cfo", "CFO"), contact("vp", "VP IT"), contact("dir", "Director IT")]
    team = [member("boss", "executive"), member("ae")]

    def aligned(*interactions) -> bool:  # type: ignore[no-untyped-def]
        return executive_alignment(_graph(snapshot(contacts, team, interactions)), S)

    assert aligned(interaction(["boss"], ["vp"]))
    assert aligned(interaction(["boss"], ["cfo"]))
    assert not aligned(interaction(["boss"], ["dir"]))  # a director is not an executive
    assert not aligned(interaction(["ae"], ["cfo"]))  # our account exec is not our executive
    assert not aligned(interaction(["boss"], ["cfo"], "email"))  # 0.3: not a live tie
    assert executive_ties(
        _graph(snapshot(contacts, team, [interaction(["boss", "ae"], ["cfo", "vp"])])), S
    ) == [("boss", "cfo"), ("boss", "vp")]


def test_coverage_and_mean_stance_per_function() -> None:
    snap = snapshot(
        contacts=[
            contact("coo", "COO", stance="supporter"),  # business +1
            contact("buyer", "Procurement Lead", stance="neutral"),  # business 0
            contact("clerk", "Finance Clerk"),  # business, unknown: left out
            contact("cto", "CTO", stance="detractor"),  # technology -1
            contact("arch", "Solution Architect", stance="unknown"),  # technology, unknown
        ],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["ae"], ["coo"]),
            interaction(["ae", "se"], ["buyer"]),
            interaction(["se"], ["cto"]),
        ],
    )
    a = function_alignment(_graph(snap), S)
    business, technology, other = (a.functions[f] for f in ("business", "technology", "other"))
    # Business: 3 contacts, 2 covered (coo, buyer) -> 2/3; live ties ae-coo, ae-buyer, se-buyer.
    assert (business.contacts, business.covered, business.live_ties) == (3, 2, 3)
    assert business.coverage == pytest.approx(2 / 3)
    assert business.senior == 1  # the COO
    assert business.mean_stance == pytest.approx((1 + 0) / 2)
    # Technology: 2 contacts, 1 covered; stance -1 (the architect's is unknown).
    assert (technology.contacts, technology.covered, technology.live_ties) == (2, 1, 1)
    assert technology.mean_stance == -1.0
    assert (other.contacts, other.coverage, other.mean_stance) == (0, 0.0, None)
    # +0.5 against -1.0: opposite signs.
    assert a.misaligned
    assert "pull apart" in a.reason


def test_a_neutral_side_is_not_opposite() -> None:
    snap = snapshot(
        contacts=[
            contact("coo", "COO", stance="neutral"),
            contact("cto", "CTO", stance="detractor"),
        ],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["coo", "cto"])],
    )
    a = function_alignment(_graph(snap), S)
    assert (a.misaligned, a.reason) == (False, "")


def test_no_live_tie_on_one_side_is_misaligned() -> None:
    snap = snapshot(
        contacts=[
            contact("coo", "COO", stance="supporter"),
            contact("cto", "CTO", stance="supporter"),
        ],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["coo"]), interaction(["ae"], ["cto"], "email")],
    )
    a = function_alignment(_graph(snap), S)
    assert a.misaligned
    assert a.reason == "no live tie with the technology side"


def test_stance_values_are_settings() -> None:
    settings = AnalysisSettings(stance_values={"supporter": 2.0, "detractor": -0.5})
    snap = snapshot(
        contacts=[
            contact("coo", "COO", stance="supporter"),
            contact("cfo", "CFO", stance="detractor"),
            contact("cmo", "CMO", stance="neutral"),  # not valued here: left out
        ],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["coo"])],
    )
    a = function_alignment(
        relationship_graph(snap, tie_strengths(snap, settings), settings), settings
    )
    assert a.functions["business"].mean_stance == pytest.approx((2.0 - 0.5) / 2)
