"""Calendars: ``.ics`` files become meetings between our people and the contacts they name.

- Each event with attendees (and its organizer) becomes one ``meeting`` per account whose
  contacts attended; declined attendees, rooms and resources are left out.
- Recurring events (RRULE, RDATE, EXDATE and moved or cancelled occurrences with
  RECURRENCE-ID) are expanded with ``recurring-ical-events`` within the import window.
- Cancelled events, all-day events and events with only our own people are skipped (counted).
- Times are converted to UTC: TZID parameters resolve through the file's VTIMEZONE blocks, IANA
  names or Windows names ("Pacific Standard Time"); a floating time (no zone) is taken as UTC.

A file is read twice, streaming: once for its VTIMEZONE blocks, once for its events, so a
calendar of any size is parsed one event at a time. Only the events of a recurring series are
held until the end of their file, because an occurrence moved by a RECURRENCE-ID override may
come anywhere after its master.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import recurring_ical_events
from icalendar import Calendar, Event

from stakegraph.importers.files import Progress
from stakegraph.importers.identity import (
    Address,
    IdentityIndex,
    PeopleResolver,
    Person,
    display_name,
    group_by_account,
    normalise_email,
)
from stakegraph.importers.records import (
    ImportStats,
    Record,
    Reject,
    StreamItem,
    derived_id,
    tag_rejects,
)
from stakegraph.model import format_utc

__all__ = ["CalendarImporter", "default_window"]

_SKIPPED_CUTYPES = frozenset({"ROOM", "RESOURCE"})
_WRAP_START = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//stakegraph//import//EN\r\n"
_WRAP_END = "END:VCALENDAR\r\n"


def default_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The default import window: the last two years up to now (future meetings have not
    happened yet)."""
    end = now or datetime.now(UTC)
    return end - timedelta(days=730), end


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _repair(line: str) -> str:
    # Exchange writes "BYDAY=MO, TU" and escapes ";" inside RRULE; neither is valid, both are
    # common, and the rule means the same without them.
    name = line.split(":", 1)[0].split(";", 1)[0].upper()
    if name in ("RRULE", "EXRULE") and ":" in line:
        head, value = line.split(":", 1)
        return head + ":" + value.replace("\\", "").replace(" ", "")
    return line


def _calendar_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in (".ics", ".ical"))
        else:
            yield path


