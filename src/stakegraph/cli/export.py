"""``stakegraph export``: everything stored, as one bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .common import cli_store, err_console


def export(
    ctx: typer.Context,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of standard output."
    ),
) -> None:
    """Export every account, team member, contact and interaction as a bundle."""
    from stakegraph.bundle.io import write_bundle

    with cli_store(ctx) as store:
        if output is None:
            counts = write_bundle(store.export(), sys.stdout)
        else:
            tmp = output.with_name(output.name + ".part")
            with open(tmp, "w", encoding="utf-8") as out:
                counts = write_bundle(store.export(), out)
            tmp.replace(output)
    summary = ", ".join(f"{n} {section}" for section, n in counts.items())
    err_console.print(f"exported {summary}", highlight=False)
