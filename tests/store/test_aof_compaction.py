"""A clean stop leaves the append-only file as a snapshot, so the next start loads quickly.

FalkorDB replays an AOF by re-running every graph query; without the rewrite a restart after
loading the demo portfolio takes longer than the start timeout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stakegraph.settings import get_settings
from stakegraph.store import open_store
from stakegraph.store.embedded import EmbeddedServer

from . import sample

pytestmark = pytest.mark.store


def _aof_files(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in (root / "appendonlydir").iterdir()}


def test_a_clean_stop_rewrites_the_aof_as_a_snapshot(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path)
    store = open_store(settings)
    sample.load(store)
    server = EmbeddedServer(tmp_path)
    before = _aof_files(server.files.root)
    assert any(name.endswith(".incr.aof") and size > 0 for name, size in before.items())
    store.close()  # the last client: compacts, then stops the server
    assert server.running_pid() is None
    after = _aof_files(server.files.root)
    incr = [size for name, size in after.items() if name.endswith(".incr.aof")]
    base = [size for name, size in after.items() if name.endswith(".base.rdb")]
    assert incr == [0], "every write is in the snapshot: nothing is left to replay"
    assert base and base[0] > 0
    reopened = open_store(settings)
    try:
        assert reopened.counts() == {"accounts": 2, "contacts": 4, "team": 2, "interactions": 4}
        assert reopened.get_contact("c-sandra") is not None
    finally:
        reopened.close()
