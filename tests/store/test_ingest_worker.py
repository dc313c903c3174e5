"""A big bundle is read and validated by a worker process: the same outcome as in one process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stakegraph.bundle.io import read_bundle_file
from stakegraph.errors import StakegraphError
from stakegraph.ingest import InWorker, ingest
from stakegraph.reading_worker import worker_wanted
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


def test_a_worker_started_early_and_named_by_string_gives_the_same(
    store: GraphStore, tmp_path: Path
) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(BUNDLE), encoding="utf-8")
    by_function = _outcome(store, InWorker(read_bundle_file, (path,), batch_size=2), "bundle.json")
    store.delete_everything()
    # As the command line does it: the reader by name, started before the store is used.
    started = InWorker("stakegraph.bundle.io:read_bundle_file", (path,), 2).start("bundle.json")
    with started:
        early = _outcome(store, started, "bundle.json")
    assert early == by_function
    assert not started._process.is_alive() and started._process.exitcode == 0


def test_a_started_worker_nobody_reads_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(BUNDLE), encoding="utf-8")
    with InWorker(read_bundle_file, (path,), batch_size=1).start("bundle.json") as started:
        assert started._process.is_alive()
    # Left before reading (the store would not open, say): the process is gone, not orphaned.
    assert not started._process.is_alive()


@pytest.mark.parametrize(
    ("size", "cpus", "wanted"),
    [
        (50_000_000, 2, False),  # two cores: the database and the importing process have them
        (50_000_000, 3, True),
        (7_999_999, 8, False),  # too small to pay for the worker's start
        (8_000_000, 8, True),
    ],
)
def test_a_worker_only_for_big_files_with_a_core_to_spare(
    size: int, cpus: int, wanted: bool
) -> None:
    assert worker_wanted(size, min_bytes=8_000_000, min_cpus=3, cpus=cpus) is wanted
    assert worker_wanted(size, min_bytes=0, min_cpus=1, cpus=cpus) is False  # 0: never
