"""Reports for the service: computed off the event loop, bounded in size and time, cached.

A report is cached per (account, as-of, people removed) until a write touches the account (the
write routes announce it through :class:`~api.events.WriteEvents`) or, for "now" reports, until
``report_cache_ttl_s`` has passed (days silent and tie decay move with the clock). A computation
that a write overtook is served to its caller but not cached. Identical requests arriving
together share one computation.
"""

from __future__ import annotations

import asyncio
import calendar
import concurrent.futures
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from stakegraph.analysis import build_report
from stakegraph.analysis.report import Report
from stakegraph.errors import DeadlineExceeded, LimitExceeded
from stakegraph.model import AccountSnapshot, to_utc
from stakegraph.settings import Settings
from stakegraph.store.base import GraphStore

from .events import WriteEvent
from .middleware import Metrics

__all__ = ["HistoryPoint", "ReportService", "Reported", "month_points"]

T = TypeVar("T")


@dataclass(frozen=True)
class Reported:
    """A report with the snapshot it was computed from (the map needs both).

    ``views`` keeps serialised views of the report (JSON bytes by name), so a warm request
    costs a dictionary lookup rather than a validation and a serialisation.
    """

    snapshot: AccountSnapshot
    report: Report
    views: dict[str, bytes] = field(default_factory=dict, compare=False)

    def view(self, name: str, render: Callable[[Report], BaseModel]) -> bytes:
        """The JSON of ``render(report)``, computed once per cached report."""
        body = self.views.get(name)
        if body is None:
            body = render(self.report).model_dump_json().encode()
            self.views[name] = body
        return body


@dataclass(frozen=True)
class HistoryPoint:
    """The risk of an account as of one month end."""

    as_of: datetime
    score: float
    level: str
    threads: int
    senior_coverage: float


@dataclass
class _Entry:
    value: Any
    made_at: float
    expires: bool
    weight: int


def _weight(value: Any) -> int:
    """Roughly how much memory a cached value holds, in people and ties (about 1 kB each)."""
    if isinstance(value, Reported):
        snapshot = value.snapshot
        return (
            1
            + len(snapshot.contacts)
            + len(snapshot.ties or ())
            + len(snapshot.interactions)
            + len(value.report.ties)
            + len(value.report.people)
        )
    return 1


def _minus_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def month_points(now: datetime, months: int) -> list[datetime]:
    """``months`` as-of points one calendar month apart, oldest first, the last one ``now``."""
    return [_minus_months(now, k) for k in range(months - 1, -1, -1)]


