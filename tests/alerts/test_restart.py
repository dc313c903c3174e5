"""At least once across a crash: the service is killed (SIGKILL) after writing an alert and
while delivering it; restarted, it delivers the alert, and the receiver drops the repeat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from stakegraph.alerts.model import DeliveryStatus
from stakegraph.alerts.service import create_webhook
from stakegraph.model import Account, Contact, Interaction, TeamMember
from stakegraph.settings import Settings
from stakegraph.store import GraphStore
from tests.factories import WEBHOOK_SECRET as SECRET
from tests.processes import free_port, wait_until_serving

from .receiver import Answer, Receiver

pytestmark = [pytest.mark.api, pytest.mark.slow]

TIMEOUT_S = 3.0  # the worker's timeout: the kill must come before it gives up on the try


@contextmanager
def running_service(settings: Settings, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
        "STAKEGRAPH_GRAPH_URL": "",
        "STAKEGRAPH_WEBHOOK_ALLOW_PRIVATE": "true",
        "STAKEGRAPH_WEBHOOK_TIMEOUT_S": str(TIMEOUT_S),
        "STAKEGRAPH_WEBHOOK_LEASE_S": "1",
        "STAKEGRAPH_DELIVERY_INTERVAL_S": "0.2",
        "STAKEGRAPH_SCAN_INTERVAL_S": "0",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("stakegraph")), "serve", "--port", str(port),
         "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        wait_until_serving(process, port)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def test_a_killed_service_delivers_after_restart(
    settings: Settings, store: GraphStore, receiver: Receiver
) -> None:
    now = datetime.now(UTC)
    store.upsert_accounts([Account(id="acme", name="Acme")])
    store.upsert_team([TeamMember(id="ae", name="Alex Rep", role="account_exec")])
    store.upsert_contacts([Contact(id="sandra", account_id="acme", name="Sandra", title="CIO")])
    store.upsert_interactions(
        [Interaction(id=f"m{w}", account_id="acme", kind="meeting",
                     occurred_at=now - timedelta(days=7 * w + 1), team_ids=["ae"],
                     contact_ids=["sandra"]) for w in range(4)]
    )  # fmt: skip
    allow = settings.model_copy(update={"webhook_allow_private": True})
    create_webhook(store, allow, url=receiver.url, secret=SECRET)
    hung = threading.Event()
    receiver.script = [Answer(204, hold=hung)]  # the first try never gets an answer
    port = free_port()
    try:
        with running_service(settings, port) as service:
            patched = httpx.patch(
                f"http://127.0.0.1:{port}/v1/contacts/sandra", json={"title": "COO"}, timeout=30
            )
            assert patched.status_code == 200, patched.text
            (first,) = receiver.wait_for(1, timeout=TIMEOUT_S)  # the try is under way...
            service.send_signal(signal.SIGKILL)  # ...and the service dies before any answer
            service.wait(timeout=10)
        (alert,) = store.list_alerts()
        (delivery,) = store.deliveries()
        assert delivery.status is DeliveryStatus.PENDING and delivery.attempt_count == 0
    finally:
        hung.set()
    with running_service(settings, free_port()):
        # Its lease ran out with the dead process: the restarted worker tries again.
        requests = receiver.wait_for(2, timeout=30)
        deadline = time.monotonic() + 10
        while store.deliveries()[0].status is not DeliveryStatus.DELIVERED:
            assert time.monotonic() < deadline, store.deliveries()
            time.sleep(0.05)
    assert [r.headers["webhook-id"] for r in requests] == [alert.id, alert.id]
    assert first.body == requests[1].body  # the same alert, signed afresh
    assert list(receiver.unique()) == [alert.id]  # delivered at least once, seen once
    (done,) = store.deliveries()
    assert done.attempt_count == 1 and done.attempts[0].status_code == 204
