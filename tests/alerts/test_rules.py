"""Role changes: who is key, who took over, the warm path there, and the alert that says so."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from stakegraph.alerts.model import AlertKind
from stakegraph.alerts.rules import (
    AccountState,
    RoleChangeContext,
    combined_changes,
    key_reasons,
    likely_successor,
    role_change_alerts,
    state_before,
    warm_paths_to,
)
from stakegraph.model import AccountSnapshot, FieldChange, RoleChange
from stakegraph.settings import AnalysisSettings, Settings
from tests.factories import NOW, aggregated, contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()
KEY_ROLES = Settings().alert_key_buying_roles


def change(
    contact_id: str,
    account_id: str = "acme",
    old_account_id: str | None = None,
    **fields: tuple[object, object],
) -> RoleChange:
    return RoleChange(
        id=f"{contact_id}:1",
        contact_id=contact_id,
        account_id=account_id,
        old_account_id=old_account_id or account_id,
        changed_at=NOW,
        changes={k: FieldChange(old=o, new=n) for k, (o, n) in fields.items()},
    )


def weekly_with(contact_ids: Sequence[str], team: Sequence[str] = ("ae",), weeks: int = 8) -> list:
    return [interaction(list(team), list(contact_ids), days_ago=7 * w + 2) for w in range(weeks)]


def promotion_after() -> AccountSnapshot:
    """Seed 004 after the promotion: Sandra is COO, Marcus the new CIO reporting to her."""
    return aggregated(
        snapshot(
            contacts=[
                contact("sandra", "COO", name="Sandra Lee", buying_roles=["executive_sponsor"]),
                contact("marcus", "CIO", name="Marcus Chen", reports_to="sandra"),
                contact("cfo", "CFO", name="Carla Diaz"),
                contact("it_mgr", "IT Manager", name="Ivan Petrov", reports_to="marcus"),
            ],
            team=[member("ae", name="Alex Rep")],
            interactions=weekly_with(["sandra"]),
            name="Acme",
        )
    )


def promotion_context(created: Sequence[str] = ("marcus",)) -> RoleChangeContext:
    after = promotion_after()
    changes = {
        "sandra": change("sandra", title=("CIO", "COO")),
        "it_mgr": change("it_mgr", reports_to=("sandra", "marcus")),
    }
    current = {c.id: c for c in after.contacts}
    before = state_before(after, changes, current=current, created=set(created))
    return RoleChangeContext(
        before=AccountState.of(before, S),
        after=AccountState.of(after, S),
        changes=changes,
        current=current,
        created=set(created),
    )


def test_the_state_before_puts_old_values_back_and_takes_new_people_out() -> None:
    ctx = promotion_context()
    before = {c.id: c for c in ctx.before.snapshot.contacts}
    assert set(before) == {"sandra", "cfo", "it_mgr"}
    assert before["sandra"].title == "CIO" and str(before["sandra"].seniority) == "c_level"
    assert before["it_mgr"].reports_to == "sandra"
    # Ties and interaction times are those of now.
    assert ctx.before.snapshot.ties == ctx.after.snapshot.ties


def test_sandra_is_key_before_her_promotion() -> None:
    ctx = promotion_context()
    reasons = key_reasons(ctx.before, "sandra", KEY_ROLES)
    text = " | ".join(reasons)
    assert "A single senior thread hangs on Sandra Lee" in text
    assert "single point of failure" in text
    assert "senior staff with a live tie to Alex Rep" in text
    assert "buying role executive sponsor" in text
    # Ivan has no tie and no senior role: not key.
    assert key_reasons(ctx.before, "it_mgr", KEY_ROLES) == []
    assert key_reasons(ctx.before, "cfo", KEY_ROLES) == []


def test_the_promotion_alert_names_the_new_cio_and_the_path_through_sandra() -> None:
    alerts = role_change_alerts(promotion_context(), now=NOW, key_buying_roles=KEY_ROLES)
    # Ivan's new manager is not worth an alert; Sandra's promotion is.
    assert [a.kind for a in alerts] == [AlertKind.SPONSOR_ROLE_CHANGED]
    alert = alerts[0]
    assert alert.id == "sponsor_role_changed:sandra:1"
    assert alert.subject is not None and alert.subject.name == "Sandra Lee"
    assert alert.change == {"title": FieldChange(old="CIO", new="COO")}
    assert alert.successor is not None
    assert (alert.successor.id, alert.successor.reason) == (
        "marcus",
        "now holds Sandra Lee's old title, CIO",
    )
    assert [p.ids for p in alert.warm_paths] == [["ae", "sandra", "marcus"]]
    assert alert.warm_paths[0].text == "Alex Rep → Sandra Lee → Marcus Chen"
    # Before: senior staff sandra 4 (covered) + cfo 4 -> coverage 1/2: 30 + 15 + 0 + 10 = 55.
    # After: + marcus 4 uncovered -> coverage 1/3: 30 + 20 + 0 + 10 = 60, high.
    assert alert.risk_before is not None and alert.risk_after is not None
    assert (alert.risk_before.score, alert.risk_before.level) == (55.0, "medium")
    assert (alert.risk_after.score, alert.risk_after.level) == (60.0, "high")
    assert alert.headline.startswith("Sandra Lee (CIO → COO) at Acme: risk rose from 55")
    assert "likely successor Marcus Chen, CIO" in alert.headline
    steps = " | ".join(alert.next_steps)
    assert "Ask Sandra Lee to introduce Alex Rep to Marcus Chen, the new CIO" in steps
    assert "Show Marcus Chen the work" in steps
    assert "Congratulate Sandra Lee on becoming COO" in steps
    assert "starting with Carla Diaz" in steps  # still single-threaded: widen


def test_without_the_created_contact_the_before_state_already_counts_him() -> None:
    # Marcus already stored before (not created by this write): he counts before, too.
    alerts = role_change_alerts(promotion_context(created=()), now=NOW, key_buying_roles=KEY_ROLES)
    assert alerts[0].risk_before is not None and alerts[0].risk_before.score == 60.0


def _state(snap: AccountSnapshot) -> AccountState:
    return AccountState.of(aggregated(snap), S)


def test_successor_by_inherited_reports_when_she_leaves() -> None:
    before_contacts = [
        contact("sandra", "VP Engineering", name="Sandra"),
        contact("olga", "VP Operations", name="Olga"),
        contact("dev1", "Engineer", reports_to="sandra"),
        contact("dev2", "Engineer", reports_to="sandra"),
    ]
    after_contacts = [
        contact("sandra", "VP Engineering", name="Sandra", status="left"),
        contact("olga", "VP Operations", name="Olga"),
        contact("dev1", "Engineer", reports_to="olga"),
        contact("dev2", "Engineer", reports_to="olga"),
    ]
    c = change("sandra", status=("active", "left"))
    found = likely_successor(
        before_contacts[0], c, snapshot(before_contacts), snapshot(after_contacts), changes={}
    )
    assert found is not None and found[0].id == "olga"
    assert found[1] == "Sandra's former reports now report to Olga"


def test_successor_by_the_old_place_under_the_same_manager() -> None:
    sandra_before = contact("sandra", "Head of Data", seniority="director", reports_to="ceo")
    after_contacts = [
        contact("ceo", "CEO"),
        contact("sandra", "Advisor", seniority="individual", reports_to="ceo"),
        contact("nina", "Head of Analytics", seniority="director", reports_to="ceo"),
        contact("old_dir", "Head of Sales", seniority="director", reports_to="ceo"),
    ]
    c = change("sandra", title=("Head of Data", "Advisor"), seniority=("director", "individual"))
    before = snapshot([sandra_before, *after_contacts[:1], *after_contacts[3:]])
    found = likely_successor(
        sandra_before, c, before, snapshot(after_contacts), changes={}, created={"nina"}
    )
    assert found is not None and found[0].id == "nina"
    assert found[1] == "took Sandra's old place under Ceo"
    # Nobody new in the place, nobody with the title: unknown.
    assert likely_successor(sandra_before, c, before, snapshot(after_contacts), changes={}) is None


def test_no_successor_for_a_new_manager_only() -> None:
    sandra = contact("sandra", "CIO", reports_to="ceo")
    c = change("sandra", reports_to=("ceo", "coo"))
    snap = snapshot([sandra, contact("cio2", "CIO")])
    assert likely_successor(sandra, c, snap, snap, changes={}) is None


def test_a_non_key_change_raises_nothing() -> None:
    after = aggregated(
        snapshot(
            contacts=[contact("sandra", "CIO"), contact("ian", "Analyst")],
            team=[member("ae")],
            interactions=weekly_with(["sandra"]),
        )
    )
    changes = {"ian": change("ian", title=("Engineer", "Analyst"))}
    current = {c.id: c for c in after.contacts}
    ctx = RoleChangeContext(
        before=AccountState.of(state_before(after, changes, current=current), S),
        after=AccountState.of(after, S),
        changes=changes,
        current=current,
    )
    assert role_change_alerts(ctx, now=NOW, key_buying_roles=KEY_ROLES) == []


def test_a_champion_moving_to_another_tracked_account_raises_two_alerts() -> None:
    """Sandra leaves Acme for Globex: Acme loses its sponsor, Globex gains someone who knows us."""
    sandra_now = contact("sandra", "CTO", name="Sandra Lee", account_id="globex")
    acme_after = aggregated(
        snapshot(
            contacts=[contact("cfo", "CFO", name="Carla")],
            team=[member("ae", name="Alex Rep")],
            interactions=weekly_with(["cfo"], team=["ae"], weeks=1),
            name="Acme",
        )
    )
    globex_interactions = [
        interaction(["ae"], ["sandra"], days_ago=7 * w + 2, account_id="acme") for w in range(8)
    ]
    globex_after = aggregated(
        snapshot(
            contacts=[sandra_now, contact("gceo", "CEO", name="Gus", account_id="globex")],
            team=[member("ae", name="Alex Rep")],
            interactions=globex_interactions,
            id="globex",
            name="Globex",
        )
    )
    moved = RoleChange(
        id="sandra:1",
        contact_id="sandra",
        account_id="globex",
        old_account_id="acme",
        changed_at=NOW,
        changes={
            "title": FieldChange(old="CIO", new="CTO"),
            "account_id": FieldChange(old="acme", new="globex"),
        },
    )
    changes = {"sandra": moved}
    current = {"sandra": sandra_now}
    assert globex_after.ties is not None
    sandra_ties = [t for t in globex_after.ties if t.contact_id == "sandra"]
    acme_before = state_before(
        acme_after, changes, current=current, moved_ties=sandra_ties, moved_team=globex_after.team
    )
    assert {c.id for c in acme_before.contacts} == {"cfo", "sandra"}
    globex_before = state_before(globex_after, changes, current=current)
    assert {c.id for c in globex_before.contacts} == {"gceo"}
    ctx = RoleChangeContext(
        before=AccountState.of(acme_before, S),
        after=AccountState.of(acme_after, S),
        changes=changes,
        current=current,
        arrivals={"globex": (AccountState.of(globex_before, S), AccountState.of(globex_after, S))},
    )
    alerts = role_change_alerts(ctx, now=NOW, key_buying_roles=KEY_ROLES)
    assert [(a.kind, a.account_id) for a in alerts] == [
        (AlertKind.SPONSOR_ROLE_CHANGED, "acme"),
        (AlertKind.CHAMPION_ARRIVED, "globex"),
    ]
    gone, arrived = alerts
    assert gone.headline.startswith("Sandra Lee (moved to Globex, CIO → CTO) at Acme")
    assert any("now works at Globex, which we also track" in s for s in gone.next_steps)
    assert arrived.headline.startswith("Sandra Lee, who knows us from Acme, joined Globex as CTO")
    assert arrived.risk_before is not None and arrived.risk_after is not None
    assert arrived.risk_after.score < arrived.risk_before.score
    assert [p.ids for p in arrived.warm_paths] == [["ae", "sandra"]]
    assert arrived.next_steps[0].startswith("Ask Alex Rep to congratulate Sandra Lee")
    assert any("introduce us to Gus" in s for s in arrived.next_steps)


def test_two_changes_of_one_contact_combine_into_one() -> None:
    first = change("sandra", title=("CIO", "Interim COO"))
    second = RoleChange(
        id="sandra:2",
        contact_id="sandra",
        account_id="acme",
        old_account_id="acme",
        changed_at=NOW + timedelta(seconds=1),
        changes={"title": FieldChange(old="Interim COO", new="COO")},
    )
    combined = combined_changes([second, first])
    assert list(combined) == ["sandra"]
    assert combined["sandra"].id == "sandra:1"
    assert combined["sandra"].changes == {"title": FieldChange(old="CIO", new="COO")}


def test_warm_paths_start_from_different_team_members() -> None:
    snap = aggregated(
        snapshot(
            contacts=[contact("sandra", "COO"), contact("marcus", "CIO", reports_to="sandra")],
            team=[member("ae"), member("se", "sales_engineer")],
            interactions=weekly_with(["sandra"], team=["ae", "se"]),
        )
    )
    graph = AccountState.of(snap, S).graph
    assert warm_paths_to(graph, "marcus", 3) == [
        ["ae", "sandra", "marcus"],
        ["se", "sandra", "marcus"],
    ]
    assert warm_paths_to(graph, "marcus", 1) == [["ae", "sandra", "marcus"]]
    assert warm_paths_to(graph, "nobody", 3) == []
