"""The record stream every importer produces, and what it counts on the way.

An importer never writes to the store. It reads files and yields, in bundle order (accounts, team,
contacts, interactions), either a :class:`Record` -- one model record in the bundle's field names,
with where it came from -- or a :class:`~stakegraph.ingest.Reject` -- a row or message that could
not be read, with the file, the line or message id, and why. The shared ingest pipeline
(:func:`stakegraph.ingest.ingest`) validates the records with the model, checks references and
writes them through the store's idempotent upserts.

Ids are derived from the source so that importing the same files again creates nothing new: a
CRM's own ids where there are any, otherwise :func:`derived_id` over what identifies the thing
(a Message-ID, an iCalendar UID and start, a normalised email address).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

from stakegraph.ingest import Reject

__all__ = [
    "SECTIONS",
    "ImportStats",
    "Record",
    "Reject",
    "Section",
    "StreamItem",
    "derived_id",
    "digest64",
    "split_rejects",
    "tag_rejects",
]

Section = Literal["accounts", "team", "contacts", "interactions"]
SECTIONS: tuple[Section, ...] = ("accounts", "team", "contacts", "interactions")


class Record(NamedTuple):
    """One model record: its bundle section, its fields, and where it came from."""

    section: Section
    data: dict[str, Any]
    location: str


StreamItem = Record | Reject


@dataclass
class ImportStats:
    """What an importer skipped on purpose (not errors) and which domains it did not know.

    ``skipped`` counts by reason ("all-day event", "only our own people", ...);
    ``unknown_domains`` counts the addresses seen at domains that belong to no tracked account
    and are not ours -- reported so that a missing account domain can be added, never imported.
    """

    skipped: Counter[str] = field(default_factory=Counter)
    unknown_domains: Counter[str] = field(default_factory=Counter)
    read: int = 0

    def skip(self, reason: str, count: int = 1) -> None:
        """Count one (or ``count``) item skipped for ``reason``."""
        self.skipped[reason] += count


def digest64(*parts: str) -> int:
    """A 64-bit digest of ``parts``, for compact sets of seen ids (8 bytes, not the id)."""
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return int.from_bytes(h.digest(), "big")


def derived_id(prefix: str, *parts: str) -> str:
    """A stable id ``prefix:<20 hex>`` for a thing identified by ``parts``."""
    h = hashlib.blake2b(digest_size=10)
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return f"{prefix}:{h.hexdigest()}"


def tag_rejects(items: Iterable[StreamItem], section: Callable[[], str]) -> Iterator[StreamItem]:
    """Name the section a reject would have been in (for the per-section rejected counts)."""
    for item in items:
        if isinstance(item, Reject) and item.entity is None:
            item = replace(item, entity=section())
        yield item


def split_rejects(items: Iterable[StreamItem], rejects: list[Reject]) -> Iterator[Record]:
    """Pass the records through and append the rejects to ``rejects`` as they stream by."""
    for item in items:
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            yield item
