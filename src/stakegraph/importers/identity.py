"""Who is who: addresses normalised, and people matched to our team, contacts and accounts.

- An address is normalised before any comparison: display name and angle brackets removed,
  RFC 2047 encoded words decoded, lower case, ``+tag`` plus-addressing dropped
  (``Jane.Doe+crm@Acme.COM`` is ``jane.doe@acme.com``).
- Our own people are the configured domains (``STAKEGRAPH_OUR_DOMAINS``) and the team members
  already known (a CRM's user list, or the store).
- Customer contacts are matched by email, then by CRM id; accounts by CRM id or by the email
  domains kept on the account (``domains``; ``mail.acme.com`` belongs to ``acme.com``).
- Somebody at a tracked account's domain who is not yet a contact becomes a contact marked
  ``discovered`` (title unknown), so that they show up as a coverage gap to fill.
- Addresses at any other domain are counted per domain and reported, never imported.
"""

from __future__ import annotations

import email.header
import email.utils
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from stakegraph.importers.records import ImportStats, Record

__all__ = [
    "Address",
    "IdentityIndex",
    "PeopleResolver",
    "Person",
    "decode_words",
    "display_name",
    "email_domain",
    "group_by_account",
    "name_from_email",
    "normalise_email",
    "parse_addresses",
    "person_id",
]

_LOCAL_OK = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN_OK = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


class Address(NamedTuple):
    """A normalised email address and the display name that came with it ("" if none)."""

    email: str
    name: str


def normalise_email(raw: str | None) -> str | None:
    """The comparable form of an address, or ``None`` when it is not one.

    Examples
    --------
    >>> normalise_email(" <Jane.Doe+crm@Acme.COM> ")
    'jane.doe@acme.com'
    >>> normalise_email("mailto:bob@example.org")
    'bob@example.org'
    >>> normalise_email("not an address") is None
    True
    >>> normalise_email(".dow@enron.com") is None  # what an Exchange conversion left of a name
    True
    """
    if raw is None:
        return None
    value = raw.strip().strip("<>").strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    value = value.strip().strip("'\"").lower()
    if value.count("@") != 1:
        return None
    local, domain = value.split("@")
    if "+" in local and not local.startswith("+"):
        local = local.split("+", 1)[0]
    domain = domain.rstrip(".")
    if not local or not _LOCAL_OK.match(local) or not _DOMAIN_OK.match(domain):
        return None
    if local[0] == "." or local[-1] == ".":
        # Never an address (RFC 5322's dot-atom); in the Enron mail these are customers'
        # addresses whose first part an Exchange conversion cut off and whose domain it made
        # ours (".dow@enron.com" for colette.dow@ubsw.com). Two dots inside ("w..delainey")
        # are real there, and are kept.
        return None
    return f"{local}@{domain}"


