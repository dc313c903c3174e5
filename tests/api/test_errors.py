"""Each error class over HTTP: one JSON shape, the right status, never a 500 for bad input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from stakegraph.store import GraphStore

from . import data
from .conftest import Service

pytestmark = pytest.mark.api


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/accounts/nope", None),
        ("GET", "/v1/accounts/nope/report", None),
        ("GET", "/v1/accounts/nope/coverage", None),
        ("GET", "/v1/accounts/nope/recommendations", None),
        ("GET", "/v1/accounts/nope/history", None),
        ("GET", "/v1/accounts/nope/map", None),
        ("POST", "/v1/accounts/nope/what-if", {"remove": ["x"]}),
        ("PATCH", "/v1/contacts/nope", {"title": "CIO"}),
        ("DELETE", "/v1/accounts/nope", None),
        ("GET", "/v1/no-such-route", None),
    ],
)
def test_unknown_ids_are_404(open_service: Service, method: str, path: str, body: Any) -> None:
    with open_service.client() as http:
        response = http.request(method, path, json=body)
    _error(response, 404, "not_found")


def test_bad_query_names_the_field(open_service: Service) -> None:
    with open_service.client() as http:
        bad_sort = http.get("/v1/accounts", params={"sort": "size"})
        bad_limit = http.get("/v1/accounts", params={"limit": 0})
        bad_date = http.get("/v1/accounts/acme/report", params={"as_of": "yesterday"})
    assert _error(bad_sort, 422, "validation_error")["details"][0]["field"] == "query.sort"
    assert _error(bad_limit, 422, "validation_error")["details"][0]["field"] == "query.limit"
    error = _error(bad_date, 422, "validation_error")
    assert error["details"][0]["field"] == "query.as_of"
    assert error["message"].startswith("query.as_of:")


def test_bad_body_names_the_field(open_service: Service) -> None:
    with open_service.client() as http:
        missing = http.put("/v1/accounts/a1", json={"domains": []})
        wrong = http.put("/v1/contacts/c1", json={"account_id": "acme", "name": "X",
                                                   "seniority": "emperor"})  # fmt: skip
        extra = http.put("/v1/team/t1", json={"name": "T", "favourite_colour": "red"})
        nested = http.post(
            "/v1/interactions",
            json={
                "interactions": [
                    {
                        "id": "i",
                        "account_id": "acme",
                        "kind": "meeting",
                        "occurred_at": "not a date",
                    }
                ]
            },
        )
        not_json = http.put("/v1/accounts/a1", content=b"{nope",
                            headers={"content-type": "application/json"})  # fmt: skip
        mismatch = http.put("/v1/accounts/a1", json={"id": "a2", "name": "A"})
    assert _error(missing, 422, "validation_error")["details"][0]["field"] == "body.name"
    assert _error(wrong, 422, "validation_error")["details"][0]["field"] == "body.seniority"
    assert _error(extra, 422, "validation_error")["details"][0]["field"] == (
        "body.favourite_colour"
    )
    assert _error(nested, 422, "validation_error")["details"][0]["field"] == (
        "body.interactions[0].occurred_at"
    )
    _error(not_json, 422, "validation_error")
    assert _error(mismatch, 422, "validation_error")["details"][0]["field"] == "body.id"


def test_references_that_do_not_resolve_name_the_field(open_service: Service) -> None:
    interaction = {"id": "i-x", "account_id": "acme", "kind": "call",
                   "occurred_at": "2026-01-01T00:00:00Z", "team_ids": ["t-alex", "t-ghost"],
                   "contact_ids": ["acme-vp", "globex-cfo"]}  # fmt: skip
    with open_service.client() as http:
        contact = http.put("/v1/contacts/c-new", json={"account_id": "ghost", "name": "N"})
        manager = http.put("/v1/contacts/c-new", json={"account_id": "acme", "name": "N",
                                                       "reports_to": "ghost"})  # fmt: skip
        batch = http.post("/v1/interactions", json={"interactions": [interaction]})
        what_if = http.post("/v1/accounts/acme/what-if", json={"remove": ["acme-vp", "ghost"]})
    assert _error(contact, 422, "validation_error")["details"][0]["field"] == "body.account_id"
    assert _error(manager, 422, "validation_error")["details"][0]["field"] == "body.reports_to"
    fields = [d["field"] for d in _error(batch, 422, "validation_error")["details"]]
    assert fields == ["body.interactions[0].team_ids[1]", "body.interactions[0].contact_ids[1]"]
    assert _error(what_if, 422, "validation_error")["details"][0]["field"] == "body.remove[1]"


def test_a_nul_character_is_a_422_naming_the_field(open_service: Service) -> None:
    with open_service.client() as http:
        body = http.put("/v1/contacts/c-nul", json={"account_id": "acme", "name": "N\u0000"})
        batch = http.post(
            "/v1/interactions",
            json={"interactions": [{"id": "i-nul", "account_id": "acme\u0000", "kind": "call",
                                    "occurred_at": "2026-01-01T00:00:00Z"}]},
        )  # fmt: skip
        path = http.get("/v1/accounts/acme%00/report")
    error = _error(body, 422, "validation_error")
    assert error["details"][0]["field"] == "body.name"
    assert "NUL character" in error["message"]
    field = _error(batch, 422, "validation_error")["details"][0]["field"]
    assert field == "body.interactions[0].account_id"
    assert "NUL character" in _error(path, 422, "validation_error")["message"]


def test_bundle_that_is_not_json_is_400(open_service: Service) -> None:
    with open_service.client() as http:
        response = http.post("/v1/bundle", content=b"not json at all")
        wrong_top = http.post("/v1/bundle", content=b"[1, 2]")
    _error(response, 400, "bundle_error")
    _error(wrong_top, 400, "bundle_error")


def test_body_over_the_limit_is_413(open_service: Service) -> None:
    limit = open_service.settings.max_body_bytes
    big = b'{"interactions": [' + b" " * limit + b"]}"
    with open_service.client() as http:
        declared = http.post("/v1/interactions", content=big,
                             headers={"content-type": "application/json"})  # fmt: skip
    error = _error(declared, 413, "payload_too_large")
    assert error["details"] == {"max_bytes": limit}


def test_body_over_the_limit_is_refused_while_reading(open_service: Service) -> None:
    """No Content-Length (chunked): the limit still holds, counted as the bytes arrive."""
    limit = open_service.settings.max_body_bytes
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"interactions": ['
        for _ in range(limit // 1024 + 8):
            sent += 1024
            yield b" " * 1024
        yield b"]}"

    with open_service.client() as http:
        response = http.post("/v1/bundle", content=chunks(),
                             headers={"content-type": "application/json"})  # fmt: skip
    assert "content-length" not in response.request.headers
    _error(response, 413, "payload_too_large")


def test_a_body_under_the_limit_passes_through(open_service: Service) -> None:
    padding = " " * (open_service.settings.max_body_bytes - 200)
    with open_service.client() as http:
        response = http.put("/v1/accounts/padded", content=(
            '{"name": "Padded"' + padding + "}").encode(),
            headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 201, response.text


def test_wrong_method_is_405_json(open_service: Service) -> None:
    with open_service.client() as http:
        response = http.delete("/v1/interactions")
    _error(response, 405, "method_not_allowed")


def test_work_is_bounded_in_time_and_size(
    start_service: Callable[..., Service], store: GraphStore
) -> None:
    data.load(store)
    slow = start_service(report_timeout_s=1e-6, portfolio_timeout_s=1e-6)
    with slow.client() as http:
        report = http.get("/v1/accounts/acme/report")
        portfolio = http.get("/v1/accounts")
    assert _error(report, 504, "timeout")["details"]["account_id"] == "acme"
    _error(portfolio, 504, "timeout")
    small = start_service(max_account_contacts=2)
    with small.client() as http:
        too_big = http.get("/v1/accounts/acme/coverage")
        fits = http.get("/v1/accounts/initech/coverage")
    error = _error(too_big, 422, "limit_exceeded")
    assert "max_account_contacts" in error["message"]
    assert fits.status_code == 200
