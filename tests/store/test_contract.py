"""The store contract: every adapter must pass these (FalkorDB always, Neo4j when configured)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest

from stakegraph.errors import NotFoundError
from stakegraph.model import Contact, Interaction
from stakegraph.model.snapshot import decay_mass
from stakegraph.store import GraphStore

from . import sample

pytestmark = pytest.mark.store


def test_upserts_are_idempotent(contract_store: GraphStore) -> None:
    first = contract_store.upsert_accounts(sample.accounts())
    assert sorted(first.created) == ["globex", "northwind"]
    again = contract_store.upsert_accounts(sample.accounts())
    assert again.created == [] and again.updated == []
    assert sorted(again.unchanged) == ["globex", "northwind"]
    contract_store.upsert_team(sample.team())
    assert contract_store.upsert_team(sample.team()).counts() == {
        "created": 0, "updated": 0, "unchanged": 2,
    }  # fmt: skip
    assert len(contract_store.upsert_contacts(sample.contacts()).created) == 4
    assert len(contract_store.upsert_contacts(sample.contacts()).unchanged) == 4
    assert len(contract_store.upsert_interactions(sample.interactions()).created) == 4
    assert len(contract_store.upsert_interactions(sample.interactions()).unchanged) == 4
    assert contract_store.counts() == {
        "accounts": 2, "contacts": 4, "team": 2, "interactions": 4,
    }  # fmt: skip


def test_update_in_place_and_dry_run(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    renamed = sample.accounts()[0].model_copy(update={"name": "Northwind Traders"})
    dry = contract_store.upsert_accounts([renamed], dry_run=True)
    assert dry.updated == ["northwind"]
    assert contract_store.get_account("northwind").name == "Northwind"  # type: ignore[union-attr]
    assert contract_store.upsert_accounts([renamed]).updated == ["northwind"]
    assert contract_store.get_account("northwind").name == "Northwind Traders"  # type: ignore[union-attr]
    assert contract_store.counts()["accounts"] == 2


def test_snapshot_reads_people_and_ties(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    as_of = sample.T0 + timedelta(days=60)
    snap = contract_store.account_snapshot("northwind", as_of)
    assert {c.id for c in snap.contacts} == {"c-carl", "c-sandra", "c-ian"}
    assert {t.id for t in snap.team} == {"t-alex", "t-erin"}
    assert snap.ties is not None
    ties = {(t.team_id, t.contact_id): t for t in snap.ties}
    assert set(ties) == {("t-alex", "c-sandra"), ("t-alex", "c-ian"), ("t-erin", "c-sandra")}
    assert ties[("t-alex", "c-sandra")].count == 3
    assert len(snap.recent_times) == 3
    assert snap.recent_times[0] == sample.T0 + timedelta(days=30)
    # The aggregate gives the same strength as summing the interactions one by one.
    weights = {"meeting": 1.0, "call": 0.8, "email": 0.3}
    expected = sum(
        w * 0.5 ** ((as_of - at).total_seconds() / 86400 / 90)
        for w, at in [
            (1.0, sample.T0),
            (0.3, sample.T0 + timedelta(days=10)),
            (0.8, sample.T0 + timedelta(days=30)),
        ]
    )
    assert ties[("t-alex", "c-sandra")].strength(as_of, weights) == pytest.approx(expected)
    assert decay_mass(sample.T0, 90) > 0


def test_snapshot_as_of_reads_only_the_past(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    as_of = sample.T0 + timedelta(days=15)
    snap = contract_store.account_snapshot("northwind", as_of)
    # An as-of before the last interaction cannot use the aggregates: every interaction is read.
    assert snap.ties is None
    assert [i.id for i in snap.interactions] == ["i1", "i2"]
    assert len(snap.recent_times) == 2
    assert {t.id for t in snap.team} == {"t-alex"}
    full = contract_store.account_snapshot("northwind", sample.T0 + timedelta(days=60), full=True)
    assert [i.id for i in full.interactions] == ["i1", "i2", "i3"]


def test_unknown_account_snapshot(contract_store: GraphStore) -> None:
    with pytest.raises(NotFoundError):
        contract_store.account_snapshot("nope")


def test_interaction_update_recomputes_ties(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    moved = sample.interactions()[0].model_copy(update={"contact_ids": ["c-carl"]})
    assert contract_store.upsert_interactions([moved]).updated == ["i1"]
    snap = contract_store.account_snapshot("northwind", sample.T0 + timedelta(days=60))
    assert snap.ties is not None
    pairs = {(t.team_id, t.contact_id): t.count for t in snap.ties}
    assert pairs == {("t-alex", "c-sandra"): 2, ("t-alex", "c-carl"): 1, ("t-erin", "c-sandra"): 1}


def test_role_changes_are_recorded(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    when = datetime(2026, 11, 1, tzinfo=UTC)
    promoted = Contact(
        id="c-sandra", account_id="northwind", name="Sandra", title="Chief Operating Officer",
        email="sandra@northwind.example",
    )  # fmt: skip
    result = contract_store.upsert_contacts([promoted], at=when)
    assert result.updated == ["c-sandra"]
    [change] = result.role_changes
    assert change.changes["title"].old == "VP IT"
    assert change.changes["title"].new == "Chief Operating Officer"
    assert change.changes["seniority"].old == "vp" and change.changes["seniority"].new == "c_level"
    assert change.changes["reports_to"].old == "c-carl" and change.changes["reports_to"].new is None
    assert change.changed_at == when
    assert contract_store.role_changes(account_id="northwind") == [change]
    assert contract_store.role_changes(contact_id="c-ian") == []
    # A change of name only is an update but no role change.
    renamed = promoted.model_copy(update={"name": "Sandra K."})
    assert contract_store.upsert_contacts([renamed]).role_changes == []


def test_moving_account_is_a_role_change(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    moved = Contact(id="c-sandra", account_id="globex", name="Sandra", title="VP IT")
    [change] = contract_store.upsert_contacts([moved]).role_changes
    assert (change.old_account_id, change.account_id) == ("northwind", "globex")
    assert {c.id for c in contract_store.account_snapshot("globex").contacts} == {
        "c-gina", "c-sandra",
    }  # fmt: skip
    assert contract_store.role_changes(account_id="northwind") == [change]


def test_export_round_trip(contract_store: GraphStore, settings: object) -> None:
    sample.load(contract_store)
    exported = list(contract_store.export())
    sections = [s for s, _ in exported]
    assert sections == sorted(sections, key=["accounts", "team", "contacts", "interactions"].index)
    assert len(exported) == 2 + 2 + 4 + 4
    # Writing the export back changes nothing.
    from stakegraph.ingest import ingest

    report = ingest(contract_store, ((s, r, f"{s}") for s, r in exported), source="export")
    assert report.ok
    assert all(c.created == 0 and c.updated == 0 for c in report.counts.values())
    assert list(contract_store.export()) == exported


def test_delete_account(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    assert contract_store.delete_account("northwind") is True
    assert contract_store.delete_account("northwind") is False
    assert contract_store.get_account("northwind") is None
    assert contract_store.counts() == {"accounts": 1, "contacts": 1, "team": 2, "interactions": 1}
    assert contract_store.get_contact("c-sandra") is None


def _write_interactions(settings_kwargs: dict[str, object], worker: int, n: int) -> None:
    from stakegraph.settings import get_settings
    from stakegraph.store import open_store

    store = open_store(get_settings(**settings_kwargs))
    try:
        for k in range(n):
            store.upsert_interactions(
                [
                    Interaction(
                        id=f"w{worker}-{k}",
                        account_id="northwind",
                        kind="call",
                        occurred_at=sample.T0 + timedelta(hours=k),
                        team_ids=["t-alex"],
                        contact_ids=["c-ian"],
                    )
                ]
            )
    finally:
        store.close()


def test_concurrent_writers_from_two_processes(store: GraphStore, settings: object) -> None:
    sample.load(store)
    kwargs = {
        "data_dir": settings.data_dir,  # type: ignore[attr-defined]
        "graph_name": settings.graph_name,  # type: ignore[attr-defined]
        "graph_url": "",
    }
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_interactions, args=(kwargs, w, 25)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert store.counts()["interactions"] == 4 + 50
    snap = store.account_snapshot("northwind", sample.T0 + timedelta(days=90))
    assert snap.ties is not None
    counts = {(t.team_id, t.contact_id): t.count for t in snap.ties}
    assert counts[("t-alex", "c-ian")] == 1 + 50


def test_delete_everything_empties_the_store(contract_store: GraphStore) -> None:
    sample.load(contract_store)
    contract_store.upsert_contacts(
        [Contact(id="c-sandra", account_id="globex", name="Sandra", title="CEO")]
    )
    assert contract_store.role_changes() != []
    # Accounts, team, contacts, interactions, the role change, one tie set per contact met
    # (Sandra, Ian, Gina) and the list of writers with tie sets pending.
    assert contract_store.delete_everything() == 2 + 2 + 4 + 4 + 1 + 3 + 1
    assert contract_store.counts() == {"accounts": 0, "contacts": 0, "team": 0, "interactions": 0}
    assert contract_store.role_changes() == [] and contract_store.list_accounts() == []
    assert contract_store.delete_everything() == 0
    # The store is usable afterwards: the same records are created again, ties from scratch.
    sample.load(contract_store)
    snap = contract_store.account_snapshot("northwind", sample.T0 + timedelta(days=60))
    assert snap.ties is not None
    assert {(t.team_id, t.contact_id): t.count for t in snap.ties}[("t-alex", "c-sandra")] == 3


def test_a_lost_create_race_is_upserted_without_double_counting(
    contract_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample.load(contract_store)
    # Another writer stores i3 (again) between this writer's read and its create: the read
    # misses it once, the create of the batch is refused whole, and the batch is read again.
    real = contract_store._props_by_id  # type: ignore[attr-defined]
    missed = []

    def stale_read(statement: str, ids: list[str]) -> dict[str, dict[str, object]]:
        found = real(statement, ids)
        if statement == "get_interactions" and not missed:
            missed.append(found.pop("i3"))
        return dict(found)

    monkeypatch.setattr(contract_store, "_props_by_id", stale_read)
    later = Interaction(
        id="i5", account_id="northwind", kind="meeting", occurred_at=sample.T0 + timedelta(days=40),
        team_ids=["t-alex"], contact_ids=["c-sandra"],
    )  # fmt: skip
    result = contract_store.upsert_interactions([sample.interactions()[2], later])
    assert missed and result.created == ["i5"] and result.unchanged == ["i3"]
    snap = contract_store.account_snapshot("northwind", sample.T0 + timedelta(days=60))
    assert snap.ties is not None
    counts = {(t.team_id, t.contact_id): t.count for t in snap.ties}
    assert counts == {("t-alex", "c-sandra"): 4, ("t-alex", "c-ian"): 1, ("t-erin", "c-sandra"): 1}
    assert contract_store.counts()["interactions"] == 5
