"""Mail: mbox files, maildir folders and single ``.eml`` files, headers only.

Only From, To, Cc, Date, Message-ID and In-Reply-To are read; bodies are skipped line by line
and never kept, so memory stays flat whatever the size of the mailbox (a 1 GB mbox streams).

Every message between our people and a tracked account's contacts becomes one ``email``
interaction per account, with its direction (``outbound`` when one of ours sent it). An outbound
email counts as ``answered`` when a message from one of its contact recipients names it in
In-Reply-To anywhere in the same import. That needs to know the replies before the emails they
answer are emitted, so the import reads the headers twice: a first pass keeps only a set of
64-bit digests of (In-Reply-To, sender) pairs -- a few megabytes for a hundred thousand messages.
Messages are deduplicated by Message-ID (a digest set too); the interaction id is derived from
the Message-ID and the account, so importing the same mail again creates nothing.
"""

from __future__ import annotations

import email.utils
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from stakegraph.importers.files import Progress
from stakegraph.importers.identity import (
    Address,
    IdentityIndex,
    PeopleResolver,
    Person,
    group_by_account,
    normalise_email,
    parse_addresses,
)
from stakegraph.importers.records import (
    ImportStats,
    Record,
    Reject,
    StreamItem,
    derived_id,
    digest64,
    tag_rejects,
)
from stakegraph.model import format_utc

__all__ = ["MailImporter", "RawMessage", "read_headers", "read_messages"]

_WANTED = frozenset({b"from", b"to", b"cc", b"date", b"message-id", b"in-reply-to"})
# "From sender@example.com Mon Jan  1 00:00:00 2001" (and the "From - Mon ..." of some clients).
_SEPARATOR = re.compile(rb"^From \S+.*\d\d:\d\d(:\d\d)?.* \d{4}\s*$")
_MAX_HEADER_BYTES = 256 * 1024
_MSGID = re.compile(r"<([^<>\s]+)>")
_HEADER_END = re.compile(rb"\n\r?\n")
_NEXT_MESSAGE = re.compile(rb"\n\r?\n(?=From )")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class RawMessage:
    """The header block of one message and where it was found."""

    file: str
    line: int | None
    headers: bytes
    size: int

    @property
    def where(self) -> str:
        """``line N`` in an mbox, empty for a file of its own."""
        return f"line {self.line}" if self.line is not None else ""


def read_messages(
    paths: Sequence[Path], *, on_progress: Progress | None = None
) -> Iterator[RawMessage | Reject]:
    """The header blocks of every message under ``paths``, as they stream.

    A directory is walked (maildir ``cur``/``new`` folders included; ``tmp`` and hidden files
    skipped); a file that starts with ``From `` is an mbox, any other file is one message.
    """
    for path in paths:
        if path.is_dir():
            for file in _walk(path):
                yield from _read_file(file, on_progress)
        elif path.exists():
            yield from _read_file(path, on_progress)
        else:
            yield Reject(str(path), "", "no such file or folder")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "tmp")
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _read_file(path: Path, on_progress: Progress | None) -> Iterator[RawMessage | Reject]:
    with path.open("rb") as f:
        head = f.read(5)
        f.seek(0)
        if head == b"From ":
            yield from _read_mbox(path, f, on_progress)
            return
        headers = bytearray()
        size = 0
        ended = False
        for line in f:
            size += len(line)
            if line in (b"\n", b"\r\n"):
                ended = True
                break
            if len(headers) < _MAX_HEADER_BYTES:
                headers += line
        rest = path.stat().st_size
        if on_progress is not None:
            on_progress(rest)
        if not headers:
            yield Reject(str(path), "", "empty file")
        elif not ended and not headers.endswith(b"\n"):
            yield Reject(str(path), "", "truncated: the file ends inside the headers")
        else:
            yield RawMessage(str(path), None, bytes(headers), rest)


class _Window:
    """A sliding window over a binary file: bytes are read in large chunks and dropped once
    passed, so that finding the next message costs a C-speed search, not a Python loop per
    line, and memory holds a chunk or two plus one header block whatever the file size.

    Indices are positions in ``buf``; ``start`` is where the window begins (the bytes before it
    are passed and are cut off now and then, when nobody holds an index into them).
    """

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.buf = b""
        self.start = 0
        self.offset = 0  # file offset of buf[start]
        self.lines = 0  # newlines before buf[start]
        self.eof = False

    def more(self) -> bool:
        """Read another chunk; False at the end of the file."""
        if self.eof:
            return False
        chunk = self.f.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def advance(self, to: int) -> None:
        """Move the window's start to ``to``."""
        self.lines += self.buf.count(b"\n", self.start, to)
        self.offset += to - self.start
        self.start = to

    def compact(self) -> None:
        """Cut off the passed bytes; every index held before is invalid afterwards."""
        if self.start:
            self.buf = self.buf[self.start :]
            self.start = 0

    def line_end(self, at: int) -> int | None:
        """Index of the newline ending the line at ``at`` (reading on as needed)."""
        while True:
            end = self.buf.find(b"\n", at)
            if end >= 0:
                return end
            if not self.more():
                return None