class ReportService:
    """Reads snapshots, runs the analysis in a bounded thread pool and caches the results."""

    def __init__(self, store: GraphStore, settings: Settings, metrics: Metrics) -> None:
        self._store = store
        self._settings = settings
        self._metrics = metrics
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=settings.report_workers, thread_name_prefix="stakegraph-report"
        )
        self._cache: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self._weight = 0
        self._generation: dict[str, int] = {}
        self._epoch = 0
        self._lock = threading.Lock()
        self._inflight: dict[tuple[Any, ...], concurrent.futures.Future[Any]] = {}

    def close(self) -> None:
        """Stop taking work; computations under way finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- invalidation ----------------------------------------------------------------------
    def on_write(self, event: WriteEvent) -> None:
        """Drop what ``event`` made stale (a :class:`~api.events.WriteListener`)."""
        if event.every_account:
            self.invalidate_all()
        else:
            self.invalidate(event.account_ids | event.deleted)

    def invalidate(self, account_ids: frozenset[str] | set[str]) -> None:
        """Forget every cached result of these accounts."""
        if not account_ids:
            return
        with self._lock:
            for account_id in account_ids:
                self._generation[account_id] = self._generation.get(account_id, 0) + 1
            for key in [k for k in self._cache if k[1] in account_ids]:
                self._weight -= self._cache.pop(key).weight

    def invalidate_all(self) -> None:
        """Forget every cached result."""
        with self._lock:
            self._epoch += 1
            self._cache.clear()
            self._weight = 0

    def _stamp(self, account_id: str) -> tuple[int, int]:
        return (self._epoch, self._generation.get(account_id, 0))

    # -- cache -----------------------------------------------------------------------------
    def cached(self, key: tuple[Any, ...]) -> Any | None:
        """The cached value under ``key`` if still fresh (no I/O: safe on the event loop)."""
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            if (
                entry.expires
                and time.monotonic() - entry.made_at > self._settings.report_cache_ttl_s
            ):
                del self._cache[key]
                return None
            self._cache.move_to_end(key)
            return entry.value

    def _put(self, key: tuple[Any, ...], value: Any, stamp: tuple[int, int], expires: bool) -> None:
        with self._lock:
            if self._stamp(key[1]) != stamp or self._settings.report_cache_size == 0:
                return
            weight = _weight(value)
            if weight > self._settings.report_cache_max_weight:
                return
            old = self._cache.pop(key, None)
            if old is not None:
                self._weight -= old.weight
            self._cache[key] = _Entry(value, time.monotonic(), expires, weight)
            self._weight += weight
            while (
                len(self._cache) > self._settings.report_cache_size
                or self._weight > self._settings.report_cache_max_weight
            ):
                self._weight -= self._cache.popitem(last=False)[1].weight

    async def _get(
        self,
        key: tuple[Any, ...],
        compute: Callable[[], T],
        *,
        expires: bool,
        timeout: float | None = -1.0,
    ) -> T:
        value = self.cached(key)
        if value is not None:
            self._metrics.report_cache.labels("hit").inc()
            return value  # type: ignore[no-any-return]
        self._metrics.report_cache.labels("miss").inc()
        with self._lock:
            future = self._inflight.get(key)
            if future is None:
                stamp = self._stamp(key[1])

                def run() -> T:
                    try:
                        result = compute()
                        self._put(key, result, stamp, expires)
                        return result
                    finally:
                        with self._lock:
                            self._inflight.pop(key, None)

                future = self._pool.submit(run)
                self._inflight[key] = future
        if timeout is not None and timeout < 0:
            timeout = self._settings.report_timeout_s
        try:
            return await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(future)), timeout=timeout
            )
        except TimeoutError:
            raise DeadlineExceeded(
                f"the report of {key[1]!r} took longer than {self._settings.report_timeout_s:g} s",
                details={"account_id": key[1], "report_timeout_s": self._settings.report_timeout_s},
            ) from None

    # -- computations (run in the pool) ----------------------------------------------------
    def _snapshot(self, account_id: str, as_of: datetime | None, *, full: bool) -> AccountSnapshot:
        snapshot = self._store.account_snapshot(account_id, as_of, full=full)
        limit = self._settings.max_account_contacts
        if len(snapshot.contacts) > limit:
            raise LimitExceeded(
                f"account {account_id!r} has {len(snapshot.contacts)} contacts, over the "
                f"service's limit of {limit} (setting max_account_contacts); use the CLI",
                details={"account_id": account_id, "contacts": len(snapshot.contacts)},
            )
        return snapshot

    def _compute(
        self, account_id: str, as_of: datetime | None, without: tuple[str, ...]
    ) -> Reported:
        start = time.perf_counter()
        snapshot = self._snapshot(account_id, as_of, full=False)
        report = build_report(snapshot, self._settings.analysis, without=without)
        self._metrics.report_seconds.observe(time.perf_counter() - start)
        return Reported(snapshot, report)

    def _compute_history(self, account_id: str, now: datetime) -> list[HistoryPoint]:
        points = month_points(now, self._settings.history_months)
        # One full read up to now, cut down in memory for each earlier month: one round trip
        # instead of one per month (the people are today's; only the interactions are cut).
        snapshot = self._snapshot(account_id, now, full=True)
        out: list[HistoryPoint] = []
        for point in points:
            past = replace(
                snapshot,
                as_of=point,
                interactions=tuple(i for i in snapshot.interactions if i.occurred_at <= point),
                recent_times=(),
                ties=None,
            )
            report = build_report(past, self._settings.analysis)
            out.append(
                HistoryPoint(
                    as_of=point,
                    score=report.risk.score,
                    level=report.risk.level,
                    threads=report.threads.senior,
                    senior_coverage=report.coverage.senior,
                )
            )
        return out

    # -- public ----------------------------------------------------------------------------
    async def reported(
        self,
        account_id: str,
        *,
        as_of: datetime | None = None,
        without: Sequence[str] = (),
        timeout: float | None = -1.0,
    ) -> Reported:
        """The report of ``account_id`` (and its snapshot), from the cache when fresh.

        ``timeout`` bounds the wait (default ``report_timeout_s``; ``None``: no bound, for
        callers that bound a whole batch).
        """
        as_of_utc = None if as_of is None else to_utc(as_of)
        removed = tuple(sorted(set(without)))
        key = ("report", account_id, as_of_utc, removed)
        return await self._get(
            key,
            lambda: self._compute(account_id, as_of_utc, removed),
            expires=as_of is None,
            timeout=timeout,
        )

    async def report(
        self,
        account_id: str,
        *,
        as_of: datetime | None = None,
        without: Sequence[str] = (),
    ) -> Report:
        """The report of ``account_id``."""
        return (await self.reported(account_id, as_of=as_of, without=without)).report

    async def history(
        self, account_id: str, *, as_of: datetime | None = None
    ) -> list[HistoryPoint]:
        """Risk at monthly as-of points over the ``history_months`` months up to ``as_of``
        (default now)."""
        until = datetime.now(UTC) if as_of is None else to_utc(as_of)
        key = ("history", account_id, None if as_of is None else until)
        return await self._get(
            key, lambda: self._compute_history(account_id, until), expires=as_of is None
        )

    async def many(self, account_ids: Sequence[str]) -> dict[str, Report | Exception]:
        """Reports of many accounts (a portfolio), the whole batch bounded by
        ``portfolio_timeout_s``; an account that fails gives its exception instead."""

        async def one(account_id: str) -> Report:
            return (await self.reported(account_id, timeout=None)).report

        try:
            results = await asyncio.wait_for(
                asyncio.gather(*(one(a) for a in account_ids), return_exceptions=True),
                timeout=self._settings.portfolio_timeout_s,
            )
        except TimeoutError:
            raise DeadlineExceeded(
                f"the portfolio of {len(account_ids)} accounts took longer than "
                f"{self._settings.portfolio_timeout_s:g} s; reports computed so far are cached, "
                "so asking again goes further",
                details={"portfolio_timeout_s": self._settings.portfolio_timeout_s},
            ) from None
        out: dict[str, Report | Exception] = {}
        for account_id, result in zip(account_ids, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result
            out[account_id] = result
        return out

    async def run(self, fn: Callable[[], T]) -> T:
        """Run blocking ``fn`` in the report pool, bounded by ``report_timeout_s``."""
        future = self._pool.submit(fn)
        try:
            return await asyncio.wait_for(
                asyncio.wrap_future(future), timeout=self._settings.report_timeout_s
            )
        except TimeoutError:
            raise DeadlineExceeded(
                f"took longer than {self._settings.report_timeout_s:g} s",
                details={"report_timeout_s": self._settings.report_timeout_s},
            ) from None
