"""The seed stories (DESIGN.md, ../shared/seeds/), each built as an account and analysed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stakegraph.analysis import build_report
from stakegraph.analysis.key_people import (
    HOLDS_TIE_STRENGTH,
    TAKES_SENIOR_COVERAGE_TO_ZERO,
    TAKES_THREADS_TO_ZERO,
)
from stakegraph.settings import AnalysisSettings
from tests.factories import NOW, contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def test_promoted_sponsor_seed_004() -> None:
    """Sandra was our hero's sponsor; promoted to COO, her successor as CIO has never met us."""
    snap = snapshot(
        contacts=[
            contact("sandra", "Chief Operating Officer", stance="supporter"),
            contact("marcus", "Chief Information Officer", reports_to="sandra", stance="detractor"),
            contact("cfo", "Chief Financial Officer"),
            contact("it_mgr", "IT Manager", reports_to="marcus"),
            contact("dev", "Software Engineer", reports_to="it_mgr"),
        ],
        team=[
            member("ae", "account_exec"),
            member("delivery", "customer_success"),
            member("eng", "sales_engineer"),
        ],
        interactions=[
            # A year of weekly work, all of it with Sandra.
            *(
                interaction(["ae", "delivery", "eng"], ["sandra"], days_ago=7 * week + 3)
                for week in range(12)
            ),
            interaction(["eng"], ["dev"], "message", days_ago=10),
            interaction(["eng"], ["dev"], "message", days_ago=11),
        ],
        name="Globex",
        annual_value=4_000_000,
    )
    r = build_report(snap, S)
    # One thread, and she is the whole cover.
    assert (r.threads.senior, r.threads.cover, r.threads.single_threaded) == (1, ["sandra"], True)
    assert "sandra" in r.single_points_of_failure
    sandra = next(k for k in r.key_people if k.id == "sandra")
    assert sandra.loss.threads == 1
    assert sandra.reasons[:2] == [TAKES_THREADS_TO_ZERO, TAKES_SENIOR_COVERAGE_TO_ZERO]
    # Senior staff: sandra 4 (covered), marcus 4, cfo 4 -> coverage 4/12.
    assert r.coverage.senior == pytest.approx(1 / 3)
    assert r.coverage.uncovered == ["cfo", "marcus"]
    # Reach: marcus reports to the covered sandra -> 8/12.
    assert r.coverage.reach == pytest.approx(2 / 3)
    # The new CIO is recommended, with an introduction through her.
    marcus = next(x for x in r.recommendations if x.contact_id == "marcus")
    assert (marcus.weight, marcus.path) == (4.0, ["ae", "sandra", "marcus"])
    cfo = next(x for x in r.recommendations if x.contact_id == "cfo")
    assert cfo.path is None
    # 30 (one thread) + 30 x 2/3 = 20 + 0 (3 days) + 10 (no executive of ours) = 60: high.
    assert (r.risk.score, r.risk.level) == (60.0, "high")
    assert r.value_at_risk == pytest.approx(4_000_000 * 0.6)

    # And when she is gone, we have nobody at the top.
    after = build_report(snap, S, without=["sandra"])
    assert (after.threads.senior, after.coverage.senior) == (0, 0.0)
    assert [x.path for x in after.recommendations] == [None, None]
    # 40 + 30 + 0 + 10 = 80.
    assert after.risk.score == 80.0


def test_lone_account_exec_seed_002() -> None:
    """A $20M renewal held by one account exec: the relationship hangs on our own rep."""
    snap = snapshot(
        contacts=[
            contact("cio", "CIO", stance="neutral"),
            contact("vp_proc", "VP Procurement", reports_to="cio", stance="detractor"),
            contact("dir_apps", "Director of Applications", reports_to="cio", stance="neutral"),
            contact("admin", "Systems Administrator", reports_to="dir_apps"),
            contact("analyst", "Business Analyst", reports_to="vp_proc"),
        ],
        team=[member("dan", "account_exec"), member("se", "sales_engineer")],
        interactions=[
            *(
                interaction(["dan"], ["cio", "vp_proc", "dir_apps"], days_ago=d, concern=True)
                for d in (5, 20, 35, 50)
            ),
            interaction(["dan"], ["admin", "analyst"], "call", days_ago=8),
            interaction(["se"], ["admin"], "email", days_ago=120),  # long gone: 0.3 x 0.40
        ],
        name="Initech",
        annual_value=20_000_000,
    )
    r = build_report(snap, S)
    # Every senior contact is covered, but through one person: ours.
    assert (r.threads.senior, r.threads.cover) == (1, ["dan"])
    assert r.coverage.senior == 1.0
    assert r.single_points_of_failure[0] == "dan"
    dan = r.key_people[0]
    assert (dan.id, dan.side, dan.loss.threads, dan.loss.senior_coverage) == ("dan", "ours", 1, 1.0)
    assert dan.loss.strength_share == 1.0  # the SE's email is no live tie
    assert dan.reasons == [TAKES_THREADS_TO_ZERO, TAKES_SENIOR_COVERAGE_TO_ZERO, HOLDS_TIE_STRENGTH]
    # Nobody of theirs is irreplaceable: each senior contact can be matched by another.
    assert all(k.side == "ours" for k in r.key_people if k.loss.threads)
    # 30 + 0 + 0 + 10 = 40: medium, and $8M of the renewal at risk.
    assert (r.risk.score, r.risk.level) == (40.0, "medium")
    assert r.value_at_risk == pytest.approx(8_000_000)
    assert not r.executive_alignment
    # Without him, nothing is left.
    after = build_report(snap, S, without=["dan"])
    assert (after.threads.senior, after.threads.all, after.risk.score) == (0, 0, 80.0)


