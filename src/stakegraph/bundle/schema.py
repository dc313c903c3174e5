"""The JSON Schema of the bundle, the JSON interchange format of stakegraph.

The schema is generated from the pydantic models, so the model stays the one place where a field is
defined. The generated file is committed as ``bundle.schema.json`` beside this module (for readers
and for tools in other languages); a unit test fails when the two drift apart. Regenerate it with::

    python -m stakegraph.bundle.schema

The schema checks the shape of each record. What it cannot say — that every ``account_id``,
``reports_to``, ``team_ids`` and ``contact_ids`` names a record that exists, and that reports_to has
no cycles — is checked by the import.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from stakegraph.model import Account, Contact, Interaction, TeamMember

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_SECTIONS",
    "BUNDLE_VERSION",
    "SCHEMA_FILE",
    "bundle_schema",
    "committed_schema_text",
    "render_schema",
]

BUNDLE_FORMAT = "stakegraph-bundle"
"""The value of a bundle's ``format`` field."""

BUNDLE_VERSION = 1
"""The version of the bundle format this code reads and writes."""

BUNDLE_SECTIONS: dict[str, type[Account | TeamMember | Contact | Interaction]] = {
    "accounts": Account,
    "team": TeamMember,
    "contacts": Contact,
    "interactions": Interaction,
}
"""The record arrays of a bundle, in the order they are written and imported (referents first)."""

SCHEMA_FILE = "bundle.schema.json"
"""The name of the committed schema file, package data of :mod:`stakegraph.bundle`."""

_SECTION_DESCRIPTIONS = {
    "accounts": "Customer accounts.",
    "team": "Our own people.",
    "contacts": "The customers' people; each names its account (account_id) and manager "
    "(reports_to, a contact id of the same bundle or store).",
    "interactions": "Meetings, calls, emails, events and messages; each names its account and "
    "the people on both sides (team_ids, contact_ids).",
}


def bundle_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a bundle, generated from the pydantic models.

    Returns
    -------
    dict
        A JSON-serialisable schema whose ``$defs`` hold one definition per entity and enum.

    Examples
    --------
    >>> schema = bundle_schema()
    >>> sorted(schema["properties"])
    ['accounts', 'contacts', 'format', 'interactions', 'team', 'version']
    >>> schema["properties"]["contacts"]["items"]
    {'$ref': '#/$defs/Contact'}
    """
    # Validation mode: a bundle is input, so fields with defaults (seniority inferred from the
    # title, empty id lists) are optional, exactly as the import treats them.
    _, defs = models_json_schema(
        [(model, "validation") for model in BUNDLE_SECTIONS.values()],
        ref_template="#/$defs/{model}",
    )
    properties: dict[str, Any] = {
        "format": {
            "const": BUNDLE_FORMAT,
            "description": "Always 'stakegraph-bundle'.",
        },
        "version": {
            "const": BUNDLE_VERSION,
            "description": "The version of the bundle format.",
        },
    }
    for section, model in BUNDLE_SECTIONS.items():
        properties[section] = {
            "type": "array",
            "description": _SECTION_DESCRIPTIONS[section],
            "items": {"$ref": f"#/$defs/{model.__name__}"},
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:stakegraph:bundle:1",
        "title": "stakegraph bundle",
        "description": (
            "Accounts, our team, the customers' contacts and the interactions between them. "
            "Times are ISO 8601 (UTC when no offset is given); every record is keyed by a stable "
            "external id, so importing the same bundle twice changes nothing."
        ),
        "type": "object",
        "required": ["format", "version"],
        "properties": properties,
        "additionalProperties": False,
        "$defs": dict(sorted(defs.get("$defs", {}).items())),
    }


def render_schema() -> str:
    """The schema as the text of the committed file (2-space indent, trailing newline)."""
    return json.dumps(bundle_schema(), indent=2, ensure_ascii=False) + "\n"


def committed_schema_text() -> str:
    """The text of the committed ``bundle.schema.json``, read from the installed package."""
    return resources.files("stakegraph.bundle").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write the schema to ``bundle.schema.json`` beside this module, or to the path given."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).with_name(SCHEMA_FILE)
    target.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
