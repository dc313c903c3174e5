"""Write routes over HTTP, and the report cache: reused until a write touches the account."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from stakegraph.store import GraphStore

from . import data
from .conftest import Service

pytestmark = pytest.mark.api


def _recent(days: float = 1) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cache(service: Service, outcome: str) -> float:
    with service.client() as http:
        text = http.get("/metrics").text
    match = re.search(rf'^stakegraph_report_cache_total{{outcome="{outcome}"}} (\S+)$', text, re.M)
    return float(match.group(1)) if match else 0.0


def test_put_account_is_an_idempotent_upsert(open_service: Service) -> None:
    body = {"name": "Umbrella", "domains": ["umbrella.example"], "annual_value": 1000}
    with open_service.client() as http:
        created = http.put("/v1/accounts/umbrella", json=body)
        again = http.put("/v1/accounts/umbrella", json=body)
        changed = http.put("/v1/accounts/umbrella", json={**body, "annual_value": 2000})
        read = http.get("/v1/accounts/umbrella").json()
    assert created.status_code == 201 and created.json()["created"] is True
    assert again.status_code == 200 and again.json()["changed"] is False
    assert changed.status_code == 200 and changed.json()["changed"] is True
    assert read["account"]["annual_value"] == 2000


def test_put_and_patch_contact_record_role_changes(open_service: Service) -> None:
    with open_service.client() as http:
        created = http.put("/v1/contacts/acme-new", json={
            "account_id": "acme", "name": "Nora New", "title": "IT Manager",
            "reports_to": "acme-vp"})  # fmt: skip
        promoted = http.patch("/v1/contacts/acme-new", json={"title": "CIO"})
        unchanged = http.patch("/v1/contacts/acme-new", json={"title": "CIO"})
        stance = http.patch("/v1/contacts/acme-new", json={"stance": "supporter"})
        bad = http.patch("/v1/contacts/acme-new", json={"reports_to": "acme-new"})
    assert created.status_code == 201
    assert created.json()["record"]["seniority"] == "manager"
    body = promoted.json()
    assert promoted.status_code == 200 and body["changed"] is True
    # The new title re-infers the seniority: a promotion needs only the title.
    assert body["record"]["seniority"] == "c_level"
    change = body["role_change"]["changes"]
    assert change["title"] == {"old": "IT Manager", "new": "CIO"}
    assert change["seniority"] == {"old": "manager", "new": "c_level"}
    assert unchanged.json()["changed"] is False and unchanged.json()["role_change"] is None
    assert stance.json()["changed"] is True and stance.json()["role_change"] is None
    assert bad.status_code == 422


def test_put_team_member(open_service: Service) -> None:
    with open_service.client() as http:
        created = http.put("/v1/team/t-new", json={"name": "Nia", "role": "customer_success"})
        again = http.put("/v1/team/t-new", json={"name": "Nia", "role": "customer_success"})
    assert created.status_code == 201 and created.json()["record"]["role"] == "customer_success"
    assert again.json()["changed"] is False


def test_post_interactions_batch(open_service: Service) -> None:
    batch = {"interactions": [
        {"id": "w-1", "account_id": "initech", "kind": "meeting", "occurred_at": _recent(),
         "team_ids": ["t-sam"], "contact_ids": ["initech-1"]},
        {"id": "w-2", "account_id": "initech", "kind": "call", "occurred_at": _recent(2),
         "team_ids": ["t-sam"], "contact_ids": ["initech-1"]},
    ]}  # fmt: skip
    with open_service.client() as http:
        before = http.get("/v1/accounts/initech/coverage").json()
        first = http.post("/v1/interactions", json=batch).json()
        second = http.post("/v1/interactions", json=batch).json()
        after = http.get("/v1/accounts/initech/coverage").json()
    assert sorted(first["created"]) == ["w-1", "w-2"]
    assert sorted(second["unchanged"]) == ["w-1", "w-2"] and second["created"] == []
    assert before["threads"]["senior"] == 0 and after["threads"]["senior"] == 1


def test_delete_account(open_service: Service) -> None:
    with open_service.client() as http:
        assert http.get("/v1/accounts/initech/report").status_code == 200
        assert http.delete("/v1/accounts/initech").status_code == 204
        assert http.get("/v1/accounts/initech/report").status_code == 404
        assert http.delete("/v1/accounts/initech").status_code == 404
        ids = [r["id"] for r in http.get("/v1/accounts").json()["items"]]
    assert "initech" not in ids


def test_bundle_import_reports_like_the_cli(open_service: Service) -> None:
    bundle = {
        "format": "stakegraph-bundle",
        "version": 1,
        "accounts": [{"id": "hooli", "name": "Hooli", "annual_value": 750000}],
        "team": [{"id": "t-gavin", "name": "Gavin", "role": "executive"}],
        "contacts": [
            {"id": "hooli-ceo", "account_id": "hooli", "name": "Richard", "title": "CEO"},
            {"id": "hooli-bad", "account_id": "hooli"},
        ],
        "interactions": [
            {"id": "hooli-i1", "account_id": "hooli", "kind": "meeting", "occurred_at": _recent(),
             "team_ids": ["t-gavin"], "contact_ids": ["hooli-ceo"]},
        ],
    }  # fmt: skip
    with open_service.client() as http:
        dry = http.post("/v1/bundle", params={"dry_run": "true"}, json=bundle).json()
        assert http.get("/v1/accounts/hooli").status_code == 404
        real = http.post("/v1/bundle", json=bundle)
        again = http.post("/v1/bundle", json=bundle).json()
        report = http.get("/v1/accounts/hooli/report").json()
    assert dry["dry_run"] is True and dry["counts"]["accounts"]["created"] == 1
    body = real.json()
    assert real.status_code == 200 and body["ok"] is False
    assert body["counts"]["contacts"] == {"created": 1, "updated": 0, "unchanged": 0,
                                          "rejected": 1}  # fmt: skip
    assert [r["location"] for r in body["rejects"]] == ["contacts[1]"]
    assert again["counts"]["interactions"]["unchanged"] == 1
    assert report["threads"]["senior"] == 1 and report["executive_alignment"] is True


# -- the cache ---------------------------------------------------------------------------------
def test_reports_are_cached_until_a_write_touches_the_account(open_service: Service) -> None:
    with open_service.client() as http:
        first = http.get("/v1/accounts/acme/coverage").json()
        hits = _cache(open_service, "hit")
        again = http.get("/v1/accounts/acme/coverage").json()
        assert _cache(open_service, "hit") == hits + 1
        assert again == first
        # A write to another account leaves acme's report cached.
        http.put("/v1/accounts/globex", json={"name": "Globex", "annual_value": 1})
        http.get("/v1/accounts/acme/coverage")
        assert _cache(open_service, "hit") == hits + 2
        # Our executive meets their CIO: acme's cached report is dropped and recomputed.
        http.post(
            "/v1/interactions",
            json={
                "interactions": [
                    {
                        "id": "cache-1",
                        "account_id": "acme",
                        "kind": "meeting",
                        "occurred_at": _recent(),
                        "team_ids": ["t-erin"],
                        "contact_ids": ["acme-cio"],
                    }
                ]
            },
        )
        misses = _cache(open_service, "miss")
        after = http.get("/v1/accounts/acme/coverage").json()
        assert _cache(open_service, "miss") == misses + 1
    assert first["threads"]["senior"] == 1 and after["threads"]["senior"] == 2
    assert "acme-cio" in first["coverage"]["uncovered"]
    assert "acme-cio" not in after["coverage"]["uncovered"]


def test_patch_invalidates_the_contacts_account(open_service: Service) -> None:
    with open_service.client() as http:
        before = http.get("/v1/accounts/acme/coverage").json()
        http.patch("/v1/contacts/acme-eng", json={"title": "Director of Engineering"})
        after = http.get("/v1/accounts/acme/coverage").json()
    assert "acme-eng" not in before["coverage"]["senior_staff"]
    assert "acme-eng" in after["coverage"]["senior_staff"]


def test_team_write_invalidates_every_account(open_service: Service) -> None:
    with open_service.client() as http:
        acme = http.get("/v1/accounts/acme/report").json()
        hostile = http.get("/v1/accounts/hostile/report").json()
        http.put("/v1/team/t-alex", json={"name": "Alex Rep", "role": "executive"})
        acme_after = http.get("/v1/accounts/acme/report").json()
        hostile_after = http.get("/v1/accounts/hostile/report").json()
    assert acme["executive_alignment"] is False and acme_after["executive_alignment"] is True
    # hostile's report names Alex too: it was recomputed with his new role.
    roles = {p["id"]: p["role"] for p in hostile["people"]}
    roles_after = {p["id"]: p["role"] for p in hostile_after["people"]}
    assert roles["t-alex"] == "account_exec" and roles_after["t-alex"] == "executive"


def test_bundle_invalidates_the_accounts_it_touches(open_service: Service) -> None:
    bundle = {"format": "stakegraph-bundle", "version": 1, "interactions": [
        {"id": "b-1", "account_id": "acme", "kind": "meeting", "occurred_at": _recent(),
         "team_ids": ["t-erin"], "contact_ids": ["acme-ceo"]}]}  # fmt: skip
    with open_service.client() as http:
        before = http.get("/v1/accounts/acme/coverage").json()
        assert http.post("/v1/bundle", json=bundle).json()["ok"] is True
        after = http.get("/v1/accounts/acme/coverage").json()
    assert before["threads"]["senior"] == 1 and after["threads"]["senior"] == 2


def test_delete_drops_the_cached_report(open_service: Service) -> None:
    with open_service.client() as http:
        assert http.get("/v1/accounts/hostile/coverage").status_code == 200
        http.delete("/v1/accounts/hostile")
        assert http.get("/v1/accounts/hostile/coverage").status_code == 404


def test_the_cache_is_warmed_at_start_up(
    start_service: Callable[..., Service], store: GraphStore
) -> None:
    data.load(store)
    service = start_service(warm_reports_on_start=True)
    deadline = time.monotonic() + 30
    while not service.app.state.warming.done():
        assert time.monotonic() < deadline, "the cache was not warmed within 30 s"
        time.sleep(0.05)
    assert _cache(service, "miss") == len(data.accounts())
    misses, hits = _cache(service, "miss"), _cache(service, "hit")
    with service.client() as http:
        assert http.get("/v1/accounts").json()["total"] == len(data.accounts())
    assert _cache(service, "miss") == misses
    assert _cache(service, "hit") == hits + len(data.accounts())


def test_the_cache_is_bounded_by_weight(
    start_service: Callable[..., Service], store: GraphStore
) -> None:
    """A cache with room for about one small account keeps the most recent one only."""
    data.load(store)
    service = start_service(report_cache_max_weight=20)
    with service.client() as http:
        http.get("/v1/accounts/acme/coverage")
        misses = _cache(service, "miss")
        http.get("/v1/accounts/acme/coverage")
        assert _cache(service, "miss") == misses  # kept
        http.get("/v1/accounts/globex/coverage")  # pushes acme out
        http.get("/v1/accounts/acme/coverage")
        assert _cache(service, "miss") == misses + 2
