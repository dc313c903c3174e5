"""Interaction batches begun before the batch before them is ended
(``GraphStore.start_interaction_rows``): the database writes one while the caller prepares the
next. Whatever order the answers are read in, what is stored and the tie sets are those of
writing the batches one after the other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from stakegraph.model import Interaction
from stakegraph.store import GraphStore
from stakegraph.store.base import UpsertResult
from stakegraph.store.records import interaction_row
from tests.factories import tie_aggregates

from . import sample

pytestmark = pytest.mark.store


def _people(store: GraphStore) -> None:
    store.upsert_accounts(sample.accounts())
    store.upsert_team(sample.team())
    store.upsert_contacts(sample.contacts())


def _calls(first: int, n: int, *, contact: str = "c-sandra") -> list[Interaction]:
    return [
        Interaction(
            id=f"i{k}", account_id="northwind", kind="call" if k % 2 else "meeting",
            occurred_at=sample.T0 + timedelta(hours=k), team_ids=["t-alex"],
            contact_ids=[contact, "c-ian"] if k % 3 == 0 else [contact],
        )
        for k in range(first, first + n)
    ]  # fmt: skip


def _ties_match_the_interactions(store: GraphStore) -> None:
    at = sample.T0 + timedelta(days=60)
    snap = store.account_snapshot("northwind", at)
    full = store.account_snapshot("northwind", at, full=True)
    assert snap.ties is not None
    got = {(t.team_id, t.contact_id): (t.count, dict(t.kind_mass)) for t in snap.ties}
    want = {
        (t.team_id, t.contact_id): (t.count, dict(t.kind_mass))
        for t in tie_aggregates(full.interactions)
    }
    assert got == want


def test_batches_begun_ahead_are_stored_and_folded(contract_store: GraphStore) -> None:
    store = contract_store
    _people(store)
    batches = [_calls(0, 7), _calls(7, 7), _calls(14, 3)]
    ends: list[Callable[[], UpsertResult]] = []
    with store.deferred_ties() as ties:
        for batch in batches:
            ends.append(
                store.start_interaction_rows([interaction_row(i) for i in batch], ties=ties)
            )
        # Any other use of the store reads the answers still due first: all three are stored.
        assert store.existing_ids("Interaction", [f"i{k}" for k in range(17)]) == {
            f"i{k}" for k in range(17)
        }
        results = [end() for end in ends]
    assert [r.created for r in results] == [[i.id for i in batch] for batch in batches]
    assert store.counts()["interactions"] == 17
    _ties_match_the_interactions(store)


def test_a_begun_batch_that_meets_a_stored_id_is_upserted(contract_store: GraphStore) -> None:
    store = contract_store
    _people(store)
    store.upsert_interactions(_calls(0, 2))  # i0 and i1 are stored before the import
    changed = Interaction.model_validate(
        {**_calls(0, 1)[0].model_dump(), "kind": "email", "subject": "Renewal"}
    )
    with store.deferred_ties() as ties:
        first = store.start_interaction_rows(
            [interaction_row(i) for i in [changed, *_calls(1, 4)]], ties=ties
        )
        second = store.start_interaction_rows(
            [interaction_row(i) for i in _calls(5, 3, contact="c-ian")], ties=ties
        )
        # The first create is refused whole (i0 and i1 are stored) and written again as an
        # upsert when it ends, after the second batch went in.
        one, two = first(), second()
    assert (sorted(one.created), one.updated, one.unchanged) == (
        ["i2", "i3", "i4"], ["i0"], ["i1"]
    )  # fmt: skip
    assert two.created == ["i5", "i6", "i7"]
    assert ties.assume_new is False  # and the writer reads before it writes from now on
    stored = store.account_snapshot("northwind", sample.T0 + timedelta(days=60), full=True)
    assert {i.id: (i.kind, i.subject) for i in stored.interactions}["i0"] == ("email", "Renewal")
    _ties_match_the_interactions(store)


def test_a_batch_whose_answer_was_lost_is_written_once(store: GraphStore) -> None:
    """The connection breaks after the batch was sent: it is sent again when it ends. Whether
    the first sending wrote it or not, it is stored once and its ties count once."""
    if not hasattr(store, "_sending"):
        pytest.skip("only an adapter that sends ahead has a connection to lose")
    _people(store)
    with store.deferred_ties() as ties:
        end = store.start_interaction_rows([interaction_row(i) for i in _calls(0, 6)], ties=ties)
        sending: Any = store._sending
        sending[1].disconnect()  # the answer to the batch is lost with its connection
        result = end()
    assert len(result.created) + len(result.unchanged) == 6
    assert store.counts()["interactions"] == 6
    _ties_match_the_interactions(store)


def test_a_store_closed_with_an_answer_due_keeps_the_batch(settings: Any) -> None:
    """The writer stops before it asked for the answer of a batch it began (as an import that
    dies would): closing the store reads that answer; the batch is stored."""
    from stakegraph.store import open_store

    store = open_store(settings)
    try:
        _people(store)
        session = store.deferred_ties()
        ties = session.__enter__()  # never left: the writer stops without flushing its ties
        store.start_interaction_rows([interaction_row(i) for i in _calls(0, 5)], ties=ties)
    finally:
        store.close()
    reopened = open_store(settings)
    try:
        assert reopened.counts()["interactions"] == 5
    finally:
        reopened.delete_everything()
        reopened.close()
