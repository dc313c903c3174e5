"""Fixtures of the importer tests: the hand-written export files and a small identity index."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from stakegraph.importers.identity import IdentityIndex
from stakegraph.importers.records import Record, StreamItem
from stakegraph.ingest import Reject

FIXTURES = Path(__file__).parent.parent / "fixtures" / "importers"


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written export files."""
    return FIXTURES


@pytest.fixture
def index() -> IdentityIndex:
    """Our domain, two tracked accounts, one known contact and one known team member."""
    return IdentityIndex.from_rows(
        our_domains=["ours.example"],
        accounts=[("northwind", ["northwind.example"]), ("contoso", ["contoso.example"])],
        team=[("t-alex", "Alex.Morgan@ours.example")],
        contacts=[("c-sandra", "northwind", "sandra.ruiz@northwind.example")],
    )


def split(items: Iterable[StreamItem]) -> tuple[list[Record], list[Reject]]:
    """Records and rejects of a stream, each in order."""
    records: list[Record] = []
    rejects: list[Reject] = []
    for item in items:
        (rejects if isinstance(item, Reject) else records).append(item)  # type: ignore[arg-type]
    return records, rejects


def by_id(records: Iterable[Record], section: str) -> dict[str, dict[str, object]]:
    """The records of one section by id."""
    return {str(r.data["id"]): r.data for r in records if r.section == section}
