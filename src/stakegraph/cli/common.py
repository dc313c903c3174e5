"""What every command shares: settings from the root options, the store, one-line errors.

The settings and the store are imported when a command first asks for them: ``stakegraph
--help`` and a command's ``--help`` load neither (see ``tests/test_startup.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from stakegraph.settings import Settings
    from stakegraph.store import GraphStore

__all__ = ["cli_settings", "cli_store", "console", "err_console", "fail"]

console = Console()
err_console = Console(stderr=True)


def cli_settings(ctx: typer.Context) -> Settings:
    """The settings of this invocation: the environment plus the root options."""
    from stakegraph.settings import get_settings

    root = ctx.find_root()
    overrides: dict[str, Any] = {}
    obj = root.obj if isinstance(root.obj, dict) else {}
    if obj.get("data_dir") is not None:
        overrides["data_dir"] = Path(obj["data_dir"])
    if obj.get("graph_url") is not None:
        overrides["graph_url"] = obj["graph_url"]
    return get_settings(**overrides)


@contextlib.contextmanager
def cli_store(ctx: typer.Context) -> Iterator[GraphStore]:
    """Open the store for one command and close it afterwards."""
    from stakegraph.store import open_store

    store = open_store(cli_settings(ctx))
    try:
        yield store
    finally:
        store.close()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error and exit with ``code``."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code)
