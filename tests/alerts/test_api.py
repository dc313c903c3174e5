"""Alerts over the service: a PATCH that promotes a key sponsor raises an alert that reaches a
webhook; alerts respect the key's account allow-list; webhooks are for unrestricted admins."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from stakegraph.alerts.signing import verify
from stakegraph.keys import new_api_key
from stakegraph.settings import Settings
from stakegraph.store import GraphStore
from tests.api import data
from tests.api.conftest import Service, make_keys, serve
from tests.factories import WEBHOOK_SECRET as SECRET

from .receiver import Receiver

pytestmark = pytest.mark.api


@pytest.fixture
def service(settings: Settings, store: GraphStore) -> Iterator[Service]:
    """The service tests' portfolio, with keys, allowed to call the test receiver."""
    data.load(store)
    keys = make_keys(store)
    key, record = new_api_key(["read"], accounts=["globex"], name="globex_reader")
    store.save_api_key(record)
    keys["globex_reader"] = key
    cfg = settings.model_copy(
        update={"webhook_allow_private": True, "delivery_interval_s": 0.2, "api_key_cache_s": 5.0}
    )
    with serve(cfg, store) as running:
        running.keys = keys
        yield running


def _eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll ``check`` until it returns something truthy (the alerting of a bundle is async)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_patch_promoting_the_sponsor_reaches_the_webhook(
    service: Service, receiver: Receiver
) -> None:
    admin = service.client("admin")
    created = admin.post("/v1/webhooks", json={"url": receiver.url, "secret": SECRET})
    assert created.status_code == 201, created.text
    assert created.json()["secret"] == SECRET
    # Vera is Acme's only thread to the senior staff: her promotion is an alert.
    patched = service.client("writer").patch(
        "/v1/contacts/acme-vp", json={"title": "SVP Operations"}
    )
    assert patched.status_code == 200, patched.text
    alerts = service.client("reader").get("/v1/alerts").json()
    assert [(a["kind"], a["account_id"]) for a in alerts] == [("sponsor_role_changed", "acme")]
    alert = alerts[0]
    assert alert["subject"]["id"] == "acme-vp"
    assert alert["change"]["title"] == {"old": "VP IT", "new": "SVP Operations"}
    assert alert["risk_before"]["score"] <= alert["risk_after"]["score"]
    (request,) = receiver.wait_for(1)
    assert request.headers["webhook-id"] == alert["id"]
    assert verify(SECRET, request.headers, request.body, now=time.time())
    hook_id = created.json()["id"]
    deliveries = _eventually(
        lambda: [
            d
            for d in admin.get(f"/v1/webhooks/{hook_id}/deliveries").json()
            if d["status"] == "delivered"
        ]
    )
    assert len(deliveries) == 1 and deliveries[0]["attempts"][0]["status_code"] == 204


def test_alerts_respect_the_account_allow_list_and_ack(service: Service) -> None:
    writer = service.client("writer")
    assert writer.patch("/v1/contacts/acme-vp", json={"title": "SVP Operations"}).is_success
    (alert,) = service.client("reader").get("/v1/alerts").json()
    assert [a["id"] for a in service.client("acme_reader").get("/v1/alerts").json()] == [
        alert["id"]
    ]
    globex = service.client("globex_reader")
    assert globex.get("/v1/alerts").json() == []
    assert globex.get("/v1/alerts", params={"account": "acme"}).json() == []
    assert globex.get(f"/v1/alerts/{alert['id']}").status_code == 404
    reader = service.client("reader")
    assert reader.get("/v1/alerts", params={"kind": "going_dark"}).json() == []
    assert reader.get("/v1/alerts", params={"since": "2999-01-01T00:00:00Z"}).json() == []
    assert reader.get("/v1/alerts", params={"kind": "nonsense"}).status_code == 422
    # Reading is not acknowledging: that takes a write key, of the account.
    path = f"/v1/alerts/{alert['id']}/ack"
    assert reader.post(path).status_code == 403
    assert globex.post(path).status_code == 403
    acked = service.client("acme_writer").post(path)
    assert acked.status_code == 200 and acked.json()["acknowledged_at"] is not None
    assert reader.get("/v1/alerts", params={"open": "true"}).json() == []
    assert reader.post("/v1/alerts/nope/ack").status_code == 403
    assert writer.post("/v1/alerts/nope/ack").status_code == 404


