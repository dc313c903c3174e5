"""The streaming bundle reader: every layout, every cut, every window boundary."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stakegraph.bundle import io as bundle_io
from stakegraph.bundle.io import read_bundle
from stakegraph.errors import BundleError
from stakegraph.ingest import Reject

pytestmark = pytest.mark.unit

BUNDLE: dict[str, Any] = {
    "format": "stakegraph-bundle",
    "version": 1,
    "accounts": [{"id": "a1", "name": 'Zoë "Z" & Co\\', "domains": ["z.example"], "v": 1.5e6}],
    "team": [],
    "contacts": [
        {"id": "c1", "account_id": "a1", "name": "😀 Ann", "title": "VP\nIT", "n": -12345678901},
        {"id": "c2", "account_id": "a1", "name": "Bob", "reports_to": "c1", "x": [1, [2, {}]]},
    ],
    "interactions": [{"id": "i1", "ok": True, "no": False, "none": None, "s": 0.1}],
}


def _read(data: bytes | str, chunk: int | None = None) -> list[Any]:
    raw = data.encode() if isinstance(data, str) else data
    return list(read_bundle(io.BytesIO(raw), source="t.json"))


def _records(bundle: dict[str, Any]) -> list[tuple[str, Any, str]]:
    return [
        (section, record, f"{section}[{n}]")
        for section in ("accounts", "team", "contacts", "interactions")
        for n, record in enumerate(bundle.get(section, []))
    ]


@pytest.fixture(params=[1, 7, 64, 1 << 20], ids=lambda n: f"window{n}")
def window(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Read in windows this small: every value is cut at some point and read on."""
    monkeypatch.setattr(bundle_io, "_CHUNK", request.param)
    return int(request.param)


@pytest.mark.parametrize(
    "dump",
    [
        lambda b: json.dumps(b),
        lambda b: json.dumps(b, indent=2),
        lambda b: json.dumps(b, separators=(",", ":"), ensure_ascii=False),
        lambda b: "\ufeff" + json.dumps(b, indent="\t", ensure_ascii=False) + "\n\n",
    ],
    ids=["spaced", "indented", "compact-utf8", "bom-tabs"],
)
def test_any_layout_reads_the_same_records(dump: Any, window: int) -> None:
    assert _read(dump(BUNDLE)) == _records(BUNDLE)


def test_the_exporters_layout(window: int) -> None:
    out = io.StringIO()
    bundle_io.write_bundle(
        [(s, r) for s, r, _ in _records(BUNDLE)],
        out,
    )
    assert _read(out.getvalue()) == _records(BUNDLE)


@settings(max_examples=60, deadline=None)
@given(
    records=st.lists(
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=5,
    ),
    indent=st.sampled_from([None, 0, 1]),
)
def test_any_values_come_through_as_json_reads_them(records: list[Any], indent: Any) -> None:
    bundle = {"format": "stakegraph-bundle", "version": 1, "contacts": records}
    got = _read(json.dumps(bundle, indent=indent, ensure_ascii=False))
    assert got == _records(bundle)


def test_every_cut_keeps_what_came_before_and_says_where_it_broke() -> None:
    text = json.dumps(BUNDLE, indent=1)
    full = _records(BUNDLE)
    for cut in range(1, len(text)):
        try:
            got = _read(text[:cut])
        except BundleError as exc:
            assert "empty" in exc.message or cut < len('{"format": "stakegraph-bundle"')
            continue
        records = [g for g in got if not isinstance(g, Reject)]
        assert records == full[: len(records)], cut
        rejects = [g for g in got if isinstance(g, Reject)]
        assert len(rejects) == 1 and "breaks off" in rejects[0].reason, (cut, got[-1:])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ("accounts: []", "not JSON"),
        ("[1, 2]", "top level"),
        ('"a bundle"', "top level"),
        ('{"format": "other"}', "format is 'other'"),
        ('{"format": "stakegraph-bundle", "version": 2}', "version 2 is not supported"),
        (b'\xff\xfe{"a": 1}', "not JSON"),
    ],
)
def test_not_a_bundle(text: str | bytes, message: str) -> None:
    with pytest.raises(BundleError, match=message):
        _read(text)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ('{"accounts": {"id": "a"}}', "accounts", "accounts has the wrong type (start_map)"),
        ('{"version": "1"}', "version", "version has the wrong type (string)"),
        ('{"format": true}', "format", "format has the wrong type (boolean)"),
        ('{"extra": [1, 2, 3]}', "extra", "unknown top-level field 'extra' ignored"),
        ('{"contacts": [{"id": "a"} {"id": "b", "name": "no comma"}]}', "contacts[1]", "malformed"),
        ('{"contacts": [{"id": "a", "n": NaN, "name": "not JSON"}]}', "contacts[0]", "malformed"),
        ('{"contacts": [{"id": "a\nb", "name": "a raw newline"}]}', "contacts[0]", "malformed"),
        ('{"contacts": []} trailing', "top level", "malformed JSON"),
        ('{"contacts": [], "team": [', "team[0]", "the file breaks off"),
        ('{"contacts": [], ', "end of file", "the file breaks off"),
    ],
)
def test_reported_problems(text: str, where: str, reason: str) -> None:
    rejects = [r for r in _read(text) if isinstance(r, Reject)]
    assert [(r.location, r.reason.startswith(reason)) for r in rejects] == [(where, True)], rejects


def test_scalar_items_are_passed_on_for_the_model_to_refuse() -> None:
    assert _read('{"team": [1, "x", null]}') == [
        ("team", 1, "team[0]"), ("team", "x", "team[1]"), ("team", None, "team[2]"),
    ]  # fmt: skip


def test_a_malformed_record_stops_reading_without_reading_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A broken record early in a large file is reported at once: the rest is not read first.
    monkeypatch.setattr(bundle_io, "_CHUNK", 64)
    tail = ",".join(json.dumps({"id": f"c{n}"}) for n in range(10_000))
    stream = io.BytesIO(('{"contacts": [{"id": "a",, "b"}, ' + tail + "]}").encode())
    got = list(read_bundle(stream, source="t.json"))
    assert [g.location for g in got if isinstance(g, Reject)] == ["contacts[0]"]
    assert stream.tell() < 1000
