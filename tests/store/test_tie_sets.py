"""Tie sets: deferred writes, the read that waits for them, crash repair and writers racing."""

from __future__ import annotations

import multiprocessing
import os
from datetime import timedelta
from typing import Any

import pytest

from stakegraph.ingest import ingest
from stakegraph.model import Contact, Interaction
from stakegraph.settings import Settings
from stakegraph.store import GraphStore, tiesets
from tests.factories import tie_aggregates

from . import sample

pytestmark = pytest.mark.store

AS_OF = sample.T0 + timedelta(days=60)


def _calls(n: int, prefix: str, contact: str = "c-ian") -> list[Interaction]:
    return [
        Interaction(id=f"{prefix}{k}", account_id="northwind", kind="call",
                    occurred_at=sample.T0 + timedelta(hours=k + 1),
                    team_ids=["t-alex", "t-erin"], contact_ids=[contact, "c-sandra"])
        for k in range(n)
    ]  # fmt: skip


def _pairs(snap: Any) -> dict[tuple[str, str], tuple[int, dict[str, float]]]:
    return {(t.team_id, t.contact_id): (t.count, dict(t.kind_mass)) for t in snap.ties}


def _expected(store: GraphStore) -> dict[tuple[str, str], tuple[int, dict[str, float]]]:
    """The aggregates folded from the account's interactions themselves."""
    full = store.account_snapshot("northwind", AS_OF, full=True)
    return {
        (t.team_id, t.contact_id): (t.count, dict(t.kind_mass))
        for t in tie_aggregates(full.interactions)
    }


def _same(got: dict[Any, Any], want: dict[Any, Any]) -> None:
    assert set(got) == set(want)
    for pair, (count, masses) in want.items():
        assert got[pair][0] == count, pair
        assert got[pair][1] == pytest.approx(masses, rel=1e-12), pair


def test_encode_decode_round_trip_with_awkward_ids() -> None:
    entries = {
        'a "quoted" id': [3.0, 1000.0, 2000.0, 1.5, 0.0, 0.0, 0.0, 0.0, 0.25],
        "two\nlines\tand spaces": [1.0, 5.0, 5.0, 0.0, 1.2345678901234567e30, 0, 0, 0, 0],
    }
    data = tiesets.encode(entries)
    assert tiesets.decode(data) == entries
    table = tiesets.table([{"contact_id": "c 1", "half_life_days": 90.0, "data": data}])
    assert table is not None
    assert sorted(table.team_ids) == sorted(entries) and table.contact_ids == ["c 1", "c 1"]
    row = table.team_ids.index("two\nlines\tand spaces")
    assert table.masses[row][1] == 1.2345678901234567e30
    assert table.counts.tolist()[row] == 1


def test_a_deferred_session_writes_ties_when_it_ends(store: GraphStore) -> None:
    sample.load(store)
    with store.deferred_ties() as ties:
        store.upsert_interactions(_calls(5, "d"), ties=ties)
        assert ties.pending == 2
        # Until the session ends the tie sets lag behind: the report reads the interactions.
        during = store.account_snapshot("northwind", AS_OF)
        assert during.ties is None
        assert len(during.interactions) == 3 + 5
    after = store.account_snapshot("northwind", AS_OF)
    assert after.ties is not None
    _same(_pairs(after), _expected(store))
    assert _pairs(after)[("t-erin", "c-ian")][0] == 5


def test_updates_rebuild_the_ties_of_old_and_new_participants(store: GraphStore) -> None:
    sample.load(store)
    store.upsert_interactions(_calls(3, "u"))
    moved = _calls(3, "u", contact="c-carl")[1:2]  # u1 now met Carl instead of Ian
    assert store.upsert_interactions(moved).updated == ["u1"]
    snap = store.account_snapshot("northwind", AS_OF)
    assert snap.ties is not None
    _same(_pairs(snap), _expected(store))
    assert _pairs(snap)[("t-erin", "c-carl")][0] == 1
    assert _pairs(snap)[("t-erin", "c-ian")][0] == 2


