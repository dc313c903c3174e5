"""Properties that hold for every account (hypothesis)."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stakegraph.analysis import build_report
from stakegraph.analysis.report import Report
from stakegraph.analysis.threads import hopcroft_karp, koenig_cover
from stakegraph.model import AccountSnapshot
from stakegraph.settings import AnalysisSettings
from tests.factories import aggregated, contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()
SENIORITIES = ["c_level", "vp", "director", "manager", "individual", "unknown"]
ROLES = ["executive", "account_exec", "sales_engineer", "customer_success"]
KINDS = ["meeting", "call", "email", "event", "message"]
STANCES = ["supporter", "neutral", "detractor", "unknown"]
FUNCTIONS = ["business", "technology", "other"]


@st.composite
def accounts(draw: st.DrawFn) -> AccountSnapshot:
    """A small random account: up to 4 of ours, 7 of theirs, 12 interactions."""
    n_team = draw(st.integers(0, 4))
    n_contacts = draw(st.integers(0, 7))
    team_ids = [f"t{i}" for i in range(n_team)]
    contact_ids = [f"c{i}" for i in range(n_contacts)]
    team = [member(t, draw(st.sampled_from(ROLES))) for t in team_ids]
    contacts = []
    for i, c in enumerate(contact_ids):
        others = [x for x in contact_ids if x != c]
        contacts.append(
            contact(
                c,
                seniority=draw(st.sampled_from(SENIORITIES)),
                function=draw(st.sampled_from(FUNCTIONS)),
                stance=draw(st.sampled_from(STANCES)),
                status="left" if draw(st.integers(0, 9)) == 0 else "active",
                buying_roles=["economic_buyer"] if draw(st.integers(0, 5)) == 0 else [],
                reports_to=draw(st.sampled_from([None, *others])) if others and i % 3 else None,
            )
        )
    interactions = []
    if team_ids and contact_ids:
        for _ in range(draw(st.integers(0, 12))):
            interactions.append(
                interaction(
                    draw(st.lists(st.sampled_from(team_ids), min_size=1, max_size=2)),
                    draw(st.lists(st.sampled_from(contact_ids), min_size=1, max_size=3)),
                    draw(st.sampled_from(KINDS)),
                    days_ago=draw(st.sampled_from([0, 1, 30, 45, 90, 120, 200])),
                )
            )
    return snapshot(contacts, team, interactions)


def _people(snap: AccountSnapshot) -> list[str]:
    return sorted([m.id for m in snap.team] + [c.id for c in snap.contacts])


def _live_senior_ties(report: Report) -> list[tuple[str, str]]:
    senior = set(report.coverage.senior_staff)
    return [(t.team_id, t.contact_id) for t in report.ties if t.live and t.contact_id in senior]


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(accounts())
def test_threads_equal_the_size_of_the_cover_and_the_cover_covers(snap: AccountSnapshot) -> None:
    r = build_report(snap, S)
    assert r.threads.senior == len(r.threads.cover) == len(r.threads.matching)
    assert r.threads.all == len(r.threads.all_cover)
    assert r.threads.senior <= r.threads.all
    for team_id, contact_id in _live_senior_ties(r):
        assert team_id in r.threads.cover or contact_id in r.threads.cover
    for t in r.ties:
        if t.live:
            assert t.team_id in r.threads.all_cover or t.contact_id in r.threads.all_cover


@FAST
@given(accounts())
def test_removing_a_person_never_raises_threads_and_costs_what_key_people_say(
    snap: AccountSnapshot,
) -> None:
    r = build_report(snap, S)
    losses = {k.id: k.loss for k in r.key_people}
    for person in _people(snap):
        after = build_report(snap, S, without=[person])
        assert after.threads.senior <= r.threads.senior
        assert after.threads.all <= r.threads.all
        if person in losses:
            assert r.threads.senior - after.threads.senior == losses[person].threads
            drop = max(0.0, r.coverage.senior - after.coverage.senior)
            assert losses[person].senior_coverage == pytest.approx(drop, abs=1e-9)
        else:
            assert after.threads.senior == r.threads.senior


@FAST
@given(accounts())
def test_score_is_within_0_and_100_and_the_sum_of_its_parts(snap: AccountSnapshot) -> None:
    r = build_report(snap, S)
    parts = r.risk.parts
    total = parts.threads + parts.senior_coverage + parts.recency + parts.executive_alignment
    assert 0.0 <= r.risk.score <= 100.0
    assert r.risk.score == pytest.approx(total, abs=1e-9)
    assert r.risk.level == ("low" if total < 30 else "medium" if total < 60 else "high")


@FAST
@given(accounts())
def test_aggregates_and_interactions_agree(snap: AccountSnapshot) -> None:
    raw = build_report(snap, S).model_dump(mode="json")
    agg = build_report(aggregated(snap), S).model_dump(mode="json")
    assert raw == agg


@FAST
@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from("uvwxyz")), min_size=0, max_size=20
    )
)
def test_hopcroft_karp_is_maximum_and_koenig_is_minimum(edges: list[tuple[str, str]]) -> None:
    B = nx.Graph(edges)
    top = [n for n in B if n in "abcdef"]
    matching = hopcroft_karp(B, top)
    expected = nx.bipartite.hopcroft_karp_matching(B, top) if edges else {}
    assert len(matching) == len(expected)
    for u, v in matching.items():
        assert B.has_edge(u, v) and matching[v] == u
    cover = koenig_cover(B, matching, top)
    assert len(cover) == len(matching) // 2
    assert all(u in cover or v in cover for u, v in B.edges())


@FAST
@given(accounts(), st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_single_points_of_failure_alone_are_the_head_of_the_key_people(
    snap: AccountSnapshot, share: float
) -> None:
    # The report finds them looking at the few who can be one; the whole list must agree.
    from stakegraph.analysis.graph import live_ties, relationship_graph
    from stakegraph.analysis.key_people import key_people
    from stakegraph.analysis.ties import tie_strengths

    G = relationship_graph(snap, tie_strengths(snap, S), S)
    everyone = key_people(G, spof_strength_share=share, live=live_ties(G))
    alone = key_people(
        G, spof_strength_share=share, live=live_ties(G), only_single_points_of_failure=True
    )
    assert alone == [p for p in everyone if p.single_point_of_failure]
    report = build_report(snap, AnalysisSettings(spof_strength_share=share))
    assert report.single_points_of_failure == [
        k.id for k in report.key_people if k.single_point_of_failure
    ]
    assert len(report.key_people) == len(everyone)
