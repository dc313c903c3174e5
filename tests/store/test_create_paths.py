"""What a first import creates without reading first: the statements name their row's fields in
the order the code sends them, and a writer that loses a race reads again instead of failing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from stakegraph.model import Contact
from stakegraph.store import GraphStore, catalog, records
from stakegraph.store.records import CONTACT_FIELDS, INTERACTION_FIELDS

from . import sample

pytestmark = pytest.mark.store


@pytest.mark.unit
@pytest.mark.parametrize(
    ("statement", "fields"),
    [
        ("create_interactions", INTERACTION_FIELDS),
        ("create_contacts", CONTACT_FIELDS),
        ("create_tie_sets", ("id", "half_life_days", "data")),
    ],
)
def test_a_create_statement_names_each_field_at_its_place(
    statement: str, fields: tuple[str, ...]
) -> None:
    text = catalog.statement(statement)
    created = text[text.index("CREATE (") :].split("}", 1)[0]  # the map of the created node
    named = {int(k): name for name, k in re.findall(r"(\w+): r\[(\d+)\]", created)}
    assert named == dict(enumerate(fields))


def test_contacts_another_writer_created_meanwhile_are_updated(store: GraphStore) -> None:
    sample.load(store)
    newcomers = [
        Contact(id="c-new", account_id="northwind", name="New", title="Buyer"),
        Contact(id="c-newer", account_id="northwind", name="Newer", reports_to="c-new"),
    ]
    run = store._run  # type: ignore[attr-defined]
    raced: list[str] = []

    def racing_run(name: str, params: Any = None) -> list[dict[str, Any]]:
        if name == "create_contacts" and not raced:
            raced.append(name)
            # Another writer stores c-new (with another title) between this one's read and
            # its create: the create is refused whole, and this writer reads again.
            other = newcomers[0].model_copy(update={"title": "Head of Buying"})
            run("create_contacts", {"rows": [list(records.contact_props(other).values())]})
        return list(run(name, params))

    store._run = racing_run  # type: ignore[attr-defined]
    try:
        result = store.upsert_contacts(newcomers)
    finally:
        store._run = run  # type: ignore[attr-defined]
    assert raced == ["create_contacts"]
    assert (result.created, result.updated) == (["c-newer"], ["c-new"])
    assert [c.contact_id for c in result.role_changes] == ["c-new"]
    got = store.get_contacts(["c-new", "c-newer"])
    assert got["c-new"] == newcomers[0] and got["c-newer"] == newcomers[1]
    snap = store.account_snapshot("northwind", sample.T0)
    assert {c.id: c.reports_to for c in snap.contacts}["c-newer"] == "c-new"


def test_a_first_import_creates_without_reading_and_a_second_reads(store: GraphStore) -> None:
    from stakegraph.ingest import ingest

    def records(contacts: list[Contact]) -> list[tuple[str, dict[str, Any], str]]:
        out = [("accounts", a.model_dump(mode="json"), "a") for a in sample.accounts()]
        return out + [("contacts", c.model_dump(mode="json"), "c") for c in contacts]

    run = store._run  # type: ignore[attr-defined]
    send = store._send  # type: ignore[attr-defined]
    ran: list[str] = []

    def counting_run(name: str, params: Any = None) -> list[dict[str, Any]]:
        ran.append(name)
        return list(run(name, params))

    def counting_send(name: str, params: Any) -> Any:
        ran.append(name)  # sent ahead: its answer is read when the batch ends
        return send(name, params)

    store._run = counting_run  # type: ignore[attr-defined]
    store._send = counting_send  # type: ignore[attr-defined]
    try:
        first = ingest(store, records(sample.contacts()), source="t")
        assert first.counts["contacts"].created == 4 and first.ok
        assert "get_contacts" not in ran and ran.count("create_contacts") == 1
        ran.clear()
        promoted = sample.contacts()[1].model_copy(update={"title": "CIO"})
        newcomer = Contact(id="c-new", account_id="northwind", name="New", reports_to="c-carl")
        second = ingest(store, records([promoted, newcomer]), source="t")
    finally:
        store._run = run  # type: ignore[attr-defined]
        store._send = send  # type: ignore[attr-defined]
    counts = second.counts["contacts"]
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 0)
    assert [c.contact_id for c in second.role_changes] == ["c-sandra"]
    assert "get_contacts" in ran  # the refused create was read and compared
    assert store.get_contact("c-new") == newcomer
    assert store.get_contact("c-sandra") == promoted


@pytest.mark.parametrize("chunk", [100, 1], ids=["one chunk", "chunks created ahead"])
def test_a_first_import_creates_tie_sets_without_reading_them(
    store: GraphStore, chunk: int
) -> None:
    from stakegraph.ingest import ingest
    from tests.factories import tie_aggregates

    store.batch_size = chunk  # type: ignore[attr-defined]  # contacts per tie-set statement
    records: list[tuple[str, Any, str]] = []
    for section, entities in (
        ("accounts", sample.accounts()),
        ("team", sample.team()),
        ("contacts", sample.contacts()),
        ("interactions", sample.interactions()),
    ):
        records += [(section, e.model_dump(mode="json"), section) for e in entities]
    run = store._run  # type: ignore[attr-defined]
    ran: list[str] = []

    def counting_run(name: str, params: Any = None) -> list[dict[str, Any]]:
        ran.append(name)
        return list(run(name, params))

    store._run = counting_run  # type: ignore[attr-defined]
    try:
        report = ingest(store, records, source="t")
    finally:
        store._run = run  # type: ignore[attr-defined]
    assert report.ok
    assert "get_tie_sets" not in ran and "create_tie_sets" in ran
    for account_id in ("northwind", "globex"):
        at = sample.T0 + timedelta(days=60)
        snap = store.account_snapshot(account_id, at)
        full = store.account_snapshot(account_id, at, full=True)
        assert snap.ties is not None
        got = {(t.team_id, t.contact_id): (t.count, dict(t.kind_mass)) for t in snap.ties}
        want = {
            (t.team_id, t.contact_id): (t.count, dict(t.kind_mass))
            for t in tie_aggregates(full.interactions)
        }
        assert got == want
