"""Alerts in the service: the routes, and the companions that raise and deliver them.

- ``GET /v1/alerts`` (filters: account, kind, since, open), ``GET /v1/alerts/{id}``,
  ``POST /v1/alerts/{id}/ack``: a key limited to some accounts sees only their alerts.
- ``POST/GET/DELETE /v1/webhooks``, ``GET /v1/webhooks/{id}/deliveries``: admin keys only, and
  only unrestricted ones (a subscription receives the alerts of every account).
- :func:`alerting_lifespan` (one of the service's lifespan hooks) listens to the service's writes
  and raises role-change alerts, runs the delivery worker, and scans every
  ``scan_interval_s`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from stakegraph.alerts.delivery import DeliveryWorker
from stakegraph.alerts.model import (
    Alert,
    AlertKind,
    Delivery,
    DeliveryStatus,
    Webhook,
    WebhookFormat,
)
from stakegraph.alerts.service import create_webhook, on_role_changes, scan, sweep_role_changes
from stakegraph.errors import ForbiddenError, NotFoundError
from stakegraph.keys import Principal
from stakegraph.model.entities import UtcDatetime
from stakegraph.settings import Settings
from stakegraph.store.base import GraphStore

from .deps import AdminKey, ReadKey, SettingsDep, StoreDep, WriteKey
from .events import WriteEvent
from .schemas import ErrorBody

__all__ = ["Alerting", "alerting_lifespan", "router"]

log = logging.getLogger("stakegraph.alerts")

router = APIRouter(prefix="/v1", tags=["alerts"], responses={401: {"model": ErrorBody}})

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such alert (or not visible to this key)"}
}
_ADMIN: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "Not an unrestricted admin key"},
}


# -- alerts ------------------------------------------------------------------------------------
@router.get("/alerts", response_model=list[Alert], summary="List alerts, newest first")
async def list_alerts(
    principal: ReadKey,
    store: StoreDep,
    account: Annotated[
        list[str] | None, Query(description="Only these accounts (repeat the parameter).")
    ] = None,
    kind: Annotated[list[AlertKind] | None, Query(description="Only these kinds.")] = None,
    since: Annotated[
        datetime | None, Query(description="Raised at or after this time (ISO 8601).")
    ] = None,
    open: Annotated[
        bool, Query(description="Only alerts neither acknowledged nor resolved.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[Alert]:
    """Alerts of the accounts this key may see."""
    accounts: list[str] | None = account
    if principal.accounts is not None:
        allowed = principal.accounts
        accounts = sorted(allowed if account is None else set(account) & allowed)
    return await run_in_threadpool(
        store.list_alerts,
        account_ids=accounts,
        kinds=[k.value for k in kind] if kind else None,
        since=since,
        open_only=open,
        limit=limit,
    )


async def _visible_alert(principal: Principal, store: GraphStore, alert_id: str) -> Alert:
    alert = await run_in_threadpool(store.get_alert, alert_id)
    if alert is None or not principal.can_see(alert.account_id):
        raise NotFoundError(f"no alert {alert_id!r}", details={"alert_id": alert_id})
    return alert


@router.get("/alerts/{alert_id}", response_model=Alert, responses=_NOT_FOUND, summary="One alert")
async def get_alert(alert_id: str, principal: ReadKey, store: StoreDep) -> Alert:
    """One alert in full."""
    return await _visible_alert(principal, store, alert_id)


@router.post(
    "/alerts/{alert_id}/ack",
    response_model=Alert,
    responses=_NOT_FOUND,
    summary="Acknowledge an alert",
)
async def acknowledge_alert(alert_id: str, principal: WriteKey, store: StoreDep) -> Alert:
    """Mark an alert as seen: it is no longer open (the first acknowledgement is kept)."""
    await _visible_alert(principal, store, alert_id)
    acked = await run_in_threadpool(
        store.acknowledge_alert, alert_id, by=principal.key_id or "open-service"
    )
    if acked is None:  # deleted in between
        raise NotFoundError(f"no alert {alert_id!r}", details={"alert_id": alert_id})
    return acked


@router.get(
    "/alerts/{alert_id}/deliveries",
    response_model=list[Delivery],
    responses={**_NOT_FOUND, **_ADMIN},
    summary="Deliveries of one alert",
)
async def alert_deliveries(alert_id: str, principal: AdminKey, store: StoreDep) -> list[Delivery]:
    """Where an alert was delivered, with every try."""
    _unrestricted(principal)
    await _visible_alert(principal, store, alert_id)
    return await run_in_threadpool(store.deliveries, alert_id=alert_id)


# -- webhooks ----------------------------------------------------------------------------------
class WebhookIn(BaseModel):
    """A new webhook subscription."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="http(s) URL alerts are POSTed to.")
    kinds: list[AlertKind] | None = Field(
        default=None, description="Alert kinds to receive (default: all)."
    )
    format: WebhookFormat = WebhookFormat.JSON
    secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=200,
        description="Signing secret (whsec_<base64>); a fresh one is made when missing.",
    )
    description: str = Field(default="", max_length=500)


