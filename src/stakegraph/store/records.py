"""Conversion between model entities and the flat property maps a graph database stores.

Times are stored as integer epoch milliseconds (FalkorDB has no zoned datetime), dates as ISO
strings, enums as their values, lists as lists. A ``None`` value removes the property.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson

from stakegraph.model import Account, Contact, Interaction, RoleChange, TeamMember
from stakegraph.model.enums import BuyingRole, Function, Seniority, Stance, Status
from stakegraph.model.trusted import trusted_each

__all__ = [
    "CONTACT_FIELDS",
    "INTERACTION_FIELDS",
    "InteractionRow",
    "account_from_props",
    "account_props",
    "contact_from_props",
    "contact_props",
    "contacts_from_cards",
    "from_ms",
    "interaction_from_props",
    "interaction_props",
    "interaction_row",
    "role_change_from_props",
    "role_change_props",
    "row_props",
    "team_member_from_props",
    "team_member_props",
    "to_ms",
]


def to_ms(value: datetime) -> int:
    """Epoch milliseconds of an aware time."""
    return round(value.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """The aware UTC time of epoch milliseconds."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _dump(entity: Any, exclude: set[str] | None = None) -> dict[str, Any]:
    return dict(entity.model_dump(mode="json", exclude=exclude or set()))


def account_props(account: Account) -> dict[str, Any]:
    """Stored properties of an account."""
    return _dump(account)


def account_from_props(props: Mapping[str, Any]) -> Account:
    """An account from stored properties."""
    data = dict(props)
    if isinstance(data.get("renewal_date"), str):
        data["renewal_date"] = date.fromisoformat(data["renewal_date"])
    data.setdefault("domains", [])
    return Account.model_validate(data)


CONTACT_FIELDS: tuple[str, ...] = (*Contact.model_fields, "card")
"""The stored properties of a contact, in the order of :func:`contact_props` (the model's
fields, then the card); ``cypher/create_contacts.cypher`` takes them as one list per contact."""


