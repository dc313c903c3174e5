"""The FalkorDB adapter: the embedded server (default) or an existing one at falkordb://host:port."""

from __future__ import annotations

import json
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlparse

import orjson
import redis
from falkordb import FalkorDB
from falkordb.helpers import stringify_param_value
from falkordb.query_result import QueryResult

from stakegraph.errors import (
    DuplicateIdError,
    MaybeWrittenError,
    StoreError,
    StoreUnavailableError,
    ValidationFailed,
)
from stakegraph.settings import Settings
from stakegraph.store import catalog
from stakegraph.store.cypher_store import CypherStore
from stakegraph.store.embedded import EmbeddedServer

__all__ = ["FalkorStore", "cypher_literal", "cypher_params", "fast_literal"]

_UNIQUE = (
    "Account",
    "Contact",
    "TeamMember",
    "Interaction",
    "TieSet",
    "RoleChange",
    "Alert",
    "Webhook",
    "Delivery",
    "ApiKey",
)


_VALIDATED_WRITES = frozenset({"create_interactions", "create_contacts"})
"""Statements whose rows are made of validated entities (no NaN, no infinity): an import
sends a million interactions through them."""

_NUMBERS = frozenset((int, float))
_STRINGS = frozenset((str,))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cypher_literal(value: Any) -> str:
    """``value`` as a Cypher literal, as FalkorDB reads parameters (``CYPHER name=literal ...``).

    The text the ``falkordb`` client makes (save ``true``/``false`` for its ``True``/``False``),
    in about two thirds of its time: an import sends every record through here, so scalars in
    maps and lists of plain numbers or strings are written inline rather than by recursion.
    Strings escape only backslash and double quote (FalkorDB takes other characters as they
    are); map keys are backquoted. Other types go to the client's function.
    """
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is dict:
        parts = []
        for key, item in value.items():
            if type(key) is not str or not key or "`" in key:
                return str(stringify_param_value(value))  # refuses such keys, clearly
            item_kind = type(item)
            if item_kind is str:
                parts.append(f"`{key}`:" + _quote(item))
            elif item_kind is int or item_kind is float:
                parts.append(f"`{key}`:{item!r}")
            elif item is None:
                parts.append(f"`{key}`:null")
            elif item_kind is bool:
                parts.append(f"`{key}`:true" if item else f"`{key}`:false")
            else:
                parts.append(f"`{key}`:" + cypher_literal(item))
        return "{" + ",".join(parts) + "}"
    if kind is list or kind is tuple:
        kinds = set(map(type, value))
        if kinds <= _NUMBERS:
            return "[" + ",".join(map(repr, value)) + "]"
        if kinds == _STRINGS:
            return "[" + ",".join(map(_quote, value)) + "]"
        return "[" + ",".join([cypher_literal(item) for item in value]) + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return repr(value)
    return str(stringify_param_value(value))


_UNREAD_ESCAPE = re.compile(r'\\[^nrtbf"\\]')


def _has_map_key(text: str) -> bool:
    """Whether JSON text may hold a map key: a ``":`` whose quote ends a string.

    Inside a string every quote is escaped: when each ``":`` follows one backslash, and none
    follows an escaped backslash (``\\\\":``, which ends a string with a backslash), no quote
    before a colon ends a string. Three scans in C: a contact's card holds a dozen ``\\":``.
    """
    if '":' not in text:
        return False
    return text.count('":') != text.count('\\":') or '\\\\":' in text


