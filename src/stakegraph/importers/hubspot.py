"""HubSpot: the CSV exports of companies, contacts, and calls / meetings / emails.

Files are recognised by name in the export folder (``...companies...csv``, ``...contacts...csv``,
``...calls...``, ``...meetings...``, ``...emails...``, and optionally ``...owners...`` or
``...users...``), columns by their export labels, case-insensitively:

- companies: ``Record ID``, ``Company name``, ``Company Domain Name`` (and
  ``Additional Domains``);
- contacts: ``Record ID``, ``First Name``, ``Last Name``, ``Email``, ``Job Title``,
  ``Department``, ``Associated Company IDs`` (the first is the contact's account);
- engagements: ``Record ID``, ``Activity date`` (or ``Meeting start time``), the title
  (``Call Title``, ``Meeting name``, ``Email subject``), the owner (``Activity assigned to``),
  ``Associated Contact IDs``, ``Associated Company IDs``, and ``Email direction``,
  ``Call outcome``, ``Meeting outcome``.

Association columns hold several ids separated by semicolons (``"1201;1305"``). An owner is
our team member: matched by email when the export shows one (``Jane Roe (jane@ours.com)``) or
the owners file has it, otherwise known by name. Ids get a ``hubspot:`` prefix so that they
cannot meet another CRM's numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from stakegraph.importers.files import CsvRow, Progress, parse_datetime, read_csv
from stakegraph.importers.identity import (
    IdentityIndex,
    email_domain,
    name_from_email,
    normalise_email,
    person_id,
)
from stakegraph.importers.records import ImportStats, Record, Reject, StreamItem, tag_rejects
from stakegraph.model import format_utc

__all__ = ["HubSpotImporter", "split_ids"]

_KINDS = (("calls", "call"), ("meetings", "meeting"), ("emails", "email"))
_NOT_CONNECTED = frozenset({"no answer", "busy", "wrong number", "left voicemail", "failed"})
_NOT_HELD = frozenset({"canceled", "cancelled", "no show", "rescheduled"})
_OWNER_EMAIL = re.compile(r"\(([^()]+@[^()]+)\)\s*$")


def split_ids(value: str | None) -> list[str]:
    """The ids of an association column: ``"1201;1305"`` -> ``["1201", "1305"]``.

    Examples
    --------
    >>> split_ids(" 1201; 1305;;")
    ['1201', '1305']
    """
    return [v.strip() for v in re.split(r"[;,]", value or "") if v.strip()]


def _hid(raw: str) -> str:
    return f"hubspot:{raw}"


class _Columns:
    """Finds a file's columns by any of their usual labels, case-insensitively."""

    def __init__(self, row: CsvRow) -> None:
        self._by_lower = {k.lower(): k for k in row}

    def get(self, row: CsvRow, *labels: str) -> str:
        for label in labels:
            key = self._by_lower.get(label.lower())
            if key is not None and row.get(key, "").strip():
                return row[key].strip()
        return ""


