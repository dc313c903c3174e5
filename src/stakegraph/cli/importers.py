"""``stakegraph import salesforce|hubspot|csv|ics|mail``: CRM exports, calendars, mailboxes.

Each command reads its files as a stream (:mod:`stakegraph.importers`), matches people against
what the store already holds, and hands the records to the shared ingest pipeline. It shows a
progress bar over the bytes read, then the summary table, what was skipped on purpose, the
domains nobody knows, and the rejects (all of them in a JSON-lines file whose path is printed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from .common import cli_settings, cli_store, console, err_console, fail
from .imports import import_app, print_import_report, write_rejects

if TYPE_CHECKING:
    # The readers (icalendar, the CSV mappings...) load when their command runs.
    from stakegraph.importers import ImportSource
    from stakegraph.importers.identity import IdentityIndex
    from stakegraph.importers.records import ImportStats
    from stakegraph.ingest import ImportReport
    from stakegraph.settings import Settings
    from stakegraph.store import GraphStore

__all__ = ["run_source"]


_DRY_RUN = typer.Option(False, "--dry-run", help="Report what would change; write nothing.")
_REJECTS = typer.Option(
    None, "--rejects", help="Where to write rejects (default: ./import-SOURCE.rejects.jsonl)."
)
_OUR_DOMAINS = typer.Option(
    None,
    "--our-domain",
    help="An email domain of our own people (repeatable; adds to STAKEGRAPH_OUR_DOMAINS).",
)


def _index(store: GraphStore, settings: Settings, extra_domains: list[str] | None) -> IdentityIndex:
    from stakegraph.importers.identity import IdentityIndex

    domains = [*settings.our_domains, *(d.strip().lower() for d in extra_domains or [])]
    return IdentityIndex.from_identity_rows(store.identity_rows(), domains)


def run_source(
    store: GraphStore,
    source_name: str,
    source: ImportSource,
    *,
    dry_run: bool,
    batch_size: int,
) -> ImportReport:
    """Ingest one importer's stream with a progress bar over the bytes it reads."""
    from stakegraph.ingest import ingest

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(f"importing {source_name}", total=source.total_bytes() or None)
        pending = 0

        def advance(n: int) -> None:
            nonlocal pending
            pending += n
            if pending >= 1 << 20:  # a redraw per megabyte keeps the bar off the profile
                progress.advance(task, pending)
                pending = 0

        source.on_progress = advance
        return ingest(store, source, source=source_name, dry_run=dry_run, batch_size=batch_size)


def _print_stats(stats: ImportStats) -> None:
    if stats.skipped:
        table = Table(title="skipped on purpose")
        table.add_column("reason")
        table.add_column("count", justify="right")
        for reason, count in stats.skipped.most_common():
            table.add_row(reason, f"{count:,}")
        console.print(table)
    if stats.unknown_domains:
        total = sum(stats.unknown_domains.values())
        top = ", ".join(f"{d} ({n})" for d, n in stats.unknown_domains.most_common(10))
        console.print(
            f"{total:,} address(es) at {len(stats.unknown_domains):,} domain(s) of no tracked "
            f"account, not imported: {top}" + (" ..." if len(stats.unknown_domains) > 10 else ""),
            highlight=False,
        )
        console.print(
            "  (add a domain to its account's `domains` to import those people)",
            highlight=False,
        )


def _finish(
    report: ImportReport, stats: ImportStats, rejects: Path | None, source_name: str
) -> None:
    path = None
    if report.rejects:
        path = rejects or Path(f"import-{source_name}.rejects.jsonl")
        write_rejects(report, path)
    print_import_report(report, path)
    _print_stats(stats)
    if report.rejects:
        raise typer.Exit(3)


def _run(
    ctx: typer.Context,
    source_name: str,
    make: Callable[[IdentityIndex], ImportSource],
    *,
    dry_run: bool,
    rejects: Path | None,
    our_domains: list[str] | None,
) -> None:
    from .alerts import raise_import_alerts

    settings = cli_settings(ctx)
    with cli_store(ctx) as store:
        source = make(_index(store, settings, our_domains))
        report = run_source(
            store, source_name, source, dry_run=dry_run, batch_size=settings.write_batch_size
        )
        raise_import_alerts(store, settings, report)
    _finish(report, source.stats, rejects, source_name)