class CalendarImporter:
    """Meetings from iCalendar files, as a record stream.

    Parameters
    ----------
    paths
        ``.ics`` files, or folders searched for them.
    index
        Who is known already (our domains, team, contacts, account domains).
    window
        Occurrences starting in ``[start, end)`` are imported (default: :func:`default_window`).
    """

    def __init__(
        self,
        paths: Sequence[Path],
        index: IdentityIndex,
        *,
        window: tuple[datetime, datetime] | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        self.paths = list(paths)
        self.index = index
        self.window = window or default_window()
        self.stats = ImportStats()
        self.on_progress = on_progress
        self._people = PeopleResolver(index, self.stats, source="ics")

    def total_bytes(self) -> int:
        """Bytes the import reads (both passes over each file), for a progress bar."""
        return 2 * sum(p.stat().st_size for p in _calendar_files(self.paths) if p.exists())

    def __iter__(self) -> Iterator[StreamItem]:
        return tag_rejects(self._stream(), lambda: "interactions")

    def _stream(self) -> Iterator[StreamItem]:
        for path in _calendar_files(self.paths):
            if not path.exists():
                yield Reject(str(path), "", "no such file or folder")
                continue
            yield from self._file(path)

    # -- reading -----------------------------------------------------------------------------
    def _blocks(self, path: Path, kind: str) -> Iterator[tuple[int, str] | Reject]:
        """``(line, text)`` of every ``kind`` block (VEVENT, VTIMEZONE), unfolded, streaming."""
        begin, end = f"BEGIN:{kind}", f"END:{kind}"
        lines: list[str] | None = None
        start = 0
        first = True
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                if self.on_progress is not None:
                    self.on_progress(len(raw))
                line = _decode(raw).rstrip("\r\n")
                if first:
                    if not line.strip():
                        continue
                    first = False
                    if not line.lstrip("\ufeff").upper().startswith("BEGIN:V"):
                        yield Reject(str(path), f"line {number}", "not an iCalendar file")
                        return
                if lines is None:
                    if line.strip().upper() == begin:
                        lines, start = [line], number
                    continue
                if line[:1] in (" ", "\t"):
                    # A folded line continues the one before (RFC 5545 3.1).
                    lines[-1] += line[1:]
                    continue
                lines.append(line)
                if line.strip().upper() == end:
                    yield start, "\r\n".join(_repair(x) for x in lines) + "\r\n"
                    lines = None
        if lines is not None:
            yield Reject(str(path), f"line {start}", f"truncated: the file ends inside a {kind}")

    def _file(self, path: Path) -> Iterator[StreamItem]:
        name = str(path)
        cancelled_file = False
        for item in self._blocks(path, "VTIMEZONE"):
            if isinstance(item, Reject):
                continue  # reported by the event pass
            try:
                # Parsing a calendar caches its time zones by TZID for the events that follow.
                Calendar.from_ical(_WRAP_START + item[1] + _WRAP_END)
            except (ValueError, KeyError, IndexError) as exc:
                yield Reject(name, f"line {item[0]}", f"unreadable time zone: {exc}")
        with path.open("rb") as f:
            for raw in f:
                key = _decode(raw).strip().upper()
                if key.startswith("BEGIN:VEVENT"):
                    break
                if key == "METHOD:CANCEL":
                    cancelled_file = True
        series: dict[str, list[tuple[int, str]]] = {}
        for item in self._blocks(path, "VEVENT"):
            if isinstance(item, Reject):
                yield item
                continue
            line, text = item
            if "\nATTENDEE" not in text and "\nRECURRENCE-ID" not in text:
                # A private appointment (no one invited): nobody to meet, and not worth the
                # parse, which is most of the time an import takes.
                self.stats.read += 1
                self.stats.skip("no attendees")
                continue
            try:
                event = Event.from_ical(text)
            except (ValueError, KeyError, IndexError) as exc:
                yield Reject(name, f"line {line}", f"unreadable event: {exc}")
                continue
            self.stats.read += 1
            if cancelled_file:
                self.stats.skip("cancelled event")
                continue
            if any(k in event for k in ("RRULE", "RDATE", "RECURRENCE-ID")):
                uid = str(event.get("UID", "")) or f"line {line}"
                series.setdefault(uid, []).append((line, text))
                continue
            yield from self._occurrence(name, line, event)
        for uid, parts in series.items():
            yield from self._series(name, uid, parts)

    def _series(self, name: str, uid: str, parts: list[tuple[int, str]]) -> Iterator[StreamItem]:
        first_line = parts[0][0]
        try:
            calendar = Calendar.from_ical(
                _WRAP_START + "".join(text for _, text in parts) + _WRAP_END
            )
            occurrences = list(
                recurring_ical_events.of(calendar).between(self.window[0], self.window[1])
            )
        except Exception as exc:  # the library raises many kinds on a broken RRULE
            yield Reject(name, f"line {first_line}", f"unreadable recurrence: {exc}")
            return
        for occurrence in occurrences:
            yield from self._occurrence(name, first_line, occurrence, in_window=True)

    # -- one meeting ---------------------------------------------------------------------------
    def _occurrence(
        self, name: str, line: int, event: Any, *, in_window: bool = False
    ) -> Iterator[StreamItem]:
        uid = str(event.get("UID", "")).strip()
        where = f"line {line}" + (f" UID {uid}" if uid else "")
        if str(event.get("STATUS", "")).strip().upper() == "CANCELLED":
            self.stats.skip("cancelled event")
            return
        start_prop = event.get("DTSTART")
        if start_prop is None:
            yield Reject(name, where, "event without DTSTART")
            return
        start = start_prop.dt
        all_day = str(event.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() == "TRUE"
        if not isinstance(start, datetime) or all_day:
            if isinstance(start, date):
                self.stats.skip("all-day event")
                return
            yield Reject(name, where, f"unreadable DTSTART: {start!r}")
            return
        start = start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)
        if not in_window and not (self.window[0] <= start < self.window[1]):
            self.stats.skip("outside the import window")
            return
        location = f"{name}:{line}"
        people: list[Person] = []
        for address in self._participants(event):
            person = self._people.resolve(address, location)
            if person is not None:
                people.append(person)
        team_ids, by_account = group_by_account(people)
        if not by_account:
            self.stats.skip("only our own people" if team_ids else "no known participants")
            self._people.discard_new()
            return
        if not team_ids:
            self.stats.skip("none of our people")
            self._people.discard_new()
            return
        yield from self._people.take_new()
        if not uid:
            uid = derived_id("no-uid", format_utc(start), str(event.get("SUMMARY", "")))
        # An occurrence of a series is known by its original start (RECURRENCE-ID), so that one
        # moved later keeps its id; a single event by its UID and start.
        instance = start
        recurrence = event.get("RECURRENCE-ID")
        if recurrence is not None and isinstance(recurrence.dt, datetime):
            original = recurrence.dt
            instance = original.replace(tzinfo=UTC) if original.tzinfo is None else original
        instance_key = format_utc(instance)
        summary = str(event.get("SUMMARY", "")).strip()[:1000] or None
        for account_id, contact_ids in by_account.items():
            yield Record(
                "interactions",
                {
                    "id": derived_id("ics", uid, instance_key, account_id),
                    "account_id": account_id,
                    "kind": "meeting",
                    "occurred_at": format_utc(start),
                    "team_ids": team_ids,
                    "contact_ids": contact_ids,
                    "subject": summary,
                },
                f"{location} UID {uid}",
            )

    @staticmethod
    def _participants(event: Any) -> list[Address]:
        found: list[Address] = []
        organizer = event.get("ORGANIZER")
        attendees = event.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        for prop in ([organizer] if organizer is not None else []) + attendees:
            params = getattr(prop, "params", {})
            if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
                continue
            if str(params.get("CUTYPE", "")).upper() in _SKIPPED_CUTYPES:
                continue
            address = normalise_email(str(prop))
            if address is None:
                continue
            found.append(Address(address, display_name(str(params.get("CN", "")))))
        return found
