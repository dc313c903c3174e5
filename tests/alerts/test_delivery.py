"""The webhook worker against a real HTTP receiver on 127.0.0.1: signed, retried, at least once."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from stakegraph.alerts.addresses import UnsafeWebhookUrl
from stakegraph.alerts.delivery import DeliveryWorker
from stakegraph.alerts.model import DeliveryStatus, WebhookFormat
from stakegraph.alerts.service import create_webhook
from stakegraph.alerts.signing import verify
from stakegraph.settings import Settings
from stakegraph.store import GraphStore
from tests.factories import NOW, alert, webhook
from tests.factories import WEBHOOK_SECRET as SECRET

from .accounts import seed
from .receiver import Answer, Receiver

pytestmark = pytest.mark.store


class Clock:
    """A clock the test moves by hand, so retries need no sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _settings(settings: Settings, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "webhook_allow_private": True,
        "webhook_timeout_s": 2.0,
        "webhook_max_attempts": 5,
        "webhook_backoff_base_s": 1.0,
        "webhook_backoff_max_s": 60.0,
    }
    values.update(overrides)
    return settings.model_copy(update=values)


def _pass(worker: DeliveryWorker) -> int:
    async def once() -> int:
        try:
            return await worker.deliver_due()
        finally:
            await worker.aclose()

    return asyncio.run(once())


def test_a_delivery_arrives_signed(
    settings: Settings, store: GraphStore, receiver: Receiver
) -> None:
    seed(store)
    store.save_webhook(webhook(url=receiver.url))
    store.save_webhook(webhook("wh-slack", url=receiver.url + "/slack", format=WebhookFormat.SLACK))
    store.save_alerts([alert("al-1")])
    clock = Clock(NOW + timedelta(seconds=1))
    worker = DeliveryWorker(store, _settings(settings), clock=clock)
    assert _pass(worker) == 2
    requests = {r.path: r for r in receiver.wait_for(2)}
    plain, slack = requests["/hook"], requests["/hook/slack"]
    for request in (plain, slack):
        assert request.headers["webhook-id"] == "al-1"
        assert request.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"].startswith("stakegraph/")
        assert verify(SECRET, request.headers, request.body, now=clock.now.timestamp())
        assert not verify(
            "whsec_b3RoZXI=", request.headers, request.body, now=clock.now.timestamp()
        )
    assert json.loads(plain.body)["data"]["id"] == "al-1"
    assert set(json.loads(slack.body)) == {"text", "blocks"}
    assert {d.status for d in store.deliveries()} == {DeliveryStatus.DELIVERED}
    assert _pass(worker) == 0  # nothing is delivered twice


def test_two_failures_then_success_deliver_exactly_once_more(
    settings: Settings, store: GraphStore, receiver: Receiver
) -> None:
    seed(store)
    store.save_webhook(webhook(url=receiver.url))
    store.save_alerts([alert("al-1")])
    receiver.script = [Answer(503), Answer(500)]
    clock = Clock(NOW)
    worker = DeliveryWorker(store, _settings(settings), clock=clock)
    for tries in (1, 2):
        assert _pass(worker) == 1
        (pending,) = store.deliveries()
        assert pending.status is DeliveryStatus.PENDING and pending.attempt_count == tries
        assert pending.next_attempt_at is not None and pending.next_attempt_at > clock.now
        assert _pass(worker) == 0  # not due yet: the backoff holds
        clock.now = pending.next_attempt_at
    assert _pass(worker) == 1
    for _ in range(3):  # later passes, much later: nothing more arrives
        clock.advance(3600)
        assert _pass(worker) == 0
    assert len(receiver.requests) == 3
    assert list(receiver.unique()) == ["al-1"]
    (done,) = store.deliveries()
    assert done.status is DeliveryStatus.DELIVERED and done.last_error is None
    assert [a.status_code for a in done.attempts] == [503, 500, 204]
    # Exponential backoff with jitter: the second wait is within [1, 2] s, after [0.5, 1] s.
    first, second = (a.retry_at - a.at for a in done.attempts[:2])  # type: ignore[operator]
    assert timedelta(seconds=0.5) <= first <= timedelta(seconds=1)
    assert timedelta(seconds=1) <= second <= timedelta(seconds=2)


