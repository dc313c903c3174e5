"""The HubSpot exports: association columns, owners, outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from stakegraph.importers.hubspot import HubSpotImporter
from stakegraph.importers.identity import IdentityIndex

from .conftest import by_id, split

pytestmark = pytest.mark.unit


def test_hubspot_export(fixtures: Path) -> None:
    index = IdentityIndex.from_rows(our_domains=["ours.example"])
    importer = HubSpotImporter(fixtures / "hubspot", index)
    records, rejects = split(importer)

    accounts = by_id(records, "accounts")
    assert accounts["hubspot:9001"]["domains"] == [
        "fabrikam.example",
        "fabrikam-eu.example",
        "fabrikam.co.example",
    ]
    contacts = by_id(records, "contacts")
    # "9001;9002": the first associated company is the contact's account.
    assert contacts["hubspot:502"]["account_id"] == "hubspot:9001"
    assert contacts["hubspot:503"]["title"] == "Owner\n& Founder"
    assert "hubspot:504" not in contacts

    team = by_id(records, "team")
    # The owner shown as "Name (email)" is matched by email, with the same id the mail
    # importer gives them; an owner shown only by email gets a name from it.
    assert team["email:jordan.blake@ours.example"]["name"] == "Jordan Blake"
    assert team["email:casey.nguyen@ours.example"]["name"] == "Casey Nguyen"

    interactions = by_id(records, "interactions")
    call = interactions["hubspot:70001"]
    assert call["kind"] == "call" and call["direction"] == "outbound"
    assert call["contact_ids"] == ["hubspot:501", "hubspot:502"]
    assert call["occurred_at"] == "2026-09-01T15:00:00Z"
    assert interactions["hubspot:80001"]["kind"] == "meeting"
    assert interactions["hubspot:90001"]["direction"] == "inbound"
    assert interactions["hubspot:90002"]["direction"] == "outbound"
    assert "hubspot:70002" not in interactions  # not connected
    assert "hubspot:80002" not in interactions  # cancelled
    assert "hubspot:90003" not in interactions  # no contact
    assert importer.stats.skipped == {
        "call not connected": 1,
        "meeting not held": 1,
        "email without an associated contact": 1,
    }
    assert [(Path(r.source).name.split("-")[3], r.location) for r in rejects] == [
        ("all", "line 6"),  # the contact without a company (after a quoted newline)
        ("calls", "line 4"),  # "not a date"
    ]
    # Team records come before the interactions that need them.
    sections = [r.section for r in records]
    assert sections.index("team") < sections.index("interactions")
