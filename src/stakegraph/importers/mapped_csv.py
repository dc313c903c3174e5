"""Any CSV, through a small mapping file that says which column holds which model field.

The mapping is TOML (``examples/mapping-contacts.toml`` is a complete example)::

    section = "contacts"          # accounts, team, contacts or interactions

    [columns]                     # model field = column label (or a list, joined by a blank)
    id = "Person ID"
    account_id = "Company ID"
    name = ["First name", "Last name"]
    email = "E-mail"
    title = "Position"
    reports_to = "Manager ID"
    buying_roles = "Roles"        # list fields are split on the list separator

    [values]                      # the same value for every row
    stance = "unknown"

    [translate.title]             # a column's own codes turned into field values
    "1" = "CEO"
    "2" = "Vice President"

    [options]
    delimiter = ","               # ";" for many European exports
    encoding = "utf-8-sig"
    list_separator = ";"
    date_format = "%d/%m/%Y %H:%M"  # for occurred_at and renewal_date; default: ISO or US

Fields are the bundle's (and the model's): see ``docs/bundle-format.md``. Converting a value
(a date, a number, a yes/no) that fails rejects the row, naming the column.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stakegraph.errors import ValidationFailed
from stakegraph.importers.files import CsvRow, Progress, parse_bool, parse_datetime, read_csv
from stakegraph.importers.records import (
    SECTIONS,
    ImportStats,
    Record,
    Reject,
    Section,
    StreamItem,
    tag_rejects,
)
from stakegraph.model import Account, Contact, Interaction, TeamMember, format_utc

__all__ = ["MappedCsvImporter", "Mapping", "load_mapping"]

_FIELDS: dict[str, frozenset[str]] = {
    "accounts": frozenset(Account.model_fields),
    "team": frozenset(TeamMember.model_fields),
    "contacts": frozenset(Contact.model_fields),
    "interactions": frozenset(Interaction.model_fields),
}
_LISTS = frozenset({"domains", "team_ids", "contact_ids", "buying_roles"})
_BOOLS = frozenset({"concern", "discovered", "answered"})
_NUMBERS = frozenset({"annual_value", "sentiment"})
_TIMES = frozenset({"occurred_at"})
_DATES = frozenset({"renewal_date"})


@dataclass(frozen=True)
class Mapping:
    """Which columns make which model fields, for one section."""

    section: Section
    columns: dict[str, list[str]]
    values: dict[str, Any] = field(default_factory=dict)
    translate: dict[str, dict[str, str]] = field(default_factory=dict)
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    list_separator: str = ";"
    date_format: str | None = None


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; raises :class:`ValidationFailed` naming the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationFailed(f"{path}: not a readable TOML mapping file: {exc}") from exc
    section = data.get("section")
    if section not in SECTIONS:
        raise ValidationFailed(f"{path}: section must be one of {', '.join(SECTIONS)}")
    allowed = _FIELDS[section]
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise ValidationFailed(f"{path}: a [columns] table is needed")
    columns: dict[str, list[str]] = {}
    for name, labels in raw_columns.items():
        if name not in allowed:
            raise ValidationFailed(
                f"{path}: {name!r} is not a field of {section} ({', '.join(sorted(allowed))})"
            )
        if isinstance(labels, str):
            labels = [labels]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise ValidationFailed(f"{path}: columns.{name} must be a column label or a list")
        columns[name] = labels
    values = data.get("values", {})
    if not isinstance(values, dict) or not set(values) <= allowed:
        raise ValidationFailed(f"{path}: [values] may only name fields of {section}")
    translate = data.get("translate", {})
    if not isinstance(translate, dict) or not all(
        name in columns and isinstance(table, dict) for name, table in translate.items()
    ):
        raise ValidationFailed(f"{path}: [translate.FIELD] tables may only name mapped fields")
    options = data.get("options", {})
    if "id" not in columns:
        raise ValidationFailed(f"{path}: columns.id is needed (ids make re-imports idempotent)")
    return Mapping(
        section=section,
        columns=columns,
        values=values,
        translate={k: {str(a): str(b) for a, b in v.items()} for k, v in translate.items()},
        delimiter=str(options.get("delimiter", ",")),
        encoding=str(options.get("encoding", "utf-8-sig")),
        list_separator=str(options.get("list_separator", ";")),
        date_format=options.get("date_format"),
    )


class MappedCsvImporter:
    """Records of one section from a CSV file and a :class:`Mapping`."""

    def __init__(self, path: Path, mapping: Mapping, *, on_progress: Progress | None = None):
        self.path = path
        self.mapping = mapping
        self.stats = ImportStats()
        self.on_progress = on_progress

    def total_bytes(self) -> int:
        """Bytes the import reads, for a progress bar."""
        return self.path.stat().st_size if self.path.exists() else 0

    def __iter__(self) -> Iterator[StreamItem]:
        return tag_rejects(self._stream(), lambda: self.mapping.section)

    def _stream(self) -> Iterator[StreamItem]:
        if not self.path.is_file():
            yield Reject(str(self.path), "", "no such file")
            return
        checked = False
        m = self.mapping
        for row in read_csv(
            self.path, on_progress=self.on_progress, encoding=m.encoding, delimiter=m.delimiter
        ):
            if isinstance(row, Reject):
                yield row
                continue
            if not checked:
                missing = sorted({c for cs in m.columns.values() for c in cs} - set(row))
                if missing:
                    yield Reject(
                        str(self.path), "line 1", f"columns not in the file: {', '.join(missing)}"
                    )
                    return
                checked = True
            self.stats.read += 1
            item = self._record(row)
            if item is not None:
                yield item

    def _record(self, row: CsvRow) -> StreamItem | None:
        m = self.mapping
        data: dict[str, Any] = dict(m.values)
        for name, labels in m.columns.items():
            raw = " ".join(row.get(c, "").strip() for c in labels).strip()
            raw = m.translate.get(name, {}).get(raw, raw)
            try:
                value = self._convert(name, raw)
            except ValueError as exc:
                return Reject(
                    str(self.path), f"line {row.line}", f"column {' + '.join(labels)}: {exc}"
                )
            if value is not None:
                data[name] = value
        return Record(m.section, data, f"{self.path}:{row.line}")

    def _convert(self, name: str, raw: str) -> Any:
        if name in _LISTS:
            return [v.strip() for v in raw.split(self.mapping.list_separator) if v.strip()]
        if not raw:
            return None
        if name in _BOOLS:
            return parse_bool(raw)
        if name in _NUMBERS:
            return float(raw.replace(",", "").replace(" ", ""))
        if name in _TIMES:
            return format_utc(parse_datetime(raw, fmt=self.mapping.date_format))
        if name in _DATES:
            return parse_datetime(raw, fmt=self.mapping.date_format).date().isoformat()
        return raw
