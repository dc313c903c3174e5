"""Every property name is known to a FalkorDB graph before its first write.

FalkorDB gives a property name its number when a query that writes it is planned, and a query
that fails (a create refused by a unique constraint) takes back the names it added, even when a
query planned meanwhile on another connection wrote nodes with them. The next new name then gets
that number, and those nodes' properties are renamed. The store's schema makes every name known
first, so no write adds one; these tests race the two creates and check the list is complete.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import redis

from stakegraph.model import Account, Contact, Interaction, RoleChange, TeamMember
from stakegraph.settings import Settings
from stakegraph.store import open_store
from stakegraph.store.embedded import EmbeddedServer
from stakegraph.store.falkor import PROPERTY_NAMES

pytestmark = pytest.mark.store

_ROOT = Path(__file__).resolve().parents[2]


def _create(rows: list[list[object]]) -> str:
    return (
        f"CYPHER rows={json.dumps(rows)} UNWIND $rows AS r "
        "CREATE (i:Interaction {id: r[0], kind: r[1], occurred_at: r[2], team_ids: r[3]})"
    )


def test_a_refused_create_beside_another_leaves_its_properties_alone(settings: Settings) -> None:
    socket = str(EmbeddedServer(settings.data_dir).socket_path)
    for round_ in range(12):
        cfg = settings.model_copy(update={"graph_name": f"{settings.graph_name}_{round_}"})
        store = open_store(cfg)
        try:
            store.ensure_schema()
            store.upsert_accounts([Account(id="a", name="A")])  # the graph's first data
            refused, kept = (redis.UnixDomainSocketConnection(path=socket) for _ in range(2))
            try:
                # The id the refused create will meet, stored with no other property: the
                # names the two creates write are new to a graph without the schema's list.
                refused.send_command(
                    "GRAPH.QUERY", cfg.graph_name, "CREATE (:Interaction {id: 'x'})"
                )
                assert refused.read_response()
                # Both sent before either answer is read: the server plans them side by side.
                refused.send_command(
                    "GRAPH.QUERY", cfg.graph_name,
                    _create([["x", "call", 1, []], *[[f"r{k}", "call", k, []] for k in range(50)]]),
                )  # fmt: skip
                kept.send_command(
                    "GRAPH.QUERY", cfg.graph_name,
                    _create([[f"k{k}", "meeting", k, ["t"]] for k in range(5)]),
                )  # fmt: skip
                with pytest.raises(redis.ResponseError, match="unique constraint"):
                    refused.read_response()
                kept.read_response()
            finally:
                refused.disconnect()
                kept.disconnect()
            # A name nobody used before: with the bug it takes a number the refused create gave
            # back, and the kept nodes' properties come back under it.
            store._run("register_property_names_falkordb")  # type: ignore[attr-defined]
            rows = store._graph.query(  # type: ignore[attr-defined]
                "MATCH (i:Interaction) WHERE i.id STARTS WITH 'k' RETURN properties(i)"
            ).result_set
            assert len(rows) == 5
            for (props,) in rows:
                assert set(props) == {"id", "kind", "occurred_at", "team_ids"}, props
        finally:
            store.delete_everything()
            store.close()


def _names_in_use() -> set[str]:
    """The property names the statements, the model and the record builders write."""
    names: set[str] = set()
    for path in (_ROOT / "cypher").glob("*.cypher"):
        if "neo4j" in path.name or path.name.startswith("register_property_names"):
            continue
        text = "\n".join(
            line for line in path.read_text().splitlines() if not line.lstrip().startswith("//")
        )
        names |= set(re.findall(r"\b[a-z]\w*\.([a-z_]+)\b", text))  # n.name
        names |= set(re.findall(r"[{,]\s*([a-z_]+)\s*:", text))  # {name: ...}
    for model in (Account, Contact, Interaction, RoleChange, TeamMember):
        names |= set(model.model_fields)
    for builder in ("records.py", "alertrecords.py", "keyrecords.py"):
        source = (_ROOT / "src/stakegraph/store" / builder).read_text()
        names |= set(re.findall(r'^\s+"([a-z_]+)":', source, re.MULTILINE))  # "name": value
    return names


def test_every_property_name_written_is_known_beforehand() -> None:
    missing = _names_in_use() - PROPERTY_NAMES
    assert not missing, f"add to cypher/register_property_names_falkordb.cypher: {missing}"


def test_a_new_store_knows_them_and_keeps_no_node_for_it(settings: Settings) -> None:
    store = open_store(settings)
    try:
        store.ensure_schema()
        known = set(store._run("get_property_names_falkordb")[0]["names"])  # type: ignore[attr-defined]
        assert known >= PROPERTY_NAMES
        nodes = store._graph.query("MATCH (n) RETURN count(n)").result_set  # type: ignore[attr-defined]
        assert nodes == [[0]]
    finally:
        store.delete_everything()
        store.close()