def test_gone_dark_seed_003() -> None:
    """Prospect V: weekly meetings, then silence for weeks after the last one."""
    last_meeting = 40
    snap = snapshot(
        contacts=[
            contact("v_platform", "Director of Platform Engineering", stance="supporter"),
            contact("v_vp", "VP Infrastructure", stance="neutral"),
            contact("v_sre", "Site Reliability Engineer", reports_to="v_platform"),
        ],
        team=[member("cal", "account_exec"), member("me", "sales_engineer")],
        interactions=[
            interaction(["cal", "me"], ["v_platform", "v_sre"], days_ago=last_meeting + 7 * k)
            for k in range(6)
        ],
        name="Customer V",
    )
    r = build_report(snap, S)
    # Weekly rhythm: median gap 7 -> threshold max(30, 21) = 30; 40 days silent.
    assert r.days_since_last_interaction == 40.0
    assert (r.going_dark, r.going_dark_threshold_days, r.median_gap_days) == (True, 30.0, 7.0)
    # Recency part: 20 x (40 - 30) / 60 = 3.3333.
    assert r.risk.parts.recency == pytest.approx(3.3333)
    # Six meetings 40-75 days ago still make live ties: 0.5 ** (40/90) + ... > 0.5.
    assert r.threads.senior == 1
    assert r.coverage.uncovered == ["v_vp"]
    # A week earlier it had already gone dark (33 days); twelve days earlier not yet (28).
    earlier = build_report(
        snapshot(snap.contacts, snap.team, snap.interactions, as_of=NOW - timedelta(days=7)), S
    )
    assert (earlier.days_since_last_interaction, earlier.going_dark) == (33.0, True)
    earliest = build_report(
        snapshot(snap.contacts, snap.team, snap.interactions, as_of=NOW - timedelta(days=12)), S
    )
    assert (earliest.days_since_last_interaction, earliest.going_dark) == (28.0, False)


def test_misaligned_sponsors_seed_000() -> None:
    """Business sponsors blame the technology; the technologists are unhappy with us."""
    snap = snapshot(
        contacts=[
            contact("sponsor", "Chief Operating Officer", stance="supporter"),
            contact("biz_vp", "VP Business Operations", stance="supporter", reports_to="sponsor"),
            contact("cto", "Chief Technology Officer", stance="detractor"),
            contact("architect", "Enterprise Architect", stance="detractor", reports_to="cto"),
            contact("dev_lead", "Development Manager", stance="neutral", reports_to="cto"),
        ],
        team=[member("boss", "executive"), member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["boss", "ae"], ["sponsor", "biz_vp"], days_ago=1),
            interaction(["se"], ["cto", "architect", "dev_lead"], days_ago=1),
            interaction(["se"], ["architect"], "call", days_ago=15),
        ],
        name="Umbrella",
    )
    r = build_report(snap, S)
    business = r.alignment.functions["business"]
    technology = r.alignment.functions["technology"]
    assert business.mean_stance == 1.0
    # Technology: detractor, detractor, neutral -> (-1 - 1 + 0) / 3.
    assert technology.mean_stance == pytest.approx(-2 / 3)
    assert r.alignment.misaligned
    assert "pull apart" in r.alignment.reason
    # We talk to both sides (boss-sponsor is even executive alignment), just not to one story.
    assert r.executive_alignment
    assert (business.covered, technology.covered) == (2, 3)


def test_healthy_executive_coverage_seed_001() -> None:
    """The boss sees the customer; many threads at the top, recent contact: low risk."""
    snap = snapshot(
        contacts=[
            contact("ceo", "CEO", stance="supporter"),
            contact("cio", "CIO", reports_to="ceo", stance="supporter"),
            contact("cfo", "CFO", reports_to="ceo", stance="neutral"),
            contact("vp_ops", "VP Operations", reports_to="cfo", stance="supporter"),
            contact("dir_it", "Director IT", reports_to="cio", stance="neutral"),
            contact("eng", "Engineer", reports_to="dir_it", stance="supporter"),
        ],
        team=[
            member("our_ceo", "executive"),
            member("ae", "account_exec"),
            member("se", "sales_engineer"),
            member("csm", "customer_success"),
        ],
        interactions=[
            interaction(["our_ceo"], ["ceo"], days_ago=10),
            interaction(["ae"], ["cfo", "vp_ops"], days_ago=4),
            interaction(["se"], ["cio", "dir_it", "eng"], days_ago=6),
            interaction(["csm"], ["dir_it", "vp_ops"], "call", days_ago=2),
        ],
        name="Initrode",
        annual_value=1_000_000,
    )
    r = build_report(snap, S)
    # Four of ours, each matched to a different senior contact.
    assert r.threads.senior == 4
    assert r.coverage.senior == 1.0
    assert r.executive_alignment and r.executive_ties == [("our_ceo", "ceo")]
    # 0 + 0 + 0 + 0.
    assert (r.risk.score, r.risk.level) == (0.0, "low")
    assert not r.going_dark
    assert r.recommendations == []
    assert r.single_points_of_failure == []