def _read_mbox(
    path: Path, f: BinaryIO, on_progress: Progress | None
) -> Iterator[RawMessage | Reject]:
    name = str(path)
    w = _Window(f)
    w.more()
    while w.start < len(w.buf):
        if w.start >= _CHUNK:
            w.compact()
        # The window starts at a message's "From " separator line.
        start_line = w.lines + 1
        start_offset = w.offset
        separator_end = w.line_end(w.start)
        if separator_end is None:
            yield Reject(name, f"line {start_line}", "truncated: the file ends inside the headers")
            return
        match = _HEADER_END.search(w.buf, separator_end)
        while match is None and len(w.buf) - separator_end <= _MAX_HEADER_BYTES and w.more():
            match = _HEADER_END.search(w.buf, max(separator_end, len(w.buf) - _CHUNK - 3))
        headers: bytes | None = None
        if match is None:
            if w.eof:
                yield Reject(
                    name, f"line {start_line}", "truncated: the file ends inside the headers"
                )
                return
            yield Reject(
                name, f"line {start_line}", f"no end of headers in {_MAX_HEADER_BYTES} bytes"
            )
            search_from = separator_end
        else:
            headers = w.buf[separator_end + 1 : match.start() + 1]
            search_from = match.start()
        # A body line that starts with "From " is escaped as ">From " by a correct writer; an
        # unescaped one is only a separator after a blank line and when it looks like one.
        while True:
            candidate = _NEXT_MESSAGE.search(w.buf, search_from)
            if candidate is None:
                # Nothing before the last few bytes can start the next message: let it go.
                w.advance(max(search_from, len(w.buf) - 8))
                w.compact()
                search_from = 0
                if not w.more():
                    next_start = len(w.buf)
                    break
                continue
            line_start = candidate.end()
            line_end = w.line_end(line_start)
            line = w.buf[line_start : len(w.buf) if line_end is None else line_end + 1]
            if _SEPARATOR.match(line):
                next_start = line_start
                break
            search_from = line_start
        w.advance(next_start)
        size = w.offset - start_offset
        if headers is not None:
            yield RawMessage(name, start_line, headers, size)
        if on_progress is not None:
            on_progress(size)


def read_headers(block: bytes) -> tuple[dict[str, str], bool]:
    """The wanted headers of a header block (unfolded), and whether any was not UTF-8.

    Repeated To / Cc headers are joined. Bytes that are not UTF-8 are read as Latin-1 so that
    the address, which is ASCII, still comes through.
    """
    found: dict[bytes, list[bytes]] = {}
    current: list[bytes] | None = None
    for raw in block.splitlines():
        if raw[:1] in (b" ", b"\t"):
            if current is not None:
                current.append(b" " + raw.strip())
            continue
        name, sep, value = raw.partition(b":")
        key = name.strip().lower()
        if not sep or key not in _WANTED:
            current = None
            continue
        parts = found.setdefault(key, [])
        if parts:
            parts.append(b", " if key in (b"to", b"cc") else b" ")
            if key not in (b"to", b"cc"):
                # Only the first Date, From, Message-ID ... counts.
                current = None
                continue
        parts.append(value.strip())
        current = parts
    out: dict[str, str] = {}
    broken = False
    for key, parts in found.items():
        data = b"".join(parts).strip(b", ")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            broken = True
        out[key.decode()] = text
    return out, broken


def _message_ids(value: str | None) -> list[str]:
    if not value:
        return []
    found = _MSGID.findall(value)
    if found:
        return list(found)
    bare = value.strip()
    return [bare] if bare and " " not in bare else []


