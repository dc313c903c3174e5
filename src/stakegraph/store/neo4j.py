"""The Neo4j adapter: the official ``neo4j`` driver, managed transactions, the shared statements.

Every statement runs in a managed transaction (``session.execute_read`` or
``session.execute_write``, chosen by the statement's verb), so the driver itself retries what
Neo4j calls transient (deadlocks, leader switches, a lost connection) for up to
``neo4j_max_transaction_retry_time_s`` seconds; everything else fails at once. Writes arrive
already batched (:class:`~stakegraph.store.cypher_store.CypherStore` sends ``UNWIND $rows``
batches of ``write_batch_size`` rows), one transaction per batch.

Sessions are opened per statement (they are cheap: connections are pooled by the driver, which is
thread-safe) and share the driver's bookmark manager, so a read always sees the writes this
process made before it, even on a cluster whose reads go to followers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from stakegraph import __version__
from stakegraph.errors import DuplicateIdError, StoreError, StoreUnavailableError
from stakegraph.settings import Settings
from stakegraph.store import catalog
from stakegraph.store.cypher_store import CypherStore

__all__ = ["READ_VERBS", "WRITE_VERBS", "Neo4jStore", "is_write", "split_credentials"]

WRITE_VERBS: tuple[str, ...] = ("upsert_", "add_", "set_", "create_", "delete_")
"""Statement name prefixes that write: they run in ``execute_write`` (on the cluster leader)."""

READ_VERBS: tuple[str, ...] = ("get_", "list_", "export_", "count_", "ping")
"""Statement name prefixes that only read: they run in ``execute_read`` (on any member)."""


def is_write(name: str) -> bool:
    """True when the catalog statement ``name`` must run in a write transaction.

    A name with a verb in neither list is treated as a write: a read sent to the leader merely
    costs it a little, while a write sent to a read transaction is refused by Neo4j.
    """
    return not name.startswith(READ_VERBS)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``(url without user info, user, password)`` of ``neo4j://user:password@host:port``.

    The driver refuses user info in its URL; accepting it here lets one setting
    (``STAKEGRAPH_GRAPH_URL``) carry everything.
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return bare, user, password


def _collect(tx: ManagedTransaction, text: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    # The unit of work the driver may run more than once: one statement, its rows read whole
    # inside the transaction (a result cannot be read after its transaction ends).
    return [record.data() for record in tx.run(text, params)]


class Neo4jStore(CypherStore):
    """A :class:`~stakegraph.store.base.GraphStore` on Neo4j 5 (``neo4j://``, ``bolt://``...)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        url, url_user, url_password = split_credentials(settings.graph_url)
        user = url_user if url_user is not None else settings.neo4j_user
        password = url_password if url_password is not None else settings.neo4j_password
        # No password: a server with authentication switched off (NEO4J_AUTH=none).
        auth = (user, password) if password else None
        self._database = settings.neo4j_database or None
        self._url = url
        try:
            self._driver: Driver = GraphDatabase.driver(
                url,
                auth=auth,
                max_transaction_retry_time=settings.neo4j_max_transaction_retry_time_s,
                connection_timeout=settings.neo4j_connection_timeout_s,
                user_agent=f"stakegraph/{__version__}",
            )
        except (DriverError, ValueError) as exc:
            raise StoreError(f"cannot use the Neo4j URL {url!r}: {exc}") from exc
        try:
            # Fail now, with one clear message, rather than after the retry time of a first write.
            self._driver.verify_connectivity()
        except Exception as exc:
            self._driver.close()
            raise self._translate(exc, "connect") from exc

    def _translate(self, exc: Exception, name: str) -> StoreError:
        if isinstance(exc, AuthError):
            return StoreUnavailableError(
                f"Neo4j at {self._url} refused the credentials (neo4j_user / neo4j_password): "
                f"{exc.message}"
            )
        if isinstance(exc, ServiceUnavailable | SessionExpired):
            return StoreUnavailableError(f"Neo4j at {self._url} is not reachable: {exc}")
        if isinstance(exc, ConstraintError):
            return DuplicateIdError(f"Neo4j refused {name}: {exc.code}: {exc.message}")
        if isinstance(exc, Neo4jError) and exc.is_retryable():
            return StoreError(
                f"Neo4j could not run {name}, still failing after retrying for "
                f"{self.settings.neo4j_max_transaction_retry_time_s:g}s: {exc.code}: {exc.message}"
            )
        if isinstance(exc, Neo4jError):
            return StoreError(f"Neo4j refused {name}: {exc.code}: {exc.message}")
        if isinstance(exc, DriverError):
            return StoreError(f"the Neo4j driver failed on {name}: {exc}")
        return StoreError(f"Neo4j failed on {name}: {exc}")

    def _execute(self, name: str, text: str, params: dict[str, Any], write: bool) -> Any:
        try:
            with self._driver.session(
                database=self._database,
                bookmark_manager=self._driver.execute_query_bookmark_manager,
            ) as session:
                if write:
                    return session.execute_write(_collect, text, params)
                return session.execute_read(_collect, text, params)
        except (Neo4jError, DriverError) as exc:
            # Transient errors arrive here only once the driver's retries ran out.
            raise self._translate(exc, name) from exc

    def _run(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._execute(
            name, catalog.statement(name), dict(params or {}), is_write(name)
        )
        return rows

    def ensure_schema(self) -> None:
        """Run ``cypher/schema_neo4j.cypher``, one statement per transaction (all IF NOT EXISTS)."""
        for text in catalog.statements("schema_neo4j"):
            # Schema and data changes cannot share a transaction: each DDL statement gets its own.
            self._execute("schema_neo4j", text, {}, True)

    def close(self) -> None:
        self._stop_helper()
        self._driver.close()
