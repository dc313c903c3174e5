"""Calendars: time zones, recurrence, cancellations, declines, all-day and internal events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from stakegraph.importers.ics import CalendarImporter
from stakegraph.importers.identity import IdentityIndex

from .conftest import split

pytestmark = pytest.mark.unit

WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def _meetings(index: IdentityIndex, path: Path) -> tuple[CalendarImporter, list, list]:  # type: ignore[type-arg]
    importer = CalendarImporter([path], index, window=WINDOW)
    records, rejects = split(importer)
    return importer, records, rejects


def test_calendar(fixtures: Path, index: IdentityIndex) -> None:
    importer, records, rejects = _meetings(index, fixtures / "calendar" / "alex.ics")
    meetings = [r.data for r in records if r.section == "interactions"]
    by_subject = {(m["subject"], m["account_id"]): m for m in meetings}
    assert sorted((m["subject"], m["occurred_at"]) for m in meetings) == [
        ("Joint roadmap session", "2026-09-25T14:00:00Z"),  # one per account
        ("Joint roadmap session", "2026-09-25T14:00:00Z"),
        ("Quarterly business review", "2026-09-15T08:00:00Z"),  # TZID=Europe/Berlin
        ("Weekly delivery sync", "2026-09-01T16:00:00Z"),  # TZID=Pacific Standard Time
        ("Weekly delivery sync (moved)", "2026-09-16T17:00:00Z"),  # RECURRENCE-ID override
    ]  # 09-08 excluded (EXDATE), 09-22 cancelled, COUNT=4 ends the series
    qbr = by_subject[("Quarterly business review", "northwind")]
    # The declined attendee and the room are left out; the folded, plus-addressed,
    # upper-case address of Sandra still matches her.
    assert qbr["team_ids"] == ["t-alex"]
    assert qbr["contact_ids"] == ["email:jose.nunez@northwind.example", "c-sandra"]
    joint = by_subject[("Joint roadmap session", "contoso")]
    assert joint["contact_ids"] == ["email:ken@contoso.example"]
    assert joint["team_ids"] == ["email:priya.shah@ours.example"]

    people = {r.data["id"]: r.data for r in records if r.section != "interactions"}
    assert people["email:jose.nunez@northwind.example"]["name"] == "José Ñúñez"  # folded CN
    assert people["email:jose.nunez@northwind.example"]["discovered"] is True
    assert "email:fiona.berg@northwind.example" not in people  # declined: never met

    assert importer.stats.skipped == {
        "cancelled event": 2,
        "all-day event": 1,
        "only our own people": 1,
        "outside the import window": 1,
    }
    assert importer.stats.unknown_domains == {"unknown-vendor.example": 1}
    assert [(r.location, r.reason) for r in rejects] == [
        ("line 103 UID nostart@ours.example", "event without DTSTART")
    ]


def test_ids_are_stable_across_imports(fixtures: Path, index: IdentityIndex) -> None:
    path = fixtures / "calendar" / "alex.ics"
    _, first, _ = _meetings(index, path)
    _, again, _ = _meetings(index, path)
    ids = [r.data["id"] for r in first if r.section == "interactions"]
    assert ids == [r.data["id"] for r in again if r.section == "interactions"]
    assert len(set(ids)) == len(ids)


def test_truncated_calendar_keeps_what_came_before(fixtures: Path, index: IdentityIndex) -> None:
    _, records, rejects = _meetings(index, fixtures / "calendar" / "truncated.ics")
    assert [r.data["subject"] for r in records if r.section == "interactions"] == ["Call with Ken"]
    assert [(r.location, r.reason) for r in rejects] == [
        ("line 11", "truncated: the file ends inside a VEVENT")
    ]


def test_not_a_calendar(tmp_path: Path, index: IdentityIndex) -> None:
    path = tmp_path / "notes.ics"
    path.write_text("hello\n")
    _, records, rejects = _meetings(index, path)
    assert records == [] and [r.reason for r in rejects] == ["not an iCalendar file"]


def test_exchange_rrule_with_blanks_and_escapes_is_repaired(
    tmp_path: Path, index: IdentityIndex
) -> None:
    # Exchange wrote "BYDAY=MO, TU" with escaped semicolons; the rule still means weekdays.
    path = tmp_path / "standup.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:standup\r\n"
        b"DTSTART:20260907T080000Z\r\nSUMMARY:Standup\r\n"
        b"RRULE:FREQ=DAILY\\;UNTIL=20260911T090000Z\\;BYDAY=MO, TU, WE, TH, FR\r\n ;WKST=SU\r\n"
        b"ORGANIZER:mailto:alex.morgan@ours.example\r\n"
        b"ATTENDEE:mailto:sandra.ruiz@northwind.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    _, records, rejects = _meetings(index, path)
    assert rejects == []
    assert len([r for r in records if r.section == "interactions"]) == 5


def test_private_appointments_are_skipped_unparsed(tmp_path: Path, index: IdentityIndex) -> None:
    path = tmp_path / "private.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:dentist\nDTSTART:20260907T080000Z\n"
        "SUMMARY:Dentist\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    importer, records, rejects = _meetings(index, path)
    assert records == [] and rejects == []
    assert importer.stats.skipped == {"no attendees": 1}
