"""The risk score: four parts that add up, and its level."""

from __future__ import annotations

import pytest

from stakegraph.analysis.risk import (
    executive_alignment_points,
    recency_points,
    risk_level,
    risk_score,
    senior_coverage_points,
    threads_points,
)
from stakegraph.errors import ValidationFailed
from stakegraph.settings import AnalysisSettings

pytestmark = pytest.mark.unit

S = AnalysisSettings()


@pytest.mark.parametrize(("threads", "points"), [(0, 40), (1, 30), (2, 15), (3, 0), (9, 0)])
def test_threads_part(threads: int, points: float) -> None:
    assert threads_points(threads, S) == points


@pytest.mark.parametrize(
    ("coverage", "points"), [(0.0, 30.0), (0.25, 22.5), (2 / 3, 10.0), (1.0, 0.0)]
)
def test_senior_coverage_part(coverage: float, points: float) -> None:
    assert senior_coverage_points(coverage, S) == pytest.approx(points)


@pytest.mark.parametrize(
    ("days", "points"),
    [
        (0, 0.0),
        (30, 0.0),
        (45, 5.0),  # 20 x (45 - 30) / (90 - 30)
        (60, 10.0),
        (89.1, 19.7),  # 20 x 59.1 / 60
        (90, 20.0),
        (365, 20.0),
        (None, 20.0),  # never talked to
    ],
)
def test_recency_part(days: float | None, points: float) -> None:
    assert recency_points(days, S) == pytest.approx(points)


def test_executive_alignment_part() -> None:
    assert (executive_alignment_points(True, S), executive_alignment_points(False, S)) == (0, 10)


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "low"), (29.9999, "low"), (30, "medium"), (59.9, "medium"), (60, "high")],
)
def test_levels(score: float, level: str) -> None:
    assert risk_level(score, S) == level


def test_score_is_the_sum_of_its_parts() -> None:
    # 2 threads -> 15; coverage 1/3 -> 30 x 2/3 = 20; 75 days -> 20 x 45/60 = 15; aligned -> 0.
    r = risk_score(2, 1 / 3, 75.0, True, S)
    assert (r.threads, r.senior_coverage, r.recency, r.executive_alignment) == (15, 20, 15, 0)
    assert (r.score, r.level) == (50.0, "medium")


def test_worst_and_best() -> None:
    assert risk_score(0, 0.0, None, False, S).score == 100.0
    assert risk_score(5, 1.0, 1.0, True, S).score == 0.0


def test_parts_are_rounded_before_adding() -> None:
    r = risk_score(1, 1 / 7, 31.0, True, S)
    # 30 x 6/7 = 25.714285... -> 25.7143; 20 x 1/60 = 0.3333...; sum of the rounded parts.
    assert (r.senior_coverage, r.recency) == (25.7143, 0.3333)
    assert r.score == round(30 + 25.7143 + 0.3333, 4)


def test_measures_out_of_range_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        risk_score(-1, 0.5, 0.0, True, S)
    with pytest.raises(ValidationFailed):
        risk_score(1, 1.5, 0.0, True, S)


@pytest.mark.parametrize(
    "settings",
    [
        AnalysisSettings(threads_points=[]),
        AnalysisSettings(threads_points=[60.0, 0.0]),  # 60 + 30 + 20 + 10 > 100
        AnalysisSettings(recency_points=-1.0),
        AnalysisSettings(recency_quiet_days=90.0, recency_full_days=30.0),
    ],
)
def test_settings_that_break_the_scale_are_refused(settings: AnalysisSettings) -> None:
    with pytest.raises(ValidationFailed):
        risk_score(1, 0.5, 10.0, True, settings)