def test_webhooks_are_for_unrestricted_admins_and_refuse_unsafe_urls(
    service: Service, receiver: Receiver
) -> None:
    admin = service.client("admin")
    for name in ("reader", "writer", "acme_admin"):
        assert service.client(name).get("/v1/webhooks").status_code == 403
        assert (
            service.client(name).post("/v1/webhooks", json={"url": receiver.url}).status_code == 403
        )
    refused = admin.post("/v1/webhooks", json={"url": "http://169.254.169.254/latest/"})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["field"] == "url"
    assert admin.post("/v1/webhooks", json={"url": "ftp://x.example/"}).status_code == 422
    made = admin.post(
        "/v1/webhooks",
        json={"url": receiver.url, "kinds": ["going_dark"], "format": "slack"},
    )
    assert made.status_code == 201
    hook = made.json()
    assert hook["secret"].startswith("whsec_") and hook["kinds"] == ["going_dark"]
    listed = admin.get("/v1/webhooks").json()
    assert [h["id"] for h in listed] == [hook["id"]] and listed[0]["secret"] is None
    assert admin.get(f"/v1/webhooks/{hook['id']}").json()["format"] == "slack"
    # Not subscribed to role changes: this one is not delivered.
    assert (
        service.client("writer")
        .patch("/v1/contacts/acme-vp", json={"title": "SVP Operations"})
        .is_success
    )
    assert admin.get(f"/v1/webhooks/{hook['id']}/deliveries").json() == []
    assert admin.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
    assert admin.delete(f"/v1/webhooks/{hook['id']}").status_code == 404
    assert admin.get(f"/v1/webhooks/{hook['id']}/deliveries").status_code == 404


def test_a_bundle_with_a_role_change_raises_the_alert(service: Service) -> None:
    bundle = {
        "format": "stakegraph-bundle",
        "version": 1,
        "contacts": [
            {"id": "acme-vp", "account_id": "acme", "name": "Vera VP", "title": "COO",
             "reports_to": "acme-cio", "stance": "supporter"},
        ],
    }  # fmt: skip
    posted = service.client("writer").post("/v1/bundle", json=bundle)
    assert posted.status_code == 200, posted.text
    assert len(posted.json()["role_changes"]) == 1
    reader = service.client("reader")
    alerts = _eventually(lambda: reader.get("/v1/alerts").json())
    assert [a["kind"] for a in alerts] == ["sponsor_role_changed"]


def test_the_account_page_shows_open_alerts(service: Service) -> None:
    assert (
        service.client("writer")
        .patch("/v1/contacts/acme-vp", json={"title": "SVP Operations"})
        .is_success
    )
    page = service.client("reader").get("/accounts/acme")
    assert page.status_code == 200
    assert 'id="alerts"' in page.text and "Open alerts" in page.text
    assert "Vera VP (VP IT → SVP Operations) at Acme Corp" in page.text
    other = service.client("reader").get("/accounts/globex")
    assert 'id="alerts"' not in other.text
    # Alerts are today's: the page rewound to a past day leaves them out, and says so.
    rewound = service.client("reader").get("/accounts/acme", params={"as_of": "2024-01-01"})
    assert rewound.status_code == 200
    assert 'id="alerts"' not in rewound.text and "Open alerts are not shown" in rewound.text


def test_the_service_scans_on_its_own(settings: Settings, store: GraphStore) -> None:
    """With a short scan interval the service raises the episodes of the accounts by itself."""
    data.load(store)
    cfg = settings.model_copy(update={"scan_interval_s": 0.2, "workers": 1})
    with serve(cfg, store) as running:
        reader = running.client()
        # initech has never been talked to and nobody there is known: its risk is high.
        found = _eventually(
            lambda: reader.get("/v1/alerts", params={"kind": "risk_high"}).json(), timeout=30
        )
        assert "initech" in {a["account_id"] for a in found}
        first = {a["id"] for a in found}
        time.sleep(0.5)  # two more scans at least: the open episodes raise nothing new
        again = reader.get("/v1/alerts", params={"kind": "risk_high"}).json()
        assert {a["id"] for a in again} == first
