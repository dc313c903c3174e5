"""``stakegraph demo``: load the generated demo portfolio and show what it says.

The portfolio comes from :mod:`stakegraph.demo` and goes through the same ingest pipeline as any
bundle, so it is validated, idempotent, and lands in whichever store the settings name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
import typer
from rich.table import Table

from stakegraph.analysis import Report, build_report
from stakegraph.bundle.io import write_bundle
from stakegraph.demo import DEMO_ACCOUNTS, DEMO_SEED, STORY_ACCOUNTS, demo_records
from stakegraph.ingest import SECTIONS, Record
from stakegraph.model import to_utc
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

from .alerts import raise_import_alerts
from .common import cli_settings, cli_store, console, err_console, fail
from .imports import print_import_report, run_import

__all__ = ["demo", "demo_ingest_records", "portfolio_headline"]


def demo_ingest_records(*, seed: int, now: datetime | None, accounts: int) -> Iterator[Record]:
    """The demo portfolio as ingest records, each located by section and id."""
    for section, record in demo_records(seed=seed, now=now, accounts=accounts):
        yield section, record, f"{section}/{record['id']}"


def portfolio_headline(
    store: GraphStore, settings: Settings, account_ids: list[str], as_of: datetime
) -> list[Report]:
    """The risk report of every account named, highest risk first."""
    reports = [
        build_report(store.account_snapshot(account_id, as_of), settings.analysis)
        for account_id in account_ids
    ]
    return sorted(reports, key=lambda r: (-float(r.risk.score), r.account_id))


def _flags(report: Report) -> str:
    flags = []
    if report.threads.single_threaded:
        flags.append("single-threaded")
    if report.going_dark:
        flags.append("going dark")
    if report.alignment.misaligned:
        flags.append("misaligned")
    if report.executive_alignment:
        flags.append("exec tie")
    return ", ".join(flags)


def _print_headline(reports: list[Report]) -> None:
    levels = {"high": 0, "medium": 0, "low": 0}
    for r in reports:
        levels[r.risk.level] += 1
    single = sum(1 for r in reports if r.threads.single_threaded)
    dark = sum(1 for r in reports if r.going_dark)
    at_risk = sum(float(r.value_at_risk or 0.0) for r in reports)
    total = sum(float(r.annual_value or 0.0) for r in reports)
    console.print(
        f"[bold]Portfolio:[/] {levels['high']} high, {levels['medium']} medium, "
        f"{levels['low']} low risk; {single} single-threaded; {dark} going dark; "
        f"${at_risk:,.0f} of ${total:,.0f} annual value at risk.",
        highlight=False,
    )
    table = Table(title="The story accounts, and the five riskiest others")
    for column in ("account", "risk", "threads", "senior coverage", "days silent", "flags"):
        table.add_column(column, justify="left" if column in ("account", "flags") else "right")
    stories = sorted(
        (r for r in reports if r.account_id in STORY_ACCOUNTS),
        key=lambda r: list(STORY_ACCOUNTS).index(r.account_id),
    )
    others = [r for r in reports if r.account_id not in STORY_ACCOUNTS][:5]
    for r in [*stories, *others]:
        silent = r.days_since_last_interaction
        table.add_row(
            r.account_id,
            f"{float(r.risk.score):.0f} {r.risk.level}",
            str(r.threads.senior),
            f"{float(r.coverage.senior):.0%}",
            "-" if silent is None else f"{float(silent):.0f}",
            _flags(r),
        )
    console.print(table)
    if stories:
        console.print("[bold]What to look for:[/]")
        for r in stories:
            console.print(f"  {r.account_id}: {STORY_ACCOUNTS[r.account_id]}", highlight=False)


def _print_counts(store: GraphStore) -> None:
    counts = store.counts()
    stored = ", ".join(
        f"{counts.get(k, 0):,} {label}"
        for k, label in (
            ("accounts", "accounts"),
            ("team", "team members"),
            ("contacts", "contacts"),
        )
    )
    console.print(
        f"The store now holds {stored} and {counts.get('interactions', 0):,} interactions.",
        highlight=False,
    )


def demo(
    ctx: typer.Context,
    seed: int = typer.Option(DEMO_SEED, help="Seed of the generated portfolio."),
    accounts: int = typer.Option(
        DEMO_ACCOUNTS, min=len(STORY_ACCOUNTS), help="Accounts, the five story accounts included."
    ),
    now: datetime | None = typer.Option(
        None, help="The time the portfolio is seen from, in UTC (default: now)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the bundle to this file instead of loading it."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would change only."),
) -> None:
    """Load a generated demo portfolio: 40 accounts, five of them telling the seed stories."""
    as_of = to_utc(now) if now is not None else datetime.now(UTC)
    if output is not None:
        tmp = output.with_name(output.name + ".part")
        with open(tmp, "w", encoding="utf-8") as out:
            counts = write_bundle(demo_records(seed=seed, now=as_of, accounts=accounts), out)
        tmp.replace(output)
        summary = ", ".join(f"{counts[s]:,} {s}" for s in SECTIONS)
        err_console.print(f"wrote {summary} to {output}", highlight=False)
        return
    settings = cli_settings(ctx)
    with cli_store(ctx) as store:
        report = run_import(
            store,
            demo_ingest_records(seed=seed, now=as_of, accounts=accounts),
            source=f"demo (seed {seed})",
            dry_run=dry_run,
            batch_size=settings.write_batch_size,
        )
        print_import_report(report, None)
        raise_import_alerts(store, settings, report)
        if report.rejects:
            fail("the demo portfolio did not load cleanly (see the rejects above)")
        if dry_run:
            return
        _print_counts(store)
        ids = [a.id for a in store.list_accounts()]
        reports = portfolio_headline(store, settings, ids, as_of)
    _print_headline(reports)
    root = ctx.find_root().command
    if isinstance(root, click.Group) and "report" in root.commands:
        console.print("Next: [bold]stakegraph report northwind[/] shows who that account hangs on.")
