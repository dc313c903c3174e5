"""Contact cards: a report reads each contact as one JSON string, and gets the same contacts."""

from __future__ import annotations

import json

import pytest

from stakegraph.model import Account, Contact
from stakegraph.store import GraphStore, records

pytestmark = pytest.mark.store


def _contacts() -> list[Contact]:
    return [
        Contact(id="c1", account_id="acme", name="Zoë \"Z\" O'Neil\\",
                title="Chief Information Officer", email="Zoe@Acme.Example",
                buying_roles=["champion", "economic_buyer", "champion"],
                stance="supporter", department="IT\nOps"),
        Contact(id="c2", account_id="acme", name="Bo", title="Engineer", reports_to="c1",
                status="left", discovered=True),
        Contact(id="c3", account_id="acme", name="Cy", seniority="vp", function="business"),
    ]  # fmt: skip


def test_cards_read_back_as_the_contacts_written(store: GraphStore) -> None:
    store.upsert_accounts([Account(id="acme", name="Acme")])
    store.upsert_contacts(_contacts())
    snap = store.account_snapshot("acme")
    assert list(snap.contacts) == sorted(_contacts(), key=lambda c: c.id)
    assert [c.model_dump(mode="json") for c in snap.contacts] == [
        c.model_dump(mode="json") for c in sorted(_contacts(), key=lambda c: c.id)
    ]
    # Every other read leaves the card out, and so does the export.
    assert store.get_contact("c1") == _contacts()[0]
    assert all("card" not in record for section, record in store.export() if section == "contacts")


@pytest.mark.unit
def test_a_card_with_an_unknown_value_is_validated_and_refused() -> None:
    card = json.loads(records.contact_props(_contacts()[1])["card"])
    assert records.contacts_from_cards([json.dumps(card)]) == [_contacts()[1]]
    card["seniority"] = "emperor"
    with pytest.raises(ValueError, match="seniority"):
        records.contacts_from_cards([json.dumps(card)])


@pytest.mark.unit
def test_cards_that_need_validating_keep_their_place() -> None:
    cards = [records.contact_props(c)["card"] for c in _contacts()]
    older = json.loads(cards[1])
    del older["discovered"]  # a card written before the field existed: validated, default
    cards[1] = json.dumps(older)
    expected = [*_contacts()]
    expected[1] = expected[1].model_copy(update={"discovered": False})
    assert records.contacts_from_cards(cards) == expected
    assert records.contacts_from_cards(cards[::-1]) == expected[::-1]


@pytest.mark.unit
def test_stored_properties_are_the_models_json_values() -> None:
    contacts = [
        *_contacts(),
        Contact(id="c4", account_id="acme", name="Di", buying_roles=["user"], email=None),
    ]
    for contact in contacts:
        props = records.contact_props(contact)
        card = props.pop("card")
        dumped = contact.model_dump(mode="json")
        assert props == dumped and list(props) == list(dumped)
        # Plain values (no enum members), so role changes and comparisons see plain text.
        assert all(type(v) in (str, bool, list, type(None)) for v in props.values())
        assert all(type(r) is str for r in props["buying_roles"])
        assert card == json.dumps(dumped, ensure_ascii=False, separators=(",", ":"))
