"""Key people and single points of failure on both sides, with each person's loss."""

from __future__ import annotations

import pytest

from stakegraph.analysis.graph import relationship_graph
from stakegraph.analysis.key_people import (
    HOLDS_TIE_STRENGTH,
    TAKES_SENIOR_COVERAGE_TO_ZERO,
    TAKES_THREADS_TO_ZERO,
    key_people,
)
from stakegraph.analysis.ties import tie_strengths
from stakegraph.errors import ValidationFailed
from stakegraph.settings import AnalysisSettings
from tests.factories import contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _losses(snap, **kw):  # type: ignore[no-untyped-def]
    return key_people(relationship_graph(snap, tie_strengths(snap, S), S), **kw)


def test_losses_on_both_sides() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("vp", "VP Sales"), contact("dev", "Developer")],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["ae"], ["cio", "vp"]),  # ae-cio 1.0, ae-vp 1.0
            interaction(["ae"], ["dev"]),  # ae-dev 2.0
            interaction(["ae"], ["dev"]),
            interaction(["se"], ["dev"], days_ago=90),  # se-dev 0.5
        ],
    )
    losses = {p.id: p for p in _losses(snap)}
    # Live strength: 1 + 1 + 2 + 0.5 = 4.5. ae holds 4, dev 2.5, cio 1, vp 1, se 0.5.
    assert [p.id for p in _losses(snap)] == ["ae", "dev", "cio", "vp", "se"]
    ae = losses["ae"]
    # Senior threads: only ae reaches cio and vp, so 1 thread and ae is in every matching.
    # Coverage: cio 4 + vp 3 covered, all through ae: 7/7 -> 0/7.
    assert (ae.side, ae.threads, ae.senior_coverage) == ("ours", 1, 1.0)
    assert ae.strength_share == pytest.approx(4 / 4.5)
    assert ae.reasons == [TAKES_THREADS_TO_ZERO, TAKES_SENIOR_COVERAGE_TO_ZERO, HOLDS_TIE_STRENGTH]
    dev = losses["dev"]
    assert (dev.side, dev.threads, dev.senior_coverage) == ("theirs", 0, 0.0)
    assert dev.strength_share == pytest.approx(2.5 / 4.5)
    assert dev.reasons == [HOLDS_TIE_STRENGTH]
    # Without the CIO: vp 3 of 3 still covered -> coverage stays 1.0, the VP keeps the thread.
    cio = losses["cio"]
    assert (cio.threads, cio.senior_coverage, cio.single_point_of_failure) == (0, 0.0, False)
    assert cio.strength_share == pytest.approx(1 / 4.5)
    assert losses["se"].strength_share == pytest.approx(0.5 / 4.5)
    assert not losses["se"].single_point_of_failure


def test_two_people_tied_at_equal_strength_both_hold_half() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("cfo", "CFO")],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[interaction(["ae"], ["cio"]), interaction(["se"], ["cfo"])],
    )
    losses = _losses(snap)
    # Two threads; each pair holds 1.0 of 2.0 = exactly half: all four hold >= half.
    # Our two each cost half the coverage (4 of 8), theirs none (the other covers 4 of 4),
    # so ours come first, then by id.
    assert [p.id for p in losses] == ["ae", "se", "cfo", "cio"]
    for p in losses:
        assert p.threads == 1  # each is in the only maximum matching
        assert p.strength_share == 0.5
        assert p.reasons == [HOLDS_TIE_STRENGTH]
    # Coverage without the CFO: 4 of 4 (only the CIO is left) -> no loss.
    assert {p.id: p.senior_coverage for p in losses}["cfo"] == 0.0
    # Coverage without ae: 4 of 8 -> loss 0.5.
    assert {p.id: p.senior_coverage for p in losses}["ae"] == 0.5


def test_a_higher_share_threshold_spares_the_pair() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("cfo", "CFO")],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[interaction(["ae"], ["cio"]), interaction(["se"], ["cfo"])],
    )
    assert not any(p.single_point_of_failure for p in _losses(snap, spof_strength_share=0.6))


def test_people_without_a_live_tie_are_not_listed() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("cold", "CFO")],
        team=[member("ae"), member("idle", "support")],
        interactions=[interaction(["ae"], ["cio"]), interaction(["idle"], ["cold"], "email")],
    )
    assert [p.id for p in _losses(snap)] == ["ae", "cio"]


def test_share_threshold_must_be_a_share() -> None:
    with pytest.raises(ValidationFailed):
        _losses(snapshot(), spof_strength_share=1.5)