def fast_literal(value: Any, *, finite: bool = False) -> str:
    """:func:`cypher_literal` of plain data, made by the C JSON encoder when JSON's text is
    Cypher's: an import sends every interaction through here, as a list of lists.

    JSON and Cypher literals differ in map keys (Cypher's are not quoted) and in escapes
    (FalkorDB reads ``\\n \\r \\t \\b \\f \\" \\\\`` but not ``\\u``). In JSON
    text every quote inside a string is escaped, so an unescaped ``"`` followed by ``:`` ends a
    map key (a ``\\":`` is inside a string: a contact's card holds many): for a map, any other
    escape or a value JSON cannot hold, the value goes to :func:`cypher_literal` instead.

    ``finite`` says the value holds no NaN or infinity (it was built from validated entities):
    the text is then made by orjson, which would write those as null.
    """
    try:
        if finite:
            # orjson writes this text (but a NaN or an infinity as null) in a seventh of the time.
            text = orjson.dumps(value).decode()
        else:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return cypher_literal(value)
    if _has_map_key(text) or ("\\" in text and _UNREAD_ESCAPE.search(text)):
        return cypher_literal(value)
    return text


def cypher_params(params: Mapping[str, Any] | None, *, finite: bool = False) -> str:
    """The ``CYPHER name=value ...`` header that passes ``params`` to a FalkorDB query
    (``finite``: see :func:`fast_literal`)."""
    if not params:
        return ""
    header = (
        "CYPHER "
        + " ".join(f"{k}={fast_literal(v, finite=finite)}" for k, v in params.items())
        + " "
    )
    if "\x00" in header:
        # FalkorDB reads the query as a C string: a NUL would cut it short. Entities refuse NUL
        # when validated (NO_NUL); this is for ids that come from elsewhere (a URL, say).
        named = sorted(k for k, v in params.items() if "\x00" in fast_literal(v))
        raise ValidationFailed(
            f"{', '.join(named)}: must not contain a NUL character (\\x00): "
            "the graph store cannot keep one"
        )
    return header


class _NotPlain(Exception):
    """A reply value that needs the client's own parser (a node, an edge, a map...)."""


def _plain(cell: list[Any]) -> Any:
    # One value of a compact reply, as falkordb's parse_scalar reads it, for the kinds stakegraph
    # queries return: null, string, integer, boolean, double, and lists and maps of them.
    kind, value = cell
    if kind == 2:
        return value.decode() if isinstance(value, bytes) else str(value)
    if kind == 3:
        return int(value)
    if kind == 5:
        return float(value)
    if kind == 1:
        return None
    if kind == 4:
        return (value.decode() if isinstance(value, bytes) else value) == "true"
    if kind == 6:
        return [_plain(item) for item in value]
    if kind == 10:  # a map (properties(n)): keys and values alternate, keys as plain strings
        keys = [key.decode() if isinstance(key, bytes) else str(key) for key in value[::2]]
        return dict(zip(keys, map(_plain, value[1::2]), strict=True))
    raise _NotPlain


def _records(reply: list[Any], graph: Any) -> list[dict[str, Any]]:
    """The rows of a compact GRAPH.QUERY reply as dicts by column name.

    Plain values are read here, at half the cost of the client's parser (a report reads a few
    thousand); a reply holding anything else goes through the client's parser.
    """
    for part in (reply[0], reply[-1]):
        if isinstance(part, redis.ResponseError):  # a run-time error travels in the reply
            raise part
    if len(reply) == 1:  # statistics only: a write without RETURN
        return []
    names = [
        _text(column[1] if isinstance(column, list | tuple) else column) for column in reply[0]
    ]
    try:
        return [dict(zip(names, map(_plain, row), strict=False)) for row in reply[1]]
    except _NotPlain:
        result = QueryResult(graph, reply)
        return [dict(zip(names, row, strict=False)) for row in result.result_set]


PROPERTY_NAMES = frozenset(
    re.findall(r"\b([a-z_]+): 0\b", catalog.statement("register_property_names_falkordb"))
)
"""The property names every graph knows before its first write (see :meth:`ensure_schema`)."""


def _refused(name: str, exc: redis.ResponseError) -> StoreError:
    """The store error of a statement the server refused."""
    if "unique constraint violation" in str(exc):
        return DuplicateIdError(f"FalkorDB refused {name}: {exc}")
    return StoreError(f"FalkorDB refused {name}: {exc}")


