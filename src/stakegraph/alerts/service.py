"""Alerting against the store: role changes just written, scans, webhook subscriptions.

Every write path calls :func:`on_role_changes` after its contact upserts (the CLI imports through
:func:`alert_on_import`, the service through its write events); a scan calls :func:`scan`. Both
read the accounts concerned, ask the pure rules (:mod:`stakegraph.alerts.rules`,
:mod:`stakegraph.alerts.episodes`) what to raise, and store the alerts with their outbox entries
in one write. ``notify`` (the delivery worker's ``wake``) is called when something was stored,
so deliveries leave at once instead of at the next poll.

A role change that no alerting examined (the process died between the contact write and the
alert write) is picked up by the next scan: :func:`sweep_role_changes`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from stakegraph.alerts.addresses import (
    UnsafeWebhookUrl,
    check_addresses,
    literal_address,
    parse_target,
)
from stakegraph.alerts.episodes import active_episodes, episode_alert, episode_transitions
from stakegraph.alerts.model import Alert, AlertKind, Webhook, WebhookFormat
from stakegraph.alerts.rules import (
    AccountState,
    RoleChangeContext,
    combined_changes,
    role_change_alerts,
    state_before,
)
from stakegraph.alerts.signing import new_secret
from stakegraph.errors import NotFoundError, StakegraphError
from stakegraph.ingest import ImportReport
from stakegraph.model import AccountSnapshot, Interaction, RoleChange, TeamMember, TieAggregate
from stakegraph.settings import Settings
from stakegraph.store.base import GraphStore

__all__ = [
    "Notify",
    "ScanResult",
    "UnsafeWebhookUrl",
    "alert_on_import",
    "create_webhook",
    "on_role_changes",
    "scan",
    "sweep_role_changes",
]

log = logging.getLogger("stakegraph.alerts")

Notify = Callable[[], None]
"""Called after alerts were stored (wakes the delivery worker)."""


# -- role changes -----------------------------------------------------------------------------
class _Snapshots:
    """Each account read once per alerting run."""

    def __init__(self, store: GraphStore, as_of: datetime) -> None:
        self.store = store
        self.as_of = as_of
        self._cache: dict[str, AccountSnapshot | None] = {}

    def get(self, account_id: str) -> AccountSnapshot | None:
        if account_id not in self._cache:
            try:
                self._cache[account_id] = self.store.account_snapshot(account_id, self.as_of)
            except NotFoundError:
                self._cache[account_id] = None  # deleted since: nothing to say about it
        return self._cache[account_id]


@dataclass
class _Moved:
    ties: list[TieAggregate] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)


def _moved_from_new_accounts(snapshots: _Snapshots, changes: Iterable[RoleChange]) -> _Moved:
    """What contacts who moved away take with them (read from their new account)."""
    moved = _Moved()
    for change in changes:
        new = snapshots.get(change.account_id)
        if new is None:
            continue
        if new.ties is not None:
            ties = [t for t in new.ties if t.contact_id == change.contact_id]
            moved.ties += ties
            members = {t.team_id for t in ties}
        else:
            shared = [i for i in new.interactions if change.contact_id in i.contact_ids]
            moved.interactions += shared
            members = {t for i in shared for t in i.team_ids}
        moved.team += [m for m in new.team if m.id in members]
    return moved


def on_role_changes(
    store: GraphStore,
    settings: Settings,
    changes: Sequence[RoleChange],
    *,
    created_contacts: Collection[str] = (),
    now: datetime | None = None,
    notify: Notify | None = None,
) -> list[Alert]:
    """Raise the alerts of role changes just written, and store them with their outbox entries.

    Parameters
    ----------
    store
        The store the changes were written to.
    settings
        The analysis settings and the alert settings.
    changes
        The role changes of one write (an import, a REST write).
    created_contacts
        Contacts created by the same write: the account "before" did not have them.
    now
        When (default: now); the accounts are read as of this time.
    notify
        Called when alerts were stored.

    Returns
    -------
    list of Alert
        The alerts stored (none for changes of contacts who were not key).
    """
    if not changes:
        return []
    now = (now or datetime.now(UTC)).astimezone(UTC)
    combined = combined_changes(changes)
    created = frozenset(created_contacts)
    current = store.get_contacts(sorted(combined))
    snapshots = _Snapshots(store, now)
    by_account: dict[str, dict[str, RoleChange]] = defaultdict(dict)
    for contact_id, change in combined.items():
        by_account[change.old_account_id][contact_id] = change

    def touching(account_id: str) -> dict[str, RoleChange]:
        return {
            cid: c for cid, c in combined.items() if account_id in (c.account_id, c.old_account_id)
        }

    analysis = settings.analysis
    alerts: list[Alert] = []
    for account_id, account_changes in sorted(by_account.items()):
        after_snapshot = snapshots.get(account_id)
        if after_snapshot is None:
            continue
        left = [c for c in account_changes.values() if c.account_id != account_id]
        moved = _moved_from_new_accounts(snapshots, left)
        before_snapshot = state_before(
            after_snapshot,
            touching(account_id),
            current=current,
            created=created,
            moved_ties=moved.ties,
            moved_interactions=moved.interactions,
            moved_team=moved.team,
        )
        arrivals: dict[str, tuple[AccountState, AccountState]] = {}
        for change in left:
            arrived_after = snapshots.get(change.account_id)
            if arrived_after is None or change.account_id in arrivals:
                continue
            arrived_before = state_before(
                arrived_after, touching(change.account_id), current=current, created=created
            )
            arrivals[change.account_id] = (
                AccountState.of(arrived_before, analysis),
                AccountState.of(arrived_after, analysis),
            )
        context = RoleChangeContext(
            before=AccountState.of(before_snapshot, analysis),
            after=AccountState.of(after_snapshot, analysis),
            changes=combined,
            current=current,
            created=created,
            arrivals=arrivals,
        )
        alerts += role_change_alerts(
            context,
            now=now,
            key_buying_roles=settings.alert_key_buying_roles,
            warm_path_limit=settings.alert_warm_paths,
        )
    written = set(store.save_alerts(alerts, checked_role_changes=[c.id for c in changes], at=now))
    stored = [a for a in alerts if a.id in written]
    if stored and notify is not None:
        notify()
    return stored


def alert_on_import(
    store: GraphStore, settings: Settings, report: ImportReport, *, notify: Notify | None = None
) -> list[Alert]:
    """:func:`on_role_changes` for the role changes of an import (nothing for a dry run)."""
    if report.dry_run or not report.role_changes:
        return []
    return on_role_changes(
        store,
        settings,
        report.role_changes,
        created_contacts=report.created_contacts,
        notify=notify,
    )


def sweep_role_changes(
    store: GraphStore,
    settings: Settings,
    *,
    now: datetime | None = None,
    notify: Notify | None = None,
) -> list[Alert]:
    """Examine recent role changes that no alerting looked at (a crash in between)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    since = now - timedelta(hours=settings.alert_sweep_hours)
    changes = store.unchecked_role_changes(since=since, until=now)
    return on_role_changes(store, settings, changes, now=now, notify=notify) if changes else []


