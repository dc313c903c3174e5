"""The report as a whole: edge cases, what-if, the JSON contract, and both snapshot forms."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from stakegraph.analysis import build_report, what_if
from stakegraph.errors import NotFoundError, ValidationFailed
from stakegraph.settings import AnalysisSettings
from tests.factories import NOW, aggregated, contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()

CONTRACT = [
    "account_id",
    "as_of",
    "risk.score",
    "risk.level",
    "risk.parts.threads",
    "risk.parts.senior_coverage",
    "risk.parts.recency",
    "risk.parts.executive_alignment",
    "threads.senior",
    "threads.all",
    "threads.cover",
    "coverage.senior",
    "coverage.reach",
    "coverage.uncovered",
    "single_points_of_failure",
    "key_people",
    "days_since_last_interaction",
    "going_dark",
    "executive_alignment",
    "alignment.misaligned",
    "alignment.functions",
    "recommendations",
]


def _get(doc: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        doc = doc[key]
    return doc


def test_no_interactions() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("dev", "Developer")], team=[member("ae")]
    )
    r = build_report(snap, S)
    assert (r.threads.senior, r.threads.all, r.threads.cover) == (0, 0, [])
    assert (r.coverage.senior, r.coverage.reach, r.coverage.uncovered) == (0.0, 0.0, ["cio"])
    assert (r.days_since_last_interaction, r.going_dark, r.last_interaction_at) == (
        None,
        False,
        None,
    )
    # 40 (no thread) + 30 x (1 - 0) + 20 (never talked to) + 10 (no executive tie) = 100.
    assert (r.risk.score, r.risk.level) == (100.0, "high")
    assert r.key_people == [] and r.single_points_of_failure == []
    assert [(x.contact_id, x.path) for x in r.recommendations] == [("cio", None)]
    assert r.alignment.misaligned  # no live tie on either side
    assert r.ties == []


def test_no_senior_staff_counts_as_no_coverage() -> None:
    snap = snapshot(
        contacts=[contact("dev", "Developer"), contact("ops", "Operations Analyst")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["dev", "ops"], days_ago=2)],
    )
    r = build_report(snap, S)
    assert (r.threads.senior, r.threads.all) == (0, 1)
    assert (r.coverage.senior, r.coverage.senior_staff, r.recommendations) == (0.0, [], [])
    # 40 + 30 + 0 (2 days) + 10 = 80: a relationship with nobody who decides.
    assert r.risk.score == 80.0
    assert r.risk.parts.senior_coverage == 30.0
    # ae holds all of it (2 of 2), dev and ops half each.
    assert r.single_points_of_failure == ["ae", "dev", "ops"]


def test_only_our_side() -> None:
    snap = snapshot(team=[member("ae"), member("boss", "executive")])
    r = build_report(snap, S)
    assert (r.threads.senior, r.coverage.senior, r.risk.score) == (0, 0.0, 100.0)
    assert [p.id for p in r.people] == ["ae", "boss"]
    assert set(r.alignment.functions) == {"business", "technology", "other"}


def test_a_contact_with_no_ties() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("cfo", "CFO")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["cio"])],
    )
    r = build_report(snap, S)
    assert "cfo" in [p.id for p in r.people]
    assert "cfo" not in [k.id for k in r.key_people]
    assert r.coverage.uncovered == ["cfo"]
    assert [(x.contact_id, x.weight, x.path) for x in r.recommendations] == [("cfo", 4.0, None)]
    assert r.coverage.senior == 0.5


def test_a_reports_to_cycle_is_analysed() -> None:
    snap = snapshot(
        contacts=[contact("a", "VP Ops", reports_to="b"), contact("b", "CFO", reports_to="a")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["a"])],
    )
    r = build_report(snap, S)
    # a (3) covered, b (4) one step away: coverage 3/7, reach 7/7.
    assert r.coverage.senior == pytest.approx(3 / 7)
    assert r.coverage.reach == 1.0
    assert r.recommendations[0].path == ["ae", "a", "b"]


def test_contacts_who_left_are_out_of_the_live_graph() -> None:
    snap = snapshot(
        contacts=[contact("old_cio", "CIO", status="left"), contact("cfo", "CFO")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["old_cio"])],
    )
    r = build_report(snap, S)
    assert r.threads.senior == 0
    assert r.coverage.senior_staff == ["cfo"]
    assert "old_cio" not in [p.id for p in r.people]
    # The meeting with the CIO who left still touched the account today.
    assert r.days_since_last_interaction == 0.0


def test_value_at_risk_and_people() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO", stance="supporter")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["cio"], days_ago=60)],
        annual_value=2_000_000,
        name="Acme Corp",
    )
    r = build_report(snap, S)
    # 30 (one thread) + 0 (full coverage) + 10 (60 days) + 10 (no executive) = 50.
    assert r.risk.score == 50.0
    assert r.value_at_risk == pytest.approx(2_000_000 * 0.5)
    assert r.account_name == "Acme Corp"
    cio = next(p for p in r.people if p.id == "cio")
    assert (cio.side, cio.seniority, cio.senior, cio.weight, cio.stance) == (
        "theirs",
        "c_level",
        True,
        4.0,
        "supporter",
    )
    (tie,) = r.ties
    assert (tie.team_id, tie.contact_id, tie.live, tie.interactions) == ("ae", "cio", True, 1)
    assert tie.strength == pytest.approx(0.5 ** (60 / 90))
    assert build_report(snapshot(), S).value_at_risk is None


def test_json_keeps_the_contract_names_and_rounds_to_four_decimals() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("cfo", "CFO"), contact("vp", "VP Sales")],
        team=[member("ae")],
        interactions=[interaction(["ae"], ["cio"], days_ago=40)],
        annual_value=1000,
    )
    doc = json.loads(build_report(snap, S).model_dump_json())
    for name in CONTRACT:
        _get(doc, name)
    assert doc["as_of"] == "2024-06-01T12:00:00Z"
    # Coverage 4/11 = 0.363636... -> 0.3636.
    assert doc["coverage"]["senior"] == 0.3636
    assert doc["key_people"][0].keys() >= {"id", "side", "loss"}
    assert doc["recommendations"][0].keys() >= {"contact_id", "weight", "path"}
    parts = doc["risk"]["parts"]
    assert doc["risk"]["score"] == pytest.approx(sum(parts.values()), abs=1e-9)


def test_what_if_removes_people_on_either_side() -> None:
    snap = snapshot(
        contacts=[contact("cio", "CIO"), contact("cfo", "CFO")],
        team=[member("ae"), member("se", "sales_engineer")],
        interactions=[interaction(["ae"], ["cio"]), interaction(["se"], ["cfo"])],
    )
    base = build_report(snap, S)
    assert base.threads.senior == 2
    r = build_report(snap, S, without=["se"])
    assert (r.removed, r.threads.senior, r.coverage.uncovered) == (["se"], 1, ["cfo"])
    r = build_report(snap, S, without=["cio", "se"])
    assert (r.removed, r.threads.senior) == (["cio", "se"], 0)
    change = what_if(snap, S, ["ae"])
    assert (change.before.threads.senior, change.after.threads.senior) == (2, 1)
    assert change.threads_change == -1
    # Threads part 15 -> 30; coverage 0 -> 30 x 1/2 = 15: +30.
    assert change.score_change == pytest.approx(30.0)


def test_what_if_of_somebody_unknown_is_refused() -> None:
    with pytest.raises(NotFoundError, match="nobody"):
        build_report(snapshot(team=[member("ae")]), S, without=["ghost"])


def test_inconsistent_snapshot_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        build_report(snapshot(contacts=[contact("x", "CIO")], team=[member("x")]), S)


def _story_snapshot():  # type: ignore[no-untyped-def]
    return snapshot(
        contacts=[
            contact("ceo", "CEO", stance="supporter"),
            contact("cio", "CIO", reports_to="ceo", stance="detractor"),
            contact("vp", "VP Finance", reports_to="ceo", stance="neutral"),
            contact("dir", "Director IT", reports_to="cio"),
            contact("dev", "Developer", reports_to="dir"),
        ],
        team=[member("boss", "executive"), member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["ae"], ["vp"], days_ago=5),
            interaction(["ae", "se"], ["dir", "dev"], "call", days_ago=20),
            interaction(["se"], ["dev"], "message", days_ago=33),
            interaction(["boss"], ["ceo"], "event", days_ago=100),
            interaction(
                ["ae"], ["cio"], "email", days_ago=12, direction="outbound", answered=False
            ),
            interaction(["se"], ["cio"], "meeting", days_ago=170),
        ],
        annual_value=50_000,
    )


def test_aggregates_give_the_same_report_as_the_interactions() -> None:
    snap = _story_snapshot()
    raw = build_report(snap, S).model_dump(mode="json")
    agg = build_report(aggregated(snap), S).model_dump(mode="json")
    # Interaction counts per tie include the unanswered mail in the aggregate; strengths agree.
    for doc in (raw, agg):
        for tie in doc["ties"]:
            tie.pop("interactions")
    assert raw == agg
    without = build_report(snap, S, without=["ae"]).model_dump(mode="json")
    without_agg = build_report(aggregated(snap), S, without=["ae"]).model_dump(mode="json")
    for doc in (without, without_agg):
        for tie in doc["ties"]:
            tie.pop("interactions")
    assert without == without_agg


def test_a_past_as_of_rewinds_the_account() -> None:
    snap = _story_snapshot()
    from dataclasses import replace

    earlier = build_report(replace(snap, as_of=NOW - timedelta(days=30)), S)
    # Thirty days ago only the message of 33 days ago (then 3), the event of 100 and the meeting
    # of 170 had happened.
    assert earlier.days_since_last_interaction == pytest.approx(3.0)
    assert {(t.team_id, t.contact_id) for t in earlier.ties} == {
        ("se", "dev"),
        ("boss", "ceo"),
        ("se", "cio"),
    }
    boss_ceo = next(t for t in earlier.ties if t.team_id == "boss")
    assert boss_ceo.strength == pytest.approx(0.5 * 0.5 ** (70 / 90))


def test_the_report_is_the_same_in_every_run() -> None:
    first = build_report(_story_snapshot(), S).model_dump_json()
    for _ in range(3):
        assert build_report(_story_snapshot(), S).model_dump_json() == first


def test_trusted_models_equal_validated_ones() -> None:
    from stakegraph.analysis.report import KeyPerson, Loss, Tie, _trusted

    values = {
        "team_id": "ae",
        "contact_id": "cio",
        "strength": 0.123456789,
        "live": False,
        "interactions": 2,
        "last_at": NOW,
    }
    tie = Tie(**values)  # type: ignore[arg-type]
    assert (tie.team_id, tie.strength, tie.last_at) == ("ae", 0.123456789, NOW)
    loss = {"threads": 1, "senior_coverage": 0.5, "strength_share": 0.25}
    person = {"id": "ae", "side": "ours", "name": "Al", "single_point_of_failure": True}
    fast_person = _trusted(KeyPerson, {**person, "loss": _trusted(Loss, loss), "reasons": ["x"]})
    assert fast_person == KeyPerson(**person, loss=Loss(**loss), reasons=["x"])
    with pytest.raises(Exception, match="frozen"):
        fast_person.name = "Bo"  # type: ignore[misc]


def test_without_people_and_ties_every_figure_is_the_same() -> None:
    full = build_report(_story_snapshot(), S).model_dump(mode="json")
    lean = build_report(_story_snapshot(), S, people_and_ties=False).model_dump(mode="json")
    assert lean["people"] == [] and lean["ties"] == []
    assert full["people"] and full["ties"]
    for doc in (full, lean):
        del doc["people"], doc["ties"]
    assert full == lean
