"""Reading CSV exports, and any CSV through a mapping file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from stakegraph.errors import ValidationFailed
from stakegraph.importers.files import CsvRow, parse_datetime, read_csv
from stakegraph.importers.mapped_csv import MappedCsvImporter, load_mapping

from .conftest import split

pytestmark = pytest.mark.unit

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "mapping-contacts.toml"


def _read(path: Path) -> tuple[list[CsvRow], list[tuple[str, str]]]:
    rows: list[CsvRow] = []
    rejects: list[tuple[str, str]] = []
    for item in read_csv(path):
        if isinstance(item, CsvRow):
            rows.append(item)
        else:
            rejects.append((item.location, item.reason))
    return rows, rejects


def test_bom_quoted_newlines_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        b'\xef\xbb\xbf"Id","Note"\r\n1,"two\r\nlines"\r\n\r\n2,plain\r\n3,"caf\xe9"\r\n4,ok\r\n'
    )
    rows, rejects = _read(path)
    assert [(r.line, r["Id"], r["Note"]) for r in rows] == [
        (2, "1", "two\nlines"),
        (5, "2", "plain"),
        (7, "4", "ok"),
    ]
    assert rejects == [("line 6", "not valid utf-8-sig text (broken encoding)")]


def test_truncated_file_rejects_its_last_row(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(b'Id,Note\n1,fine\n2,"cut off in the mid')
    rows, rejects = _read(path)
    assert [r["Id"] for r in rows] == ["1"]
    assert rejects == [("line 3", "the file ends inside a quoted field (truncated export?)")]


def test_too_many_fields(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a,b\n1,2,3\n4,5\n")
    rows, rejects = _read(path)
    assert [r["a"] for r in rows] == ["4"]
    assert rejects == [("line 2", "3 fields but the header has 2")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-15T16:30:00.000Z", datetime(2026, 9, 15, 16, 30, tzinfo=UTC)),
        ("2026-09-15 18:30:00+02:00", datetime(2026, 9, 15, 16, 30, tzinfo=UTC)),
        ("2026-09-15 16:30", datetime(2026, 9, 15, 16, 30, tzinfo=UTC)),
        ("2026-09-15", datetime(2026, 9, 15, 12, tzinfo=UTC)),  # a day: noon UTC
        ("09/15/2026 4:30 PM", datetime(2026, 9, 15, 16, 30, tzinfo=UTC)),
    ],
)
def test_parse_datetime(raw: str, expected: datetime) -> None:
    assert parse_datetime(raw) == expected


def test_parse_datetime_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="unreadable date"):
        parse_datetime("next Tuesday")


def test_example_mapping(fixtures: Path) -> None:
    importer = MappedCsvImporter(fixtures / "people.csv", load_mapping(EXAMPLE))
    records, rejects = split(importer)
    assert rejects == []
    sandra = records[1].data
    assert records[1].section == "contacts"
    assert sandra == {
        "id": "P-101",
        "account_id": "northwind",
        "name": "Sandra Ruiz",
        "email": "sandra.ruiz@northwind.example",
        "title": "VP Information Technology",
        "department": "IT",
        "reports_to": "P-100",
        "buying_roles": ["executive_sponsor", "technical_buyer"],
        "stance": "unknown",
    }
    assert records[1].location.endswith("people.csv:3")


def test_mapping_with_dates_numbers_and_a_bad_value(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'section = "interactions"\n[columns]\nid = "Ref"\naccount_id = "Acct"\n'
        'kind = "Type"\noccurred_at = "When"\nteam_ids = "Ours"\ncontact_ids = "Theirs"\n'
        'sentiment = "Mood"\n[options]\ndate_format = "%d.%m.%Y %H:%M"\n'
    )
    data = tmp_path / "log.csv"
    data.write_text(
        "Ref,Acct,Type,When,Ours,Theirs,Mood\n"
        "r1,northwind,call,15.09.2026 16:30,t-alex,c-sandra;c-carl,0.5\n"
        "r2,northwind,call,2026-09-15,t-alex,c-sandra,\n"
    )
    records, rejects = split(MappedCsvImporter(data, load_mapping(mapping)))
    assert records[0].data["occurred_at"] == "2026-09-15T16:30:00Z"
    assert records[0].data["contact_ids"] == ["c-sandra", "c-carl"]
    assert records[0].data["sentiment"] == 0.5
    assert [(r.location, r.reason.split(":")[0]) for r in rejects] == [("line 3", "column When")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('section = "deals"\n[columns]\nid = "x"\n', "section must be one of"),
        ('section = "contacts"\n', r"a \[columns\] table is needed"),
        ('section = "contacts"\n[columns]\nid = "x"\nshoe_size = "y"\n', "not a field"),
        ('section = "contacts"\n[columns]\nname = "x"\n', "columns.id is needed"),
        ("section = ", "not a readable TOML"),
    ],
)
def test_bad_mapping_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text)
    with pytest.raises(ValidationFailed, match=message):
        load_mapping(path)


def test_missing_columns_are_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Personalnummer;Firma\nP-1;northwind\n")
    _, rejects = split(MappedCsvImporter(path, load_mapping(EXAMPLE)))
    assert len(rejects) == 1 and "columns not in the file" in rejects[0].reason


def test_translate_codes_into_titles(tmp_path: Path) -> None:
    # Org-network data (Krackhardt's managers) codes rank as a level number.
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'section = "contacts"\n[columns]\nid = "NodeName"\nname = "NodeName"\n'
        'title = "Level"\n[values]\naccount_id = "hightech"\n'
        '[translate.title]\n"1" = "CEO"\n"2" = "Vice President"\n"3" = "Manager"\n'
    )
    data = tmp_path / "attributes.csv"
    data.write_text("NodeName,Age,Tenure,Level,Department\nA07,34,4.5,1,0\nA01,33,9.3,3,4\n")
    records, rejects = split(MappedCsvImporter(data, load_mapping(mapping)))
    assert rejects == []
    assert [(r.data["id"], r.data["title"], r.data["account_id"]) for r in records] == [
        ("A07", "CEO", "hightech"),
        ("A01", "Manager", "hightech"),
    ]