def test_a_contact_who_moves_takes_the_ties_along(store: GraphStore) -> None:
    sample.load(store)
    store.upsert_contacts([Contact(id="c-ian", account_id="globex", name="Ian", title="Engineer")])
    globex = store.account_snapshot("globex", AS_OF)
    northwind = store.account_snapshot("northwind", AS_OF)
    assert globex.ties is not None and northwind.ties is not None
    assert ("t-alex", "c-ian") in _pairs(globex)
    assert all(t.contact_id != "c-ian" for t in northwind.ties)


def _die_mid_import(kwargs: dict[str, Any]) -> None:
    from stakegraph.settings import get_settings
    from stakegraph.store import open_store

    store = open_store(get_settings(**kwargs))
    with store.deferred_ties() as ties:
        store.upsert_interactions(_calls(4, "k"), ties=ties)
        os._exit(9)  # the interactions are written, their tie sets are not: as a kill -9


def test_ties_left_behind_by_a_writer_that_died_are_repaired(
    store: GraphStore, settings: Settings
) -> None:
    sample.load(store)
    kwargs = {"data_dir": settings.data_dir, "graph_name": settings.graph_name, "graph_url": ""}
    child = multiprocessing.get_context("spawn").Process(target=_die_mid_import, args=(kwargs,))
    child.start()
    child.join(120)
    assert child.exitcode == 9
    assert store.counts()["interactions"] == 4 + 4
    # Still on the list of pending writers, it makes reports read the interactions: never a
    # stale figure.
    assert store.account_snapshot("northwind", AS_OF).ties is None
    # A dry-run import writes nothing, not even a repair.
    ingest(store, [], source="nothing", dry_run=True)
    assert store.account_snapshot("northwind", AS_OF).ties is None
    assert store.repair_ties() == 4  # every contact's tie set is rebuilt
    snap = store.account_snapshot("northwind", AS_OF)
    assert snap.ties is not None
    _same(_pairs(snap), _expected(store))
    assert store.repair_ties() == 0


def test_an_import_repairs_what_a_dead_writer_left(store: GraphStore, settings: Settings) -> None:
    sample.load(store)
    kwargs = {"data_dir": settings.data_dir, "graph_name": settings.graph_name, "graph_url": ""}
    child = multiprocessing.get_context("spawn").Process(target=_die_mid_import, args=(kwargs,))
    child.start()
    child.join(120)
    assert store.account_snapshot("northwind", AS_OF).ties is None
    ingest(store, [], source="nothing")
    snap = store.account_snapshot("northwind", AS_OF)
    assert snap.ties is not None
    _same(_pairs(snap), _expected(store))


@pytest.mark.parametrize("chunk", [100, 1], ids=["one chunk", "chunks written ahead"])
def test_racing_writers_both_land(store: GraphStore, chunk: int) -> None:
    """A writer whose tie sets changed between its read and its write reads and merges again."""
    sample.load(store)
    run = store._run  # type: ignore[attr-defined]
    other = tiesets.TieSession(run, store.settings.analysis.half_life_days, 100)  # type: ignore[attr-defined]
    raced: list[str] = []

    def racing_run(name: str, params: Any) -> list[dict[str, Any]]:
        if name == "write_tie_sets" and not raced:
            raced.append(name)
            other.flush()  # lands between this writer's read and its write
        return list(run(name, params))

    mine = tiesets.TieSession(racing_run, store.settings.analysis.half_life_days, chunk)  # type: ignore[attr-defined]
    store.upsert_interactions(_calls(2, "m"), ties=mine)
    store.upsert_interactions(_calls(3, "o"), ties=other)
    mine.flush()
    assert raced == ["write_tie_sets"]
    snap = store.account_snapshot("northwind", AS_OF)
    assert snap.ties is not None
    _same(_pairs(snap), _expected(store))
    assert _pairs(snap)[("t-erin", "c-ian")][0] == 2 + 3


