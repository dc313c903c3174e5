"""Address normalisation and people matching."""

from __future__ import annotations

import pytest

from stakegraph.importers.identity import (
    Address,
    IdentityIndex,
    PeopleResolver,
    display_name,
    normalise_email,
    parse_addresses,
)
from stakegraph.importers.records import ImportStats

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jane.Doe@Acme.COM", "jane.doe@acme.com"),
        (" <jane.doe+crm@acme.com> ", "jane.doe@acme.com"),
        ("MAILTO:jane@acme.com", "jane@acme.com"),
        ("jane@acme.com.", "jane@acme.com"),
        ("w..delainey@enron.com", "w..delainey@enron.com"),  # real Enron addresses look like this
        (".dow@enron.com", None),  # and this is what a conversion left of colette.dow@ubsw.com
        ("dow.@enron.com", None),
        ("+tag@acme.com", "+tag@acme.com"),
        ("Enron Announcements/Corp/Enron@ENRON", None),  # a Lotus Notes name, not an address
        ("jane@", None),
        ("two@at@signs.com", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_email(raw: str | None, expected: str | None) -> None:
    assert normalise_email(raw) == expected


def test_parse_addresses_decodes_rfc2047_and_turns_last_first_round() -> None:
    value = (
        '"Derrick, James (Enron)" <james.derrick@enron.com>, '
        "=?iso-8859-1?q?Jos=E9_N=FA=F1ez?= <Jose.Nunez+x@Northwind.example>, "
        "=?utf-8?B?SsO8cmdlbg==?= <j@x.example>, plain@x.example, undisclosed-recipients:;"
    )
    assert parse_addresses(value) == [
        Address("james.derrick@enron.com", "James Derrick"),
        Address("jose.nunez@northwind.example", "José Núñez"),
        Address("j@x.example", "Jürgen"),
        Address("plain@x.example", ""),
    ]


def test_lotus_notes_wrapped_address_is_recovered() -> None:
    # Enron's exports wrap Internet addresses as 'Name <addr>@ENRON'.
    assert parse_addresses("'Paul Posoli <paulp@calpine.com>@ENRON'") == [
        Address("paulp@calpine.com", "Paul Posoli")
    ]


def test_display_name_ignores_an_address_used_as_name() -> None:
    assert display_name("\"'rick.buy@enron.com'\"") == ""


def test_subdomains_belong_to_the_account_and_to_us() -> None:
    index = IdentityIndex.from_rows(our_domains=["ours.example"], accounts=[("a", ["acme.com"])])
    assert index.account_for_domain("mail.eu.acme.com") == "a"
    assert index.account_for_domain("notacme.com") is None
    assert index.is_ours("bob@sales.ours.example")


def test_resolver_discovers_contacts_at_tracked_domains_and_counts_the_rest() -> None:
    index = IdentityIndex.from_rows(
        our_domains=["ours.example"],
        accounts=[("acme", ["acme.com"])],
        contacts=[("c1", "acme", "known@acme.com")],
    )
    stats = ImportStats()
    people = PeopleResolver(index, stats, source="test")
    assert people.resolve(Address("known@acme.com", ""), "here").id == "c1"  # type: ignore[union-attr]
    new = people.resolve(Address("new.person@acme.com", ""), "here")
    assert new is not None and new.side == "contact" and new.account_id == "acme"
    ours = people.resolve(Address("me@ours.example", "Me Myself"), "here")
    assert ours is not None and ours.side == "team"
    assert people.resolve(Address("x@elsewhere.org", ""), "here") is None
    created = people.take_new()
    assert [(r.section, r.data["id"]) for r in created] == [
        ("contacts", "email:new.person@acme.com"),
        ("team", "email:me@ours.example"),
    ]
    assert created[0].data["discovered"] is True and created[0].data["title"] is None
    assert created[0].data["name"] == "New Person"
    assert stats.unknown_domains == {"elsewhere.org": 1}
    # Known now: resolving again creates nothing.
    people.resolve(Address("new.person@acme.com", ""), "here")
    assert people.take_new() == []


def test_discarded_people_are_forgotten() -> None:
    index = IdentityIndex.from_rows(our_domains=["ours.example"])
    people = PeopleResolver(index, ImportStats(), source="test")
    people.resolve(Address("me@ours.example", ""), "here")
    people.discard_new()
    assert "me@ours.example" not in index.team_by_email
    people.resolve(Address("me@ours.example", ""), "here")
    assert len(people.take_new()) == 1


def test_index_from_store_rows() -> None:
    rows = [
        ("accounts", {"id": "a", "domains": ["acme.com"]}),
        ("team", {"id": "t", "email": "T@Ours.example"}),
        ("contacts", {"id": "c", "account_id": "a", "email": None}),
    ]
    index = IdentityIndex.from_identity_rows(rows, ["ours.example"])
    assert index.account_for_domain("acme.com") == "a"
    assert index.team_by_email == {"t@ours.example": "t"}
    assert index.contact_accounts == {"c": "a"}
