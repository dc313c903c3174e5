"""Reading and writing bundle files, streamed: a 50 MB bundle is never held in memory whole.

:func:`read_bundle` yields ingest records (``(section, record, "section[index]")``) as the parser
reaches them; :func:`write_bundle` writes the store's export one record per line, so two exports
of the same data are byte-identical and diff well.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from stakegraph.bundle.schema import BUNDLE_FORMAT, BUNDLE_VERSION
from stakegraph.errors import BundleError
from stakegraph.ingest import SECTIONS, Record, Reject

__all__ = ["BUNDLE_FORMAT", "BUNDLE_VERSION", "read_bundle", "read_bundle_file", "write_bundle"]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or ["unknown error"])[0]


_CHUNK = 1 << 20
_MAX_RECORD = 64 << 20
"""A record still undecodable with this much text after its start is malformed, not cut."""

_LONGEST_TOKEN = 16
"""Longer than any JSON token an error can point into (a surrogate-pair escape is 12)."""

_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_START = frozenset('[{"-0123456789tfn')
_TYPE_NAMES = {dict: "start_map", list: "start_array", str: "string", bool: "boolean"}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _Malformed(Exception):
    """The text is not JSON here (or breaks off): where and why."""

    def __init__(self, reason: str, *, cut: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cut = cut


class _Text:
    """A window on the stream's text: values are decoded whole, by the C decoder, one at a time.

    Only the value being decoded (plus one read) is held, so memory stays bounded by the largest
    record, whatever the file's size or layout.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.text = ""
        self.pos = 0
        self.eof = False
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.json = json.JSONDecoder(parse_constant=_refuse_constant)

    def fill(self, at_least: int = 0) -> bool:
        """Read more text (dropping what was consumed); False at the end of the stream."""
        if self.eof:
            return False
        data = self.stream.read(max(at_least, _CHUNK))
        try:
            more = self.utf8.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise _Malformed(f"not UTF-8 text: {exc.reason}", cut=False) from exc
        self.text = self.text[self.pos :] + more
        self.pos = 0
        self.eof = not data
        return bool(data)

    def peek(self) -> str | None:
        """The next character that is not white space (consumed up to it); None at the end."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return None

    def take(self, char: str) -> bool:
        """Consume ``char`` if it comes next."""
        if self.peek() == char:
            self.pos += 1
            return True
        return False

    def value(self) -> Any:
        """Decode the next JSON value, reading more text while it is cut off by the window."""
        self.peek()
        while True:
            try:
                value, end = self.json.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                pending = len(self.text) - self.pos
                # Cut by the window (an error within a token's length of its end: a half
                # "\\u00e9", "tru"; or a string still open): read on and try again.
                at_end = exc.pos >= len(self.text) - _LONGEST_TOKEN or exc.msg.startswith(
                    "Unterminated"
                )
                if at_end and pending < _MAX_RECORD and self.fill(pending):
                    continue
                # exc.msg, not str(exc): its line and column count from the window, not the file.
                raise _Malformed(exc.msg, cut=at_end and self.eof) from exc
            except (ValueError, RecursionError) as exc:
                raise _Malformed(_first_line(exc), cut=False) from exc
            if end == len(self.text) and self.fill():
                continue  # a number may go on in the next read: "12" | "34"
            self.pos = end
            return value

    def items(self) -> Iterator[Any]:
        """The values of an array whose ``[`` was just consumed, up to its ``]`` (consumed).

        What :meth:`value` and :meth:`separator` do, with the common case written out in one
        loop: a value decoded whole inside the window and followed by ``,`` or ``]``. Anything
        else (a value cut off by the window, a malformed one, the end of the stream) goes
        through those methods, which read on or say what is wrong.
        """
        if self.take("]"):
            return
        space = _SPACE.match
        decode = self.json.raw_decode
        while True:
            text = self.text
            pos = space(text, self.pos).end()  # type: ignore[union-attr]
            try:
                value, end = decode(text, pos)
            except (ValueError, RecursionError):  # cut off or malformed: value() says more
                end = len(text)
            if end < len(text):
                after = space(text, end).end()  # type: ignore[union-attr]
                char = text[after] if after < len(text) else ""
                if char == "," or char == "]":
                    self.pos = after + 1
                    yield value
                    if char == "]":
                        return
                    continue
                self.pos = end
            else:
                self.pos = pos
                value = self.value()
            yield value
            if not self.separator("]"):
                return

    def separator(self, close: str) -> bool:
        """After a member: True for ``,`` (another follows), False for ``close``."""
        char = self.peek()
        if char == ",":
            self.pos += 1
            return True
        if char == close:
            self.pos += 1
            return False
        if char is None:
            raise _Malformed("the file ends here", cut=True)
        raise _Malformed(f"expected ',' or {close!r}, found {char!r}", cut=False)


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), "null" if value is None else "number")


def read_bundle(stream: IO[bytes], *, source: str = "bundle") -> Iterator[Record | Reject]:
    """Yield the records of a bundle as they are parsed.

    A file that is not a JSON object raises :class:`~stakegraph.errors.BundleError` before any
    record is yielded; a file that breaks off mid-way yields the records before the break and then
    a :class:`~stakegraph.ingest.Reject` saying where it broke. Any layout of the JSON is read (the
    records need not be one per line); each record is decoded whole by the C decoder.
    """
    text = _Text(stream)
    try:
        first = text.peek()
        if first == "\ufeff":  # a byte-order mark some editors write
            text.pos += 1
            first = text.peek()
    except _Malformed as exc:
        raise BundleError(f"{source} is not JSON: {exc.reason}") from exc
    if first is None:
        raise BundleError(f"{source} is empty")
    if first != "{":
        if first in _JSON_START:
            raise BundleError(f"{source} is not a bundle: the top level must be a JSON object")
        raise BundleError(f"{source} is not JSON: it starts with {first!r}")
    text.pos += 1
    section: str | None = None
    index = 0
    try:
        more = not text.take("}")
        while more:
            key = text.value()
            if not isinstance(key, str):
                raise _Malformed("expected a field name", cut=False)
            if not text.take(":"):
                raise _Malformed(f"expected ':' after {key!r}", cut=text.peek() is None)
            if key in SECTIONS and text.peek() == "[":
                text.pos += 1
                section, index = key, 0
                for value in text.items():
                    yield key, value, f"{key}[{index}]"
                    index += 1
                section = None
            else:
                value = text.value()
                if key == "format" and isinstance(value, str):
                    if value != BUNDLE_FORMAT:
                        raise BundleError(
                            f"{source}: format is {value!r}, expected {BUNDLE_FORMAT!r}"
                        )
                elif key == "version" and _type_name(value) == "number":
                    if value != BUNDLE_VERSION:
                        raise BundleError(
                            f"{source}: bundle version {value} is not supported "
                            f"(this stakegraph reads version {BUNDLE_VERSION})"
                        )
                elif key in SECTIONS or key in ("format", "version"):
                    yield Reject(source, key, f"{key} has the wrong type ({_type_name(value)})")
                else:
                    yield Reject(source, key, f"unknown top-level field {key!r} ignored")
            more = text.separator("}")
        if text.peek() is not None:
            raise _Malformed("more text after the bundle's closing brace", cut=False)
    except _Malformed as exc:
        if exc.cut:
            where = f"{section}[{index}]" if section else "end of file"
            yield Reject(source, where, f"the file breaks off or is malformed here: {exc.reason}")
        else:
            where = f"{section}[{index}]" if section else "top level"
            yield Reject(source, where, f"malformed JSON: {exc.reason}")


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