class WebhookOut(BaseModel):
    """A webhook subscription (the secret is shown only when it is created)."""

    id: str
    url: str
    kinds: list[AlertKind]
    format: WebhookFormat
    description: str
    enabled: bool
    created_at: UtcDatetime
    disabled_at: UtcDatetime | None = None
    disabled_reason: str | None = None
    secret: str | None = Field(default=None, description="Only in the answer to its creation.")

    @classmethod
    def of(cls, webhook: Webhook, *, with_secret: bool = False) -> WebhookOut:
        """The public view of a subscription."""
        data = webhook.model_dump(exclude={"secret"})
        return cls(**data, secret=webhook.secret if with_secret else None)


def _unrestricted(principal: Principal) -> None:
    if principal.accounts is not None:
        raise ForbiddenError(
            "webhooks receive the alerts of every account: a key limited to some accounts "
            "cannot manage them",
            details={"accounts": sorted(principal.accounts)},
        )


@router.post(
    "/webhooks",
    response_model=WebhookOut,
    status_code=status.HTTP_201_CREATED,
    responses={**_ADMIN, 422: {"model": ErrorBody, "description": "Refused URL"}},
    summary="Subscribe to alerts",
)
async def post_webhook(
    body: WebhookIn, principal: AdminKey, store: StoreDep, settings: SettingsDep
) -> WebhookOut:
    """Create a subscription; the answer holds the signing secret, shown this once. URLs to
    link-local and cloud metadata addresses are refused, private ones unless allowed."""
    _unrestricted(principal)
    webhook = await run_in_threadpool(
        lambda: create_webhook(
            store,
            settings,
            url=body.url,
            kinds=body.kinds,
            format=body.format,
            secret=body.secret,
            description=body.description,
        )
    )
    return WebhookOut.of(webhook, with_secret=True)


@router.get("/webhooks", response_model=list[WebhookOut], responses=_ADMIN, summary="Subscriptions")
async def list_webhooks(principal: AdminKey, store: StoreDep) -> list[WebhookOut]:
    """Every subscription, oldest first (secrets left out)."""
    _unrestricted(principal)
    return [WebhookOut.of(w) for w in await run_in_threadpool(store.webhooks)]


async def _webhook(store: GraphStore, webhook_id: str) -> Webhook:
    webhook = await run_in_threadpool(store.get_webhook, webhook_id)
    if webhook is None:
        raise NotFoundError(f"no webhook {webhook_id!r}", details={"webhook_id": webhook_id})
    return webhook