@import_app.command("salesforce")
def import_salesforce(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="The unzipped Salesforce data export folder."),
    dry_run: bool = _DRY_RUN,
    rejects: Path | None = _REJECTS,
    our_domain: list[str] | None = _OUR_DOMAINS,
) -> None:
    """Import a Salesforce data export: Account, User, Contact, Task, Event ... CSV files."""
    from stakegraph.importers import open_source

    if not folder.is_dir():
        fail(f"{folder} is not a folder")
    _run(
        ctx,
        "salesforce",
        lambda index: open_source("salesforce", [folder], index),
        dry_run=dry_run,
        rejects=rejects,
        our_domains=our_domain,
    )


@import_app.command("hubspot")
def import_hubspot(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="A folder of HubSpot CSV exports."),
    dry_run: bool = _DRY_RUN,
    rejects: Path | None = _REJECTS,
    our_domain: list[str] | None = _OUR_DOMAINS,
) -> None:
    """Import HubSpot exports: companies, contacts, calls, meetings, emails (and owners)."""
    from stakegraph.importers import open_source

    if not folder.is_dir():
        fail(f"{folder} is not a folder")
    _run(
        ctx,
        "hubspot",
        lambda index: open_source("hubspot", [folder], index),
        dry_run=dry_run,
        rejects=rejects,
        our_domains=our_domain,
    )


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Any CSV file."),
    mapping: Path = typer.Option(
        ..., "--mapping", exists=True, dir_okay=False, help="TOML: columns -> model fields."
    ),
    dry_run: bool = _DRY_RUN,
    rejects: Path | None = _REJECTS,
) -> None:
    """Import any CSV through a mapping file (see examples/mapping-contacts.toml)."""
    from stakegraph.importers import open_source
    from stakegraph.importers.mapped_csv import load_mapping

    load_mapping(mapping)  # a bad mapping is an error before the store is opened
    _run(
        ctx,
        "csv",
        lambda index: open_source("csv", [file], index, mapping=mapping),
        dry_run=dry_run,
        rejects=rejects,
        our_domains=None,
    )


def _day(value: str | None, *, after: bool) -> datetime | None:
    """Midnight UTC starting the day (``after``: ending it, as the window's end is exclusive)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail(f"not a date (YYYY-MM-DD): {value!r}")
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(days=1 if after else 0)


@import_app.command("ics")
def import_ics(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help=".ics files, or folders holding them."),
    since: str | None = typer.Option(
        None, help="First day of the window, YYYY-MM-DD (default: two years ago)."
    ),
    until: str | None = typer.Option(None, help="Last day of the window (default: now)."),
    dry_run: bool = _DRY_RUN,
    rejects: Path | None = _REJECTS,
    our_domain: list[str] | None = _OUR_DOMAINS,
) -> None:
    """Import calendars: meetings between our people and tracked accounts' contacts."""
    from stakegraph.importers import open_source
    from stakegraph.importers.ics import default_window

    start, end = default_window()
    window = (_day(since, after=False) or start, _day(until, after=True) or end)
    _run(
        ctx,
        "ics",
        lambda index: open_source("ics", paths, index, window=window),
        dry_run=dry_run,
        rejects=rejects,
        our_domains=our_domain,
    )


@import_app.command("mail")
def import_mail(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="mbox files, maildir folders, .eml files."),
    dry_run: bool = _DRY_RUN,
    rejects: Path | None = _REJECTS,
    our_domain: list[str] | None = _OUR_DOMAINS,
) -> None:
    """Import mail headers (never bodies): emails between our people and contacts."""
    from stakegraph.importers import open_source

    _run(
        ctx,
        "mail",
        lambda index: open_source("mail", paths, index),
        dry_run=dry_run,
        rejects=rejects,
        our_domains=our_domain,
    )
