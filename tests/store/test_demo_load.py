"""The demo portfolio loads through the ingest pipeline into the embedded store, cleanly and
idempotently, and ``stakegraph demo`` reports what it loaded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from stakegraph.analysis import build_report
from stakegraph.cli import app
from stakegraph.cli.demo import demo_ingest_records
from stakegraph.demo import (
    CONTOSO_CEO,
    GLOBEX_AE,
    NORTHWIND_CIO,
    NORTHWIND_SANDRA,
    OUR_CEO,
    demo_bundle,
)
from stakegraph.ingest import ingest
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

pytestmark = pytest.mark.store

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


def test_the_whole_demo_loads_cleanly_and_idempotently(
    store: GraphStore, settings: Settings
) -> None:
    expected = {k: len(v) for k, v in demo_bundle(now=NOW).items() if isinstance(v, list)}
    report = ingest(store, demo_ingest_records(seed=7, now=NOW, accounts=40), source="demo")
    assert report.rejects == []
    assert {k: c.created for k, c in report.counts.items()} == expected
    assert store.counts() == expected

    snapshot = store.account_snapshot("northwind", NOW, full=True)
    ids = {c.id for c in snapshot.contacts}
    assert {NORTHWIND_SANDRA, NORTHWIND_CIO} <= ids
    sandra = next(c for c in snapshot.contacts if c.id == NORTHWIND_SANDRA)
    assert sandra.reports_to == NORTHWIND_CIO and sandra.seniority == "vp"
    assert not any(NORTHWIND_CIO in i.contact_ids for i in snapshot.interactions)

    again = ingest(store, demo_ingest_records(seed=7, now=NOW, accounts=40), source="demo")
    assert again.rejects == []
    assert {k: c.unchanged for k, c in again.counts.items()} == expected
    assert store.counts() == expected

    # The stories come out of the real analysis as the README tells them.
    reports = {
        a: build_report(store.account_snapshot(a, NOW), settings.analysis)
        for a in ("northwind", "globex", "initech", "umbrella", "contoso")
    }
    nw = reports["northwind"]
    assert nw.threads.single_threaded and NORTHWIND_SANDRA in nw.threads.cover
    assert NORTHWIND_SANDRA in nw.single_points_of_failure
    cio = next(r for r in nw.recommendations if r.contact_id == NORTHWIND_CIO)
    assert cio.path is not None and NORTHWIND_SANDRA in cio.path
    assert nw.risk.level == "high"
    gx = reports["globex"]
    assert gx.threads.single_threaded and gx.threads.cover == [GLOBEX_AE]
    assert GLOBEX_AE in gx.single_points_of_failure
    assert reports["initech"].going_dark
    assert not any(r.going_dark for a, r in reports.items() if a != "initech")
    assert reports["umbrella"].alignment.misaligned
    assert not any(r.alignment.misaligned for a, r in reports.items() if a != "umbrella")
    co = reports["contoso"]
    assert co.executive_alignment and co.risk.level == "low" and co.threads.senior >= 4
    assert any(t.team_id == OUR_CEO and t.contact_id == CONTOSO_CEO and t.live for t in co.ties)


def test_cli_demo_loads_and_summarises(settings: Settings) -> None:
    env = {
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
        "STAKEGRAPH_GRAPH_URL": "",
    }
    args = ["demo", "--accounts", "6", "--now", "2025-06-02T12:00:00"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    assert "The store now holds 6 accounts, 25 team members" in result.output
    assert "Portfolio:" in result.output and "What to look for:" in result.output
    assert "Next: stakegraph report northwind" in result.output
    again = CliRunner().invoke(app, args, env=env)
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
