"""Pydantic models built from values that were validated already, without validating again."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["trusted", "trusted_each"]

_M = TypeVar("_M", bound=BaseModel)

# The slots every pydantic model instance carries, set directly (a frozen model refuses setattr).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def trusted(cls: type[_M], values: dict[str, Any], fields_set: set[str] | None = None) -> _M:
    """``cls.model_construct(**values)`` for values that name every field, in a fraction of its
    time: what it does, without the per-call walk over the fields for defaults.

    For values that are known good: a report's thousands of people and key people, built from a
    validated snapshot, and the contacts a report reads back from the cards the store wrote from
    validated contacts. ``fields_set`` (the names of ``values``) may be shared by every model of
    one class: pydantic only reads it. Tests check that the result equals the validated model.
    """
    model = object.__new__(cls)
    _set_dict(model, values)
    _set_fields_set(model, set(values) if fields_set is None else fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model


def trusted_each(cls: type[_M], values: list[dict[str, Any]], fields_set: set[str]) -> list[_M]:
    """:func:`trusted` of each of ``values`` (which all name the fields ``fields_set`` names), in
    one loop: a report reads hundreds of contacts."""
    made: list[_M] = []
    for data in values:
        model = object.__new__(cls)
        _set_dict(model, data)
        _set_fields_set(model, fields_set)
        _set_extra(model, None)
        _set_private(model, None)
        made.append(model)
    return made
