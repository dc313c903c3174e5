"""API keys over HTTP: 401/403, scopes, the account allow-list on every route, the CLI, and the
safe default (open on loopback without keys, refusing elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from stakegraph.api.app import UnsafeStart, check_exposure
from typer.testing import CliRunner

from stakegraph.cli import app as cli
from stakegraph.keys import hash_key
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

from .conftest import Service, serve

pytestmark = pytest.mark.api


def _code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


# -- the safe default ----------------------------------------------------------------------
def test_loopback_without_keys_runs_open(open_service: Service) -> None:
    with open_service.client() as http:
        assert http.get("/v1/accounts").status_code == 200
        assert http.put("/v1/accounts/new", json={"name": "New"}).status_code == 201
        assert http.delete("/v1/accounts/new").status_code == 204


def test_other_address_without_keys_refuses_to_start(
    service_settings: Settings, store: GraphStore
) -> None:
    exposed = service_settings.model_copy(update={"host": "0.0.0.0"})
    with pytest.raises(UnsafeStart, match=r"refusing to serve on 0\.0\.0\.0"):
        check_exposure(exposed, store)
    with pytest.raises(RuntimeError, match="did not start"), serve(exposed, store):
        pass


def test_serve_command_refuses_a_public_address_without_keys(settings: Settings) -> None:
    env = {"STAKEGRAPH_GRAPH_NAME": settings.graph_name}
    result = CliRunner().invoke(
        cli, ["--data-dir", str(settings.data_dir), "serve", "--host", "0.0.0.0"], env=env
    )
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0" in result.output


def test_other_address_with_a_key_starts(service_settings: Settings, store: GraphStore) -> None:
    from stakegraph.keys import new_api_key

    _, record = new_api_key(["read"])
    store.save_api_key(record)
    exposed = service_settings.model_copy(update={"host": "0.0.0.0"})
    assert check_exposure(exposed, store) is False


# -- 401 and 403 -----------------------------------------------------------------------------
def test_keys_are_required_once_they_exist(keyed_service: Service) -> None:
    with keyed_service.client() as anonymous:
        missing = anonymous.get("/v1/accounts")
        basic = anonymous.get("/v1/accounts", headers={"Authorization": "Basic YTpi"})
        unknown = anonymous.get("/v1/accounts", headers={"Authorization": "Bearer sgk_nope"})
        health = anonymous.get("/healthz")
    for response in (missing, basic, unknown):
        assert response.status_code == 401
        assert _code(response) == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert health.status_code == 200


def test_scopes(keyed_service: Service) -> None:
    account = {"name": "Scoped"}
    with keyed_service.client("reader") as reader:
        assert reader.get("/v1/accounts/acme/report").status_code == 200
        forbidden = reader.put("/v1/accounts/scoped", json=account)
        assert forbidden.status_code == 403 and _code(forbidden) == "forbidden"
        assert forbidden.json()["error"]["details"]["required"] == "write"
    with keyed_service.client("writer") as writer:
        assert writer.put("/v1/accounts/scoped", json=account).status_code == 201
        assert writer.get("/v1/accounts/scoped").status_code == 200
        delete = writer.delete("/v1/accounts/scoped")
        assert delete.status_code == 403 and delete.json()["error"]["details"]["required"] == (
            "admin"
        )
    with keyed_service.client("admin") as admin:
        assert admin.delete("/v1/accounts/scoped").status_code == 204
        assert admin.get("/v1/accounts/scoped").status_code == 404


def test_a_new_key_works_at_once_and_a_revoked_one_stops(
    start_service: Callable[..., Service], store: GraphStore
) -> None:
    from stakegraph.keys import new_api_key

    first, first_record = new_api_key(["read"])
    store.save_api_key(first_record)
    service = start_service(api_key_cache_s=0.0)
    # Created after the service read its keys: an unknown key refreshes the ring.
    second, _ = new_api_key(["read"])
    store.save_api_key(_)
    with service.client(second) as http:
        assert http.get("/v1/accounts").status_code == 200
    store.revoke_api_key(first_record.id)
    with service.client(first) as http:
        response = http.get("/v1/accounts")
    assert response.status_code == 401


# -- the allow-list: a restricted key never sees another account -------------------------
_OTHER = "globex"

_READS: list[tuple[str, str, Any]] = [
    ("GET", f"/v1/accounts/{_OTHER}", None),
    ("GET", f"/v1/accounts/{_OTHER}/report", None),
    ("GET", f"/v1/accounts/{_OTHER}/coverage", None),
    ("GET", f"/v1/accounts/{_OTHER}/recommendations", None),
    ("GET", f"/v1/accounts/{_OTHER}/history", None),
    ("GET", f"/v1/accounts/{_OTHER}/map", None),
    ("POST", f"/v1/accounts/{_OTHER}/what-if", {"remove": ["globex-cfo"]}),
    ("GET", f"/accounts/{_OTHER}", None),
]


@pytest.mark.parametrize("key", ["acme_reader", "acme_writer", "acme_admin"])
def test_restricted_key_cannot_read_another_account(keyed_service: Service, key: str) -> None:
    with keyed_service.client(key) as http:
        for method, path, body in _READS:
            response = http.request(method, path, json=body)
            assert response.status_code == 404, (method, path, response.status_code)
            assert "Gina" not in response.text and "Globex" not in response.text
        listing = http.get("/v1/accounts", params={"limit": 500}).json()
        by_level = http.get("/v1/accounts", params={"level": "low"}).json()
        by_name = http.get("/v1/accounts", params={"sort": "name"}).json()
        page = http.get("/")
        own = http.get("/v1/accounts/acme/report")
    assert [r["id"] for r in listing["items"]] == ["acme"] and listing["total"] == 1
    assert all(r["id"] == "acme" for r in by_level["items"] + by_name["items"])
    assert page.status_code == 200 and "Globex" not in page.text and "Acme Corp" in page.text
    assert own.status_code == 200


def test_restricted_key_cannot_write_another_account(keyed_service: Service) -> None:
    interaction = {"id": "i-other", "account_id": _OTHER, "kind": "call",
                   "occurred_at": "2026-01-01T00:00:00Z", "team_ids": ["t-erin"],
                   "contact_ids": ["globex-cfo"]}  # fmt: skip
    with keyed_service.client("acme_admin") as http:
        put_account = http.put(f"/v1/accounts/{_OTHER}", json={"name": "Taken"})
        put_contact = http.put("/v1/contacts/spy", json={"account_id": _OTHER, "name": "Spy"})
        patch_other = http.patch("/v1/contacts/globex-cfo", json={"title": "Ex-CFO"})
        move_in = http.patch("/v1/contacts/acme-eng", json={"account_id": _OTHER})
        batch = http.post("/v1/interactions", json={"interactions": [interaction]})
        delete = http.delete(f"/v1/accounts/{_OTHER}")
        bundle = http.post(
            "/v1/bundle",
            json={
                "format": "stakegraph-bundle",
                "version": 1,
                "accounts": [{"id": _OTHER, "name": "Taken"}, {"id": "acme", "name": "Acme Corp"}],
                "contacts": [{"id": "spy", "account_id": _OTHER, "name": "Spy"}],
            },
        )
    assert put_account.status_code == 403 and _code(put_account) == "forbidden"
    assert put_contact.status_code == 403
    assert patch_other.status_code == 404
    assert move_in.status_code == 403
    assert batch.status_code == 403
    assert batch.json()["error"]["details"]["field"] == "body.interactions[0].account_id"
    assert delete.status_code == 404
    report = bundle.json()
    assert bundle.status_code == 200 and report["ok"] is False
    assert {(r["location"], r["field"]) for r in report["rejects"]} == {
        ("accounts[0]", "id"),
        ("contacts[0]", "account_id"),
    }
    with keyed_service.client("admin") as admin:
        assert admin.get(f"/v1/accounts/{_OTHER}").json()["account"]["name"] == "Globex"
        assert admin.get("/v1/accounts/globex/report").json()["account_name"] == "Globex"
        assert "spy" not in {p["id"] for p in admin.get("/v1/accounts/globex/report").json()[
            "people"]}  # fmt: skip


# -- pages: the login form keeps the key in a cookie good for GET only -----------------------
def test_login_cookie_opens_pages_but_never_writes(keyed_service: Service) -> None:
    with keyed_service.client() as browser:
        first = browser.get("/")
        assert first.status_code == 401 and "An API key is needed" in first.text
        bad = browser.post("/login", data={"key": "sgk_wrong"})
        assert bad.status_code == 401
        ok = browser.post("/login", data={"key": keyed_service.keys["acme_writer"]})
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = browser.get("/")
        assert page.status_code == 200 and "Acme Corp" in page.text
        write = browser.put("/v1/accounts/acme", json={"name": "Renamed by cookie"})
        assert write.status_code == 401


# -- the CLI ---------------------------------------------------------------------------------
def test_keys_cli_prints_a_key_once_and_stores_only_its_hash(
    settings: Settings, store: GraphStore
) -> None:
    env = {"STAKEGRAPH_GRAPH_NAME": settings.graph_name}
    base = ["--data-dir", str(settings.data_dir), "keys"]
    runner = CliRunner()
    created = runner.invoke(cli, [*base, "create", "--scope", "read", "--accounts", "a,b"], env=env)
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert key.startswith("sgk_") and len(key) > 40
    [stored] = store.api_keys()
    assert stored.key_hash == hash_key(key) and stored.accounts == ["a", "b"]
    assert [str(s) for s in stored.scopes] == ["read"]
    listed = runner.invoke(cli, [*base, "list", "--json"], env=env)
    assert listed.exit_code == 0 and key not in listed.output
    assert json.loads(listed.stdout)[0]["id"] == stored.id
    revoked = runner.invoke(cli, [*base, "revoke", stored.id], env=env)
    assert revoked.exit_code == 0
    assert store.api_keys()[0].revoked_at is not None
    again = runner.invoke(cli, [*base, "revoke", stored.id], env=env)
    assert again.exit_code == 2
