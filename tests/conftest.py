"""Shared fixtures: a real embedded FalkorDB server for the whole session, a fresh graph per test.

Tests that need Neo4j run against it only when ``STAKEGRAPH_TEST_NEO4J_URL`` is set (with
``STAKEGRAPH_TEST_NEO4J_USER``, ``..._PASSWORD`` and ``..._DATABASE``); that database is emptied
before and after every test that uses it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from stakegraph.settings import Settings, get_settings
from stakegraph.store import GraphStore, open_store
from stakegraph.store.embedded import EmbeddedServer

NEO4J_URL = os.environ.get("STAKEGRAPH_TEST_NEO4J_URL", "")


@pytest.fixture(scope="session")
def falkor_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory whose embedded server lives for the whole test session."""
    data_dir = tmp_path_factory.mktemp("stakegraph-data")
    server = EmbeddedServer(data_dir)
    server.ensure_running()
    # A connection held open for the session, so that no test's close() stops the server.
    import redis

    keeper = redis.Redis(unix_socket_path=str(server.socket_path))
    keeper.ping()
    yield data_dir
    keeper.close()
    server.stop()


def _graph_name() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(falkor_data_dir: Path) -> Settings:
    """Settings for a fresh graph on the session's embedded server."""
    return get_settings(data_dir=falkor_data_dir, graph_url="", graph_name=_graph_name())


def _drop(store: GraphStore, settings: Settings) -> None:
    from stakegraph.store.falkor import FalkorStore

    if isinstance(store, FalkorStore):
        import contextlib

        import redis

        with contextlib.suppress(redis.ResponseError):
            store._graph.delete()


@pytest.fixture
def store(settings: Settings) -> Iterator[GraphStore]:
    """A store on a fresh, empty graph of the embedded FalkorDB."""
    opened = open_store(settings)
    yield opened
    _drop(opened, settings)
    opened.close()


def _backends() -> list[str]:
    return ["falkordb", "neo4j"] if NEO4J_URL else ["falkordb"]


@pytest.fixture(params=_backends())
def contract_store(request: pytest.FixtureRequest, falkor_data_dir: Path) -> Iterator[GraphStore]:
    """The store-contract suite's store: embedded FalkorDB always, Neo4j when configured."""
    if request.param == "falkordb":
        cfg = get_settings(data_dir=falkor_data_dir, graph_url="", graph_name=_graph_name())
    else:
        cfg = get_settings(
            graph_url=NEO4J_URL,
            neo4j_user=os.environ.get("STAKEGRAPH_TEST_NEO4J_USER", "neo4j"),
            neo4j_password=os.environ.get("STAKEGRAPH_TEST_NEO4J_PASSWORD", ""),
            neo4j_database=os.environ.get("STAKEGRAPH_TEST_NEO4J_DATABASE") or None,
        )
    opened = open_store(cfg)
    if request.param == "neo4j":
        # One Neo4j database serves every test: each starts from an empty graph. Point the
        # variable at a throw-away database, never at one holding data you want to keep.
        opened.delete_everything()
    yield opened
    if request.param == "neo4j":
        opened.delete_everything()
    _drop(opened, cfg)
    opened.close()