@pytest.mark.parametrize("chunk", [100, 1], ids=["one chunk", "chunks written ahead"])
def test_racing_writers_both_land_on_a_new_tie_set(store: GraphStore, chunk: int) -> None:
    """A writer whose new tie set was created by another writer between its read and its create
    reads again and merges into the other's: nothing counted twice, nothing lost."""
    sample.load(store)
    store.upsert_contacts([Contact(id="c-new", account_id="northwind", name="New", title="Buyer")])
    run = store._run  # type: ignore[attr-defined]
    half_life = store.settings.analysis.half_life_days  # type: ignore[attr-defined]
    other = tiesets.TieSession(run, half_life, 100)
    raced: list[str] = []

    def racing_run(name: str, params: Any) -> list[dict[str, Any]]:
        if name == "create_tie_sets" and not raced:
            raced.append(name)
            other.flush()  # creates c-new's tie set between this writer's read and its create
        return list(run(name, params))

    mine = tiesets.TieSession(racing_run, half_life, chunk)
    store.upsert_interactions(_calls(2, "m", contact="c-new"), ties=mine)
    store.upsert_interactions(_calls(3, "o", contact="c-new"), ties=other)
    mine.flush()
    assert raced == ["create_tie_sets"]
    snap = store.account_snapshot("northwind", AS_OF)
    assert snap.ties is not None
    _same(_pairs(snap), _expected(store))
    assert _pairs(snap)[("t-erin", "c-new")][0] == 2 + 3


@pytest.mark.parametrize("chunk", [100, 1], ids=["one chunk", "chunks written ahead"])
def test_a_tie_set_created_before_a_conflict_is_not_merged_twice(
    store: GraphStore, chunk: int
) -> None:
    """New tie sets are created, then a write of existing ones meets another writer's: only the
    existing ones are read and merged again."""
    sample.load(store)
    store.upsert_contacts([Contact(id="c-new", account_id="northwind", name="New", title="Buyer")])
    run = store._run  # type: ignore[attr-defined]
    half_life = store.settings.analysis.half_life_days  # type: ignore[attr-defined]
    other = tiesets.TieSession(run, half_life, 100)
    raced: list[str] = []

    def racing_run(name: str, params: Any) -> list[dict[str, Any]]:
        if name == "write_tie_sets" and not raced:
            raced.append(name)
            other.flush()  # changes c-sandra's tie set after this writer created c-new's
        return list(run(name, params))

    mine = tiesets.TieSession(racing_run, half_life, chunk)
    store.upsert_interactions(_calls(2, "m", contact="c-new"), ties=mine)
    store.upsert_interactions(_calls(3, "o"), ties=other)
    mine.flush()
    assert raced == ["write_tie_sets"]
    snap = store.account_snapshot("northwind", AS_OF)
    assert snap.ties is not None
    _same(_pairs(snap), _expected(store))
    assert _pairs(snap)[("t-erin", "c-new")][0] == 2


@pytest.mark.unit
def test_folded_deltas_are_the_sequential_sums_bit_for_bit() -> None:
    """The session's pair sums (numpy, a batch at a time) equal _fold's, number for number."""
    import random

    rng = random.Random(3)
    half_life = 90.0
    kinds = ("meeting", "call", "email", "event", "message")
    rows = []
    for n in range(3000):
        kind = rng.choice(kinds)
        direction = rng.choice((None, "inbound", "outbound"))
        rows.append(
            (f"i{n}", "a", kind, 1_700_000_000_000 + rng.randrange(-10**11, 10**11),
             rng.sample(["t1", "t2", "t3"], rng.randrange(0, 3)),
             rng.sample([f"c{k}" for k in range(40)], rng.randrange(0, 4)),
             None, False, None, None, direction, rng.choice((None, True, False)))
        )  # fmt: skip
    session = tiesets.TieSession(lambda *_: [], half_life, 100)
    for start in range(0, len(rows), 700):
        session.add_rows(rows[start : start + 700])
        session.fold()
    want: dict[str, tiesets.Entries] = {}
    for _, _, kind, at_ms, team_ids, contact_ids, *_, direction, answered in rows:
        for contact_id in contact_ids:
            tiesets._fold(
                want.setdefault(contact_id, {}), team_ids,
                tiesets._slot(kind, direction, answered), at_ms, session._mass(at_ms),
            )  # fmt: skip
    got = session._sums.entries()
    assert {c: e for c, e in want.items() if e} == got
    assert session.pending == len(got)
