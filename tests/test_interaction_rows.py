"""The import's shortcut for interaction records gives exactly what the model gives, or steps
aside: a record it vouches for is one the model accepts, with the same stored row."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from stakegraph.ingest import validate
from stakegraph.interaction_rows import checked_row
from stakegraph.model import Interaction
from stakegraph.store.records import interaction_row

pytestmark = pytest.mark.unit

PLAIN = {
    "id": "i0000001",
    "account_id": "a0020",
    "kind": "email",
    "occurred_at": "2024-06-22T09:28:33Z",
    "team_ids": ["t0028"],
    "contact_ids": ["c0026-023", "c0026-054"],
    "subject": "Check-in",
    "direction": "outbound",
    "answered": True,
    "sentiment": -0.83,
}

_IDS = st.sampled_from(
    [
        "i1",
        "a-1",
        " i1",
        "i1 ",
        "",
        "x" * 256,
        "x" * 257,
        "\x1ci",
        "é",
        "i\u3000",
        "i\x00",
        "i\ud800",
        5,
        None,
    ]
)
_TIMES = st.builds(
    "{}-{}-{}{}{}:{}:{}{}{}".format,
    st.sampled_from(["0000", "0001", "1970", "2024", "9999", "２０２４"]),
    st.sampled_from(["00", "01", "02", "12", "13"]),
    st.sampled_from(["00", "01", "29", "30", "31", "32"]),
    st.sampled_from(["T", " ", "t"]),
    st.sampled_from(["00", "09", "23", "24"]),
    st.sampled_from(["00", "59", "60"]),
    st.sampled_from(["00", "33", "59", "60", "61"]),
    st.sampled_from(["", ".5", ".123", ".1236", ".999999", ".1234567", "."]),
    st.sampled_from(
        ["", "Z", "z", "+00:00", "-00:00", "+23:59", "+24:00", "+05:30", "-12:00", "+0530"]
    ),
)
_ID_LISTS = st.one_of(st.lists(_IDS, max_size=4), st.sampled_from([None, "t1", ("t1",), {"t1": 1}]))
_FIELDS: dict[str, Any] = {
    "id": _IDS,
    "account_id": _IDS,
    "kind": st.sampled_from(["meeting", "call", "email", "event", "message", " call", "CALL", 3]),
    "occurred_at": st.one_of(_TIMES, st.sampled_from([1700000000, None, "yesterday", ""])),
    "team_ids": _ID_LISTS,
    "contact_ids": _ID_LISTS,
    "sentiment": st.one_of(
        st.floats(-2, 2), st.integers(-2, 2), st.sampled_from([True, "0.5", None, float("nan")])
    ),
    "concern": st.sampled_from([True, False, 1, 0, "true", None]),
    "follow_up": st.sampled_from(
        [None, "", "call back", " call back", "x" * 5001, "\x00", "\udc00", "ü", 5]
    ),
    "subject": st.sampled_from([None, "", "Renewal", "Renewal\n", "x" * 1000, "x" * 1001]),
    "direction": st.sampled_from([None, "inbound", "outbound", "in", "Inbound", 1]),
    "answered": st.sampled_from([None, True, False, 1, "yes"]),
    "location": st.just("room 4"),  # not a field of the model
}


def _model_row(raw: dict[str, Any]) -> Any:
    try:
        return interaction_row(Interaction.model_validate(raw))
    except ValidationError:
        return None


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    record = dict(PLAIN)
    for name in draw(st.sets(st.sampled_from(sorted(_FIELDS)), max_size=4)):
        if draw(st.booleans()) and name in record:
            del record[name]
        else:
            record[name] = draw(_FIELDS[name])
    return record


@settings(max_examples=3000, deadline=None)
@given(_records())
def test_a_vouched_record_is_what_the_model_makes_of_it(raw: dict[str, Any]) -> None:
    fast = checked_row(raw)
    if fast is not None:
        model = _model_row(raw)
        assert model is not None, "the shortcut accepted what the model refuses"
        assert fast == model
        # The same values of the same types: what the database is sent is the same text.
        assert json.dumps(fast) == json.dumps(model)


@settings(max_examples=2000, deadline=None)
@given(_TIMES)
def test_a_vouched_time_is_what_the_model_makes_of_it(text: str) -> None:
    raw = {**PLAIN, "occurred_at": text}
    fast = checked_row(raw)
    if fast is not None:
        assert fast == _model_row(raw)


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"occurred_at": "2024-06-22T09:28:33.123456+02:00"},
        {"occurred_at": "2024-06-22T09:28:33"},
        {"occurred_at": "2024-06-22T09:28:33.999999-05:00"},
        {"sentiment": 1},
        {"team_ids": ["t1", "t1", "t2"]},
        {"concern": True, "follow_up": "send pricing", "direction": None, "answered": None},
    ],
)
def test_plain_records_take_the_shortcut(change: dict[str, Any]) -> None:
    raw = {**PLAIN, **change}
    fast = checked_row(raw)
    assert fast is not None and fast == _model_row(raw)


def test_other_records_are_left_to_the_model_which_names_the_field() -> None:
    raw = {**PLAIN, "occurred_at": "22 June 2024"}
    assert checked_row(raw) is None
    reject = validate(("interactions", raw, "interactions[7]"), "b.json")
    assert not isinstance(reject, tuple)
    assert (reject.field, reject.location, reject.id) == (
        "occurred_at",
        "interactions[7]",
        PLAIN["id"],
    )
    # Accepted by the model in another shape: the same row as the plain spelling.
    spelled = validate(("interactions", {**PLAIN, "sentiment": "-0.83"}, "x"), "b.json")
    assert spelled == ("interactions", checked_row(PLAIN), "x")


def test_a_time_out_of_range_in_utc_is_a_reject_not_a_crash() -> None:
    raw = {**PLAIN, "occurred_at": "0001-01-01T00:00:00+01:00"}
    reject = validate(("interactions", raw, "interactions[0]"), "b.json")
    assert not isinstance(reject, tuple) and reject.field == "occurred_at"
