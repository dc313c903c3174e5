"""Tie strength: kind weight x 0.5 ** (age / 90 days), summed per pair; live from 0.5."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stakegraph.analysis.ties import interaction_weight, tie_strengths
from stakegraph.errors import ValidationFailed
from stakegraph.settings import AnalysisSettings
from tests.factories import NOW, aggregated, interaction, snapshot, tie_aggregates

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _by_pair(snap: object) -> dict[tuple[str, str], tuple[float, bool, int]]:
    return {
        (t.team_id, t.contact_id): (t.strength, t.live, t.interactions)
        for t in tie_strengths(snap, S)  # type: ignore[arg-type]
    }


def test_strength_sums_kind_weight_times_half_life_decay() -> None:
    snap = snapshot(
        interactions=[
            interaction(["ae"], ["cio"], "meeting", days_ago=0),  # 1.0 x 1      = 1.0
            interaction(["ae"], ["cio"], "call", days_ago=90),  # 0.8 x 0.5      = 0.4
            interaction(["ae"], ["cio"], "email", days_ago=180),  # 0.3 x 0.25   = 0.075
            interaction(["ae"], ["cio"], "event", days_ago=270),  # 0.5 x 0.125  = 0.0625
            interaction(["ae"], ["cio"], "message", days_ago=90),  # 0.2 x 0.5   = 0.1
        ]
    )
    strength, live, count = _by_pair(snap)[("ae", "cio")]
    assert strength == pytest.approx(1.0 + 0.4 + 0.075 + 0.0625 + 0.1)
    assert live and count == 5


def test_every_team_contact_pair_of_a_meeting_shares_it() -> None:
    snap = snapshot(interactions=[interaction(["ae", "se"], ["cio", "cto"], days_ago=0)])
    ties = _by_pair(snap)
    assert set(ties) == {("ae", "cio"), ("ae", "cto"), ("se", "cio"), ("se", "cto")}
    assert all(strength == 1.0 for strength, _, _ in ties.values())


def test_live_threshold_is_inclusive_and_decay_kills_old_ties() -> None:
    snap = snapshot(
        interactions=[
            interaction(["ae"], ["a"], "meeting", days_ago=90),  # 1.0 x 0.5 = 0.5: live
            interaction(["ae"], ["b"], "meeting", days_ago=91),  # just under 0.5: not live
            interaction(["ae"], ["c"], "email", days_ago=0),  # 0.3: not live
            interaction(["ae"], ["d"], "email", days_ago=0),  # 0.3 + 0.3 = 0.6: live
            interaction(["ae"], ["d"], "email", days_ago=0),
        ]
    )
    ties = _by_pair(snap)
    assert ties[("ae", "a")][:2] == (pytest.approx(0.5), True)
    assert ties[("ae", "b")][1] is False
    assert ties[("ae", "c")][:2] == (pytest.approx(0.3), False)
    assert ties[("ae", "d")][:2] == (pytest.approx(0.6), True)


def test_interactions_after_the_as_of_time_have_not_happened_yet() -> None:
    snap = snapshot(
        interactions=[
            interaction(["ae"], ["cio"], days_ago=0),
            interaction(["ae"], ["cio"], at=NOW + timedelta(days=1)),
            interaction(["ae"], ["cto"], at=NOW + timedelta(days=1)),
        ]
    )
    assert _by_pair(snap) == {("ae", "cio"): (1.0, True, 1)}


def test_unanswered_outbound_email_counts_only_when_the_setting_says_so() -> None:
    mails = [
        interaction(["ae"], ["cio"], "email", direction="outbound", answered=False),
        interaction(["ae"], ["cio"], "email", direction="outbound", answered=True),
        interaction(["ae"], ["cio"], "email", direction="inbound"),
    ]
    snap = snapshot(interactions=mails)
    # Two of three count: 0.3 + 0.3.
    assert _by_pair(snap)[("ae", "cio")][:1] == (pytest.approx(0.6),)
    counting = AnalysisSettings(count_unanswered_outbound_email=True)
    (tie,) = tie_strengths(snap, counting)
    assert tie.strength == pytest.approx(0.9)


def test_weights_and_half_life_are_settings() -> None:
    settings = AnalysisSettings(half_life_days=30.0, kind_weights={"meeting": 2.0})
    snap = snapshot(
        interactions=[
            interaction(["ae"], ["cio"], "meeting", days_ago=30),  # 2.0 x 0.5
            interaction(["ae"], ["cio"], "call", days_ago=0),  # no weight: 0
        ]
    )
    (tie,) = tie_strengths(snap, settings)
    assert tie.strength == pytest.approx(1.0)


def test_aggregates_give_the_same_strengths_as_the_interactions() -> None:
    snap = snapshot(
        interactions=[
            interaction(["ae"], ["cio"], "meeting", days_ago=3.5),
            interaction(["ae", "se"], ["cio", "dev"], "call", days_ago=44),
            interaction(
                ["se"], ["dev"], "email", days_ago=200, direction="outbound", answered=False
            ),
            interaction(["se"], ["dev"], "message", days_ago=1),
        ]
    )
    raw = tie_strengths(snap, S)
    from_aggregates = tie_strengths(aggregated(snap), S)
    assert [(t.team_id, t.contact_id) for t in raw] == [
        (t.team_id, t.contact_id) for t in from_aggregates
    ]
    for a, b in zip(raw, from_aggregates, strict=True):
        assert b.strength == pytest.approx(a.strength, rel=1e-9)
        assert a.live == b.live


def test_aggregates_after_the_as_of_time_are_refused() -> None:
    later = snapshot(interactions=[interaction(["ae"], ["cio"], at=NOW + timedelta(days=2))])
    ties = tie_aggregates(later.interactions)
    snap = aggregated(snapshot())
    from dataclasses import replace

    with pytest.raises(ValidationFailed, match="after the as-of time"):
        tie_strengths(replace(snap, ties=ties), S)


def test_aggregates_kept_with_another_half_life_are_refused() -> None:
    snap = aggregated(snapshot(interactions=[interaction(["ae"], ["cio"])]), half_life_days=30)
    with pytest.raises(ValidationFailed, match="half-life"):
        tie_strengths(snap, S)


def test_interaction_weight_refuses_the_future() -> None:
    with pytest.raises(ValidationFailed):
        interaction_weight(interaction(["ae"], ["cio"], days_ago=-1), NOW, S)


def test_non_positive_half_life_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        tie_strengths(snapshot(), AnalysisSettings(half_life_days=0))
