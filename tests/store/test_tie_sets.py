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
    table = tiesets.table(["c 1"], [data], [90.0])
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
    # A first import's flush encodes them all at once: the same strings encode writes.
    assert session._sums.encoded() == {c: tiesets.encode(e) for c, e in got.items()}


@pytest.mark.unit
def test_tie_sets_encoded_at_once_are_those_encode_writes() -> None:
    """Team ids of any text, in any order of arrival; pairs with one kind or all six."""
    import random

    rng = random.Random(11)
    teams = ["t-b", "t-a", "Zoë", 't"q', "t\\s", "ünï", "t10", "t9", "\u4e2d", "a b"]
    rows = []
    for n in range(2000):
        kind = rng.choice(("meeting", "call", "email", "event", "message"))
        rows.append(
            (f"i{n}", "a", kind, 1_700_000_000_000 + rng.randrange(-10**11, 10**11),
             rng.sample(teams, rng.randrange(1, 4)),
             rng.sample([f"c{k}" for k in range(60)], rng.randrange(1, 3)),
             None, False, None, None, rng.choice((None, "outbound")), rng.choice((None, False)))
        )  # fmt: skip
    sums = tiesets._PairSums()
    for start in range(0, len(rows), 300):
        sums.add(rows[start : start + 300], 90.0)
    encoded = sums.encoded()
    assert encoded == {c: tiesets.encode(e) for c, e in sums.entries().items()}
    assert {c: tiesets.decode(d) for c, d in encoded.items()} == sums.entries()
    assert tiesets._PairSums().encoded() == {}


def _first_format(entries: tiesets.Entries) -> str:
    """The data string of the first tie-set format: the JSON list of the team ids, then nine
    little-endian float64 numbers per team member (count, first, last, one mass per kind)."""
    import base64
    import json
    import struct

    team = sorted(entries)
    numbers = [v for t in team for v in entries[t]]
    packed = struct.pack(f"<{len(numbers)}d", *numbers)
    return json.dumps(team) + "\n" + base64.b64encode(packed).decode("ascii")


def _random_entries(rng: Any, team: int) -> tiesets.Entries:
    entries: tiesets.Entries = {}
    for t in rng.sample([f"t{k}" for k in range(25)], team):
        first = float(rng.randrange(10**12, 2 * 10**12))
        masses = [0.0] * 6
        for k in rng.sample(range(6), rng.randrange(0, 7)):
            masses[k] = rng.choice([rng.random() * 10.0 ** rng.randrange(-300, 300), 2.0**-1074])
        entries[t] = [float(rng.randrange(1, 5000)), first, first + rng.randrange(10**9), *masses]
    return entries


@pytest.mark.unit
def test_the_current_format_keeps_only_masses_that_are_not_zero_and_reads_back_exactly() -> None:
    import base64
    import random

    rng = random.Random(5)
    accounts = {f"c{k}": _random_entries(rng, rng.randrange(0, 12)) for k in range(60)}
    data = {c: tiesets.encode(e) for c, e in accounts.items()}
    for contact, entries in accounts.items():
        assert data[contact].startswith(tiesets.FORMAT)
        assert tiesets.decode(data[contact]) == entries
        # A writer still reads the first format, number for number.
        assert tiesets.decode(_first_format(entries)) == entries
    # Nine numbers per pair in the first format; three and the masses that are not zero now.
    one = {"t": [2.0, 5.0, 6.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0]}
    words = len(base64.b64decode(tiesets.encode(one).partition("\n")[2])) // 8
    assert words == 4 and len(base64.b64decode(_first_format(one).partition("\n")[2])) // 8 == 9
    # The report's table, in a shuffled order: every number where the entries put it.
    order = list(accounts)
    rng.shuffle(order)
    table = tiesets.table(order, [data[c] for c in order], [90.0])
    assert table is not None
    want = sorted((c, t, *row) for c, entries in accounts.items() for t, row in entries.items())
    got = sorted(
        (c, t, float(n), float(f), float(la), *m)
        for c, t, n, f, la, m in zip(
            table.contact_ids,
            table.team_ids,
            table.counts.tolist(),
            table.first_ms.tolist(),
            table.last_ms.tolist(),
            table.masses.tolist(),
            strict=True,
        )
    )
    assert got == want
    assert table.contact_names == sorted(c for c, e in accounts.items() if e)