class _Sent:
    """A statement sent ahead on the store's sending connection, its answer not read yet."""

    __slots__ = ("error", "lost", "name", "params", "read", "reply", "store")

    def __init__(self, store: FalkorStore, name: str, params: Mapping[str, Any]) -> None:
        self.store = store
        self.name = name
        self.params = params
        self.read = False
        self.reply: list[Any] | None = None
        self.error: redis.ResponseError | None = None
        self.lost = False  # the connection broke before the answer came: run it again

    def rows(self) -> list[dict[str, Any]]:
        """Its rows, once its answer (and every answer sent before it) is read."""
        if not self.read:
            self.store._read_sent(until=self)
        if self.lost:
            try:
                return self.store._run(self.name, self.params)
            except DuplicateIdError as exc:
                raise MaybeWrittenError(str(exc)) from exc
        if self.error is not None:
            raise _refused(self.name, self.error) from self.error
        assert self.reply is not None
        try:
            return _records(self.reply, self.store._graph)
        except redis.ResponseError as exc:
            raise _refused(self.name, exc) from exc


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# How many stores of this process are open on each embedded server (by socket path): only the
# last one to close may stop the server, and only when no other process is connected.
_OPEN_STORES: dict[str, int] = {}
_OPEN_LOCK = threading.Lock()


