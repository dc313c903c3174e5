"""The Salesforce export: ids, quirks of the CSV files, what becomes what."""

from __future__ import annotations

from pathlib import Path

import pytest

from stakegraph.importers.identity import IdentityIndex
from stakegraph.importers.salesforce import SalesforceImporter, salesforce_id

from .conftest import by_id, split

pytestmark = pytest.mark.unit

NORTHWIND = "001A000001NwTdAIAV"
CARL = "003A000004CaRlOIAV"
SANDRA = salesforce_id("003A000004SaNdR")
ALEX = "005A0000002AeXeIAK"
PRIYA = salesforce_id("005A0000002BfYf")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("001A000001NwTdA", NORTHWIND),
        ("001A000001NwTdAIAV", NORTHWIND),
        ("001a000001nwtdaiav", NORTHWIND),  # lower-cased by a spreadsheet: case restored
        ("001A000001NWTDAIAV", NORTHWIND),  # the suffix, not the text, says the case
        ("000000000000000AAA", None),  # Salesforce's "no record"
        ("", None),
        ("not-an-id", None),
        ("001A000001NwTd", None),  # 14 characters
    ],
)
def test_salesforce_id(raw: str, expected: str | None) -> None:
    assert salesforce_id(raw) == expected


def test_fifteen_and_eighteen_character_ids_are_one_key() -> None:
    assert salesforce_id("003A000004CaRlO") == salesforce_id("003a000004carloiav") == CARL


@pytest.fixture
def imported(fixtures: Path) -> tuple[SalesforceImporter, list, list]:  # type: ignore[type-arg]
    index = IdentityIndex.from_rows(our_domains=["ours.example"])
    importer = SalesforceImporter(fixtures / "salesforce", index)
    records, rejects = split(importer)
    return importer, records, rejects


def test_accounts_users_contacts(imported: tuple[SalesforceImporter, list, list]) -> None:  # type: ignore[type-arg]
    importer, records, _ = imported
    accounts = by_id(records, "accounts")
    assert set(accounts) == {NORTHWIND, salesforce_id("001A000001CtsoQ")}
    assert accounts[NORTHWIND]["domains"] == ["northwind.example"]  # from the Website URL
    team = by_id(records, "team")
    assert set(team) == {ALEX, PRIYA}  # inactive and automated users are not our team
    assert team[ALEX]["role"] == "account_exec"
    assert team[PRIYA]["role"] == "executive"
    contacts = by_id(records, "contacts")
    assert contacts[SANDRA]["reports_to"] == CARL  # named by 15 characters, stored as 18
    assert contacts[CARL]["account_id"] == NORTHWIND
    assert contacts[CARL]["buying_roles"] == ["economic_buyer"]
    assert contacts[SANDRA]["buying_roles"] == ["executive_sponsor", "technical_buyer"]
    fiona = contacts[salesforce_id("003A000004FiNaN")]
    assert fiona["title"] == "Director, Finance\n(EMEA)"  # a quoted newline stays in its field
    assert importer.stats.skipped["deleted in Salesforce"] == 1
    # A private contact (no AccountId) at a tracked account's domain belongs to that account.
    assert contacts[salesforce_id("003A000004PrIvB")]["account_id"] == NORTHWIND
    # Contacts are known to the index for the activities (and a later mail import).
    assert importer.index.contact_by_email["carl.okafor@northwind.example"] == CARL


def test_activities(imported: tuple[SalesforceImporter, list, list]) -> None:  # type: ignore[type-arg]
    importer, records, _ = imported
    interactions = by_id(records, "interactions")
    call = interactions[salesforce_id("00TA000000TaSk1")]
    assert call["kind"] == "call"
    assert call["occurred_at"] == "2026-09-15T16:30:00Z"
    assert call["team_ids"] == [ALEX] and call["contact_ids"] == [SANDRA]
    assert interactions[salesforce_id("00TA000000TaSk2")]["kind"] == "email"
    meeting = interactions[salesforce_id("00UA000000EvNt1")]
    assert meeting["kind"] == "meeting"
    # Owner, WhoId, and every invitee who did not decline (Fiona declined).
    assert meeting["team_ids"] == [ALEX, PRIYA]
    assert meeting["contact_ids"] == [SANDRA, CARL]
    assert salesforce_id("00UA000000EvNt2") not in interactions  # IsChild: the invitee's copy
    assert salesforce_id("00TA000000TaSk3") not in interactions  # a to-do, not a touch
    assert salesforce_id("00TA000000TaSk4") not in interactions  # a lead, not a contact
    assert importer.stats.skipped["task that is not a call, email or meeting"] == 1


def test_rejects_name_file_and_line(imported: tuple[SalesforceImporter, list, list]) -> None:  # type: ignore[type-arg]
    _, _, rejects = imported
    assert [(Path(r.source).name, r.location, r.reason) for r in rejects] == [
        ("Account.csv", "line 6", "missing or malformed Id ''"),
        ("OpportunityContactRole.csv", "line 5", "unknown contact role 'Chief Gossip'"),
        (
            "Contact.csv",
            "line 6",
            "contact 003A000004PrIvAIAV has no AccountId nor a tracked domain",
        ),
        ("Contact.csv", "line 8", "not valid utf-8-sig text (broken encoding)"),
        (
            "Task.csv",
            "line 6",
            "activity 00TA000000TaSk5MAF: unreadable date: '22/09/2026 nine-ish'",
        ),
    ]


def test_a_folder_without_export_files_is_one_reject(tmp_path: Path) -> None:
    records, rejects = split(SalesforceImporter(tmp_path, IdentityIndex()))
    assert records == [] and len(rejects) == 1
