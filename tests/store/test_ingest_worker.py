"""A big bundle is read and validated by a worker process: the same outcome as in one process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stakegraph.bundle.io import read_bundle_file
from stakegraph.errors import StakegraphError
from stakegraph.ingest import InWorker, ingest
from stakegraph.store import GraphStore

from .test_ingest import BUNDLE

pytestmark = pytest.mark.store


def _outcome(store: GraphStore, records: object, name: str) -> tuple[object, ...]:
    report = ingest(store, records, source=name, batch_size=2)  # type: ignore[arg-type]
    return (
        {k: (c.created, c.updated, c.unchanged, c.rejected) for k, c in report.counts.items()},
        sorted(str(r) for r in report.rejects),
        sorted(report.touched_accounts),
    )


def test_the_worker_gives_what_one_process_gives(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(BUNDLE), encoding="utf-8")
    in_worker = _outcome(store, InWorker(read_bundle_file, (path,), batch_size=2), "bundle.json")
    exported = list(store.export())
    store.delete_everything()
    in_process = _outcome(store, read_bundle_file(path), "bundle.json")
    assert in_worker == in_process
    assert list(store.export()) == exported
    counts, rejects, _ = in_worker
    assert counts["interactions"] == (1, 0, 0, 3)  # type: ignore[index]
    assert any("occurred_at" in r for r in rejects)  # type: ignore[union-attr]
    snap = store.account_snapshot("northwind")
    assert snap.ties is not None and [(t.team_id, t.contact_id) for t in snap.ties] == [
        ("t-alex", "c-sandra")
    ]


def test_an_error_in_the_worker_reaches_the_caller(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ingest(store, InWorker(read_bundle_file, (tmp_path / "missing.json",)), source="x")


def _die(path: Path) -> object:
    import os

    os._exit(7)
    yield  # a generator, as a reader is


def test_a_worker_that_dies_is_an_error(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(StakegraphError, match="exit code 7"):
        ingest(store, InWorker(_die, (tmp_path,)), source="x")
