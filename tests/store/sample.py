"""A small account used by the store tests: Northwind, its org chart and a few interactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stakegraph.model import Account, Contact, Interaction, TeamMember

T0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def accounts() -> list[Account]:
    return [
        Account(id="northwind", name="Northwind", domains=["northwind.example"], annual_value=1e6),
        Account(id="globex", name="Globex", domains=["globex.example"]),
    ]


def team() -> list[TeamMember]:
    return [
        TeamMember(id="t-alex", name="Alex Rep", role="account_exec", email="alex@us.example"),
        TeamMember(id="t-erin", name="Erin Exec", role="executive"),
    ]


def contacts() -> list[Contact]:
    return [
        Contact(id="c-carl", account_id="northwind", name="Carl", title="CIO"),
        Contact(id="c-sandra", account_id="northwind", name="Sandra", title="VP IT",
                reports_to="c-carl", email="sandra@northwind.example"),
        Contact(id="c-ian", account_id="northwind", name="Ian", title="Engineer",
                reports_to="c-sandra"),
        Contact(id="c-gina", account_id="globex", name="Gina", title="CFO"),
    ]  # fmt: skip


def interactions() -> list[Interaction]:
    return [
        Interaction(id="i1", account_id="northwind", kind="meeting", occurred_at=T0,
                    team_ids=["t-alex"], contact_ids=["c-sandra", "c-ian"]),
        Interaction(id="i2", account_id="northwind", kind="email",
                    occurred_at=T0 + timedelta(days=10), team_ids=["t-alex"],
                    contact_ids=["c-sandra"]),
        Interaction(id="i3", account_id="northwind", kind="call",
                    occurred_at=T0 + timedelta(days=30), team_ids=["t-alex", "t-erin"],
                    contact_ids=["c-sandra"]),
        Interaction(id="i4", account_id="globex", kind="meeting",
                    occurred_at=T0 + timedelta(days=5), team_ids=["t-erin"],
                    contact_ids=["c-gina"]),
    ]  # fmt: skip


def load(store: object) -> None:
    """Write the whole sample through the store port."""
    store.upsert_accounts(accounts())  # type: ignore[attr-defined]
    store.upsert_team(team())  # type: ignore[attr-defined]
    store.upsert_contacts(contacts())  # type: ignore[attr-defined]
    store.upsert_interactions(interactions())  # type: ignore[attr-defined]
