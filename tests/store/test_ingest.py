"""The ingest pipeline and the bundle file: bad records are reported, good ones land, re-runs add
nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stakegraph.bundle.io import read_bundle, write_bundle
from stakegraph.cli import app
from stakegraph.errors import BundleError
from stakegraph.ingest import ingest
from stakegraph.reading_worker import InWorker
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

pytestmark = pytest.mark.store

BUNDLE = {
    "format": "stakegraph-bundle",
    "version": 1,
    "accounts": [
        {"id": "northwind", "name": "Northwind", "domains": ["northwind.example"]},
    ],
    "team": [{"id": "t-alex", "name": "Alex", "role": "account_exec"}],
    "contacts": [
        # Sandra names her manager before the manager's record: she waits for it.
        {"id": "c-sandra", "account_id": "northwind", "name": "Sandra", "title": "VP IT",
         "reports_to": "c-carl"},
        {"id": "c-carl", "account_id": "northwind", "name": "Carl", "title": "CIO"},
        {"id": "c-bad-account", "account_id": "nowhere", "name": "Nobody"},
        {"id": "c-bad-enum", "account_id": "northwind", "name": "E", "stance": "friend"},
        {"id": "c-dangling", "account_id": "northwind", "name": "D", "reports_to": "c-ghost"},
        {"id": "c-loop-a", "account_id": "northwind", "name": "A", "reports_to": "c-loop-b"},
        {"id": "c-loop-b", "account_id": "northwind", "name": "B", "reports_to": "c-loop-a"},
        {"id": "", "account_id": "northwind", "name": "No id"},
        {"id": "c-nul", "account_id": "northwind", "name": "Nul", "title": "VP\u0000IT"},
    ],
    "interactions": [
        {"id": "i1", "account_id": "northwind", "kind": "meeting",
         "occurred_at": "2026-10-01T10:00:00+02:00", "team_ids": ["t-alex"],
         "contact_ids": ["c-sandra"]},
        {"id": "i-bad-date", "account_id": "northwind", "kind": "meeting",
         "occurred_at": "yesterday", "team_ids": ["t-alex"], "contact_ids": ["c-sandra"]},
        {"id": "i-ghost", "account_id": "northwind", "kind": "call",
         "occurred_at": "2026-10-02T10:00:00Z", "team_ids": ["t-alex"],
         "contact_ids": ["c-ghost"]},
        {"id": "i-rejected-contact", "account_id": "northwind", "kind": "call",
         "occurred_at": "2026-10-02T10:00:00Z", "team_ids": ["t-alex"],
         "contact_ids": ["c-bad-enum"]},
    ],
}  # fmt: skip


def _bundle_bytes(data: object = BUNDLE) -> io.BytesIO:
    return io.BytesIO(json.dumps(data).encode())


def test_good_records_land_and_bad_ones_are_named(store: GraphStore) -> None:
    report = ingest(store, read_bundle(_bundle_bytes(), source="b.json"), source="b.json")
    counts = {k: (v.created, v.rejected) for k, v in report.counts.items()}
    assert counts == {
        "accounts": (1, 0),
        "team": (1, 0),
        # sandra and carl land; loop-b closes a cycle, so loop-a would point at nobody.
        "contacts": (2, 7),
        "interactions": (1, 3),
    }
    by_id = {r.id: r for r in report.rejects}
    assert by_id["c-bad-account"].field == "account_id"
    assert by_id["c-bad-account"].location == "contacts[2]"
    assert by_id["c-bad-enum"].field == "stance" and "supporter" in by_id["c-bad-enum"].reason
    assert by_id["c-dangling"].field == "reports_to" and "c-ghost" in by_id["c-dangling"].reason
    assert by_id["c-loop-b"].field == "reports_to" and "cycle" in by_id["c-loop-b"].reason
    assert "c-loop-b" in by_id["c-loop-a"].reason and "rejected" in by_id["c-loop-a"].reason
    assert by_id[""].field == "id" and by_id[""].location == "contacts[7]"
    assert by_id["c-nul"].field == "title" and "NUL character" in by_id["c-nul"].reason
    assert by_id["i-bad-date"].field == "occurred_at"
    assert by_id["i-ghost"].field == "contact_ids" and "c-ghost" in by_id["i-ghost"].reason
    assert by_id["i-rejected-contact"].field == "contact_ids"
    sandra = store.get_contact("c-sandra")
    assert sandra is not None and sandra.reports_to == "c-carl"
    # Running it again adds nothing and reports the same rejects.
    again = ingest(store, read_bundle(_bundle_bytes(), source="b.json"), source="b.json")
    assert all(c.created == 0 and c.updated == 0 for c in again.counts.values())
    assert len(again.rejects) == len(report.rejects)
    assert store.counts() == {"accounts": 1, "contacts": 2, "team": 1, "interactions": 1}


def test_dry_run_writes_nothing(store: GraphStore) -> None:
    report = ingest(store, read_bundle(_bundle_bytes()), source="b", dry_run=True)
    assert report.counts["contacts"].created == 2
    assert report.counts["interactions"].created == 1
    assert store.counts() == {"accounts": 0, "contacts": 0, "team": 0, "interactions": 0}


def test_not_json_and_not_a_bundle() -> None:
    with pytest.raises(BundleError, match="not JSON"):
        list(read_bundle(io.BytesIO(b"accounts: []"), source="x.json"))
    with pytest.raises(BundleError, match="top level"):
        list(read_bundle(io.BytesIO(b"[1, 2]"), source="x.json"))
    with pytest.raises(BundleError, match="format"):
        list(read_bundle(_bundle_bytes({"format": "other"}), source="x.json"))


def test_truncated_file_keeps_what_came_before(store: GraphStore) -> None:
    text = json.dumps(BUNDLE)
    cut = text[: text.index('"c-carl"') + 20]
    report = ingest(store, read_bundle(io.BytesIO(cut.encode()), source="t.json"), source="t.json")
    assert report.counts["accounts"].created == 1
    assert any("breaks off" in r.reason for r in report.rejects)
    # Sandra waited for a manager who never came: she is rejected, not half-written.
    assert store.get_contact("c-sandra") is None


def test_newer_version_updates_in_place(store: GraphStore) -> None:
    ingest(store, read_bundle(_bundle_bytes()), source="v1")
    newer = json.loads(json.dumps(BUNDLE))
    newer["contacts"][0]["title"] = "Chief Operating Officer"
    report = ingest(store, read_bundle(_bundle_bytes(newer)), source="v2")
    assert report.counts["contacts"].updated == 1
    assert [c.contact_id for c in report.role_changes] == ["c-sandra"]
    assert "northwind" in report.touched_accounts


@pytest.mark.parametrize("worker_from", ["0", "1"], ids=["one process", "worker process"])
def test_cli_import_export_round_trip(
    settings: Settings, tmp_path: Path, worker_from: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    source = tmp_path / "in.json"
    good = json.loads(json.dumps(BUNDLE))
    good["contacts"] = good["contacts"][:2]
    good["interactions"] = good["interactions"][:1]
    source.write_text(json.dumps(good))
    env = {
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
        "STAKEGRAPH_GRAPH_URL": "",
        # "1": every file is big enough for the worker process that reads and validates it,
        # on any machine.
        "STAKEGRAPH_IMPORT_WORKER_MIN_BYTES": worker_from,
        "STAKEGRAPH_IMPORT_WORKER_MIN_CPUS": "1",
    }
    started: list[str] = []
    start = InWorker.start
    monkeypatch.setattr(
        InWorker, "start", lambda self, name: started.append(name) or start(self, name)
    )
    result = runner.invoke(app, ["import", str(source)], env=env)
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    assert started == (["in.json"] if worker_from == "1" else [])
    first = tmp_path / "first.json"
    assert runner.invoke(app, ["export", "-o", str(first)], env=env).exit_code == 0
    exported = json.loads(first.read_text())
    assert [c["id"] for c in exported["contacts"]] == ["c-carl", "c-sandra"]
    assert exported["interactions"][0]["occurred_at"] == "2026-10-01T08:00:00Z"
    # Import the export into a fresh graph and export again: byte for byte the same.
    env2 = dict(env, STAKEGRAPH_GRAPH_NAME=settings.graph_name + "_copy")
    assert runner.invoke(app, ["import", str(first)], env=env2).exit_code == 0
    second = tmp_path / "second.json"
    assert runner.invoke(app, ["export", "-o", str(second)], env=env2).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    # Re-importing changes nothing.
    again = runner.invoke(app, ["import", "bundle", str(first)], env=env2)
    assert again.exit_code == 0 and "unchanged" in again.output


def test_cli_import_with_rejects_exits_3(settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(BUNDLE))
    env = {
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
    }
    result = CliRunner().invoke(app, ["import", str(source)], env=env)
    assert result.exit_code == 3
    lines = (tmp_path / "bad.json.rejects.jsonl").read_text().splitlines()
    assert len(lines) == 10
    assert {json.loads(line)["id"] for line in lines} >= {"c-bad-account", "i-ghost"}


def test_write_bundle_writes_empty_sections() -> None:
    out = io.StringIO()
    counts = write_bundle([("accounts", {"id": "a", "name": "A"})], out)
    data = json.loads(out.getvalue())
    assert counts["accounts"] == 1
    assert data == {
        "format": "stakegraph-bundle", "version": 1, "accounts": [{"id": "a", "name": "A"}],
        "team": [], "contacts": [], "interactions": [],
    }  # fmt: skip
