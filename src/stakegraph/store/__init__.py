"""The graph store: one port (:class:`GraphStore`), two adapters, chosen by one setting.

``STAKEGRAPH_GRAPH_URL`` empty means the embedded FalkorDB server; ``falkordb://host:port`` an
existing FalkorDB; ``neo4j://``, ``neo4j+s://`` or ``bolt://`` a Neo4j server.
"""

from __future__ import annotations

from stakegraph.errors import StoreError
from stakegraph.settings import Settings
from stakegraph.store.base import GraphStore, UpsertResult

__all__ = ["GraphStore", "UpsertResult", "open_store"]

_NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(settings: Settings, *, ensure_schema: bool = True) -> GraphStore:
    """Open the store the settings name and make sure its indexes and constraints exist."""
    url = settings.graph_url
    store: GraphStore
    if not url or url.startswith(("falkordb://", "redis://")):
        from stakegraph.store.falkor import FalkorStore

        store = FalkorStore(settings)
    elif url.startswith(_NEO4J_SCHEMES):
        from stakegraph.store.neo4j import Neo4jStore

        store = Neo4jStore(settings)
    else:
        raise StoreError(
            f"unsupported STAKEGRAPH_GRAPH_URL {url!r}: leave it empty for the embedded store, "
            "or use falkordb://host:port, neo4j://host or bolt://host"
        )
    if ensure_schema:
        store.ensure_schema()
    return store
