"""The store port: what stakegraph asks of a graph database, whichever engine runs.

Two adapters implement it over the same Cypher files (``cypher/``): the embedded FalkorDB
(:mod:`stakegraph.store.falkor`) and Neo4j (:mod:`stakegraph.store.neo4j`). Nothing outside the
store package knows which one runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stakegraph.alerts.model import Alert, Delivery, DeliveryJob, DeliveryStatus, Webhook
from stakegraph.keys import ApiKey
from stakegraph.model import (
    Account,
    AccountSnapshot,
    Contact,
    Interaction,
    RoleChange,
    TeamMember,
)
from stakegraph.store.records import InteractionRow
from stakegraph.store.tiesets import TieSession

__all__ = ["GraphStore", "UpsertResult"]


@dataclass
class UpsertResult:
    """What one batch upsert did, by external id."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    role_changes: list[RoleChange] = field(default_factory=list)

    def merge(self, other: UpsertResult) -> None:
        """Add ``other``'s ids and role changes to this result."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.role_changes += other.role_changes

    def counts(self) -> dict[str, int]:
        """Created / updated / unchanged counts."""
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


class GraphStore(ABC):
    """A graph database holding accounts, contacts, our team and interactions.

    Every write is an idempotent upsert keyed by external id: writing the same records twice
    changes nothing the second time (and reports them as unchanged).
    """

    # -- lifecycle -------------------------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes and unique constraints (idempotent)."""

    @abstractmethod
    def ping(self) -> bool:
        """True when the database answers."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and stop an embedded server this process started)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ----------------------------------------------------------------------------
    @abstractmethod
    def upsert_accounts(
        self, accounts: Sequence[Account], *, dry_run: bool = False
    ) -> UpsertResult:
        """Create or update accounts (``dry_run``: only report what would change)."""

    @abstractmethod
    def upsert_team(self, members: Sequence[TeamMember], *, dry_run: bool = False) -> UpsertResult:
        """Create or update our team members."""

    @abstractmethod
    def upsert_contacts(
        self,
        contacts: Sequence[Contact],
        *,
        at: datetime | None = None,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> UpsertResult:
        """Create or update contacts; accounts and managers must exist (or be in the batch).

        A change of title, seniority, reports_to, status or account is recorded as a
        :class:`~stakegraph.model.RoleChange` at ``at`` (default: now) and returned in
        ``role_changes``. With ``ties`` (an import's session, from :meth:`deferred_ties`)
        that still takes the import for a first one (``assume_new``), a batch is created
        without reading which contacts exist first; a batch that meets a stored contact is
        read and compared instead, and so are the batches after it.
        """

    @abstractmethod
    def upsert_interactions(
        self,
        interactions: Sequence[Interaction],
        *,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> UpsertResult:
        """Create or update interactions and the tie aggregates of the pairs they touch.

        With ``ties`` (from :meth:`deferred_ties`), the tie aggregates are written when that
        session ends instead of at the end of this call.
        """

    @abstractmethod
    def upsert_interaction_rows(
        self,
        rows: Sequence[InteractionRow],
        *,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> UpsertResult:
        """:meth:`upsert_interactions` of interactions given as their stored rows
        (:data:`~stakegraph.store.records.InteractionRow`, validated already): what an import
        writes, without building a model per interaction."""

    def start_contacts(
        self,
        contacts: Sequence[Contact],
        *,
        at: datetime | None = None,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> Callable[[], UpsertResult]:
        """:meth:`upsert_contacts`, begun: returns the function that ends it.

        As :meth:`start_interaction_rows`: the write may be sent at once and its answer read
        when the function is called, in the order begun. A batch whose create is refused (an
        id is stored) is read and written again when it ends, after any batch begun since: so
        begin a batch before ending the one before only when they share no id and none of its
        contacts reports to one of the batch before (whose create may be refused). This
        default writes at once.
        """
        result = self.upsert_contacts(contacts, at=at, dry_run=dry_run, ties=ties)
        return lambda: result

    def start_interaction_rows(
        self,
        rows: Sequence[InteractionRow],
        *,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> Callable[[], UpsertResult]:
        """:meth:`upsert_interaction_rows`, begun: returns the function that ends it.

        An adapter may send the write at once and read the database's answer only when that
        function is called, so that the database writes one batch while the caller prepares
        the next. Call the functions in the order the writes were begun; any other use of the
        store in between is safe (it reads the answers still due first). A batch whose create
        the database refuses (one of its ids is stored already) is read and written again when
        its function is called, after any batch begun since: so begin a batch before ending
        the one before only when they share no id, or the older record could win. This
        default writes at once.
        """
        result = self.upsert_interaction_rows(rows, dry_run=dry_run, ties=ties)
        return lambda: result

    @abstractmethod
    def deferred_ties(self, *, repair: bool = True) -> AbstractContextManager[TieSession]:
        """A session that folds the tie aggregates of many interaction writes and writes them
        once, when it ends (also when it ends by an error): for imports.

        Reports read the interactions themselves until then. With ``repair``, tie aggregates
        left behind by a writer that died are rebuilt first (a dry run passes False: it writes
        nothing).
        """

    @abstractmethod
    def repair_ties(self) -> int:
        """Rebuild the tie aggregates a writer that died left behind, and rewrite those of an
        older format in the current one; return how many contacts."""

    @abstractmethod
    def delete_account(self, account_id: str) -> bool:
        """Delete an account with its contacts and interactions; False if it did not exist."""

    @abstractmethod
    def delete_everything(self) -> int:
        """Delete every node and edge this store holds (indexes stay); return how many nodes went.

        For ``stakegraph reset`` and for tests that share one database between runs.
        """

    # -- reads -----------------------------------------------------------------------------
    @abstractmethod
    def get_account(self, account_id: str) -> Account | None:
        """One account, or None."""

    @abstractmethod
    def get_contact(self, contact_id: str) -> Contact | None:
        """One contact, or None."""

    @abstractmethod
    def get_contacts(self, contact_ids: Sequence[str]) -> dict[str, Contact]:
        """The contacts that exist among ``contact_ids``, by id."""

    @abstractmethod
    def get_team_member(self, member_id: str) -> TeamMember | None:
        """One team member, or None."""

    @abstractmethod
    def existing_ids(self, label: str, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` exist as ``label``: Account, Contact, TeamMember or Interaction."""

    @abstractmethod
    def list_accounts(self) -> list[Account]:
        """Every account, ordered by id."""

    @abstractmethod
    def account_snapshot(
        self, account_id: str, as_of: datetime | None = None, *, full: bool = False
    ) -> AccountSnapshot:
        """One account's people and interactions as of ``as_of`` (default: now).

        Answers from the tie aggregates when ``as_of`` is not before the account's last
        interaction and ``full`` is False; otherwise reads every interaction up to ``as_of``.
        Raises :class:`~stakegraph.errors.NotFoundError` for an unknown account.
        """

    @abstractmethod
    def role_changes(
        self, *, account_id: str | None = None, contact_id: str | None = None
    ) -> list[RoleChange]:
        """Recorded role changes, oldest first."""

    @abstractmethod
    def export(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every stored entity as ``(section, record)`` in bundle order, for the bundle export.

        Sections: ``accounts``, ``team``, ``contacts``, ``interactions``; records are the
        JSON form of the model.
        """

    @abstractmethod
    def identity_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """What importers match people against, as ``(section, row)``, streamed in pages.

        ``accounts`` rows hold ``id`` and ``domains``; ``team`` rows ``id`` and ``email``;
        ``contacts`` rows ``id``, ``account_id`` and ``email``.
        """

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """How many accounts, contacts, team members and interactions are stored."""

    # -- alerts, webhook subscriptions and the outbox (stakegraph.alerts) -----------------
    @abstractmethod
    def save_alerts(
        self,
        alerts: Sequence[Alert],
        *,
        checked_role_changes: Sequence[str] = (),
        at: datetime | None = None,
    ) -> list[str]:
        """Store new alerts, each with its outbox entries, in one write per batch.

        Every alert is linked to its account and subject and gets one pending
        :class:`~stakegraph.alerts.model.Delivery` per enabled subscription to its kind, in the
        same statement (both land or neither does). An alert whose id exists, or whose episode is
        still open, is skipped. The role changes named in ``checked_role_changes`` are marked as
        examined at ``at``. Returns the ids of the alerts written.
        """

    @abstractmethod
    def list_alerts(
        self,
        *,
        account_ids: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        open_only: bool = False,
        limit: int = 100,
    ) -> list[Alert]:
        """Alerts, newest first; ``None`` filters do not filter."""

    @abstractmethod
    def get_alert(self, alert_id: str) -> Alert | None:
        """One alert, or None."""

    @abstractmethod
    def acknowledge_alert(
        self, alert_id: str, *, by: str | None = None, at: datetime | None = None
    ) -> Alert | None:
        """Acknowledge an alert (the first acknowledgement is kept); None if unknown."""

    @abstractmethod
    def open_episodes(self) -> list[Alert]:
        """Alerts whose episode (going dark, risk high) is still open."""

    @abstractmethod
    def resolve_episodes(self, episodes: Sequence[str], *, at: datetime | None = None) -> list[str]:
        """Close open episodes (``account|kind``): the accounts recovered. Returns alert ids."""

    @abstractmethod
    def unchecked_role_changes(self, *, since: datetime, until: datetime) -> list[RoleChange]:
        """Role changes recorded in ``[since, until]`` that no alerting has examined."""

    @abstractmethod
    def save_webhook(self, webhook: Webhook) -> None:
        """Create or replace a webhook subscription."""

    @abstractmethod
    def webhooks(self) -> list[Webhook]:
        """Every webhook subscription, oldest first."""

    @abstractmethod
    def get_webhook(self, webhook_id: str) -> Webhook | None:
        """One webhook subscription, or None."""

    @abstractmethod
    def delete_webhook(self, webhook_id: str) -> bool:
        """Delete a subscription and its deliveries; False if it did not exist."""

    @abstractmethod
    def disable_webhook(
        self, webhook_id: str, *, reason: str, at: datetime | None = None
    ) -> Webhook | None:
        """Stop delivering to a subscription; None if unknown."""

    @abstractmethod
    def claim_deliveries(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[DeliveryJob]:
        """Lease up to ``limit`` due deliveries (to enabled subscriptions) until ``lease_until``."""

    @abstractmethod
    def record_delivery(self, delivery: Delivery) -> None:
        """Write a delivery's state after a try and release its lease."""

    @abstractmethod
    def deliveries(
        self,
        *,
        webhook_id: str | None = None,
        alert_id: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """Deliveries, newest first."""

    @abstractmethod
    def delivery_counts(self) -> dict[str, int]:
        """How many deliveries are pending, delivered and failed."""

    # -- API keys (the service) -----------------------------------------------------------
    @abstractmethod
    def save_api_key(self, key: ApiKey) -> None:
        """Store a new API key (only its hash) or overwrite one with the same id."""

    @abstractmethod
    def api_keys(self) -> list[ApiKey]:
        """Every stored API key, revoked ones included, oldest first."""

    @abstractmethod
    def revoke_api_key(self, key_id: str, at: datetime | None = None) -> bool:
        """Revoke a key at ``at`` (default now); False if no active key has that id."""