def contact_props(contact: Contact) -> dict[str, Any]:
    """Stored properties of a contact (including its ``account_id`` and ``reports_to``).

    ``card`` repeats the others as one JSON string: a report reads the hundreds of contacts of
    an account as one value each (:func:`contacts_from_cards`), three times faster than a dozen
    values each; every other read drops it.
    """
    # The model's own values, in field order, with the enums' values: what
    # model_dump(mode="json") gives (a test checks), in a fraction of its time.
    data = dict(contact.__dict__)
    for name in _CONTACT_ENUMS:
        data[name] = data[name].value
    data["buying_roles"] = [role.value for role in data["buying_roles"]]
    data["card"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return data


_CONTACT_ENUMS = ("seniority", "function", "stance", "status")


_CONTACT_FIELDS = frozenset(Contact.model_fields)
_CONTACT_FIELD_SET = set(_CONTACT_FIELDS)
_ENUMS: dict[str, dict[Any, Any]] = {
    "seniority": Seniority._value2member_map_,
    "function": Function._value2member_map_,
    "stance": Stance._value2member_map_,
    "status": Status._value2member_map_,
}
_ROLES: dict[Any, Any] = BuyingRole._value2member_map_


def contacts_from_cards(cards: Sequence[str]) -> list[Contact]:
    """The contacts of their cards (see :func:`contact_props`), in one JSON parse.

    A card is what :func:`contact_props` made of a validated contact, every field present, so
    it is trusted: the enums are looked up and the model is built without validating again (a
    report reads hundreds; validation took three times as long). A card that does not hold
    exactly the model's fields is validated as usual.
    """
    text = "[" + ",".join(cards) + "]"
    try:
        parsed = orjson.loads(text)  # twice as fast as json
    except orjson.JSONDecodeError:  # what orjson refuses (a lone surrogate, say): as before
        parsed = json.loads(text)
    seniorities, functions, stances, statuses = (
        _ENUMS["seniority"],
        _ENUMS["function"],
        _ENUMS["stance"],
        _ENUMS["status"],
    )
    trusted_cards: list[dict[str, Any]] = []
    validated: dict[int, Contact] = {}  # by place among the cards
    for k, data in enumerate(parsed):
        if data.keys() != _CONTACT_FIELDS:
            validated[k] = Contact.model_validate(data)
            continue
        try:
            data["seniority"] = seniorities[data["seniority"]]
            data["function"] = functions[data["function"]]
            data["stance"] = stances[data["stance"]]
            data["status"] = statuses[data["status"]]
            roles = data["buying_roles"]
            if roles:
                data["buying_roles"] = [_ROLES[r] for r in roles]
        except KeyError:  # a value the enums no longer hold: let validation say so
            validated[k] = Contact.model_validate(data)
            continue
        trusted_cards.append(data)
    contacts = trusted_each(Contact, trusted_cards, _CONTACT_FIELD_SET)
    if validated:  # back in card order
        made = iter(contacts)
        contacts = [validated[k] if k in validated else next(made) for k in range(len(parsed))]
    return contacts


def contact_from_props(props: Mapping[str, Any]) -> Contact:
    """A contact from stored properties."""
    data = dict(props)
    data.pop("card", None)
    data.setdefault("buying_roles", [])
    return Contact.model_validate(data)


def team_member_props(member: TeamMember) -> dict[str, Any]:
    """Stored properties of a team member."""
    return _dump(member)


def team_member_from_props(props: Mapping[str, Any]) -> TeamMember:
    """A team member from stored properties."""
    return TeamMember.model_validate(dict(props))


INTERACTION_FIELDS: tuple[str, ...] = (
    "id", "account_id", "kind", "occurred_at", "team_ids", "contact_ids", "sentiment", "concern",
    "follow_up", "subject", "direction", "answered",
)  # fmt: skip
"""The stored properties of an interaction, in the order of :func:`interaction_row`."""


InteractionRow = tuple[
    str, str, str, int, list[str], list[str],
    float | None, bool, str | None, str | None, str | None, bool | None,
]  # fmt: skip
"""An interaction's stored properties in :data:`INTERACTION_FIELDS` order: what an import carries
from reading to writing (a tuple of plain values pickles and encodes in a fraction of a model's
time) and what ``cypher/create_interactions.cypher`` takes, as a list of lists: sent to the
database as plain JSON, a third of the time a list of maps takes."""


def interaction_row(interaction: Interaction) -> InteractionRow:
    """The stored properties of an interaction as an :data:`InteractionRow`."""
    i = interaction
    return (
        i.id,
        i.account_id,
        str(i.kind.value),
        to_ms(i.occurred_at),
        list(i.team_ids),
        list(i.contact_ids),
        i.sentiment,
        i.concern,
        i.follow_up,
        i.subject,
        None if i.direction is None else str(i.direction.value),
        i.answered,
    )


def row_props(row: InteractionRow) -> dict[str, Any]:
    """The stored properties of an :data:`InteractionRow` as a map."""
    return dict(zip(INTERACTION_FIELDS, row, strict=True))


def interaction_props(interaction: Interaction) -> dict[str, Any]:
    """Stored properties of an interaction; ``occurred_at`` in epoch milliseconds."""
    return row_props(interaction_row(interaction))


def interaction_from_props(props: Mapping[str, Any]) -> Interaction:
    """An interaction from stored properties."""
    data = dict(props)
    data["occurred_at"] = from_ms(int(data["occurred_at"]))
    data.setdefault("team_ids", [])
    data.setdefault("contact_ids", [])
    data.setdefault("concern", False)
    return Interaction.model_validate(data)


def role_change_props(change: RoleChange) -> dict[str, Any]:
    """Stored properties of a role change; the changes as a JSON string (no map properties)."""
    import json

    return {
        "contact_id": change.contact_id,
        "account_id": change.account_id,
        "old_account_id": change.old_account_id,
        "changed_at": to_ms(change.changed_at),
        "changes_json": json.dumps(
            {k: v.model_dump(mode="json") for k, v in change.changes.items()}, sort_keys=True
        ),
    }


def role_change_from_props(props: Mapping[str, Any]) -> RoleChange:
    """A role change from stored properties."""
    import json

    return RoleChange.model_validate(
        {
            "id": props["id"],
            "contact_id": props["contact_id"],
            "account_id": props["account_id"],
            "old_account_id": props.get("old_account_id", props["account_id"]),
            "changed_at": from_ms(int(props["changed_at"])),
            "changes": json.loads(props.get("changes_json") or "{}"),
        }
    )