def _parse_date(value: str) -> datetime:
    parsed = email.utils.parsedate_to_datetime(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class MailImporter:
    """Email interactions from mailboxes, as a record stream.

    Parameters
    ----------
    paths
        mbox files, maildir folders, folders of ``.eml`` files, single messages.
    index
        Who is known already (our domains, team, contacts, account domains).
    on_progress
        Called with the bytes read so far, twice over (replies pass and import pass).
    """

    def __init__(
        self,
        paths: Sequence[Path],
        index: IdentityIndex,
        *,
        on_progress: Progress | None = None,
    ) -> None:
        self.paths = list(paths)
        self.index = index
        self.stats = ImportStats()
        self.on_progress = on_progress
        self._people = PeopleResolver(index, self.stats, source="mail")

    def total_bytes(self) -> int:
        """Bytes the import reads (both passes), for a progress bar."""
        total = 0
        for path in self.paths:
            if path.is_dir():
                total += sum(p.stat().st_size for p in _walk(path))
            elif path.exists():
                total += path.stat().st_size
        return 2 * total

    def _replies(self) -> set[int]:
        """Digests of (message id answered, address that answered), over every message."""
        replies: set[int] = set()
        for raw in read_messages(self.paths, on_progress=self.on_progress):
            if isinstance(raw, Reject):
                continue
            headers, _ = read_headers(raw.headers)
            answered = _message_ids(headers.get("in-reply-to"))
            if not answered:
                continue
            senders = parse_addresses(headers.get("from", ""))
            if not senders or self.index.is_ours(senders[0].email):
                continue
            for message_id in answered:
                replies.add(digest64(message_id, senders[0].email))
        return replies

    def __iter__(self) -> Iterator[StreamItem]:
        return tag_rejects(self._stream(), lambda: "interactions")

    def _stream(self) -> Iterator[StreamItem]:
        replies = self._replies()
        seen: set[int] = set()
        for raw in read_messages(self.paths, on_progress=self.on_progress):
            if isinstance(raw, Reject):
                yield raw
                continue
            self.stats.read += 1
            yield from self._message(raw, replies, seen)

    def _message(self, raw: RawMessage, replies: set[int], seen: set[int]) -> Iterator[StreamItem]:
        headers, broken = read_headers(raw.headers)
        ids = _message_ids(headers.get("message-id"))
        if ids:
            message_id = ids[0]
        else:
            # No Message-ID (some exports drop it): the sender, date and recipients identify it.
            message_id = derived_id(
                "no-message-id",
                headers.get("from", ""),
                headers.get("date", ""),
                headers.get("to", ""),
                headers.get("cc", ""),
            )
        where = " ".join(p for p in (raw.where, f"<{message_id}>") if p)
        location = f"{raw.file}:{raw.line}" if raw.line is not None else raw.file
        if "date" not in headers:
            yield Reject(raw.file, where, "no Date header")
            return
        try:
            occurred_at = _parse_date(headers["date"])
        except (ValueError, TypeError, IndexError):
            yield Reject(raw.file, where, f"unreadable Date: {headers['date']!r}")
            return
        senders = parse_addresses(headers.get("from", ""))
        if not senders:
            reason = "no readable From address"
            if broken:
                reason += " (broken encoding)"
            yield Reject(raw.file, where, reason)
            return
        key = digest64(message_id)
        if key in seen:
            self.stats.skip("duplicate Message-ID")
            return
        seen.add(key)

        sender = self._people.resolve(senders[0], location)
        if sender is None:
            self.stats.skip("sender not ours nor at a tracked account")
            self._count_unknown(headers)
            return
        recipients: list[tuple[Address, Person]] = []
        for address in parse_addresses(", ".join(headers.get(k, "") for k in ("to", "cc"))):
            if address.email == senders[0].email:
                continue
            person = self._people.resolve(address, location)
            if person is not None:
                recipients.append((address, person))
        team_ids, by_account = group_by_account([sender, *(p for _, p in recipients)])
        if not by_account:
            # Our people and discovered contacts are created only with a customer touch.
            self.stats.skip("no customer contact")
            self._people.discard_new()
            return
        if not team_ids:
            self.stats.skip("none of our people")
            self._people.discard_new()
            return
        yield from self._people.take_new()
        outbound = sender.side == "team"
        for account_id, contact_ids in by_account.items():
            answered: bool | None = None
            if outbound:
                answered = any(
                    digest64(message_id, address.email) in replies
                    for address, person in recipients
                    if person.side == "contact" and person.account_id == account_id
                )
            yield Record(
                "interactions",
                {
                    "id": derived_id("mail", message_id, account_id),
                    "account_id": account_id,
                    "kind": "email",
                    "occurred_at": format_utc(occurred_at),
                    "team_ids": team_ids,
                    "contact_ids": contact_ids,
                    "direction": "outbound" if outbound else "inbound",
                    "answered": answered,
                },
                f"{location} <{message_id}>",
            )

    def _count_unknown(self, headers: dict[str, str]) -> None:
        # The sender's domain was counted by the resolver; count the recipients' too, without
        # creating anyone, so the report shows every domain that might be a missing account.
        for address in parse_addresses(", ".join(headers.get(k, "") for k in ("to", "cc"))):
            addr = normalise_email(address.email)
            if addr is None or self.index.is_ours(addr):
                continue
            if addr in self.index.contact_by_email or addr in self.index.team_by_email:
                continue
            if self.index.account_for_domain(addr.rpartition("@")[2]) is None:
                self.stats.unknown_domains[addr.rpartition("@")[2]] += 1
