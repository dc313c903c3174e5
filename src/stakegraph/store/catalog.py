"""The catalog of Cypher statements: one ``.cypher`` file each, shipped as package data.

Statements are read once through :mod:`importlib.resources` (so they load the same from a checkout,
an editable install or a wheel) and looked up by file name, ``verb_noun``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from stakegraph.errors import StoreError

__all__ = ["statement", "statement_names", "statements"]

_PACKAGE = "stakegraph.cypher"


@cache
def statement(name: str) -> str:
    """The text of ``cypher/<name>.cypher``, comment lines removed.

    Raises
    ------
    StoreError
        When no such file ships with the package.
    """
    try:
        text = resources.files(_PACKAGE).joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise StoreError(f"no Cypher statement named {name!r}") from exc
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines).strip()


def statements(name: str) -> list[str]:
    """The ``;``-separated statements of a file (the schema files hold several)."""
    return [part.strip() for part in statement(name).split(";") if part.strip()]


def statement_names() -> list[str]:
    """Every statement name the package ships, sorted."""
    return sorted(
        entry.name.removesuffix(".cypher")
        for entry in resources.files(_PACKAGE).iterdir()
        if entry.name.endswith(".cypher")
    )
