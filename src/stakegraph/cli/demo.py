"""``stakegraph demo``: load the generated demo portfolio and show what it says.

The portfolio comes from :mod:`stakegraph.demo` and goes through the same ingest pipeline as any
bundle, so it is validated, idempotent, and lands in whichever store the settings name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from .common import cli_settings, cli_store, console, err_console, fail

if TYPE_CHECKING:
    from stakegraph.analysis.portfolio import Portfolio, PortfolioEntry
    from stakegraph.ingest import Record
    from stakegraph.store import GraphStore

__all__ = ["demo", "demo_ingest_records"]

# The defaults `stakegraph demo --help` shows: stakegraph.demo's DEMO_SEED, DEMO_ACCOUNTS and
# len(STORY_ACCOUNTS), written out because that module loads the domain model, which the command
# line imports only to run a command (tests/test_startup.py checks that they agree).
_DEMO_SEED = 7
_DEMO_ACCOUNTS = 40
_STORY_ACCOUNTS = 5


def demo_ingest_records(*, seed: int, now: datetime | None, accounts: int) -> Iterator[Record]:
    """The demo portfolio as ingest records, each located by section and id."""
    from stakegraph.demo import demo_records

    for section, record in demo_records(seed=seed, now=now, accounts=accounts):
        yield section, record, f"{section}/{record['id']}"


def _flags(entry: PortfolioEntry) -> str:
    flags = []
    if entry.threads <= 1:
        flags.append("single-threaded")
    if entry.going_dark:
        flags.append("going dark")
    if entry.misaligned:
        flags.append("misaligned")
    if entry.executive_alignment:
        flags.append("exec tie")
    return ", ".join(flags)


def _print_headline(portfolio: Portfolio) -> None:
    from stakegraph.demo import STORY_ACCOUNTS

    entries = portfolio.accounts
    levels = portfolio.levels
    single = sum(1 for e in entries if e.threads <= 1)
    dark = sum(1 for e in entries if e.going_dark)
    console.print(
        f"[bold]Portfolio:[/] {levels.get('high', 0)} high, {levels.get('medium', 0)} medium, "
        f"{levels.get('low', 0)} low risk; {single} single-threaded; {dark} going dark; "
        f"${float(portfolio.total_value_at_risk):,.0f} of "
        f"${float(portfolio.total_annual_value):,.0f} annual value at risk.",
        highlight=False,
    )
    table = Table(title="The story accounts, and the five riskiest others")
    for column in ("account", "risk", "threads", "senior coverage", "days silent", "flags"):
        table.add_column(column, justify="left" if column in ("account", "flags") else "right")
    stories = sorted(
        (e for e in entries if e.account_id in STORY_ACCOUNTS),
        key=lambda e: list(STORY_ACCOUNTS).index(e.account_id),
    )
    others = [e for e in entries if e.account_id not in STORY_ACCOUNTS][:5]
    for e in [*stories, *others]:
        silent = e.days_since_last_interaction
        table.add_row(
            e.account_id,
            f"{float(e.score):.0f} {e.level}",
            str(e.threads),
            f"{float(e.senior_coverage):.0%}",
            "-" if silent is None else f"{float(silent):.0f}",
            _flags(e),
        )
    console.print(table)
    if stories:
        console.print("[bold]What to look for:[/]")
        for e in stories:
            console.print(f"  {e.account_id}: {STORY_ACCOUNTS[e.account_id]}", highlight=False)


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
    seed: int = typer.Option(_DEMO_SEED, help="Seed of the generated portfolio."),
    accounts: int = typer.Option(
        _DEMO_ACCOUNTS, min=_STORY_ACCOUNTS, help="Accounts, the five story accounts included."
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
    from stakegraph.bundle.io import write_bundle
    from stakegraph.demo import demo_records
    from stakegraph.ingest import SECTIONS
    from stakegraph.model import to_utc
    from stakegraph.reports import portfolio_report

    from .alerts import raise_import_alerts
    from .imports import print_import_report, run_import

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
        # The headline is `stakegraph portfolio`'s, over everything the store now holds.
        portfolio = portfolio_report(settings, as_of=as_of, store=store)
    _print_headline(portfolio)
    # Only when `report` is a sibling command (not when the demo runs in another app). Duck
    # typed: typer ships its own copy of click, whose groups are no click.Group.
    commands = getattr(ctx.find_root().command, "commands", None)
    if isinstance(commands, dict) and "report" in commands:
        console.print("Next: [bold]stakegraph report northwind[/] shows who that account hangs on.")
