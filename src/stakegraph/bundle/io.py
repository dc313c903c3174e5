"""Reading and writing bundle files, streamed: a 50 MB bundle is never held in memory whole.

:func:`read_bundle` yields ingest records (``(section, record, "section[index]")``) as the parser
reaches them; :func:`write_bundle` writes the store's export one record per line, so two exports
of the same data are byte-identical and diff well.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from stakegraph.errors import BundleError
from stakegraph.ingest import SECTIONS, Record, Reject

__all__ = ["BUNDLE_FORMAT", "BUNDLE_VERSION", "read_bundle", "read_bundle_file", "write_bundle"]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or ["unknown error"])[0]


BUNDLE_FORMAT = "stakegraph-bundle"
BUNDLE_VERSION = 1


def read_bundle(stream: IO[bytes], *, source: str = "bundle") -> Iterator[Record | Reject]:
    """Yield the records of a bundle as they are parsed.

    A file that is not a JSON object raises :class:`~stakegraph.errors.BundleError` before any
    record is yielded; a file that breaks off mid-way yields the records before the break and then
    a :class:`~stakegraph.ingest.Reject` saying where it broke.
    """
    events = ijson.parse(stream, use_float=True)
    try:
        first = next(events, None)
    except ijson.JSONError as exc:
        raise BundleError(f"{source} is not JSON: {_first_line(exc)}") from exc
    if first is None:
        raise BundleError(f"{source} is empty")
    if first[1] != "start_map":
        raise BundleError(f"{source} is not a bundle: the top level must be a JSON object")
    builder: ijson.ObjectBuilder | None = None
    section: str | None = None
    index = 0
    skipping: str | None = None
    try:
        for prefix, event, value in events:
            if builder is not None:
                builder.event(event, value)
                if prefix == f"{section}.item" and event in ("end_map", "end_array"):
                    yield section, builder.value, f"{section}[{index}]"  # type: ignore[misc]
                    builder = None
                    index += 1
                elif prefix == f"{section}.item" and event not in ("start_map", "start_array"):
                    pass
                continue
            if skipping is not None:
                if prefix == skipping and event in ("end_map", "end_array"):
                    skipping = None
                continue
            if prefix == "" and event == "map_key":
                continue
            if event == "start_array" and prefix in SECTIONS:
                section, index = prefix, 0
                continue
            if event == "end_array" and prefix == section:
                section = None
                continue
            if section is not None and prefix == f"{section}.item":
                if event in ("start_map", "start_array"):
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                else:
                    yield section, value, f"{section}[{index}]"  # a scalar: the model refuses it
                    index += 1
                continue
            if prefix == "format" and event == "string":
                if value != BUNDLE_FORMAT:
                    raise BundleError(f"{source}: format is {value!r}, expected {BUNDLE_FORMAT!r}")
                continue
            if prefix == "version" and event == "number":
                if int(value) != BUNDLE_VERSION:
                    raise BundleError(
                        f"{source}: bundle version {value} is not supported "
                        f"(this stakegraph reads version {BUNDLE_VERSION})"
                    )
                continue
            if prefix in SECTIONS or prefix in ("format", "version"):
                yield Reject(source, prefix, f"{prefix} has the wrong type ({event})")
                if event in ("start_map", "start_array"):
                    skipping = prefix
                continue
            if "." not in prefix and prefix and event in ("start_map", "start_array"):
                yield Reject(source, prefix, f"unknown top-level field {prefix!r} ignored")
                skipping = prefix
            elif "." not in prefix and prefix:
                yield Reject(source, prefix, f"unknown top-level field {prefix!r} ignored")
    except ijson.IncompleteJSONError as exc:
        where = f"{section}[{index}]" if section else "end of file"
        yield Reject(source, where, f"the file breaks off or is malformed here: {_first_line(exc)}")
    except ijson.JSONError as exc:
        where = f"{section}[{index}]" if section else "top level"
        yield Reject(source, where, f"malformed JSON: {_first_line(exc)}")


def read_bundle_file(path: Path) -> Iterator[Record | Reject]:
    """:func:`read_bundle` over a file, named in rejects by its file name."""
    with open(path, "rb") as stream:
        yield from read_bundle(stream, source=path.name)


def write_bundle(records: Iterable[tuple[str, dict[str, Any]]], out: IO[str]) -> dict[str, int]:
    """Write ``(section, record)`` pairs, in section order, as one bundle; return the counts."""
    counts = dict.fromkeys(SECTIONS, 0)
    out.write(f'{{"format": "{BUNDLE_FORMAT}", "version": {BUNDLE_VERSION}')
    current: str | None = None
    for section, record in records:
        if section != current:
            if current is not None:
                out.write("\n]")
            if SECTIONS.index(section) < (SECTIONS.index(current) if current else -1):
                raise ValueError("records must come in section order")
            out.write(f',\n"{section}": [')
            current = section
            first = True
        out.write("\n" if first else ",\n")
        first = False
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        counts[section] += 1
    if current is not None:
        out.write("\n]")
    for section in SECTIONS:
        if counts[section] == 0:
            out.write(f',\n"{section}": []')
    out.write("}\n")
    return counts
