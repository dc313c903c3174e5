"""The ingest pipeline writes while it reads: contacts by a background thread, interactions
begun (sent) before the batch before them is ended. Never two store calls at once, errors
surface, nothing is still being written when ``ingest`` returns or raises."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from stakegraph.errors import StoreError
from stakegraph.ingest import _IN_FLIGHT, Record, Reject, ingest
from stakegraph.store import GraphStore

from . import sample

pytestmark = pytest.mark.store


_INTERACTION_WRITES = frozenset(
    {"upsert_interactions", "upsert_interaction_rows", "start_interaction_rows"}
)


class Watched:
    """A store proxy that fails a test when two threads use the store at the same time."""

    def __init__(
        self,
        store: GraphStore,
        *,
        slow_writes_s: float = 0.0,
        writes: frozenset[str] = _INTERACTION_WRITES,
    ) -> None:
        self._store = store
        self.writes = writes
        self._busy = threading.Lock()
        self.slow_writes_s = slow_writes_s
        self.overlaps = 0
        self.threads: set[str] = set()
        self.fail_writes = False
        self.writes_done = 0
        self.events: list[str] = []  # "begin k", "end k" (interactions), "begin ck"...
        self.begun: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._store, name)
        if not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            if not self._busy.acquire(blocking=False):
                self.overlaps += 1
                self._busy.acquire()
            try:
                self.threads.add(threading.current_thread().name)
                if name in ("start_interaction_rows", "start_contacts"):
                    label = "" if name == "start_interaction_rows" else "c"
                    return self._begin(label, target, *args, **kwargs)
                if name in self.writes:
                    time.sleep(self.slow_writes_s)  # a slow database: the reader runs ahead
                    if self.fail_writes:
                        raise StoreError("the database refused the batch")
                result = target(*args, **kwargs)
                if name in self.writes:
                    self.writes_done += 1
                return result
            finally:
                self._busy.release()

        return call

    @property
    def interaction_events(self) -> list[str]:
        return [event for event in self.events if event.split()[1].isdigit()]

    def _begin(self, label: str, target: Any, *args: Any, **kwargs: Any) -> Any:
        """A begun batch (``label`` "" for interactions, "c" for contacts): its end is slow,
        or fails, as a write would."""
        k = self.begun[label] = self.begun.get(label, -1) + 1
        self.events.append(f"begin {label}{k}")
        end = None if self.fail_writes else target(*args, **kwargs)

        def ended() -> Any:
            self.events.append(f"end {label}{k}")
            time.sleep(self.slow_writes_s)  # the database's answer comes late
            if end is None:
                raise StoreError("the database refused the batch")
            result = end()
            self.writes_done += 1
            return result

        return ended


def _records(n: int) -> Iterator[Record | Reject]:
    for account in sample.accounts():
        yield "accounts", account.model_dump(mode="json"), "a"
    for member in sample.team():
        yield "team", member.model_dump(mode="json"), "t"
    for contact in sample.contacts():
        yield "contacts", contact.model_dump(mode="json"), "c"
    for k in range(n):
        at = sample.T0 + timedelta(hours=k)
        yield "interactions", {
            "id": f"i{k}", "account_id": "northwind", "kind": "call",
            "occurred_at": at.isoformat(), "team_ids": ["t-alex"],
            "contact_ids": ["c-ian" if k % 2 else "c-sandra"],
        }, f"interactions[{k}]"  # fmt: skip


def test_each_batch_is_begun_before_the_one_before_ends(store: GraphStore) -> None:
    watched = Watched(store, slow_writes_s=0.02)
    report = ingest(watched, _records(95), source="t", batch_size=10)  # type: ignore[arg-type]
    assert report.ok and report.counts["interactions"].created == 95
    assert watched.overlaps == 0
    # Ten batches: batch k is ended (its answer read) once batch k + _IN_FLIGHT was sent.
    ahead = _IN_FLIGHT
    assert watched.interaction_events == [f"begin {k}" for k in range(ahead)] + [
        event for k in range(ahead, 10) for event in (f"begin {k}", f"end {k - ahead}")
    ] + [f"end {k}" for k in range(10 - ahead, 10)]
    snap = store.account_snapshot("northwind", sample.T0 + timedelta(days=30))
    assert snap.ties is not None
    assert {(t.team_id, t.contact_id): t.count for t in snap.ties} == {
        ("t-alex", "c-ian"): 47, ("t-alex", "c-sandra"): 48,
    }  # fmt: skip


def test_a_failed_write_stops_the_import_with_its_error(store: GraphStore) -> None:
    watched = Watched(store)
    watched.fail_writes = True
    with pytest.raises(StoreError, match="refused the batch"):
        ingest(watched, _records(50), source="t", batch_size=10)  # type: ignore[arg-type]
    assert store.counts()["interactions"] == 0


def test_nothing_is_written_after_ingest_raises(store: GraphStore) -> None:
    watched = Watched(store, slow_writes_s=0.2)

    def broken() -> Iterator[Record | Reject]:
        yield from _records(20)
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        ingest(watched, broken(), source="t", batch_size=10)  # type: ignore[arg-type]
    # Both full batches were written; they were still to be ended when the source broke
    # (each answer takes 0.2 s), and the import raised only once they were.
    assert watched.interaction_events == ["begin 0", "begin 1", "end 0", "end 1"]
    assert watched.writes_done == 3  # the contacts, then two batches of interactions
    assert store.counts()["interactions"] == 20
    snap = store.account_snapshot("northwind", sample.T0 + timedelta(days=30))
    assert snap.ties is not None and sum(t.count for t in snap.ties) == 20


def test_contacts_are_written_in_the_background_too(store: GraphStore) -> None:
    """Contact batches are written while the next is checked; a check that must read the store
    (a manager stored before this import) waits for the write in flight first."""
    for account in sample.accounts():
        store.upsert_accounts([account])
    store.upsert_contacts([sample.contacts()[0]])  # c-carl, stored before the import
    watched = Watched(store, slow_writes_s=0.02, writes=frozenset({"start_contacts"}))

    def records() -> Iterator[Record | Reject]:
        for k in range(40):
            manager = "c-carl" if k in (0, 20) else f"c{(k - 1) // 3}"
            yield "contacts", {
                "id": f"c{k}", "account_id": "northwind", "name": f"C {k}",
                "reports_to": manager,
            }, f"contacts[{k}]"  # fmt: skip
        # Closes a cycle through contacts written batches ago: refused, nothing else.
        yield "contacts", {
            "id": "c-carl", "account_id": "northwind", "name": "Carl", "reports_to": "c39",
        }, "contacts[40]"  # fmt: skip

    report = ingest(watched, records(), source="t", batch_size=5)  # type: ignore[arg-type]
    assert watched.overlaps == 0 and watched.writes_done == 8
    # Batch k holds c(5k)..c(5k+4), and ck reports to c((k-1)//3). Batch 1 (c5-c9) reports to
    # c1, c2 (batch 0, still begun): it is begun once batch 0 has ended. Batch 2 reports to
    # c3, c4 (batch 0, ended): it is begun before batch 1 ends. Batch 3 reports to c5, c6
    # (batch 1, still begun): every batch begun ends first. Batches 4-6 report to ended
    # batches: three are begun before the first of them ends.
    events = watched.events
    assert events.index("end c0") < events.index("begin c1")
    assert events.index("begin c2") < events.index("end c1")
    assert events.index("end c2") < events.index("begin c3")
    assert events.index("begin c6") < events.index("end c4")
    assert report.counts["contacts"].created == 40
    assert [(r.id, r.field) for r in report.rejects] == [("c-carl", "reports_to")]
    got = store.get_contacts([f"c{k}" for k in range(40)])
    assert got["c0"].reports_to == "c-carl" and got["c39"].reports_to == "c12"
    assert got["c20"].reports_to == "c-carl"