def email_domain(address: str) -> str:
    """The domain of a normalised address."""
    return address.rpartition("@")[2]


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words (``=?utf-8?q?Jos=C3=A9?=``); broken ones stay as they are."""
    if "=?" not in value:
        return " ".join(value.split())
    try:
        parts = email.header.decode_header(value)
    except (ValueError, LookupError):
        return " ".join(value.split())
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        try:
            out.append(chunk.decode(charset or "ascii"))
        except (LookupError, UnicodeDecodeError):
            out.append(chunk.decode("latin-1"))
    # decode_header drops the blanks between an encoded word and plain text inconsistently.
    text = ""
    for piece in out:
        if text and not text.endswith(" ") and not piece.startswith(" "):
            text += " " if piece[:1].isalnum() and text[-1:].isalnum() else ""
        text += piece
    return " ".join(text.split())


def parse_addresses(value: str) -> list[Address]:
    """Every readable address in a header value or a list of them, display names decoded.

    Unreadable entries are left out.

    Examples
    --------
    >>> parse_addresses('"Doe, Jane" <Jane.Doe+crm@acme.com>, =?utf-8?q?Jos=C3=A9?= <j@acme.com>')
    ... # doctest: +NORMALIZE_WHITESPACE
    [Address(email='jane.doe@acme.com', name='Jane Doe'),
     Address(email='j@acme.com', name='José')]
    """
    return list(_parse_addresses(value))


# Mailboxes repeat the same few hundred headers (From: the owner, To: the usual people): a
# bounded cache saves most of the work of parsing them and keeps memory flat.
@functools.lru_cache(maxsize=8192)
def _parse_addresses(value: str) -> tuple[Address, ...]:
    out: list[Address] = []
    pairs = _simple_pairs(value)
    if pairs is None:
        pairs = email.utils.getaddresses([value])
    for name, addr in pairs:
        normal = normalise_email(addr)
        if normal is None:
            continue
        out.append(Address(normal, display_name(name)))
    return tuple(out)


_SIMPLE_PART = re.compile(r"^\s*(?:([^<>]*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$")
_SPECIAL = re.compile(r'["()\\;:]|=\?')


def _simple_pairs(value: str) -> list[tuple[str, str]] | None:
    """``(name, address)`` pairs of a plain header (no quotes, comments, groups or encoded
    words), or ``None`` when the full RFC 5322 parser is needed."""
    if _SPECIAL.search(value):
        return None
    pairs: list[tuple[str, str]] = []
    for part in value.split(","):
        if not part.strip():
            continue
        match = _SIMPLE_PART.match(part)
        if match is None:
            return None
        name, bracketed, bare = match.groups()
        pairs.append((name or "", bracketed or bare))
    return pairs


def display_name(raw: str) -> str:
    """A person's name from a display name: decoded, ``Last, First`` turned round, the
    ``(Company)`` Exchange appends dropped, an address used as a name ignored.

    Examples
    --------
    >>> display_name('"Derrick, James (Enron)"')
    'James Derrick'
    """
    name = decode_words(raw).strip().strip("'\"").strip()
    name = re.sub(r"\s*\([^()]*\)\s*$", "", name).strip()
    if normalise_email(name) is not None:
        return ""
    last, comma, first = name.partition(",")
    if comma and first.strip() and "," not in first and len(last.split()) <= 2:
        name = f"{first.strip()} {last.strip()}"
    return name


def name_from_email(address: str) -> str:
    """A readable name guessed from the local part: ``jane.doe@x`` -> ``Jane Doe``."""
    local = address.partition("@")[0]
    words = [w for w in re.split(r"[._\-]+", local) if w]
    return " ".join(w.capitalize() for w in words) or address


def person_id(address: str) -> str:
    """The id of a person known only by a normalised address (stable across imports)."""
    return f"email:{address}"


@dataclass(frozen=True)
class Person:
    """A resolved participant: one of our team, or a contact at an account."""

    side: Literal["team", "contact"]
    id: str
    account_id: str | None = None


@dataclass
class IdentityIndex:
    """What is already known about people and accounts, for matching.

    Build it from the store (:meth:`from_rows`) and extend it with what an import reads
    (a CRM's user list, its contacts) before resolving addresses.
    """

    our_domains: frozenset[str] = frozenset()
    team_by_email: dict[str, str] = field(default_factory=dict)
    team_ids: set[str] = field(default_factory=set)
    contact_by_email: dict[str, str] = field(default_factory=dict)
    contact_accounts: dict[str, str] = field(default_factory=dict)
    account_by_domain: dict[str, str] = field(default_factory=dict)
    account_ids: set[str] = field(default_factory=set)

    @classmethod
    def from_rows(
        cls,
        *,
        our_domains: Iterable[str] = (),
        accounts: Iterable[tuple[str, Iterable[str]]] = (),
        team: Iterable[tuple[str, str | None]] = (),
        contacts: Iterable[tuple[str, str, str | None]] = (),
    ) -> IdentityIndex:
        """An index over ``(id, domains)`` accounts, ``(id, email)`` team members and
        ``(id, account_id, email)`` contacts."""
        index = cls(our_domains=frozenset(d.strip().lower().lstrip("@") for d in our_domains))
        for account_id, domains in accounts:
            index.add_account(account_id, domains)
        for member_id, member_email in team:
            index.add_team(member_id, member_email)
        for contact_id, account_id, contact_email in contacts:
            index.add_contact(contact_id, account_id, contact_email)
        return index

    @classmethod
    def from_identity_rows(
        cls, rows: Iterable[tuple[str, dict[str, Any]]], our_domains: Iterable[str] = ()
    ) -> IdentityIndex:
        """An index over ``GraphStore.identity_rows()``: what the store already holds."""
        index = cls(our_domains=frozenset(d.strip().lower().lstrip("@") for d in our_domains))
        for section, row in rows:
            if section == "accounts":
                index.add_account(str(row["id"]), row.get("domains") or ())
            elif section == "team":
                index.add_team(str(row["id"]), row.get("email"))
            elif section == "contacts":
                index.add_contact(str(row["id"]), str(row["account_id"]), row.get("email"))
        return index

    def add_account(self, account_id: str, domains: Iterable[str] = ()) -> None:
        """Know an account and the email domains that belong to it."""
        self.account_ids.add(account_id)
        for domain in domains:
            d = domain.strip().lower().lstrip("@")
            if d and d not in self.our_domains:
                self.account_by_domain.setdefault(d, account_id)

    def add_team(self, member_id: str, member_email: str | None) -> None:
        """Know one of our people."""
        self.team_ids.add(member_id)
        normal = normalise_email(member_email)
        if normal:
            self.team_by_email.setdefault(normal, member_id)

    def add_contact(self, contact_id: str, account_id: str, contact_email: str | None) -> None:
        """Know a contact and their account."""
        self.contact_accounts[contact_id] = account_id
        normal = normalise_email(contact_email)
        if normal:
            self.contact_by_email.setdefault(normal, contact_id)

    def is_ours(self, address: str) -> bool:
        """True for an address at one of our domains (or a subdomain of one)."""
        return self._match_domain(email_domain(address), self.our_domains) is not None

    def account_for_domain(self, domain: str) -> str | None:
        """The account whose ``domains`` hold ``domain`` or a parent of it."""
        matched = self._match_domain(domain, self.account_by_domain)
        return None if matched is None else self.account_by_domain[matched]

    @staticmethod
    def _match_domain(domain: str, known: Iterable[str] | dict[str, str]) -> str | None:
        labels = domain.split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            if candidate in known:
                return candidate
        return None


class PeopleResolver:
    """Turns addresses into team members and contacts, creating the ones it may create.

    New people (our people not yet in the team, discovered contacts) are queued as records;
    the importer yields :meth:`take_new` before the interaction that needs them.
    """

    def __init__(self, index: IdentityIndex, stats: ImportStats, *, source: str) -> None:
        self.index = index
        self.stats = stats
        self.source = source
        self._new: list[Record] = []

    def resolve(self, address: Address, location: str) -> Person | None:
        """The person behind ``address``, or ``None`` (an unknown domain, counted)."""
        addr = address.email
        member = self.index.team_by_email.get(addr)
        if member is not None:
            return Person("team", member)
        contact = self.index.contact_by_email.get(addr)
        if contact is not None:
            return Person("contact", contact, self.index.contact_accounts.get(contact))
        name = address.name or name_from_email(addr)
        if self.index.is_ours(addr):
            member = person_id(addr)
            self.index.add_team(member, addr)
            self._new.append(Record("team", {"id": member, "name": name, "email": addr}, location))
            return Person("team", member)
        account = self.index.account_for_domain(email_domain(addr))
        if account is None:
            self.stats.unknown_domains[email_domain(addr)] += 1
            return None
        contact = person_id(addr)
        self.index.add_contact(contact, account, addr)
        self._new.append(
            Record(
                "contacts",
                {
                    "id": contact,
                    "account_id": account,
                    "name": name,
                    "email": addr,
                    "title": None,
                    "discovered": True,
                },
                location,
            )
        )
        return Person("contact", contact, account)

    def take_new(self) -> list[Record]:
        """The people created since the last call, to be yielded before what needs them."""
        new, self._new = self._new, []
        return new

    def discard_new(self) -> None:
        """Forget the people created since the last :meth:`take_new` (nothing needed them)."""
        for record in self._new:
            person = record.data["id"]
            address = record.data["email"]
            if record.section == "team":
                self.index.team_ids.discard(person)
                self.index.team_by_email.pop(address, None)
            else:
                self.index.contact_accounts.pop(person, None)
                self.index.contact_by_email.pop(address, None)
        self._new = []


def group_by_account(people: Iterable[Person]) -> tuple[list[str], dict[str, list[str]]]:
    """Our team ids, and the contact ids of each account, in order of appearance.

    An email or meeting with people from two accounts becomes one interaction per account.
    """
    team: list[str] = []
    by_account: dict[str, list[str]] = {}
    for person in people:
        if person.side == "team":
            if person.id not in team:
                team.append(person.id)
        elif person.account_id is not None:
            ids = by_account.setdefault(person.account_id, [])
            if person.id not in ids:
                ids.append(person.id)
    return team, by_account
