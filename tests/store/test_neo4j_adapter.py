"""The Neo4j adapter without a Neo4j server (none can run on these machines).

The driver is faked at the smallest seam that cannot run here: a fake driver/session/transaction
that records ``(statement, params)`` and answers canned rows, or — for the retry behaviour — the
real driver's session with only the opening of a transaction on the network replaced. The store
contract itself runs against a real Neo4j when ``STAKEGRAPH_TEST_NEO4J_URL`` is set (see
:func:`test_contract_suite_runs_against_neo4j_when_configured`).
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from stakegraph.errors import DuplicateIdError, StoreError, StoreUnavailableError
from stakegraph.settings import Settings, get_settings
from stakegraph.store import catalog, open_store
from stakegraph.store import neo4j as adapter
from stakegraph.store.neo4j import Neo4jStore, is_write, split_credentials

from . import sample

pytestmark = pytest.mark.unit

Rows = list[dict[str, Any]]
Answer = Callable[[str, dict[str, Any]], Rows]


def _server_error(code: str, message: str) -> Neo4jError:
    """The error the driver raises for a failure the server reports (the class follows the code)."""
    return Neo4jError._hydrate_neo4j(code=code, message=message)


DEADLOCK = "Neo.TransientError.Transaction.DeadlockDetected"
SYNTAX = "Neo.ClientError.Statement.SyntaxError"
UNAUTHORIZED = "Neo.ClientError.Security.Unauthorized"


def _no_rows(_text: str, _params: dict[str, Any]) -> Rows:
    return []


class FakeRecord:
    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def data(self) -> dict[str, Any]:
        return dict(self._row)


class FakeTx:
    def __init__(self, driver: FakeDriver, mode: str) -> None:
        self.driver = driver
        self.mode = mode

    def run(self, text: str, params: dict[str, Any]) -> list[FakeRecord]:
        self.driver.runs.append((self.mode, text, params))
        return [FakeRecord(row) for row in self.driver.answer(text, params)]


class FakeSession:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver = driver

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.driver.sessions_closed += 1

    def execute_read(self, work: Callable[..., Rows], *args: Any) -> Rows:
        self.driver.transactions.append("read")
        return work(FakeTx(self.driver, "read"), *args)

    def execute_write(self, work: Callable[..., Rows], *args: Any) -> Rows:
        self.driver.transactions.append("write")
        return work(FakeTx(self.driver, "write"), *args)


class FakeDriver:
    """Records what the adapter asks of the driver; answers with ``answer(text, params)``."""

    execute_query_bookmark_manager = object()

    def __init__(self, url: str, **config: Any) -> None:
        self.url = url
        self.config = config
        self.session_configs: list[dict[str, Any]] = []
        self.transactions: list[str] = []
        self.runs: list[tuple[str, str, dict[str, Any]]] = []
        self.sessions_closed = 0
        self.closed = False
        self.answer: Answer = _no_rows
        self.connect_error: Exception | None = None

    def verify_connectivity(self) -> None:
        if self.connect_error is not None:
            raise self.connect_error

    def session(self, **config: Any) -> FakeSession:
        self.session_configs.append(config)
        return FakeSession(self)

    def close(self) -> None:
        self.closed = True


class FakeGraphDatabase:
    def __init__(self) -> None:
        self.drivers: list[FakeDriver] = []
        self.connect_error: Exception | None = None

    def driver(self, url: str, **config: Any) -> FakeDriver:
        made = FakeDriver(url, **config)
        made.connect_error = self.connect_error
        self.drivers.append(made)
        return made


@pytest.fixture
def fake_db(monkeypatch: pytest.MonkeyPatch) -> FakeGraphDatabase:
    fake = FakeGraphDatabase()
    monkeypatch.setattr(adapter, "GraphDatabase", fake)
    return fake


def _settings(url: str = "neo4j://db.example:7687", **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "graph_url": url,
        "neo4j_user": "stakegraph",
        "neo4j_password": "s3cret",
        "neo4j_database": "accounts",
        "neo4j_max_transaction_retry_time_s": 12.5,
    }
    values.update(overrides)
    return get_settings(**values)


def _open(fake_db: FakeGraphDatabase, **overrides: Any) -> tuple[Neo4jStore, FakeDriver]:
    store = Neo4jStore(_settings(**overrides))
    return store, fake_db.drivers[-1]


# -- configuration reaches the driver ------------------------------------------------------------
@pytest.mark.parametrize(
    "url", ["neo4j://db.example:7687", "bolt://db.example:7687", "neo4j+s://abc.databases.example"]
)
def test_url_credentials_and_database_reach_the_driver(
    fake_db: FakeGraphDatabase, url: str
) -> None:
    store, driver = _open(fake_db, url=url)
    assert driver.url == url
    assert driver.config["auth"] == ("stakegraph", "s3cret")
    assert driver.config["max_transaction_retry_time"] == 12.5
    store.ping()
    assert driver.session_configs[-1]["database"] == "accounts"
    # Every session chains on the driver's bookmarks: reads see this process's earlier writes.
    assert driver.session_configs[-1]["bookmark_manager"] is driver.execute_query_bookmark_manager
    store.close()
    assert driver.closed


def test_credentials_in_the_url_win_and_are_kept_out_of_it(fake_db: FakeGraphDatabase) -> None:
    _, driver = _open(fake_db, url="bolt://alice:p%40ss@db.example:7687")
    assert driver.url == "bolt://db.example:7687"
    assert driver.config["auth"] == ("alice", "p@ss")
    assert split_credentials("neo4j://[::1]:7687") == ("neo4j://[::1]:7687", None, None)
    assert split_credentials("neo4j://u:p@[::1]:7687") == ("neo4j://[::1]:7687", "u", "p")


def test_no_password_means_no_authentication(fake_db: FakeGraphDatabase) -> None:
    _, driver = _open(fake_db, neo4j_password="")
    assert driver.config["auth"] is None


def test_default_database_is_the_servers(fake_db: FakeGraphDatabase) -> None:
    store, driver = _open(fake_db, neo4j_database=None)
    store.ping()
    assert driver.session_configs[-1]["database"] is None


def test_open_store_picks_neo4j_and_creates_its_schema(fake_db: FakeGraphDatabase) -> None:
    store = open_store(_settings(url="bolt://db.example"))
    assert isinstance(store, Neo4jStore)
    texts = [text for _, text, _ in fake_db.drivers[-1].runs]
    assert texts == catalog.statements("schema_neo4j")


def test_the_real_driver_accepts_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real driver refuses unknown configuration keys; only the network check is skipped.
    monkeypatch.setattr(neo4j.Driver, "verify_connectivity", lambda self: None)
    store = Neo4jStore(_settings(url="neo4j://127.0.0.1:1"))
    assert isinstance(store._driver, neo4j.Driver)
    store.close()


# -- errors ------------------------------------------------------------------------------------
def test_unreachable_server_is_one_clear_error(fake_db: FakeGraphDatabase) -> None:
    fake_db.connect_error = ServiceUnavailable("Unable to retrieve routing information")
    with pytest.raises(StoreUnavailableError, match=r"neo4j://db\.example:7687 is not reachable"):
        Neo4jStore(_settings())
    assert fake_db.drivers[-1].closed


def test_wrong_credentials_name_the_settings(fake_db: FakeGraphDatabase) -> None:
    fake_db.connect_error = _server_error(UNAUTHORIZED, "authentication failure")
    with pytest.raises(StoreUnavailableError, match="neo4j_password"):
        Neo4jStore(_settings())


def test_a_refused_statement_names_it(fake_db: FakeGraphDatabase) -> None:
    store, driver = _open(fake_db)

    def refuse(_text: str, _params: dict[str, Any]) -> Rows:
        raise _server_error(SYNTAX, "Invalid input")

    driver.answer = refuse
    with pytest.raises(StoreError, match="Neo4j refused get_accounts"):
        store.get_account("northwind")


# -- routing: read vs write transactions -------------------------------------------------------
_WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE)\b")
_DATA_STATEMENTS = [n for n in catalog.statement_names() if not n.startswith("schema_")]


@pytest.mark.parametrize("name", _DATA_STATEMENTS)
def test_each_statement_runs_in_the_transaction_its_clauses_need(
    fake_db: FakeGraphDatabase, name: str
) -> None:
    store, driver = _open(fake_db)
    store._run(name, {"x": 1})
    writes = bool(_WRITE_CLAUSE.search(catalog.statement(name)))
    assert is_write(name) is writes
    assert driver.transactions == ["write" if writes else "read"]
    assert driver.runs == [(driver.transactions[0], catalog.statement(name), {"x": 1})]


def test_an_upsert_reads_then_writes_one_batch(fake_db: FakeGraphDatabase) -> None:
    store, driver = _open(fake_db, write_batch_size=1)
    stored = {"id": "globex", "name": "Globex", "domains": ["globex.example"]}

    def answer(text: str, params: dict[str, Any]) -> Rows:
        if text == catalog.statement("get_accounts"):
            return [{"props": stored}] if params["ids"] == ["globex"] else []
        return []

    driver.answer = answer
    result = store.upsert_accounts(sample.accounts())
    assert result.created == ["northwind"] and result.unchanged == ["globex"]
    assert [(mode, text) for mode, text, _ in driver.runs] == [
        ("read", catalog.statement("get_accounts")),
        ("write", catalog.statement("upsert_accounts")),
        ("read", catalog.statement("get_accounts")),
    ]
    [row] = driver.runs[1][2]["rows"]
    assert row["id"] == "northwind" and row["props"]["annual_value"] == 1e6
    # Every statement had its own session, closed again.
    assert driver.sessions_closed == len(driver.session_configs) == 3


def test_ensure_schema_runs_every_schema_statement_in_its_own_write(
    fake_db: FakeGraphDatabase,
) -> None:
    store, driver = _open(fake_db)
    store.ensure_schema()
    schema = catalog.statements("schema_neo4j")
    assert len(schema) >= 10
    assert all("IF NOT EXISTS" in text for text in schema)
    assert [text for _, text, _ in driver.runs] == schema
    assert driver.transactions == ["write"] * len(schema)


# -- retries: the driver's managed transactions, not a loop of ours -----------------------------
class _ScriptedTx(neo4j.ManagedTransaction):
    """A managed transaction whose ``run`` follows a script instead of talking to a server."""

    def __init__(self, script: Iterator[Exception | Rows], log: list[str]) -> None:
        self._script = script
        self._log = log

    def run(self, query: Any, parameters: Any = None, **kwargs: Any) -> Any:
        self._log.append(str(query))
        step = next(self._script)
        if isinstance(step, Exception):
            raise step
        return [FakeRecord(row) for row in step]

    def _commit(self) -> None:
        self._log.append("commit")

    def _close(self) -> None:
        self._log.append("rollback")


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[Neo4jStore, list[Any]]]:
    """A store on the real driver whose transactions follow a script; returns (store, log)."""

    def make(
        steps: Iterable[Exception | Rows], retry_time_s: float = 30.0
    ) -> tuple[Neo4jStore, list[Any]]:
        log: list[Any] = []
        script = iter(steps)

        def open_transaction(session: Any, **kwargs: Any) -> None:
            log.append(("begin", kwargs["access_mode"]))
            session._transaction = _ScriptedTx(script, log)

        monkeypatch.setattr(neo4j.Driver, "verify_connectivity", lambda self: None)
        monkeypatch.setattr(neo4j.Session, "_open_transaction", open_transaction)
        monkeypatch.setattr(neo4j.Session, "_disconnect", lambda self, sync=False: None)
        # The driver's back-off between attempts, recorded instead of slept, on a fake clock.
        clock = [0.0]

        def backoff(delay: float) -> None:
            log.append(("backoff", delay))
            clock[0] += delay

        monkeypatch.setattr("neo4j._sync.work.session.sleep", backoff)
        monkeypatch.setattr("neo4j._sync.work.session.monotonic", lambda: clock[0])
        calls = {"execute_write": 0, "execute_read": 0}
        for method in calls:
            real = getattr(neo4j.Session, method)

            def counted(self: Any, *args: Any, _real: Any = real, _m: str = method) -> Any:
                calls[_m] += 1
                return _real(self, *args)

            monkeypatch.setattr(neo4j.Session, method, counted)
        log.append(calls)
        store = Neo4jStore(
            _settings(url="neo4j://127.0.0.1:1", neo4j_max_transaction_retry_time_s=retry_time_s)
        )
        return store, log

    return make


def test_transient_errors_are_retried_by_the_driver(scripted: Any) -> None:
    deadlock = _server_error(DEADLOCK, "Deadlock detected")
    store, log = scripted([deadlock, [{"deleted": 3}], [{"deleted": 0}]])
    assert store.delete_everything() == 3
    calls, *events = log
    # One call of ours per statement; the driver ran the first one twice.
    assert calls == {"execute_write": 2, "execute_read": 0}
    text = catalog.statement("delete_everything")
    assert events == [
        ("begin", "WRITE"), text, "rollback", ("backoff", events[3][1]),
        ("begin", "WRITE"), text, "commit",
        ("begin", "WRITE"), text, "commit",
    ]  # fmt: skip
    store.close()


def test_reads_go_to_read_transactions_on_the_real_driver(scripted: Any) -> None:
    store, log = scripted([[{"ok": 1}]])
    assert store.ping() is True
    assert log[0] == {"execute_write": 0, "execute_read": 1}
    assert log[1] == ("begin", "READ")


def test_other_errors_are_not_retried(scripted: Any) -> None:
    store, log = scripted([_server_error(SYNTAX, "Invalid input 'MATCH'")])
    with pytest.raises(StoreError, match="refused get_accounts"):
        store.get_account("northwind")
    assert sum(1 for e in log[1:] if isinstance(e, tuple) and e[0] == "begin") == 1


def test_retries_stop_after_the_configured_time(scripted: Any) -> None:
    forever = itertools.repeat(_server_error(DEADLOCK, "Deadlock detected"))
    store, log = scripted(forever, retry_time_s=20)
    with pytest.raises(StoreError, match=r"still failing after retrying for 20s.*Deadlock"):
        store.upsert_accounts(sample.accounts()[:1])
    attempts = sum(1 for e in log[1:] if isinstance(e, tuple) and e[0] == "begin")
    backoffs = [e[1] for e in log[1:] if isinstance(e, tuple) and e[0] == "backoff"]
    # The driver backs off exponentially (about 1, 2, 4, 8 s) until the retry time is spent.
    assert attempts == len(backoffs) + 1
    assert 3 <= len(backoffs) <= 6
    assert all(later > earlier for earlier, later in itertools.pairwise(backoffs))
    assert sum(backoffs[:-1]) <= 20 < sum(backoffs)


# -- the contract suite runs against Neo4j when configured --------------------------------------
def test_contract_suite_runs_against_neo4j_when_configured() -> None:
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, STAKEGRAPH_TEST_NEO4J_URL="bolt://neo4j.invalid:7687")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "tests/store/test_contract.py"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    ).stdout  # fmt: skip
    ids = [line for line in out.splitlines() if "::" in line]
    neo = [i for i in ids if i.endswith("[neo4j]")]
    falkor = [i for i in ids if i.endswith("[falkordb]")]
    assert falkor, out
    assert [i.removesuffix("[neo4j]") for i in neo] == [
        i.removesuffix("[falkordb]") for i in falkor
    ]


def test_a_duplicate_id_is_its_own_error(fake_db: FakeGraphDatabase) -> None:
    # The store reads the batch again when a create loses a race; it must recognise the error.
    store, driver = _open(fake_db)

    def refuse(_text: str, _params: dict[str, Any]) -> Rows:
        raise _server_error(
            "Neo.ClientError.Schema.ConstraintValidationFailed", "already exists with label"
        )

    driver.answer = refuse
    with pytest.raises(DuplicateIdError, match="create_interactions"):
        store._run("create_interactions", {"rows": [], "ties": []})