def test_retry_after_is_honoured(settings: Settings, store: GraphStore, receiver: Receiver) -> None:
    seed(store)
    store.save_webhook(webhook(url=receiver.url))
    store.save_alerts([alert("al-1")])
    receiver.script = [Answer(429, {"Retry-After": "42"})]
    clock = Clock(NOW)
    _pass(DeliveryWorker(store, _settings(settings), clock=clock))
    (pending,) = store.deliveries()
    assert pending.next_attempt_at == NOW + timedelta(seconds=42)
    assert pending.last_error == "HTTP 429"


def test_410_disables_the_subscription_without_retrying(
    settings: Settings, store: GraphStore, receiver: Receiver
) -> None:
    seed(store)
    store.save_webhook(webhook(url=receiver.url))
    store.save_alerts([alert("al-1")])
    receiver.script = [Answer(410)]
    clock = Clock(NOW)
    worker = DeliveryWorker(store, _settings(settings), clock=clock)
    assert _pass(worker) == 1
    (failed,) = store.deliveries()
    assert failed.status is DeliveryStatus.FAILED and failed.next_attempt_at is None
    hook = store.get_webhook("wh-1")
    assert hook is not None and not hook.enabled and "410" in (hook.disabled_reason or "")
    store.save_alerts([alert("al-2", raised_at=NOW + timedelta(seconds=1))])
    clock.advance(3600)
    assert _pass(worker) == 0
    assert len(receiver.requests) == 1


def test_redirects_are_not_followed(
    settings: Settings, store: GraphStore, receiver: Receiver
) -> None:
    seed(store)
    store.save_webhook(webhook(url=receiver.url))
    store.save_alerts([alert("al-1")])
    receiver.script = [Answer(307, {"Location": receiver.url + "/elsewhere"})]
    _pass(DeliveryWorker(store, _settings(settings), clock=Clock(NOW)))
    assert [r.path for r in receiver.requests] == ["/hook"]
    (failed,) = store.deliveries()
    assert failed.status is DeliveryStatus.FAILED
    assert failed.last_error == "HTTP 307 (redirects are not followed)"


def test_a_hung_receiver_times_out_and_the_last_try_fails(
    settings: Settings, store: GraphStore, receiver: Receiver
) -> None:
    seed(store)
    store.save_webhook(webhook(url=receiver.url))
    store.save_alerts([alert("al-1")])
    release = threading.Event()
    receiver.script = [Answer(204, hold=release), Answer(502)]
    clock = Clock(NOW)
    worker = DeliveryWorker(
        store, _settings(settings, webhook_timeout_s=0.3, webhook_max_attempts=2), clock=clock
    )
    try:
        assert _pass(worker) == 1
    finally:
        release.set()
    (pending,) = store.deliveries()
    assert pending.status is DeliveryStatus.PENDING
    assert pending.last_error == "no answer within 0.3 s"
    clock.advance(120)
    assert _pass(worker) == 1
    (failed,) = store.deliveries(status=DeliveryStatus.FAILED)
    assert failed.attempt_count == 2
    assert failed.last_error == "HTTP 502; gave up after 2 tries"


def test_unsafe_addresses_are_refused_on_creation_and_before_each_try(
    settings: Settings, store: GraphStore, receiver: Receiver
) -> None:
    seed(store)
    strict = _settings(settings, webhook_allow_private=False)
    for url in ("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/x", receiver.url):
        with pytest.raises(UnsafeWebhookUrl):
            create_webhook(store, strict, url=url)
    with pytest.raises(UnsafeWebhookUrl, match="metadata"):
        create_webhook(
            store, strict, url="http://hooks.example.com/x", resolved=["169.254.169.254"]
        )
    assert store.webhooks() == []

    # A name that resolved to a fine address when subscribed and to the metadata service now
    # (DNS rebinding) is refused before any request is made.
    hook = create_webhook(
        store, strict, url="http://hooks.example.com/x", resolved=["93.184.216.34"]
    )

    async def rebinding(host: str, port: int) -> Sequence[str]:
        return ["169.254.169.254"]

    store.save_alerts([alert("al-1")])
    worker = DeliveryWorker(store, strict, clock=Clock(NOW), resolver=rebinding)
    assert _pass(worker) == 1
    (failed,) = store.deliveries(webhook_id=hook.id)
    assert failed.status is DeliveryStatus.FAILED
    assert (
        failed.last_error
        == "refused webhook URL: hooks.example.com -> 169.254.169.254 is a cloud metadata address"
    )
    assert receiver.requests == []