@router.get(
    "/webhooks/{webhook_id}",
    response_model=WebhookOut,
    responses={**_ADMIN, 404: {"model": ErrorBody}},
    summary="One subscription",
)
async def get_webhook(webhook_id: str, principal: AdminKey, store: StoreDep) -> WebhookOut:
    """One subscription (its secret left out)."""
    _unrestricted(principal)
    return WebhookOut.of(await _webhook(store, webhook_id))


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_ADMIN, 404: {"model": ErrorBody}},
    summary="Unsubscribe",
)
async def delete_webhook(webhook_id: str, principal: AdminKey, store: StoreDep) -> Response:
    """Delete a subscription and its outbox entries."""
    _unrestricted(principal)
    if not await run_in_threadpool(store.delete_webhook, webhook_id):
        raise NotFoundError(f"no webhook {webhook_id!r}", details={"webhook_id": webhook_id})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response_model=list[Delivery],
    responses={**_ADMIN, 404: {"model": ErrorBody}},
    summary="Deliveries to one subscription",
)
async def webhook_deliveries(
    webhook_id: str,
    principal: AdminKey,
    store: StoreDep,
    status_: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[Delivery]:
    """The outbox of one subscription, newest first, with every try (pending, delivered,
    failed)."""
    _unrestricted(principal)
    await _webhook(store, webhook_id)
    return await run_in_threadpool(
        store.deliveries, webhook_id=webhook_id, status=status_, limit=limit
    )


# -- raising and delivering inside the service -------------------------------------------------
class Alerting:
    """Raises the role-change alerts of the service's writes.

    A write route calls the listeners in its own worker thread, and alerting runs right there,
    so the alert is stored (and the worker woken) before the write answers. A write announced
    from the event loop itself (the bundle route) is handed to a thread of its own instead:
    analysis must never block the loop.
    """

    def __init__(self, store: GraphStore, settings: Settings, worker: DeliveryWorker) -> None:
        self.store = store
        self.settings = settings
        self.worker = worker
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stakegraph-alerts")
        self._lock = threading.Lock()

    def on_write(self, event: WriteEvent) -> None:
        """The write listener."""
        if not event.role_changes:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            self._raise(event)
            return
        self._executor.submit(self._raise, event)

    def _raise(self, event: WriteEvent) -> None:
        try:
            with self._lock:
                on_role_changes(
                    self.store,
                    self.settings,
                    list(event.role_changes),
                    created_contacts=event.created_contacts,
                    notify=self.worker.wake,
                )
        except Exception:
            # The write stands; the next scan sweeps up the changes nobody examined.
            log.exception("alerting failed on a %s write", event.kind)

    def close(self) -> None:
        """Finish what was handed over, then stop."""
        self._executor.shutdown(wait=True)


async def _periodic_scan(store: GraphStore, settings: Settings, worker: DeliveryWorker) -> None:
    interval = settings.scan_interval_s
    while True:
        await asyncio.sleep(interval)
        try:
            result = await asyncio.to_thread(scan, store, settings, notify=worker.wake)
            log.info(
                "scan: %d account(s) in %.1f s, %d alert(s), %d episode(s) ended",
                result.accounts,
                result.seconds,
                len(result.raised) + len(result.swept),
                len(result.resolved),
            )
        except Exception:
            log.exception("scan failed; trying again at the next interval")


@asynccontextmanager
async def alerting_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run alerting beside the service: role-change alerts on writes, the delivery worker (which
    resumes whatever the outbox holds), and the periodic scan."""
    store: GraphStore = app.state.store
    settings: Settings = app.state.settings
    worker = DeliveryWorker(store, settings)
    alerting = Alerting(store, settings, worker)
    app.state.delivery = worker
    app.state.alerting = alerting
    app.state.events.subscribe(alerting.on_write)
    tasks = [asyncio.create_task(worker.run(), name="stakegraph-delivery")]
    if settings.scan_interval_s > 0:
        tasks.append(
            asyncio.create_task(_periodic_scan(store, settings, worker), name="stakegraph-scan")
        )

    def sweep() -> None:
        # Role changes written while the service was down (or that a crash left unexamined).
        try:
            sweep_role_changes(store, settings, notify=worker.wake)
        except Exception:
            log.exception("sweeping unexamined role changes failed")

    tasks.append(asyncio.create_task(asyncio.to_thread(sweep), name="stakegraph-sweep"))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await asyncio.to_thread(alerting.close)
        await worker.aclose()
