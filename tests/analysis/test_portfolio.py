"""Ranking the portfolio by risk and by value at risk."""

from __future__ import annotations

import pytest

from stakegraph.analysis import build_report
from stakegraph.analysis.portfolio import AccountFailure, PortfolioEntry, rank_portfolio
from stakegraph.settings import AnalysisSettings
from tests.factories import NOW, contact, interaction, member, snapshot

pytestmark = pytest.mark.unit


def entry(account_id: str, score: float, annual_value: float | None) -> PortfolioEntry:
    level = "low" if score < 30 else "medium" if score < 60 else "high"
    return PortfolioEntry(
        account_id=account_id,
        score=score,
        level=level,
        threads=1,
        senior_coverage=0.5,
        going_dark=False,
        days_since_last_interaction=3.0,
        executive_alignment=False,
        misaligned=False,
        single_points_of_failure=[],
        annual_value=annual_value,
        value_at_risk=None if annual_value is None else annual_value * score / 100,
    )


def test_two_rankings_and_totals() -> None:
    p = rank_portfolio(
        [
            entry("big_low", 20.0, 10_000_000),  # 2,000,000 at risk
            entry("small_high", 80.0, 100_000),  # 80,000
            entry("no_value", 90.0, None),
            entry("mid", 50.0, 1_000_000),  # 500,000
            entry("mid_twin", 50.0, 1_000_000),  # same: by id
        ],
        NOW,
        failures=[AccountFailure(account_id="broken", error="bad snapshot")],
    )
    assert [e.account_id for e in p.accounts] == [
        "no_value",
        "small_high",
        "mid",
        "mid_twin",
        "big_low",
    ]
    assert p.by_value_at_risk == ["big_low", "mid", "mid_twin", "small_high", "no_value"]
    assert p.levels == {"high": 2, "medium": 2, "low": 1}
    assert p.total_annual_value == 12_100_000
    assert p.total_value_at_risk == 2_000_000 + 80_000 + 500_000 + 500_000
    assert [f.account_id for f in p.failures] == ["broken"]


def test_equal_scores_rank_by_value_at_risk_first() -> None:
    p = rank_portfolio([entry("a", 50.0, 100), entry("b", 50.0, 1000)], NOW)
    assert [e.account_id for e in p.accounts] == ["b", "a"]


def test_entry_from_a_report() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["cio"])],
        annual_value=300_000,
        name="Acme",
    )
    e = PortfolioEntry.from_report(build_report(snap, AnalysisSettings()))
    # 30 + 0 + 0 + 10 = 40.
    assert (e.account_id, e.account_name, e.score, e.level, e.threads) == (
        "acme",
        "Acme",
        40.0,
        "medium",
        1,
    )
    assert e.value_at_risk == pytest.approx(120_000)
    assert e.single_points_of_failure == ["ae", "cio"]


def test_empty_portfolio() -> None:
    p = rank_portfolio([], NOW)
    assert (p.accounts, p.by_value_at_risk, p.total_value_at_risk) == ([], [], 0.0)