class FalkorStore(CypherStore):
    """A :class:`~stakegraph.store.base.GraphStore` on FalkorDB."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._server: EmbeddedServer | None = None
        self._lock = threading.Lock()
        self._client_name = f"stakegraph-{os.getpid()}-{id(self):x}"
        if settings.embedded:
            self._server = EmbeddedServer(
                settings.data_dir, start_timeout_s=settings.server_start_timeout_s
            )
            self._connect_embedded()
            with _OPEN_LOCK:
                key = str(self._server.socket_path)
                _OPEN_STORES[key] = _OPEN_STORES.get(key, 0) + 1
        else:
            url = urlparse(settings.graph_url)
            if url.scheme not in ("falkordb", "redis"):
                raise StoreError(f"not a FalkorDB URL: {settings.graph_url!r}")
            self._db = FalkorDB(
                host=url.hostname or "localhost",
                port=url.port or 6379,
                password=url.password,
                username=url.username,
            )
        self._graph = self._db.select_graph(settings.graph_name)
        # Writes sent ahead (_send) go down one connection of their own, in order; their
        # answers are read when asked for, or before any other statement runs.
        self._sending: tuple[int, redis.Connection] | None = None
        self._sent: deque[_Sent] = deque()
        self._send_lock = threading.RLock()

    def _connect_embedded(self) -> None:
        assert self._server is not None
        path = self._server.ensure_running()
        # Every connection of this process carries one name, so close() can tell this process's
        # pooled connections from other processes' when it decides whether to stop the server.
        self._db = FalkorDB(unix_socket_path=str(path), client_name=self._client_name)

    @property
    def server(self) -> EmbeddedServer | None:
        """The embedded server, when this store runs on one."""
        return self._server

    def _send(self, name: str, params: Mapping[str, Any]) -> Callable[[], list[dict[str, Any]]]:
        """Send the write now and read its answer when the function returned is called.

        The database starts on it as soon as it is done with the writes sent before (one
        connection answers in order), so it need not wait for this process between two
        batches of an import; nor for the fsync of the batch before, which the server does
        while it already writes this one.
        """
        query = cypher_params(params, finite=name in _VALIDATED_WRITES) + catalog.statement(name)
        with self._send_lock:
            sent = _Sent(self, name, params)
            try:
                self._sending_connection().send_command(  # type: ignore[no-untyped-call]
                    "GRAPH.QUERY", self._graph.name, query, "--compact"
                )
            except (redis.ConnectionError, OSError):
                # Run when its answer is asked for, as _run runs it (reconnecting if the
                # embedded server was restarted), after the answers sent before it.
                sent.read = sent.lost = True
                self._read_sent()
                return sent.rows
            self._sent.append(sent)
        return sent.rows

    def _sending_connection(self) -> redis.Connection:
        if self._sending is None or self._sending[0] != os.getpid():
            pool = self._db.connection.connection_pool
            self._sending = (os.getpid(), pool.get_connection())
        return self._sending[1]

    def _read_sent(self, until: _Sent | None = None) -> None:
        """Read the answers of the writes sent ahead, in order (up to ``until``)."""
        with self._send_lock:
            while self._sent:
                sent = self._sent.popleft()
                sent.read = True
                try:
                    sent.reply = self._sending_connection().read_response()
                except redis.ResponseError as exc:
                    sent.error = exc
                except (redis.ConnectionError, OSError):
                    # The connection is gone: this write and those after it run again when
                    # their answers are asked for (a create refused whole if it was written).
                    sent.lost = True
                    for after in self._sent:
                        after.read = after.lost = True
                    self._sent.clear()
                    self._sending = None
                if sent is until:
                    return

    def _run(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        if self._sent:
            self._read_sent()  # what was sent before is written before this runs
        query = cypher_params(params, finite=name in _VALIDATED_WRITES) + catalog.statement(name)
        try:
            try:
                raw = self._query(query)
            except (redis.ConnectionError, FileNotFoundError, ConnectionRefusedError) as exc:
                if self._server is None:
                    raise StoreUnavailableError(f"FalkorDB is not reachable: {exc}") from exc
                # The last other user of the embedded server may just have shut it down: restart.
                with self._lock:
                    self._connect_embedded()
                    self._graph = self._db.select_graph(self.settings.graph_name)
                    self._sending = None  # a connection of the pool left behind
                raw = self._query(query)
            return _records(raw, self._graph)
        except redis.ResponseError as exc:
            raise _refused(name, exc) from exc

    def _query(self, query: str) -> list[Any]:
        # GRAPH.QUERY as the client sends it, the reply left unparsed (see _records).
        reply: list[Any] = self._graph.execute_command(
            "GRAPH.QUERY", self._graph.name, query, "--compact"
        )
        return reply

    def ensure_schema(self) -> None:
        for text in catalog.statements("schema_falkordb"):
            try:
                self._graph.query(text)
            except redis.ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise StoreError(f"FalkorDB refused the schema: {exc}") from exc
        for label in _UNIQUE:
            try:
                self._db.connection.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", self.settings.graph_name,
                    "UNIQUE", "NODE", label, "PROPERTIES", "1", "id",
                )  # fmt: skip
            except redis.ResponseError as exc:
                if "already exists" not in str(exc).lower():
                    raise StoreError(f"FalkorDB refused a constraint on {label}: {exc}") from exc
        # Every property name known before the first write that could be refused: FalkorDB
        # takes back the names a failed query added even when another query used them
        # meanwhile, and renames that query's properties (register_property_names_falkordb).
        known = set(self._run("get_property_names_falkordb")[0]["names"] or [])
        if not PROPERTY_NAMES.issubset(known):
            self._run("register_property_names_falkordb")

    def close(self) -> None:
        """Close connections; shut the embedded server down if no other process uses it."""
        self._stop_helper()
        with self._send_lock:
            if self._sent:
                self._read_sent()  # nobody asked for these answers: they are only read
            if self._sending is not None and self._sending[0] == os.getpid():
                self._db.connection.connection_pool.release(self._sending[1])
            self._sending = None
        server = self._server
        try:
            if server is not None:
                with _OPEN_LOCK:
                    key = str(server.socket_path)
                    _OPEN_STORES[key] = max(0, _OPEN_STORES.get(key, 1) - 1)
                    last_here = _OPEN_STORES[key] == 0
                if last_here and not self._others_connected():
                    server.stop()
        except redis.ConnectionError:
            pass
        finally:
            self._db.connection.close()

    def _others_connected(self) -> bool:
        """True when another process (or anything not stakegraph) is connected to the server."""
        ours = f"stakegraph-{os.getpid()}-"
        clients = self._db.connection.client_list()
        return any(not str(client.get("name") or "").startswith(ours) for client in clients)
