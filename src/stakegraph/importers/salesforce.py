"""Salesforce: the CSV files of the standard data export (Setup > Data Export), one per object.

- ``Account.csv``: accounts (``Website`` gives the email domain);
- ``User.csv``: our team (role inferred from ``Title``);
- ``Contact.csv``: contacts (``AccountId``, ``ReportsToId``, ``Title``, ``Department``,
  ``Email``);
- ``OpportunityContactRole.csv``: the contacts' buying roles;
- ``Task.csv``: calls and emails (``TaskSubtype`` / ``Type``); plain to-dos are skipped;
- ``Event.csv`` with ``EventRelation.csv``: meetings with every invitee who did not decline.

Salesforce ids come in two forms: 15 characters, case-sensitive (``003A000000aBcDe``), and
18 characters, case-insensitive, whose last three characters encode the case of the first
fifteen. Reports and Excel mix the two, and Excel may change the case. Every id is therefore
normalised to its 18-character form, with the case of the first fifteen restored from the
suffix when one is present, so ``003A000000aBcDe``, ``003A000000aBcDeIAK`` and
``003a000000abcdeiak`` are one key. The all-zero id ``000000000000000AAA`` means "none".
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from stakegraph.importers.files import CsvRow, Progress, parse_bool, parse_datetime, read_csv
from stakegraph.importers.identity import IdentityIndex, email_domain, normalise_email
from stakegraph.importers.records import ImportStats, Record, Reject, StreamItem, tag_rejects
from stakegraph.model import format_utc, infer_role

__all__ = ["BUYING_ROLES", "SalesforceImporter", "salesforce_id"]

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?$")

BUYING_ROLES: dict[str, list[str]] = {
    "economic buyer": ["economic_buyer"],
    "economic decision maker": ["economic_buyer", "decision_maker"],
    "decision maker": ["decision_maker"],
    "executive sponsor": ["executive_sponsor"],
    "technical buyer": ["technical_buyer"],
    "evaluator": ["influencer"],
    "influencer": ["influencer"],
    "business user": ["user"],
    "other": [],
}
"""OpportunityContactRole.Role (the standard picklist) -> buying roles of the model."""


def _suffix(first15: str) -> str:
    out = ""
    for chunk in range(3):
        bits = 0
        for i, ch in enumerate(first15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out += _ALPHABET[bits]
    return out


def salesforce_id(raw: str | None) -> str | None:
    """The 18-character form of a Salesforce id; ``None`` for blank, all-zero or malformed.

    Examples
    --------
    >>> salesforce_id("003A000000aBcDe")
    '003A000000aBcDeIAK'
    >>> salesforce_id("003a000000abcdeiak")
    '003A000000aBcDeIAK'
    >>> salesforce_id("000000000000000AAA") is None
    True
    """
    value = (raw or "").strip()
    if not value or not _ID.match(value):
        return None
    if len(value) == 18:
        suffix = value[15:].upper()
        restored = []
        for i, ch in enumerate(value[:15]):
            bits = _ALPHABET.index(suffix[i // 5])
            restored.append(ch.upper() if bits >> (i % 5) & 1 else ch.lower())
        first = "".join(restored)
    else:
        first = value
    if first.strip("0") == "":
        return None
    return first + _suffix(first)


def _domain_of(website: str) -> str | None:
    site = website.strip().lower()
    if not site:
        return None
    if "://" not in site:
        site = "http://" + site
    host = (urlsplit(site).hostname or "").rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host if "." in host and " " not in host else None


def _name(row: CsvRow, *columns: str) -> str:
    parts = [row.get(c, "").strip() for c in columns]
    return " ".join(p for p in parts if p)


def _deleted(row: CsvRow) -> bool:
    try:
        return parse_bool(row.get("IsDeleted"))
    except ValueError:
        return False


class SalesforceImporter:
    """Accounts, users, contacts, buying roles, tasks and events from a Salesforce export.

    Parameters
    ----------
    folder
        The unzipped export (missing files are skipped; at least one must be there).
    index
        Who is known already; users and contacts read here are added to it.
    """

    FILES = (
        "Account.csv",
        "User.csv",
        "OpportunityContactRole.csv",
        "Contact.csv",
        "EventRelation.csv",
        "Task.csv",
        "Event.csv",
    )

    def __init__(
        self, folder: Path, index: IdentityIndex, *, on_progress: Progress | None = None
    ) -> None:
        self.folder = folder
        self.index = index
        self.stats = ImportStats()
        self.on_progress = on_progress
        self._files = {p.name.lower(): p for p in folder.glob("*") if p.is_file()}
        self._section = "accounts"

    def _file(self, name: str) -> Path | None:
        return self._files.get(name.lower())

    def total_bytes(self) -> int:
        """Bytes the import reads, for a progress bar."""
        return sum(p.stat().st_size for n in self.FILES if (p := self._file(n)) is not None)

    def _rows(self, name: str) -> Iterator[CsvRow | Reject]:
        path = self._file(name)
        if path is None:
            return
        yield from read_csv(path, on_progress=self.on_progress)

    def __iter__(self) -> Iterator[StreamItem]:
        return tag_rejects(self._stream(), lambda: self._section)

    def _stream(self) -> Iterator[StreamItem]:
        if not self.folder.is_dir():
            yield Reject(str(self.folder), "", "not a folder")
            return
        if not any(self._file(n) for n in self.FILES):
            yield Reject(str(self.folder), "", "no Salesforce export files (Account.csv ...)")
            return
        self._section = "accounts"
        yield from self._accounts()
        self._section = "team"
        yield from self._users()
        self._section = "contacts"
        roles = yield from self._contact_roles()
        yield from self._contacts(roles)
        self._section = "interactions"
        relations = yield from self._event_relations()
        yield from self._tasks()
        yield from self._events(relations)

    # -- accounts, team, contacts ----------------------------------------------------------------
    def _accounts(self) -> Iterator[StreamItem]:
        path = str(self._file("Account.csv"))
        for row in self._rows("Account.csv"):
            if isinstance(row, Reject):
                yield row
                continue
            self.stats.read += 1
            if _deleted(row):
                self.stats.skip("deleted in Salesforce")
                continue
            account_id = salesforce_id(row.get("Id"))
            if account_id is None:
                yield Reject(path, f"line {row.line}", f"missing or malformed Id {row.get('Id')!r}")
                continue
            domain = _domain_of(row.get("Website", ""))
            domains = [domain] if domain else []
            self.index.add_account(account_id, domains)
            yield Record(
                "accounts",
                {"id": account_id, "name": row.get("Name", "").strip(), "domains": domains},
                f"{path}:{row.line}",
            )

    def _users(self) -> Iterator[StreamItem]:
        path = str(self._file("User.csv"))
        for row in self._rows("User.csv"):
            if isinstance(row, Reject):
                yield row
                continue
            self.stats.read += 1
            member_id = salesforce_id(row.get("Id"))
            if member_id is None:
                yield Reject(path, f"line {row.line}", f"missing or malformed Id {row.get('Id')!r}")
                continue
            try:
                if (
                    "IsActive" in row
                    and row["IsActive"].strip()
                    and not parse_bool(row["IsActive"])
                ):
                    self.stats.skip("inactive user")
                    continue
            except ValueError:
                pass
            user_type = row.get("UserType", "").strip()
            if user_type and user_type != "Standard":
                # Partner, customer-portal and automated users are not our account team.
                self.stats.skip(f"{user_type} user")
                continue
            title = row.get("Title", "").strip() or None
            email = row.get("Email", "").strip() or None
            self.index.add_team(member_id, email)
            yield Record(
                "team",
                {
                    "id": member_id,
                    "name": row.get("Name", "").strip() or _name(row, "FirstName", "LastName"),
                    "email": email,
                    "title": title,
                    "role": infer_role(title).value,
                },
                f"{path}:{row.line}",
            )

    def _contact_roles(self) -> Generator[StreamItem, None, dict[str, set[str]]]:
        roles: dict[str, set[str]] = {}
        path = str(self._file("OpportunityContactRole.csv"))
        for row in self._rows("OpportunityContactRole.csv"):
            if isinstance(row, Reject):
                yield row
                continue
            if _deleted(row):
                continue
            contact_id = salesforce_id(row.get("ContactId"))
            role = row.get("Role", "").strip()
            if contact_id is None:
                yield Reject(path, f"line {row.line}", "missing or malformed ContactId")
                continue
            if role.lower() not in BUYING_ROLES:
                yield Reject(path, f"line {row.line}", f"unknown contact role {role!r}")
                continue
            roles.setdefault(contact_id, set()).update(BUYING_ROLES[role.lower()])
        return roles

    def _contacts(self, roles: dict[str, set[str]]) -> Iterator[StreamItem]:
        path = str(self._file("Contact.csv"))
        for row in self._rows("Contact.csv"):
            if isinstance(row, Reject):
                yield row
                continue
            self.stats.read += 1
            if _deleted(row):
                self.stats.skip("deleted in Salesforce")
                continue
            where = f"line {row.line}"
            contact_id = salesforce_id(row.get("Id"))
            if contact_id is None:
                yield Reject(path, where, f"missing or malformed Id {row.get('Id')!r}")
                continue
            account_id = salesforce_id(row.get("AccountId"))
            email = row.get("Email", "").strip() or None
            if account_id is None:
                # A private contact (no AccountId) still belongs where their address says.
                normal = normalise_email(email)
                account_id = self.index.account_for_domain(email_domain(normal)) if normal else None
            if account_id is None:
                yield Reject(
                    path, where, f"contact {contact_id} has no AccountId nor a tracked domain"
                )
                continue
            self.index.add_contact(contact_id, account_id, email)
            name = _name(row, "FirstName", "LastName") or row.get("Name", "").strip()
            yield Record(
                "contacts",
                {
                    "id": contact_id,
                    "account_id": account_id,
                    "name": name,
                    "email": email,
                    "title": row.get("Title", "").strip() or None,
                    "department": row.get("Department", "").strip() or None,
                    "reports_to": salesforce_id(row.get("ReportsToId")),
                    "buying_roles": sorted(roles.get(contact_id, ())),
                },
                f"{path}:{row.line}",
            )

    # -- activities ------------------------------------------------------------------------------
    def _event_relations(self) -> Generator[StreamItem, None, dict[str, list[str]]]:
        relations: dict[str, list[str]] = {}
        path = str(self._file("EventRelation.csv"))
        for row in self._rows("EventRelation.csv"):
            if isinstance(row, Reject):
                yield row
                continue
            if _deleted(row):
                continue
            if row.get("Status", "").strip().lower() == "declined":
                self.stats.skip("declined invitee")
                continue
            event_id = salesforce_id(row.get("EventId"))
            relation_id = salesforce_id(row.get("RelationId"))
            if event_id is None or relation_id is None:
                yield Reject(path, f"line {row.line}", "missing EventId or RelationId")
                continue
            relations.setdefault(event_id, []).append(relation_id)
        return relations

    def _participants(self, ids: list[str | None]) -> tuple[list[str], list[str]]:
        team: list[str] = []
        contacts: list[str] = []
        for person in ids:
            if person is None:
                continue
            if person.startswith("005") and person not in team:
                team.append(person)
            elif person.startswith("003") and person not in contacts:
                contacts.append(person)
        return team, contacts

    def _activity(
        self,
        path: str,
        row: CsvRow,
        *,
        kind: str,
        occurred: str,
        people: list[str | None],
    ) -> Iterator[StreamItem]:
        where = f"line {row.line}"
        activity_id = salesforce_id(row.get("Id"))
        if activity_id is None:
            yield Reject(path, where, f"missing or malformed Id {row.get('Id')!r}")
            return
        try:
            occurred_at = parse_datetime(occurred)
        except ValueError as exc:
            yield Reject(path, where, f"activity {activity_id}: {exc}")
            return
        team, contacts = self._participants(people)
        if not contacts:
            self.stats.skip("no contact (a lead, or nobody named)")
            return
        if not team:
            yield Reject(path, where, f"activity {activity_id}: OwnerId is not a user")
            return
        account_id = salesforce_id(row.get("AccountId"))
        if account_id is None:
            account_id = self.index.contact_accounts.get(contacts[0])
        if account_id is None:
            yield Reject(path, where, f"activity {activity_id}: no AccountId and unknown contact")
            return
        subject = row.get("Subject", "").strip()[:1000] or None
        yield Record(
            "interactions",
            {
                "id": activity_id,
                "account_id": account_id,
                "kind": kind,
                "occurred_at": format_utc(occurred_at),
                "team_ids": team,
                "contact_ids": contacts,
                "subject": subject,
            },
            f"{path}:{row.line}",
        )

    def _tasks(self) -> Iterator[StreamItem]:
        path = str(self._file("Task.csv"))
        for row in self._rows("Task.csv"):
            if isinstance(row, Reject):
                yield row
                continue
            self.stats.read += 1
            if _deleted(row):
                self.stats.skip("deleted in Salesforce")
                continue
            subtype = row.get("TaskSubtype", "").strip().lower()
            task_type = row.get("Type", "").strip().lower()
            kind = {"call": "call", "email": "email", "listemail": "email"}.get(subtype)
            if kind is None:
                kind = {"call": "call", "email": "email", "meeting": "meeting"}.get(task_type)
            if kind is None:
                self.stats.skip("task that is not a call, email or meeting")
                continue
            occurred = (
                row.get("CompletedDateTime", "").strip()
                or row.get("ActivityDate", "").strip()
                or row.get("CreatedDate", "").strip()
            )
            people = [salesforce_id(row.get("OwnerId")), salesforce_id(row.get("WhoId"))]
            yield from self._activity(path, row, kind=kind, occurred=occurred, people=people)

    def _events(self, relations: dict[str, list[str]]) -> Iterator[StreamItem]:
        path = str(self._file("Event.csv"))
        for row in self._rows("Event.csv"):
            if isinstance(row, Reject):
                yield row
                continue
            self.stats.read += 1
            if _deleted(row):
                self.stats.skip("deleted in Salesforce")
                continue
            try:
                if parse_bool(row.get("IsChild")):
                    # The invitee's copy of a meeting; the parent event carries it.
                    self.stats.skip("invitee copy of an event (IsChild)")
                    continue
            except ValueError:
                pass
            kind = "call" if row.get("Type", "").strip().lower() == "call" else "meeting"
            occurred = (
                row.get("StartDateTime", "").strip()
                or row.get("ActivityDateTime", "").strip()
                or row.get("ActivityDate", "").strip()
            )
            event_id = salesforce_id(row.get("Id"))
            people: list[str | None] = [
                salesforce_id(row.get("OwnerId")),
                salesforce_id(row.get("WhoId")),
                *relations.get(event_id or "", []),
            ]
            yield from self._activity(path, row, kind=kind, occurred=occurred, people=people)
