"""The bundle JSON Schema: generated from the models, committed, and accepting real bundles."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from stakegraph.bundle.schema import (
    BUNDLE_SECTIONS,
    bundle_schema,
    committed_schema_text,
    render_schema,
)

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[1] / "docs" / "bundle-format.md"


def _validator() -> jsonschema.protocols.Validator:
    schema = bundle_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _example() -> dict[str, Any]:
    return {
        "format": "stakegraph-bundle",
        "version": 1,
        "accounts": [
            {
                "id": "acme",
                "name": "Acme",
                "domains": ["acme.example"],
                "annual_value": 250000.0,
                "renewal_date": "2026-06-30",
            }
        ],
        "team": [{"id": "tm-1", "name": "Ava Brooks", "role": "account_exec"}],
        "contacts": [
            {"id": "c-1", "account_id": "acme", "name": "Kim Lee", "title": "CIO"},
            {
                "id": "c-2",
                "account_id": "acme",
                "name": "Jo Park",
                "title": "VP IT",
                "reports_to": "c-1",
                "buying_roles": ["champion"],
                "stance": "supporter",
            },
        ],
        "interactions": [
            {
                "id": "i-1",
                "account_id": "acme",
                "kind": "meeting",
                "occurred_at": "2025-01-14T15:00:00Z",
                "team_ids": ["tm-1"],
                "contact_ids": ["c-2"],
                "sentiment": 0.5,
                "concern": True,
                "follow_up": "sent the plan",
                "subject": "Review",
                "direction": "outbound",
                "answered": True,
            }
        ],
    }


def _doc_example() -> dict[str, Any]:
    match = re.search(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "docs/bundle-format.md has no ```json example"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_committed_schema_is_the_generated_one() -> None:
    # If this fails, a model changed: run `python -m stakegraph.bundle.schema` and commit.
    assert committed_schema_text() == render_schema()
    assert json.loads(committed_schema_text()) == bundle_schema()


def test_schema_is_valid_2020_12() -> None:
    schema = bundle_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_names_the_model_fields() -> None:
    defs = bundle_schema()["$defs"]
    for model in BUNDLE_SECTIONS.values():
        assert set(defs[model.__name__]["properties"]) == set(model.model_fields)
    assert {"account_id", "reports_to"} <= set(defs["Contact"]["required"]) | set(
        defs["Contact"]["properties"]
    )
    interaction = defs["Interaction"]
    assert set(interaction["required"]) == {"id", "account_id", "kind", "occurred_at"}


@pytest.mark.parametrize("bundle", [_example(), _doc_example()], ids=["example", "docs"])
def test_example_bundles_validate_against_schema_and_models(bundle: dict[str, Any]) -> None:
    _validator().validate(bundle)
    for section, model in BUNDLE_SECTIONS.items():
        for record in bundle.get(section, []):
            model.model_validate(record)


def test_an_empty_bundle_is_valid() -> None:
    _validator().validate({"format": "stakegraph-bundle", "version": 1})


def _broken(path: list[str | int], value: Any) -> dict[str, Any]:
    bundle = copy.deepcopy(_example())
    target: Any = bundle
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return bundle


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["format"], "something-else"),
        (["version"], 2),
        (["version"], _DELETE),
        (["surprise"], []),
        (["accounts", 0, "id"], _DELETE),
        (["accounts", 0, "annual_value"], -1),
        (["accounts", 0, "renewal_date"], "next spring"),
        (["team", 0, "role"], "wizard"),
        (["contacts", 0, "stance"], "fond"),
        (["contacts", 0, "buying_roles"], ["kingmaker"]),
        (["contacts", 0, "nickname"], "K"),
        (["interactions", 0, "kind"], "carrier-pigeon"),
        (["interactions", 0, "occurred_at"], _DELETE),
        (["interactions", 0, "sentiment"], 1.5),
        (["interactions", 0, "team_ids"], "tm-1"),
    ],
)
def test_broken_bundles_are_refused(path: list[str | int], value: Any) -> None:
    errors = list(_validator().iter_errors(_broken(path, value)))
    assert errors, f"schema accepted a bundle with {path} = {value!r}"
