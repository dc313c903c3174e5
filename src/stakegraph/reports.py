"""Reports from the store: one account, or the whole portfolio in parallel worker processes.

The glue between the store and the pure analysis, shared by the CLI and the service: read a
snapshot, hand it to :func:`~stakegraph.analysis.build_report`. The portfolio scan spreads the
accounts over worker processes (analysis is per account and CPU-bound); each worker opens its
own connection to the store from the settings — with the embedded FalkorDB, the server of the
data directory is shared over its unix socket.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from stakegraph.analysis import Report, build_report
from stakegraph.analysis.portfolio import (
    AccountFailure,
    Portfolio,
    PortfolioEntry,
    rank_portfolio,
)
from stakegraph.errors import StakegraphError
from stakegraph.settings import Settings
from stakegraph.store import GraphStore, open_store

__all__ = ["account_report", "portfolio_report", "portfolio_workers"]

# Accounts handed to a worker at a time: large enough to amortise the inter-process round trip,
# small enough to keep both cores busy until the end.
_CHUNK = 8


def account_report(
    store: GraphStore,
    account_id: str,
    settings: Settings,
    *,
    as_of: datetime | None = None,
    without: Sequence[str] = (),
) -> Report:
    """The report of one account as of ``as_of`` (default: now).

    Raises
    ------
    NotFoundError
        For an unknown account, or a ``without`` id that names nobody on it.
    """
    snapshot = store.account_snapshot(account_id, as_of)
    return build_report(snapshot, settings.analysis, without=without)


def portfolio_workers(settings: Settings, accounts: int) -> int:
    """How many worker processes to use: ``settings.workers``, or one per core; at most one per
    account.
    """
    wanted = settings.workers if settings.workers > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, accounts))


def _entry(
    store: GraphStore, account_id: str, settings: Settings, as_of: datetime
) -> PortfolioEntry | AccountFailure:
    try:
        snapshot = store.account_snapshot(account_id, as_of)
        report = build_report(snapshot, settings.analysis, people_and_ties=False)
        return PortfolioEntry.from_report(report)
    except StakegraphError as exc:
        # One broken account must not hide the others' risk.
        return AccountFailure(account_id=account_id, error=exc.message)


_worker_store: GraphStore | None = None
_worker_settings: Settings | None = None


def _start_worker(settings: Settings) -> None:
    global _worker_store, _worker_settings
    _worker_settings = settings
    _worker_store = open_store(settings, ensure_schema=False)
    atexit.register(_worker_store.close)


def _worker_entries(
    account_ids: list[str], as_of: datetime
) -> list[PortfolioEntry | AccountFailure]:
    assert _worker_store is not None and _worker_settings is not None
    return [_entry(_worker_store, a, _worker_settings, as_of) for a in account_ids]


def portfolio_report(
    settings: Settings,
    *,
    as_of: datetime | None = None,
    workers: int | None = None,
    store: GraphStore | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Portfolio:
    """Every account's report, ranked by risk and by value at risk.

    Parameters
    ----------
    settings : Settings
        Where the store is, and the analysis settings.
    as_of : datetime, optional
        One time for every account (default: now).
    workers : int, optional
        Worker processes (default: :func:`portfolio_workers`); 1 computes in this process.
    store : GraphStore, optional
        An open store to list the accounts with (and to compute with, for 1 worker); opened from
        ``settings`` and closed again otherwise. It stays open while the workers run, so that the
        embedded server outlives them.
    on_progress : callable, optional
        Called with the number of accounts just finished.

    Returns
    -------
    Portfolio
    """
    when = (as_of or datetime.now(UTC)).astimezone(UTC)
    own = store is None
    opened = open_store(settings) if store is None else store
    try:
        account_ids = [a.id for a in opened.list_accounts()]
        count = workers if workers is not None else portfolio_workers(settings, len(account_ids))
        results: list[PortfolioEntry | AccountFailure] = []
        if count <= 1 or len(account_ids) <= 1:
            for account_id in account_ids:
                results.append(_entry(opened, account_id, settings, when))
                if on_progress is not None:
                    on_progress(1)
        else:
            chunks = [account_ids[i : i + _CHUNK] for i in range(0, len(account_ids), _CHUNK)]
            # spawn, not fork: a forked child would share the parent's open database sockets.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=count,
                mp_context=context,
                initializer=_start_worker,
                initargs=(settings,),
            ) as pool:
                for done in pool.map(_worker_entries, chunks, [when] * len(chunks)):
                    results.extend(done)
                    if on_progress is not None:
                        on_progress(len(done))
    finally:
        if own:
            opened.close()
    return rank_portfolio(
        (r for r in results if isinstance(r, PortfolioEntry)),
        when,
        failures=_failures(results),
    )


def _failures(results: Iterable[PortfolioEntry | AccountFailure]) -> list[AccountFailure]:
    return [r for r in results if isinstance(r, AccountFailure)]