# -- scans ------------------------------------------------------------------------------------
@dataclass
class ScanResult:
    """What one scan did."""

    as_of: datetime
    accounts: int = 0
    raised: list[Alert] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    swept: list[Alert] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class _AccountScan:
    """What the scan of one account decided (computed in a worker process)."""

    account_id: str
    raise_alerts: list[Alert] = field(default_factory=list)
    resolve: list[str] = field(default_factory=list)
    error: str | None = None


def _scan_account(
    store: GraphStore,
    settings: Settings,
    account_id: str,
    open_kinds: Collection[AlertKind],
    now: datetime,
) -> _AccountScan:
    from stakegraph.reports import account_report

    try:
        report = account_report(store, account_id, settings, as_of=now)
    except StakegraphError as exc:
        # One broken account must not stop the scan of the others.
        return _AccountScan(account_id, error=exc.message)
    active = active_episodes(report.going_dark, report.risk.level)
    start, end = episode_transitions(account_id, active, open_kinds)
    return _AccountScan(account_id, [episode_alert(kind, report, now) for kind in start], end)


# Each worker process opens its own connection to the store (the embedded server of the data
# directory is shared over its unix socket), once.
_worker: tuple[GraphStore, Settings] | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    import atexit

    from stakegraph.store import open_store

    store = open_store(settings, ensure_schema=False)
    atexit.register(store.close)
    _worker = (store, settings)