@pytest.mark.unit
def test_a_table_with_a_first_format_tie_set_or_mixed_half_lives_is_left_to_the_full_read() -> None:
    entries = {"t1": [1.0, 5.0, 5.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]}
    new, old = tiesets.encode(entries), _first_format(entries)
    assert tiesets.table(["a", "b"], [new, new], [90.0]) is not None
    assert tiesets.table(["a", "b"], [new, old], [90.0]) is None
    assert tiesets.table(["a", "b"], [new, new], [90.0, 30.0]) is None
    # Empty tie sets of either format, and none at all, hold no ties.
    empty = tiesets.table(["a", "b", "c"], [tiesets.encode({}), "[]\n", ""], [90.0])
    assert empty is not None and len(empty) == 0
    assert tiesets.table([], [], []) is not None


@pytest.mark.unit
@pytest.mark.parametrize(
    "spoil",
    [
        lambda b: b + bytes(8),  # a mass more than the kinds say
        lambda b: b[:-8],  # a mass short
        lambda b: b[:-3],  # not whole numbers
        lambda b: b[:16],  # not even the team's counts and times
    ],
    ids=["extra mass", "missing mass", "cut", "no times"],
)
def test_a_spoilt_tie_set_is_an_error_not_a_wrong_figure(spoil: Any) -> None:
    import base64

    from stakegraph.errors import StoreError

    data = tiesets.encode({"t1": [1.0, 5.0, 5.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.25]})
    head, _, text = data.partition("\n")
    spoilt = head + "\n" + base64.b64encode(spoil(base64.b64decode(text))).decode()
    with pytest.raises(StoreError):
        tiesets.table(["a"], [spoilt], [90.0])
    with pytest.raises(StoreError):
        tiesets.table(["a"], [head + "\n@@ not base64 @@"], [90.0])


def test_tie_sets_of_the_first_format_are_rewritten_with_the_same_numbers(
    store: GraphStore,
) -> None:
    """A store written by the first format: its reports read the interactions until a repair
    (an import or the service starting) rewrites the tie sets; then they read the tie sets
    again and give the same report."""
    from dataclasses import asdict

    from stakegraph.analysis import build_report

    sample.load(store)
    store.upsert_interactions(_calls(4, "f"))
    settings = store.settings.analysis  # type: ignore[attr-defined]
    before = store.account_snapshot("northwind", AS_OF)
    assert before.ties is not None
    run = store._run  # type: ignore[attr-defined]
    contact_ids = [c.id for c in sample.contacts()]
    # Rewrite every tie set as the first format wrote it.
    stored = run("get_tie_sets", {"ids": contact_ids})
    old_rows = [
        [r["contact_id"], r["account_id"], r["version"], r["half_life_days"],
         _first_format(tiesets.decode(r["data"]))]
        for r in stored
        if r["version"] is not None
    ]  # fmt: skip
    assert len(old_rows) >= 3
    assert run("write_tie_sets", {"rows": old_rows})[0]["conflicts"] == []
    during = store.account_snapshot("northwind", AS_OF)
    assert during.ties is None  # the first format: the interactions are read instead
    assert build_report(during, settings) == build_report(
        store.account_snapshot("northwind", AS_OF, full=True), settings
    )
    assert store.repair_ties() == len(old_rows)
    assert store.repair_ties() == 0
    after = store.account_snapshot("northwind", AS_OF)
    assert after.ties is not None
    assert [asdict(t) for t in after.ties] == [asdict(t) for t in before.ties]
    assert build_report(after, settings) == build_report(before, settings)
    assert all(
        r["data"].startswith(tiesets.FORMAT)
        for r in run("get_tie_sets", {"ids": contact_ids})
        if r["data"]
    )
