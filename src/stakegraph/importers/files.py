"""Reading export files: CSV rows with their line numbers, byte progress, and dates.

CSV exports from CRMs carry a byte-order mark (Excel), quoted newlines inside fields (addresses,
descriptions) and now and then bytes that are not UTF-8. Rows are read as they stream, each with
the line it starts on, so that a reject names a line a person can open in an editor.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from stakegraph.importers.records import Reject

__all__ = [
    "CsvRow",
    "Progress",
    "parse_bool",
    "parse_datetime",
    "read_csv",
]

Progress = Callable[[int], None]
"""Called with the number of bytes just read (for a progress bar)."""

# Some exports hold descriptions of a few hundred kilobytes in one field.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class _CountingReader(io.RawIOBase):
    """A binary file that reports every chunk it reads, and counts its double quotes.

    Well-formed CSV has an even number of ``"`` (escaped quotes come in pairs too); an odd
    count at the end means the file stops inside a quoted field: it was cut off.
    """

    def __init__(self, raw: IO[bytes], on_progress: Progress | None) -> None:
        self._raw = raw
        self._on_progress = on_progress
        self.quotes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.quotes += data.count(b'"')
        if n and self._on_progress is not None:
            self._on_progress(n)
        return n


class CsvRow(dict[str, str]):
    """One CSV row by column name, with the line it starts on (``line``)."""

    line: int = 0


def read_csv(
    path: Path,
    *,
    on_progress: Progress | None = None,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> Iterator[CsvRow | Reject]:
    """The rows of a CSV file with a header line, as they stream, or a reject per bad row.

    A row whose bytes are not valid in ``encoding``, or that has more fields than the header,
    is rejected with its line; so is the last row of a file that ends inside a quoted field
    (a truncated export). Column names are stripped of blanks and of a byte-order mark.
    """
    name = str(path)
    with path.open("rb") as raw:
        counter = _CountingReader(raw, on_progress)
        text = io.TextIOWrapper(
            io.BufferedReader(counter, buffer_size=1 << 16),
            encoding=encoding,
            errors="surrogateescape",
            newline="",
        )
        reader = csv.reader(text, strict=False, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Reject(name, "line 1", f"unreadable header: {exc}")
            return
        columns = [c.strip().lstrip("\ufeff").strip() for c in header]
        start = reader.line_num + 1
        pending: CsvRow | Reject | None = None
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                item: CsvRow | Reject = Reject(name, f"line {start}", f"unreadable row: {exc}")
            else:
                item_or_none = _row(name, columns, fields, start, encoding)
                if item_or_none is None:
                    start = reader.line_num + 1
                    continue
                item = item_or_none
            start = reader.line_num + 1
            if pending is not None:
                yield pending
            pending = item
        if pending is not None:
            if counter.quotes % 2 == 1 and isinstance(pending, CsvRow):
                yield Reject(
                    name,
                    f"line {pending.line}",
                    "the file ends inside a quoted field (truncated export?)",
                )
            else:
                yield pending


def _row(
    name: str, columns: list[str], fields: list[str], line: int, encoding: str
) -> CsvRow | Reject | None:
    if not any(f.strip() for f in fields):
        return None
    if any(_has_bad_bytes(f) for f in fields):
        return Reject(name, f"line {line}", f"not valid {encoding} text (broken encoding)")
    if len(fields) > len(columns):
        return Reject(
            name, f"line {line}", f"{len(fields)} fields but the header has {len(columns)}"
        )
    # Excel writes CRLF inside quoted fields too; a value's own line breaks are plain newlines.
    row = CsvRow(zip(columns, (f.replace("\r\n", "\n") for f in fields), strict=False))
    row.line = line
    return row


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


_TRUE = frozenset({"1", "true", "yes", "y", "t", "x"})
_FALSE = frozenset({"0", "false", "no", "n", "f", ""})


def parse_bool(value: str | None) -> bool:
    """A CSV boolean ("true", "1", "yes" ...); empty is False."""
    v = (value or "").strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


def parse_datetime(value: str | None, *, fmt: str | None = None) -> datetime:
    """A timezone-aware UTC time from the date formats CRMs export.

    ISO 8601 (with or without a zone; ``Z`` allowed), a bare date (taken as noon UTC, so that
    it falls on the same day in every time zone from UTC-11 to UTC+11), US ``MM/DD/YYYY``, or an
    explicit ``fmt``. A time without a zone is taken to be UTC. Raises ``ValueError``.
    """
    v = (value or "").strip()
    if not v:
        raise ValueError("empty date")
    if fmt is not None:
        parsed = datetime.strptime(v, fmt)
    elif _DATE_ONLY.match(v):
        d = date.fromisoformat(v)
        parsed = datetime(d.year, d.month, d.day, 12, tzinfo=UTC)
    else:
        try:
            parsed = datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            for candidate in _FORMATS:
                try:
                    parsed = datetime.strptime(v, candidate)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(f"unreadable date: {v!r}") from None
            if candidate in ("%m/%d/%Y", "%d.%m.%Y"):
                parsed = parsed.replace(hour=12)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
