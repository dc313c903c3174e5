"""``stakegraph reset``: delete everything stored, to start again from an empty graph."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import typer

from .common import cli_settings, cli_store, err_console

if TYPE_CHECKING:
    from stakegraph.settings import Settings


def _where(settings: Settings) -> str:
    if settings.embedded:
        return f"the embedded store in {settings.data_dir}"
    parts = urlsplit(settings.graph_url)
    # Never echo a password given in the URL.
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def reset(
    ctx: typer.Context,
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete every account, contact, team member, interaction and role change stored."""
    settings = cli_settings(ctx)
    where = _where(settings)
    if not yes:
        typer.confirm(f"Delete everything in {where}?", abort=True)
    with cli_store(ctx) as store:
        counts = store.counts()
        store.delete_everything()
    summary = ", ".join(
        f"{n} {'team members' if section == 'team' else section}" for section, n in counts.items()
    )
    err_console.print(f"deleted everything in {where} ({summary})", highlight=False, soft_wrap=True)
