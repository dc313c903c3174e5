"""What an API key may do: read, write or admin, each including the ones below it.

A plain enum, away from :mod:`~stakegraph.keys` (pydantic and the domain model), so that
``stakegraph keys create --scope`` offers the choices without loading either; ``stakegraph.keys``
re-exports it.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Scope"]


class Scope(StrEnum):
    """What a key may do; each scope includes the ones below it (admin > write > read)."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"
