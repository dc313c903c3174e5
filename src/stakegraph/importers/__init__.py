"""Importers: CRM exports, calendars and mailboxes turned into a stream of model records.

Each source reads its files as a stream and yields :class:`~stakegraph.importers.records.Record`
items (bundle section, fields, where from) and :class:`~stakegraph.ingest.Reject` items; it never
writes. :func:`stakegraph.ingest.ingest` validates and writes the stream. Identity matching
(who is ours, which contact, which account) is in :mod:`stakegraph.importers.identity`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from stakegraph.importers.identity import IdentityIndex
from stakegraph.importers.records import ImportStats, Record, StreamItem

__all__ = ["SOURCES", "ImportSource", "Record", "SourceName", "open_source"]

SourceName = Literal["salesforce", "hubspot", "csv", "ics", "mail"]
SOURCES: tuple[SourceName, ...] = ("salesforce", "hubspot", "csv", "ics", "mail")


class ImportSource(Protocol):
    """What every importer offers: a record stream, its counts, a size for a progress bar."""

    stats: ImportStats
    on_progress: Callable[[int], None] | None

    def total_bytes(self) -> int:
        """Bytes the import will read."""
        ...

    def __iter__(self) -> Iterator[StreamItem]: ...


def open_source(
    source: SourceName,
    paths: Sequence[Path],
    index: IdentityIndex,
    *,
    mapping: Path | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> ImportSource:
    """The importer of ``source`` over ``paths`` (a folder for the CRMs, one CSV for ``csv``).

    Raises :class:`~stakegraph.errors.ValidationFailed` for a missing or bad mapping file.
    """
    from stakegraph.errors import ValidationFailed

    if source in ("salesforce", "hubspot", "csv") and len(paths) != 1:
        raise ValidationFailed(f"{source}: give one {'file' if source == 'csv' else 'folder'}")
    if source == "salesforce":
        from stakegraph.importers.salesforce import SalesforceImporter

        return SalesforceImporter(paths[0], index)
    if source == "hubspot":
        from stakegraph.importers.hubspot import HubSpotImporter

        return HubSpotImporter(paths[0], index)
    if source == "csv":
        from stakegraph.importers.mapped_csv import MappedCsvImporter, load_mapping

        if mapping is None:
            raise ValidationFailed("csv: a mapping file is needed")
        return MappedCsvImporter(paths[0], load_mapping(mapping))
    if source == "ics":
        from stakegraph.importers.ics import CalendarImporter

        return CalendarImporter(paths, index, window=window)
    from stakegraph.importers.mail import MailImporter

    return MailImporter(paths, index)