class HubSpotImporter:
    """Companies, contacts, owners and engagements from a HubSpot export folder."""

    def __init__(
        self, folder: Path, index: IdentityIndex, *, on_progress: Progress | None = None
    ) -> None:
        self.folder = folder
        self.index = index
        self.stats = ImportStats()
        self.on_progress = on_progress
        self._csvs = sorted(p for p in folder.glob("*") if p.suffix.lower() == ".csv")
        self._owners: dict[str, tuple[str, str, str | None]] = {}
        self._team_emitted: set[str] = set()
        self._section = "accounts"

    def _files(self, *words: str) -> list[Path]:
        return [p for p in self._csvs if any(w in p.name.lower() for w in words)]

    def total_bytes(self) -> int:
        """Bytes the import reads, for a progress bar."""
        return sum(p.stat().st_size for p in self._csvs)

    def _rows(self, files: Sequence[Path]) -> Iterator[tuple[Path, _Columns, CsvRow] | Reject]:
        for path in files:
            columns: _Columns | None = None
            for row in read_csv(path, on_progress=self.on_progress):
                if isinstance(row, Reject):
                    yield row
                    continue
                if columns is None:
                    columns = _Columns(row)
                self.stats.read += 1
                yield path, columns, row

    def __iter__(self) -> Iterator[StreamItem]:
        return tag_rejects(self._stream(), lambda: self._section)

    def _stream(self) -> Iterator[StreamItem]:
        if not self.folder.is_dir():
            yield Reject(str(self.folder), "", "not a folder")
            return
        if not self._csvs:
            yield Reject(str(self.folder), "", "no HubSpot export files (*.csv)")
            return
        self._section = "team"
        yield from self._owners_file()
        self._section = "accounts"
        yield from self._companies()
        self._section = "contacts"
        yield from self._contacts()
        self._section = "interactions"
        for word, kind in _KINDS:
            yield from self._engagements(self._files(word), kind)

    # -- owners, companies, contacts ---------------------------------------------------------
    def _owners_file(self) -> Iterator[StreamItem]:
        for item in self._rows(self._files("owners", "users")):
            if isinstance(item, Reject):
                yield item
                continue
            path, cols, row = item
            owner = cols.get(row, "Owner ID", "User ID", "ID", "Record ID")
            name = " ".join(
                p for p in (cols.get(row, "First Name"), cols.get(row, "Last Name")) if p
            ) or cols.get(row, "Name")
            email = normalise_email(cols.get(row, "Email"))
            if not owner or not name:
                yield Reject(str(path), f"line {row.line}", "owner without id or name")
                continue
            member_id = self.index.team_by_email.get(email or "") or _hid(f"owner:{owner}")
            self._owners[name.lower()] = (member_id, name, email)
            if email:
                self._owners[email] = (member_id, name, email)

    def _companies(self) -> Iterator[StreamItem]:
        for item in self._rows(self._files("compan")):
            if isinstance(item, Reject):
                yield item
                continue
            path, cols, row = item
            raw_id = cols.get(row, "Record ID", "Company ID", "hs_object_id")
            if not raw_id:
                yield Reject(str(path), f"line {row.line}", "company without a Record ID")
                continue
            domains = [
                d.lower().removeprefix("www.")
                for d in split_ids(
                    ";".join(
                        (
                            cols.get(row, "Company Domain Name", "Domain", "Website URL"),
                            cols.get(row, "Additional Domains"),
                        )
                    )
                )
            ]
            domains = [d.split("://")[-1].split("/")[0] for d in domains]
            account_id = _hid(raw_id)
            self.index.add_account(account_id, domains)
            yield Record(
                "accounts",
                {
                    "id": account_id,
                    "name": cols.get(row, "Company name", "Name"),
                    "domains": domains,
                },
                f"{path}:{row.line}",
            )

    def _contacts(self) -> Iterator[StreamItem]:
        for item in self._rows(self._files("contact")):
            if isinstance(item, Reject):
                yield item
                continue
            path, cols, row = item
            where = f"line {row.line}"
            raw_id = cols.get(row, "Record ID", "Contact ID", "hs_object_id")
            if not raw_id:
                yield Reject(str(path), where, "contact without a Record ID")
                continue
            companies = split_ids(
                cols.get(
                    row,
                    "Associated Company IDs (Primary)",
                    "Associated Company IDs",
                    "Associated Company ID",
                    "Company ID",
                )
            )
            email = cols.get(row, "Email") or None
            contact_id = _hid(raw_id)
            if companies:
                account_id: str | None = _hid(companies[0])
            else:
                # No association: the contact belongs where their address says, if anywhere.
                normal = normalise_email(email)
                account_id = self.index.account_for_domain(email_domain(normal)) if normal else None
            if account_id is None:
                yield Reject(
                    str(path),
                    where,
                    f"contact {raw_id} has no associated company nor a tracked domain",
                )
                continue
            self.index.add_contact(contact_id, account_id, email)
            name = " ".join(
                p for p in (cols.get(row, "First Name"), cols.get(row, "Last Name")) if p
            )
            yield Record(
                "contacts",
                {
                    "id": contact_id,
                    "account_id": account_id,
                    "name": name or (email or ""),
                    "email": email,
                    "title": cols.get(row, "Job Title") or None,
                    "department": cols.get(row, "Department") or None,
                },
                f"{path}:{row.line}",
            )

    # -- engagements -------------------------------------------------------------------------
    def _owner(self, value: str, location: str) -> tuple[str | None, list[Record]]:
        """The team id of an owner column's value, and the team record to create, if new."""
        if not value:
            return None, []
        match = _OWNER_EMAIL.search(value)
        email = normalise_email(match.group(1) if match else value)
        name = _OWNER_EMAIL.sub("", value).strip() if match else value.strip()
        known = self._owners.get(email or "") or self._owners.get(name.lower())
        if known is not None:
            member_id, name, email = known
        elif email is not None and email in self.index.team_by_email:
            member_id = self.index.team_by_email[email]
        elif email is not None:
            member_id = person_id(email)
        else:
            member_id = _hid("owner:" + re.sub(r"\s+", "-", name.lower()))
        if member_id in self._team_emitted or member_id in self.index.team_ids:
            return member_id, []
        self._team_emitted.add(member_id)
        self.index.add_team(member_id, email)
        if email is not None and (not name or normalise_email(name) is not None):
            name = name_from_email(email)
        data = {"id": member_id, "name": name or member_id, "email": email}
        return member_id, [Record("team", data, location)]

    def _engagements(self, files: list[Path], kind: str) -> Iterator[StreamItem]:
        for item in self._rows(files):
            if isinstance(item, Reject):
                yield item
                continue
            path, cols, row = item
            where = f"line {row.line}"
            location = f"{path}:{row.line}"
            raw_id = cols.get(row, "Record ID", "Activity ID", "Engagement ID")
            if not raw_id:
                yield Reject(str(path), where, f"{kind} without a Record ID")
                continue
            outcome = cols.get(row, "Call outcome", "Meeting outcome", "Outcome").lower()
            if kind == "call" and outcome in _NOT_CONNECTED:
                self.stats.skip("call not connected")
                continue
            if kind == "meeting" and outcome in _NOT_HELD:
                self.stats.skip("meeting not held")
                continue
            when = cols.get(
                row, "Activity date", "Meeting start time", "Call date", "Email send date",
                "Create date",
            )  # fmt: skip
            try:
                occurred_at = parse_datetime(when)
            except ValueError as exc:
                yield Reject(str(path), where, f"{kind} {raw_id}: {exc}")
                continue
            contacts = [_hid(c) for c in split_ids(cols.get(row, "Associated Contact IDs"))]
            companies = [_hid(c) for c in split_ids(cols.get(row, "Associated Company IDs"))]
            if not contacts:
                self.stats.skip(f"{kind} without an associated contact")
                continue
            owner, new = self._owner(
                cols.get(row, "Activity assigned to", "HubSpot owner", "Owner", "Created by"),
                location,
            )
            if owner is None:
                yield Reject(str(path), where, f"{kind} {raw_id} has no owner (our side)")
                continue
            yield from new
            account_id = companies[0] if companies else self.index.contact_accounts.get(contacts[0])
            if account_id is None:
                yield Reject(str(path), where, f"{kind} {raw_id}: no associated company")
                continue
            direction: str | None = None
            if kind == "email":
                raw_direction = cols.get(row, "Email direction").lower()
                direction = "inbound" if "incoming" in raw_direction else "outbound"
            elif kind == "call":
                raw_direction = cols.get(row, "Call direction").lower()
                direction = {"inbound": "inbound", "outbound": "outbound"}.get(raw_direction)
            subject = cols.get(row, "Call Title", "Meeting name", "Email subject", "Subject")
            yield Record(
                "interactions",
                {
                    "id": _hid(raw_id),
                    "account_id": account_id,
                    "kind": kind,
                    "occurred_at": format_utc(occurred_at),
                    "team_ids": [owner],
                    "contact_ids": contacts,
                    "subject": subject[:1000] or None,
                    "direction": direction,
                },
                location,
            )
