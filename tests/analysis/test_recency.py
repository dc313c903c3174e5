"""Going dark: silence longer than max(30 days, 3 x the median gap of the last 10 interactions)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from stakegraph.analysis.recency import interaction_times, recency
from stakegraph.errors import ValidationFailed
from stakegraph.settings import AnalysisSettings
from tests.factories import NOW, aggregated, interaction, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _ago(*days: float) -> list:  # type: ignore[type-arg]
    return [NOW - timedelta(days=d) for d in days]


def test_never_talked_to() -> None:
    r = recency([], NOW, S)
    assert (r.days_since_last_interaction, r.going_dark, r.threshold_days) == (None, False, 30.0)
    assert r.last_interaction_at is None and r.median_gap_days is None


def test_one_interaction_uses_the_minimum_threshold() -> None:
    assert recency(_ago(31), NOW, S).going_dark
    assert not recency(_ago(30), NOW, S).going_dark  # strictly more than the threshold
    assert recency(_ago(29.5), NOW, S).days_since_last_interaction == 29.5


def test_a_slow_rhythm_raises_the_threshold() -> None:
    # Quarterly: gaps of 90 days, median 90, threshold 3 x 90 = 270; silent for 100 days.
    r = recency(_ago(100, 190, 280, 370), NOW, S)
    assert (r.median_gap_days, r.threshold_days, r.going_dark) == (90.0, 270.0, False)


def test_even_number_of_gaps_takes_the_middle_mean() -> None:
    # Gaps 10, 12, 14, 16 -> median 13 -> threshold 39.
    times = _ago(40, 50, 62, 76, 92)
    r = recency(times, NOW, S)
    assert (r.median_gap_days, r.threshold_days, r.going_dark) == (13.0, 39.0, True)
    assert not recency(_ago(39, 49, 61, 75, 91), NOW, S).going_dark


def test_only_the_last_ten_interactions_set_the_rhythm() -> None:
    recent = [40 + 5 * k for k in range(10)]  # 40, 45, ..., 85: nine gaps of 5 days
    older = [185 + 100 * k for k in range(20)]  # twenty gaps of 100 days before that
    r = recency(_ago(*recent, *older), NOW, S)
    # Over the last 10: median 5 -> threshold max(30, 15) = 30 < 40 days silent.
    assert (r.median_gap_days, r.threshold_days, r.going_dark) == (5.0, 30.0, True)


def test_settings_change_the_rule() -> None:
    settings = AnalysisSettings(going_dark_min_days=60, going_dark_gap_factor=2)
    r = recency(_ago(40, 47), NOW, settings)
    assert (r.threshold_days, r.going_dark) == (60.0, False)


def test_times_after_the_as_of_time_are_ignored() -> None:
    r = recency([*_ago(45), NOW + timedelta(days=3)], NOW, S)
    assert r.days_since_last_interaction == 45.0


def test_times_from_interactions_or_from_the_store() -> None:
    snap = snapshot(
        interactions=[
            interaction(["ae"], ["cio"], days_ago=3),
            interaction(["ae"], ["cio"], days_ago=10),
            interaction(["ae"], ["cio"], at=NOW + timedelta(days=1)),
        ]
    )
    assert interaction_times(snap) == _ago(10, 3)
    assert interaction_times(aggregated(snap)) == _ago(10, 3)
    # The store's recent times (newest first) win over the interaction list.
    assert interaction_times(replace(snap, recent_times=tuple(_ago(1, 2)))) == _ago(2, 1)


def test_window_must_hold_a_gap() -> None:
    with pytest.raises(ValidationFailed):
        recency([], NOW, AnalysisSettings(going_dark_gap_window=1))
