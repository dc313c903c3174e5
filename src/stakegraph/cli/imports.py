"""``stakegraph import``: the bundle (``stakegraph import FILE.json``) and the other sources.

Every source registers a subcommand on :data:`import_app`; a bare file name means the bundle.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from .common import cli_settings, cli_store, console, err_console

if TYPE_CHECKING:
    from stakegraph.ingest import ImportReport
    from stakegraph.store import GraphStore

__all__ = ["import_app", "print_import_report", "run_import"]

_READ_BUNDLE = "stakegraph.bundle.io:read_bundle_file"
"""The reader the worker runs, by name: this process need not load it to start the worker."""


class _BundleByDefault(TyperGroup):
    """``stakegraph import FILE.json`` is short for ``stakegraph import bundle FILE.json``."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["bundle", *args]
        return super().resolve_command(ctx, args)


import_app = typer.Typer(
    cls=_BundleByDefault,
    help="Import a bundle (stakegraph import FILE.json) or a CRM, calendar or mail export.",
    no_args_is_help=True,
)


def run_import(
    store: GraphStore,
    records: Any,
    *,
    source: str,
    dry_run: bool,
    batch_size: int,
    total: int | None = None,
) -> ImportReport:
    """Ingest ``records`` with a progress bar on the terminal."""
    from stakegraph.ingest import ingest

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(f"importing {source}", total=total)

        def advance(_section: str, n: int) -> None:
            progress.advance(task, n)

        return ingest(
            store,
            records,
            source=source,
            dry_run=dry_run,
            batch_size=batch_size,
            on_progress=advance,
        )


def write_rejects(report: ImportReport, path: Path) -> None:
    """Write every reject as one JSON line."""
    with open(path, "w", encoding="utf-8") as out:
        for reject in report.rejects:
            out.write(json.dumps(reject.to_dict(), ensure_ascii=False) + "\n")


def print_import_report(report: ImportReport, rejects_path: Path | None) -> None:
    """The summary table, the first rejects, and where the rest are."""
    from stakegraph.ingest import SECTIONS

    title = f"{report.source}" + (" (dry run: nothing written)" if report.dry_run else "")
    table = Table(title=title)
    for column in ("", "created", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="right" if column else "left")
    for section in SECTIONS:
        c = report.counts[section]
        table.add_row(section, str(c.created), str(c.updated), str(c.unchanged), str(c.rejected))
    console.print(table)
    if report.role_changes:
        console.print(f"{len(report.role_changes)} role change(s) recorded.")
    if report.rejects:
        for reject in report.rejects[:20]:
            err_console.print(f"rejected: {reject}", highlight=False, markup=False, soft_wrap=True)
        if len(report.rejects) > 20:
            err_console.print(f"... and {len(report.rejects) - 20} more", highlight=False)
        if rejects_path is not None:
            err_console.print(f"every reject is in {rejects_path}", highlight=False)


def finish_import(report: ImportReport, rejects: Path | None, source_path: Path) -> None:
    """Write the rejects file (if any), print the report, and set the exit code."""
    path = None
    if report.rejects:
        path = rejects or source_path.with_name(source_path.name + ".rejects.jsonl")
        write_rejects(report, path)
    print_import_report(report, path)
    if report.rejects:
        raise typer.Exit(3)


@import_app.command("bundle")
def import_bundle(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A bundle JSON file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would change only."),
    rejects: Path | None = typer.Option(
        None, help="Where to write rejected records (default: FILE.rejects.jsonl)."
    ),
) -> None:
    """Import a bundle file: validated, idempotent, bad records reported and skipped."""
    from stakegraph.reading_worker import InWorker, worker_wanted

    settings = cli_settings(ctx)
    worker = None
    if worker_wanted(
        file.stat().st_size,
        min_bytes=settings.import_worker_min_bytes,
        min_cpus=settings.import_worker_min_cpus,
    ):
        # Started before this process loads the model and opens the store, so that the
        # worker's own start (about half a second) happens meanwhile.
        reader = InWorker(_READ_BUNDLE, (file,), settings.write_batch_size)
        worker = reader.start(file.name)
    with worker or contextlib.nullcontext():
        from stakegraph.bundle.io import read_bundle_file

        from .alerts import raise_import_alerts

        records: Any = read_bundle_file(file) if worker is None else worker
        with cli_store(ctx) as store:
            report = run_import(
                store,
                records,
                source=file.name,
                dry_run=dry_run,
                batch_size=settings.write_batch_size,
            )
            raise_import_alerts(store, settings, report)
    finish_import(report, rejects, file)
