"""``POST /v1/import/{source}``: the importers over HTTP, for uploaded files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Service

pytestmark = pytest.mark.api

FIXTURES = Path(__file__).parent.parent / "fixtures" / "importers"
EXAMPLES = Path(__file__).parent.parent.parent / "examples"


def _files(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (p.name, p.read_bytes(), "text/csv"))
        for p in sorted(folder.iterdir())
        if p.is_file()
    ]


def test_salesforce_upload_imports_and_reimport_changes_nothing(keyed_service: Service) -> None:
    with keyed_service.client("writer") as http:
        first = http.post("/v1/import/salesforce", files=_files(FIXTURES / "salesforce"))
        again = http.post("/v1/import/salesforce", files=_files(FIXTURES / "salesforce"))
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["ok"] is False  # the fixture has bad rows on purpose
    assert body["counts"]["contacts"]["created"] == 5
    assert body["counts"]["interactions"]["created"] == 3
    # Rejects name the uploaded file and the line, not the server's temporary folder.
    assert {"source": "Contact.csv", "location": "line 8"}.items() <= next(
        r for r in body["rejects"] if r["location"] == "line 8"
    ).items()
    assert body["skipped"]["task that is not a call, email or meeting"] == 1
    assert keyed_service.store.get_contact("003A000004CaRlOIAV") is not None
    counts = again.json()["counts"]
    assert sum(c["created"] + c["updated"] for c in counts.values()) == 0


def test_import_needs_the_write_scope(keyed_service: Service) -> None:
    with keyed_service.client("reader") as http:
        refused = http.post("/v1/import/salesforce", files=_files(FIXTURES / "salesforce"))
    assert refused.status_code == 403


def test_dry_run_writes_nothing(keyed_service: Service) -> None:
    with keyed_service.client("writer") as http:
        answer = http.post(
            "/v1/import/hubspot", params={"dry_run": True}, files=_files(FIXTURES / "hubspot")
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["dry_run"] is True
    assert answer.json()["counts"]["accounts"]["created"] == 2
    assert keyed_service.store.get_account("hubspot:9001") is None


def test_csv_with_mapping_and_a_key_limited_to_one_account(keyed_service: Service) -> None:
    files = [
        ("files", ("people.csv", (FIXTURES / "people.csv").read_bytes(), "text/csv")),
        ("mapping", ("m.toml", (EXAMPLES / "mapping-contacts.toml").read_bytes(), "text/plain")),
    ]
    with keyed_service.client("acme_writer") as http:
        answer = http.post("/v1/import/csv", files=files)
    assert answer.status_code == 200, answer.text
    reasons = {r["reason"] for r in answer.json()["rejects"]}
    assert "this key may not write to account 'northwind'" in reasons


def test_mail_upload_with_our_domains(
    start_service: Callable[..., Service], tmp_path: Path
) -> None:
    service = start_service(our_domains=["ours.example"])
    from stakegraph.model import Account

    service.store.upsert_accounts(
        [Account(id="northwind", name="Northwind", domains=["northwind.example"])]
    )
    mbox = (FIXTURES / "mail" / "alex.mbox").read_bytes()
    with service.client() as http:
        answer = http.post("/v1/import/mail", files=[("files", ("alex.mbox", mbox, "text/plain"))])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["counts"]["interactions"]["created"] == 4
    assert body["unknown_domains"] == {"contoso.example": 2, "unknown-vendor.example": 1}
    assert [(r["source"], r["location"]) for r in body["rejects"]] == [
        ("alex.mbox", "line 57 <baddate@mail.ours.example>"),
        ("alex.mbox", "line 93"),
    ]


def test_upload_over_the_body_limit_is_413(keyed_service: Service) -> None:
    big = b"Id,Name\n" + b"001A000001NwTdA,Northwind\n" * 4000
    with keyed_service.client("writer") as http:
        answer = http.post(
            "/v1/import/salesforce", files=[("files", ("Account.csv", big, "text/csv"))]
        )
    assert answer.status_code == 413


def test_unknown_source_and_bad_names(keyed_service: Service) -> None:
    with keyed_service.client("writer") as http:
        unknown = http.post("/v1/import/pipedrive", files=_files(FIXTURES / "hubspot"))
        twice = http.post(
            "/v1/import/ics",
            files=[("files", ("a.ics", b"x", "text/calendar")), ("files", ("a.ics", b"y", "x"))],
        )
        hidden = http.post("/v1/import/ics", files=[("files", ("../.x", b"x", "text/calendar"))])
    assert unknown.status_code == 422
    assert twice.status_code == 422 and "twice" in twice.text
    assert hidden.status_code == 422
