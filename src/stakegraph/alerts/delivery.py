"""The webhook worker: delivers the outbox at least once, signed, with retries.

Deliveries wait in the graph (``Delivery`` nodes written with their alert), so nothing is lost
when the process stops: the next worker claims what is due. A claim is a lease, set in the same
statement that finds the due deliveries; a worker that dies mid-try leaves a lease that runs out,
and the delivery is tried again. A receiver may therefore see one alert more than once; the
``webhook-id`` header (the alert id) is the same on every try so it can drop repeats.

Each try re-checks the address the URL resolves to (see :mod:`stakegraph.alerts.addresses`) and
connects to that checked address, signs the body afresh (a new ``webhook-timestamp``), never
follows a redirect, ignores proxy variables from the environment, and gives up after
``webhook_timeout_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import httpx

from stakegraph import __version__
from stakegraph.alerts.addresses import (
    UnsafeWebhookUrl,
    check_addresses,
    literal_address,
    parse_target,
)
from stakegraph.alerts.messages import body_for
from stakegraph.alerts.model import DeliveryJob
from stakegraph.alerts.retry import Outcome, RetryPolicy, TryResult, after_try
from stakegraph.alerts.signing import signature_headers
from stakegraph.settings import Settings
from stakegraph.store.base import GraphStore

__all__ = ["AsyncResolver", "DeliveryWorker", "system_resolver"]

log = logging.getLogger("stakegraph.alerts")

AsyncResolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""Host and port to the addresses they resolve to, now."""


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """The addresses the system resolver gives for ``host`` (empty when it fails)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


class DeliveryWorker:
    """Delivers due outbox entries; one per process is enough (leases keep several apart).

    Parameters
    ----------
    store
        Where the outbox lives.
    settings
        ``webhook_*``, ``delivery_*`` and ``public_url`` settings.
    resolver
        Host name resolution (tests pass their own); the system resolver by default.
    rng
        Random source of the retry jitter.
    clock
        The current time (tests pass their own).
    """

    def __init__(
        self,
        store: GraphStore,
        settings: Settings,
        *,
        resolver: AsyncResolver = system_resolver,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.policy = RetryPolicy(
            max_attempts=max(1, settings.webhook_max_attempts),
            base_s=settings.webhook_backoff_base_s,
            max_s=settings.webhook_backoff_max_s,
        )
        self.resolver = resolver
        self.rng = rng or random.Random()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.lease = timedelta(
            seconds=max(settings.webhook_lease_s, 2 * settings.webhook_timeout_s + 1.0)
        )
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._pending_wake = threading.Event()

    # -- waking up ---------------------------------------------------------------------------
    def wake(self) -> None:
        """Deliver now rather than at the next poll; safe to call from any thread."""
        self._pending_wake.set()
        loop, event = self._loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    # -- one pass ----------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                # Proxy variables would send the request elsewhere than the checked address.
                trust_env=False,
                timeout=httpx.Timeout(self.settings.webhook_timeout_s),
                headers={"user-agent": f"stakegraph/{__version__}"},
            )
        return self._client

    async def deliver_due(self) -> int:
        """Claim what is due and try each claimed delivery once, concurrently.

        Returns
        -------
        int
            How many deliveries were tried.
        """
        now = self.clock()
        jobs = await asyncio.to_thread(
            self.store.claim_deliveries,
            now=now,
            lease_until=now + self.lease,
            limit=max(1, self.settings.delivery_batch_size),
        )
        if jobs:
            await asyncio.gather(*(self._deliver(job) for job in jobs))
        return len(jobs)

    async def _resolve(self, host: str, port: int) -> Sequence[str]:
        literal = literal_address(host)
        if literal is not None:
            return [str(literal)]
        return await self.resolver(host, port)

    async def _send(self, job: DeliveryJob) -> TryResult:
        webhook, alert = job.webhook, job.alert
        started = time.perf_counter()
        at = self.clock()
        try:
            target = parse_target(webhook.url)
            addresses = await self._resolve(target.host, target.port)
            ip = check_addresses(
                target, addresses, allow_private=self.settings.webhook_allow_private
            )[0]
        except UnsafeWebhookUrl as exc:
            return TryResult(at=at, error=exc.message, refused=True)
        body = body_for(alert, webhook, base_url=self.settings.public_url)
        headers = {
            "content-type": "application/json",
            "host": target.host_header,
            **signature_headers(webhook.secret, alert.id, int(at.timestamp()), body),
        }
        url = httpx.URL(webhook.url).copy_with(host=str(ip))
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        client = self._http()
        try:
            async with asyncio.timeout(self.settings.webhook_timeout_s):
                async with client.stream(
                    "POST", url, content=body, headers=headers, extensions=extensions
                ) as response:
                    return TryResult(
                        at=at,
                        status_code=response.status_code,
                        duration_ms=(time.perf_counter() - started) * 1000.0,
                        retry_after=response.headers.get("retry-after"),
                    )
        except (TimeoutError, httpx.TimeoutException):
            error = f"no answer within {self.settings.webhook_timeout_s:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return TryResult(at=at, error=error, duration_ms=(time.perf_counter() - started) * 1000.0)

    async def _deliver(self, job: DeliveryJob) -> None:
        try:
            result = await self._send(job)
        except Exception as exc:  # a bug must not kill the worker; the lease retries it later
            log.exception("delivery %s failed unexpectedly", job.delivery.id)
            result = TryResult(at=self.clock(), error=f"internal error: {exc!r}")
        updated, outcome = after_try(job.delivery, result, self.policy, self.rng)
        await asyncio.to_thread(self.store.record_delivery, updated)
        if outcome is Outcome.GONE:
            await asyncio.to_thread(
                self.store.disable_webhook,
                job.webhook.id,
                reason="the receiver answered 410 Gone",
                at=result.at,
            )
            log.warning("webhook %s answered 410 Gone: subscription disabled", job.webhook.id)
        elif updated.status == "failed":
            log.warning("delivery %s failed: %s", updated.id, updated.last_error)

    # -- the loop ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Deliver until cancelled: after every pass, wait for :meth:`wake` or the poll interval.

        Errors of the store (a restart of the database) are logged and the loop goes on.
        """
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if self._pending_wake.is_set():
            self._wake.set()
        try:
            while True:
                self._pending_wake.clear()
                self._wake.clear()
                try:
                    tried = await self.deliver_due()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("delivery pass failed; trying again shortly")
                    tried = 0
                if tried >= max(1, self.settings.delivery_batch_size):
                    continue  # more may be due right now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._wake.wait(), timeout=max(0.01, self.settings.delivery_interval_s)
                    )
        finally:
            self._loop = None
            self._wake = None

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def deliver_pending(self, *, passes: int = 1) -> int:
        """Run ``passes`` delivery passes from synchronous code (the CLI); returns tries made."""

        async def _passes() -> int:
            total = 0
            try:
                for _ in range(passes):
                    tried = await self.deliver_due()
                    total += tried
                    if not tried:
                        break
            finally:
                await self.aclose()
            return total

        return asyncio.run(_passes())