def _scan_chunk(chunk: list[tuple[str, list[AlertKind]]], now: datetime) -> list[_AccountScan]:
    assert _worker is not None
    store, settings = _worker
    return [_scan_account(store, settings, account, kinds, now) for account, kinds in chunk]


_CHUNK = 8
"""Accounts handed to a worker at a time."""


def scan(
    store: GraphStore,
    settings: Settings,
    *,
    now: datetime | None = None,
    workers: int | None = None,
    notify: Notify | None = None,
) -> ScanResult:
    """Scan every account: raise ``going_dark`` and ``risk_high`` once per episode.

    Accounts are analysed in worker processes (``settings.workers``, default one per core; the
    reports are built where they are computed, and only the decisions come back). Episodes of
    accounts that recovered are closed. Role changes nobody examined are swept up.
    """
    from stakegraph.reports import portfolio_workers

    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    result = ScanResult(as_of=now)
    open_kinds: dict[str, list[AlertKind]] = defaultdict(list)
    for alert in store.open_episodes():
        open_kinds[alert.account_id].append(alert.kind)
    work = [(a.id, open_kinds[a.id]) for a in store.list_accounts()]
    count = workers if workers is not None else portfolio_workers(settings, len(work))
    scans: list[_AccountScan] = []
    if count <= 1 or len(work) <= 1:
        scans = [_scan_account(store, settings, a, kinds, now) for a, kinds in work]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        chunks = [work[i : i + _CHUNK] for i in range(0, len(work), _CHUNK)]
        # spawn, not fork: a forked child would share this process's open database sockets.
        with ProcessPoolExecutor(
            max_workers=count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(settings,),
        ) as pool:
            for done in pool.map(_scan_chunk, chunks, [now] * len(chunks)):
                scans.extend(done)
    result.accounts = len(scans)
    to_raise: list[Alert] = []
    for account in scans:
        if account.error is not None:
            result.failures[account.account_id] = account.error
        to_raise += account.raise_alerts
        result.resolved += account.resolve
    store.resolve_episodes(result.resolved, at=now)
    written = set(store.save_alerts(to_raise, at=now))
    result.raised = [a for a in to_raise if a.id in written]
    result.swept = sweep_role_changes(store, settings, now=now)
    if (result.raised or result.swept) and notify is not None:
        notify()
    result.seconds = time.perf_counter() - started
    return result


# -- webhook subscriptions --------------------------------------------------------------------
def create_webhook(
    store: GraphStore,
    settings: Settings,
    *,
    url: str,
    kinds: Sequence[AlertKind] | None = None,
    format: WebhookFormat = WebhookFormat.JSON,
    secret: str | None = None,
    description: str = "",
    resolved: Sequence[str] | None = None,
) -> Webhook:
    """Check a webhook URL and store the subscription (a fresh secret unless one is given).

    The URL must be http(s) and must not point at a link-local or metadata address, nor at a
    private or loopback one unless ``webhook_allow_private``. Host names are resolved now when
    possible (``resolved`` gives the answer instead, for tests); every delivery checks again.

    Raises
    ------
    UnsafeWebhookUrl
        A refused URL.
    """
    target = parse_target(url)
    literal = literal_address(target.host)
    if literal is not None:
        addresses: Sequence[str] = [str(literal)]
    elif resolved is not None:
        addresses = resolved
    else:
        addresses = _resolve_now(target.host, target.port)
    if addresses:
        check_addresses(target, addresses, allow_private=settings.webhook_allow_private)
    webhook = Webhook(
        id=f"wh_{secrets.token_hex(8)}",
        url=url,
        kinds=list(kinds) if kinds else list(AlertKind),
        secret=secret or new_secret(),
        format=format,
        description=description,
        created_at=datetime.now(UTC),
    )
    store.save_webhook(webhook)
    return webhook


def _resolve_now(host: str, port: int) -> list[str]:
    """Addresses of ``host`` now; none when it does not resolve (delivery checks again)."""
    import socket

    try:
        return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except OSError:
        return []
