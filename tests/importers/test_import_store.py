"""Importers end to end: through the ingest pipeline into the embedded store, and again."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stakegraph.cli import app
from stakegraph.importers.hubspot import HubSpotImporter
from stakegraph.importers.ics import CalendarImporter
from stakegraph.importers.identity import IdentityIndex
from stakegraph.importers.mail import MailImporter
from stakegraph.importers.salesforce import SalesforceImporter, salesforce_id
from stakegraph.ingest import ImportReport, ingest
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

pytestmark = pytest.mark.store

OURS = ["ours.example"]
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def _index(store: GraphStore) -> IdentityIndex:
    return IdentityIndex.from_identity_rows(store.identity_rows(), OURS)


def _counts(report: ImportReport) -> dict[str, tuple[int, int, int, int]]:
    return {s: (c.created, c.updated, c.unchanged, c.rejected) for s, c in report.counts.items()}


def _salesforce(store: GraphStore, fixtures: Path) -> ImportReport:
    source = SalesforceImporter(fixtures / "salesforce", _index(store))
    return ingest(store, source, source="salesforce")


def test_salesforce_round_trip_and_reimport(store: GraphStore, fixtures: Path) -> None:
    first = _salesforce(store, fixtures)
    assert _counts(first) == {
        "accounts": (2, 0, 0, 1),
        "team": (2, 0, 0, 0),
        "contacts": (5, 0, 0, 3),
        "interactions": (3, 0, 0, 1),
    }
    sandra = store.get_contact(salesforce_id("003A000004SaNdR") or "")
    assert sandra is not None
    assert sandra.reports_to == "003A000004CaRlOIAV"
    assert sandra.seniority.value == "vp" and sandra.function.value == "technology"
    assert [r.value for r in sandra.buying_roles] == ["executive_sponsor", "technical_buyer"]
    # Re-importing the same export creates nothing and changes nothing.
    again = _salesforce(store, fixtures)
    assert _counts(again) == {
        "accounts": (0, 0, 2, 1),
        "team": (0, 0, 2, 0),
        "contacts": (0, 0, 5, 3),
        "interactions": (0, 0, 3, 1),
    }


def test_mail_after_crm_matches_people_by_email(store: GraphStore, fixtures: Path) -> None:
    _salesforce(store, fixtures)
    report = ingest(store, MailImporter([fixtures / "mail"], _index(store)), source="mail")
    # Alex and Priya are the CRM's users, Sandra and Carl its contacts (Carl's CRM address
    # was "Carl.Okafor+sf@Northwind.example"): nobody is created twice.
    assert report.counts["team"].created == 0
    created = {c.id for c in store.get_contacts(["email:jose.nunez@northwind.example"]).values()}
    assert created == {"email:jose.nunez@northwind.example"}
    assert store.get_contact("email:carl.okafor@northwind.example") is None
    jose = store.get_contact("email:jose.nunez@northwind.example")
    assert jose is not None and jose.discovered and jose.title is None
    snapshot = store.account_snapshot("001A000001NwTdAIAV", full=True)
    emails = [i for i in snapshot.interactions if i.kind.value == "email"]
    answered = {
        i.answered for i in emails if i.direction is not None and i.direction.value == "outbound"
    }
    assert answered == {True, False}
    again = ingest(store, MailImporter([fixtures / "mail"], _index(store)), source="mail")
    assert again.counts["interactions"].created == 0
    assert again.counts["contacts"].created == 0
    assert again.counts["interactions"].unchanged == report.counts["interactions"].created


def test_calendar_and_hubspot_reimport_is_idempotent(store: GraphStore, fixtures: Path) -> None:
    store.upsert_accounts([])  # nothing: the calendar needs accounts with domains
    from stakegraph.model import Account

    store.upsert_accounts(
        [
            Account(id="northwind", name="Northwind", domains=["northwind.example"]),
            Account(id="contoso", name="Contoso", domains=["contoso.example"]),
        ]
    )
    calendar = fixtures / "calendar"
    first = ingest(store, CalendarImporter([calendar], _index(store), window=WINDOW), source="ics")
    assert first.counts["interactions"].created == 6
    assert first.counts["contacts"].created == 3  # Jose, Sandra, Ken: discovered
    second = ingest(store, CalendarImporter([calendar], _index(store), window=WINDOW), source="ics")
    assert second.counts["interactions"].unchanged == 6
    assert sum(c.created + c.updated for c in second.counts.values()) == 0

    hub = fixtures / "hubspot"
    one = ingest(store, HubSpotImporter(hub, _index(store)), source="hubspot")
    assert one.counts["interactions"].created == 4
    two = ingest(store, HubSpotImporter(hub, _index(store)), source="hubspot")
    assert sum(c.created + c.updated for c in two.counts.values()) == 0


def test_identity_rows(store: GraphStore, fixtures: Path) -> None:
    _salesforce(store, fixtures)
    rows = list(store.identity_rows())
    accounts = {r["id"]: r["domains"] for s, r in rows if s == "accounts"}
    assert accounts["001A000001NwTdAIAV"] == ["northwind.example"]
    team = {r["email"] for s, r in rows if s == "team"}
    assert team == {"alex.morgan@ours.example", "priya.shah@ours.example"}
    contacts = {r["id"]: (r["account_id"], r["email"]) for s, r in rows if s == "contacts"}
    assert contacts["003A000004CaRlOIAV"] == (
        "001A000001NwTdAIAV",
        "carl.okafor+sf@northwind.example",
    )


def _env(settings: Settings) -> dict[str, str]:
    return {
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
        "STAKEGRAPH_GRAPH_URL": "",
        "STAKEGRAPH_OUR_DOMAINS": "ours.example",
    }


def test_cli_rejects_file_and_dry_run(
    settings: Settings, store: GraphStore, fixtures: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = _env(settings)
    dry = runner.invoke(
        app, ["import", "salesforce", str(fixtures / "salesforce"), "--dry-run",
              "--rejects", str(tmp_path / "dry.jsonl")], env=env,
    )  # fmt: skip
    assert dry.exit_code == 3, dry.output
    assert "dry run" in dry.output
    assert store.counts() == {"accounts": 0, "contacts": 0, "team": 0, "interactions": 0}

    rejects = tmp_path / "sf.rejects.jsonl"
    real = runner.invoke(
        app, ["import", "salesforce", str(fixtures / "salesforce"), "--rejects", str(rejects)],
        env=env,
    )  # fmt: skip
    assert real.exit_code == 3, real.output
    assert str(rejects) in real.output.replace("\n", "")
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert {(Path(r["source"]).name, r["location"]) for r in lines} >= {
        ("Account.csv", "line 6"),
        ("Contact.csv", "line 8"),
        ("Task.csv", "line 6"),
    }
    assert all(r["reason"] for r in lines)
    assert store.counts()["contacts"] == 5

    mail = runner.invoke(app, ["import", "mail", str(fixtures / "mail" / "budget.eml")], env=env)
    assert mail.exit_code == 0, mail.output
    assert "created" in mail.output


def test_imports_reach_the_report(store: GraphStore, fixtures: Path) -> None:
    from stakegraph.analysis.report import build_report
    from stakegraph.settings import AnalysisSettings

    _salesforce(store, fixtures)
    ingest(store, MailImporter([fixtures / "mail"], _index(store)), source="mail")
    as_of = datetime(2026, 10, 15, tzinfo=UTC)
    northwind = "001A000001NwTdAIAV"
    report = build_report(store.account_snapshot(northwind, as_of), AnalysisSettings())
    people = {p.id: p for p in report.people}
    carl = people["003A000004CaRlOIAV"]
    assert carl.seniority == "c_level" and carl.senior  # "Chief Information Officer"
    alex = "005A0000002AeXeIAK"
    sandra = salesforce_id("003A000004SaNdR")
    strength = {(t.team_id, t.contact_id): t.strength for t in report.ties}
    assert strength[(alex, sandra)] > 0.5  # call, meeting, answered email, her reply
    # Alex's email to Jose was never answered: by default it does not count toward a tie.
    assert strength.get((alex, "email:jose.nunez@northwind.example"), 0.0) == 0.0
    assert "email:jose.nunez@northwind.example" in people  # but Jose is known now
