"""Parameters reach FalkorDB intact through stakegraph's own (faster) literal encoding."""

from __future__ import annotations

import json
from typing import Any

import pytest
from falkordb.helpers import stringify_param_value
from pydantic import ValidationError

from stakegraph.errors import ValidationFailed
from stakegraph.model import Account, Contact, error_message
from stakegraph.store import GraphStore
from stakegraph.store.falkor import cypher_literal, cypher_params, fast_literal

TRICKY = [
    "plain", 'a "quoted" word', "back\\slash", "ends with \\", '\\"', "new\nline\ttab\rcr",
    "bell\x07", "é ü ß", "😀", "line\u2028sep", "it's", "`backquote`", "{not: a map}", "",
]  # fmt: skip

# Booleans aside (the client writes True, stakegraph true: Cypher takes both).
VALUES: list[Any] = [
    None, 0, -7, 2**62, 1.5, -0.25, 1e16, 1e-7, 0.1 + 0.2, [], {},
    ["a", 1, 2.5, None], {"id": "x", "props": {"n": 1, "tags": ["a", "b"], "z": None}},
    [{"team_id": "t", "masses": [0.0, 0.5123456789, 0.0]}], *TRICKY,
]  # fmt: skip


@pytest.mark.unit
@pytest.mark.parametrize("value", VALUES)
def test_literals_are_the_clients_text(value: Any) -> None:
    assert cypher_literal(value) == stringify_param_value(value)


@pytest.mark.unit
def test_params_header() -> None:
    assert cypher_params({}) == ""
    assert cypher_literal([True, False, {"ok": True}]) == "[true,false,{`ok`:true}]"
    assert cypher_params({"ids": ["a"], "limit": 3}) == 'CYPHER ids=["a"] limit=3 '
    with pytest.raises(ValueError, match="backtick"):
        cypher_literal({"a`b": 1})


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "plain_json"),
    [
        (['{"id":"c1","n":2}', 'ends with \\":'], True),  # a card: text that quotes JSON
        ([{"id": "c1"}], False),  # a map: keys are not quoted in Cypher
        (["a\\", {"k": 1}], False),  # a string ending in a backslash, then a map
        (['\\":'], True),  # an escaped backslash, then an escaped quote
    ],
)
def test_fast_literals_are_json_unless_a_map_needs_cypher_keys(
    value: Any, plain_json: bool
) -> None:
    text = fast_literal(value)
    assert (text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))) is plain_json
    assert text == cypher_literal(value) or plain_json


@pytest.mark.store
def test_tricky_text_round_trips_through_the_store(store: GraphStore) -> None:
    accounts = [
        Account(id=f"a{n}", name=text or "-", domains=["x.example"])
        for n, text in enumerate(TRICKY)
    ]
    store.upsert_accounts(accounts)
    assert store.list_accounts() == sorted(accounts, key=lambda a: a.id)
    contact = Contact(id='c"1\\', account_id="a0", name='Zoë "Z" O\'Neil\\', title="VP\nIT")
    store.upsert_contacts([contact])
    assert store.get_contact('c"1\\') == contact
    # Writing the same records again changes nothing: what was read back is what was sent.
    assert store.upsert_accounts(accounts).unchanged == [a.id for a in accounts]


@pytest.mark.store
@pytest.mark.parametrize(
    "value",
    [
        *VALUES,
        {"not an identifier": 1, "x": "ctl\x01\x1f"},
        ["\\u0041", 'a,"k":1', '{"id":"c1","n":[2]}', 'ends with \\":', '\\":'],
    ],
)
@pytest.mark.parametrize("finite", [False, True], ids=["json", "orjson"])
def test_fast_literals_read_back_as_sent(store: GraphStore, value: Any, finite: bool) -> None:
    graph = store._graph  # type: ignore[attr-defined]
    text = fast_literal(value, finite=finite)
    got = graph.query("CYPHER v=" + text + " RETURN $v").result_set[0][0]
    # FalkorDB prints floats back with 15 significant digits; what it stored is exact.
    assert got == (pytest.approx(value, rel=1e-14) if isinstance(value, float) else value)
    if finite and isinstance(value, float):  # the same number, however it is spelled
        assert float(text) == value


@pytest.mark.store
def test_a_nul_character_is_refused_by_name_not_cut_short(store: GraphStore) -> None:
    # FalkorDB reads the query as a C string: a NUL would end it early and the server would
    # answer with a parse error about a truncated query. The store names the parameter instead.
    with pytest.raises(ValidationFailed, match=r"must not contain a NUL character"):
        store.existing_ids("Account", ["acme\x00"])
    with pytest.raises(ValidationFailed, match="NUL"):
        store.get_contact("c\x00")


@pytest.mark.unit
def test_entities_refuse_a_nul_character_in_words() -> None:
    with pytest.raises(ValidationError) as caught:
        Contact(id="c1", account_id="a", name="Zo\x00e")
    (error,) = caught.value.errors()
    assert error["loc"] == ("name",)
    assert error_message(error).startswith("must not contain a NUL character")
    for bad in ({"id": "a\x00"}, {"domains": ["x\x00.example"]}):
        with pytest.raises(ValidationError):
            Account.model_validate({"id": "a", "name": "A", **bad})


@pytest.mark.store
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_replies_read_without_the_client_parser_are_what_it_reads(
    store: GraphStore, value: Any
) -> None:
    # Maps (properties(n), say) included: stakegraph reads plain replies itself.
    from falkordb.query_result import QueryResult

    from stakegraph.store.falkor import _records

    graph = store._graph  # type: ignore[attr-defined]
    query = cypher_params({"v": value}) + "RETURN $v AS v, {a: $v, b: [$v, {c: $v}]} AS m"
    reply = store._query(query)  # type: ignore[attr-defined]
    ours = _records(reply, graph)
    theirs = QueryResult(graph, reply).result_set
    assert ours == [{"v": theirs[0][0], "m": theirs[0][1]}]
    assert ours[0]["m"]["b"][1]["c"] == ours[0]["v"]
