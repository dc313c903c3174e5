"""A small portfolio for the service tests, dated relative to now so ties are live today.

- ``acme``: single-threaded (only Alex knows only Vera), an uncovered CIO and CEO above her.
- ``globex``: two threads, our executive knows their CFO.
- ``hostile``: people whose names and titles are HTML and script (must show as text).
- ``initech``: no interactions at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stakegraph.model import Account, Contact, Interaction, TeamMember
from stakegraph.store.base import GraphStore

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_TITLE = '<script>alert("title")</script> VP <a href="javascript:alert(3)">x</a>'


def accounts() -> list[Account]:
    return [
        Account(id="acme", name="Acme Corp", domains=["acme.example"], annual_value=2_000_000),
        Account(id="globex", name="Globex", domains=["globex.example"], annual_value=500_000),
        Account(id="hostile", name="Hostile <b>Inc</b>", annual_value=100_000),
        Account(id="initech", name="Initech"),
    ]


def team() -> list[TeamMember]:
    return [
        TeamMember(id="t-alex", name="Alex Rep", role="account_exec"),
        TeamMember(id="t-erin", name="Erin Exec", role="executive"),
        TeamMember(id="t-sam", name="Sam Engineer", role="sales_engineer"),
    ]


def contacts() -> list[Contact]:
    return [
        Contact(id="acme-ceo", account_id="acme", name="Carla CEO", title="CEO"),
        Contact(id="acme-cio", account_id="acme", name="Ivan CIO", title="CIO",
                reports_to="acme-ceo"),
        Contact(id="acme-vp", account_id="acme", name="Vera VP", title="VP IT",
                reports_to="acme-cio", stance="supporter"),
        Contact(id="acme-eng", account_id="acme", name="Eli Engineer", title="Engineer",
                reports_to="acme-vp"),
        Contact(id="globex-cfo", account_id="globex", name="Gina CFO", title="CFO"),
        Contact(id="globex-cto", account_id="globex", name="Tom CTO", title="CTO"),
        Contact(id="globex-dir", account_id="globex", name="Dana Director",
                title="Director of Engineering", reports_to="globex-cto"),
        Contact(id="hostile-1", account_id="hostile", name=XSS_NAME, title=XSS_TITLE),
        Contact(id="hostile-2", account_id="hostile", name="Plain Person", title="CFO",
                reports_to="hostile-1"),
        Contact(id="initech-1", account_id="initech", name="Bill Lumbergh", title="VP Sales"),
    ]  # fmt: skip


def interactions(now: datetime | None = None) -> list[Interaction]:
    now = now or datetime.now(UTC)
    out: list[Interaction] = []
    for k in range(6):
        out.append(
            Interaction(id=f"acme-m{k}", account_id="acme", kind="meeting",
                        occurred_at=now - timedelta(days=3 + 9 * k), team_ids=["t-alex"],
                        contact_ids=["acme-vp", "acme-eng"] if k % 2 else ["acme-vp"])
        )  # fmt: skip
    for k in range(4):
        out.append(
            Interaction(id=f"globex-m{k}", account_id="globex", kind="meeting",
                        occurred_at=now - timedelta(days=2 + 7 * k), team_ids=["t-erin"],
                        contact_ids=["globex-cfo"])
        )  # fmt: skip
        out.append(
            Interaction(id=f"globex-c{k}", account_id="globex", kind="call",
                        occurred_at=now - timedelta(days=4 + 7 * k), team_ids=["t-sam"],
                        contact_ids=["globex-cto", "globex-dir"])
        )  # fmt: skip
    for k in range(3):
        out.append(
            Interaction(id=f"hostile-m{k}", account_id="hostile", kind="meeting",
                        occurred_at=now - timedelta(days=5 + 10 * k), team_ids=["t-alex"],
                        contact_ids=["hostile-1"], subject='<a href="x">href</a>')
        )  # fmt: skip
    return out


def load(store: GraphStore, now: datetime | None = None) -> None:
    """Write the whole portfolio through the store port."""
    store.upsert_accounts(accounts())
    store.upsert_team(team())
    store.upsert_contacts(contacts())
    store.upsert_interactions(interactions(now))


def big_account(
    store: GraphStore, account_id: str, contacts_n: int, *, team_n: int = 20, per_contact: int = 10
) -> None:
    """An account of ``contacts_n`` contacts in a five-level org chart, ``per_contact``
    interactions each with one of ``team_n`` team members (the benchmark's shape)."""
    now = datetime.now(UTC)
    store.upsert_accounts([Account(id=account_id, name=f"Big {contacts_n}")])
    store.upsert_team(
        [TeamMember(id=f"{account_id}-t{k}", name=f"Team {k}") for k in range(team_n)]
    )
    titles = ["CEO", "VP Operations", "Director of IT", "IT Manager", "Analyst"]
    people: list[Contact] = []
    for k in range(contacts_n):
        level = 0 if k == 0 else min(4, 1 + (k - 1) // max(1, contacts_n // 8))
        manager = None if k == 0 else f"{account_id}-c{(k - 1) // 4}"
        people.append(
            Contact(id=f"{account_id}-c{k}", account_id=account_id, name=f"Person {k}",
                    title=titles[level], reports_to=manager)
        )  # fmt: skip
    store.upsert_contacts(people)
    batch: list[Interaction] = []
    for k in range(contacts_n):
        for j in range(per_contact):
            batch.append(
                Interaction(id=f"{account_id}-i{k}-{j}", account_id=account_id,
                            kind=("meeting", "call", "email")[j % 3],
                            occurred_at=now - timedelta(days=1 + (k * 7 + j * 13) % 300),
                            team_ids=[f"{account_id}-t{(k + j) % team_n}"],
                            contact_ids=[f"{account_id}-c{k}"])
            )  # fmt: skip
        if len(batch) >= 2000:
            store.upsert_interactions(batch)
            batch = []
    if batch:
        store.upsert_interactions(batch)
