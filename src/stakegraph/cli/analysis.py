"""``stakegraph report`` and ``stakegraph portfolio``: the risk analysis on the command line."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from stakegraph.analysis.caveats import NO_SENIOR_STAFF, NO_TIES
from stakegraph.errors import NotFoundError

from .common import cli_settings, cli_store, console, err_console, fail

if TYPE_CHECKING:
    # networkx and the metrics load when a report is made, not to register the commands.
    from stakegraph.analysis import Report
    from stakegraph.analysis.portfolio import Portfolio

__all__ = ["parse_as_of", "portfolio", "report"]

_LEVEL_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}


def parse_as_of(value: str | None) -> datetime | None:
    """An ISO date or time; a bare date means the end of that day (UTC), so it counts in full.

    Examples
    --------
    >>> parse_as_of("2024-06-01")
    datetime.datetime(2024, 6, 1, 23, 59, 59, 999000, tzinfo=datetime.timezone.utc)
    >>> parse_as_of("2024-06-01T08:30:00+02:00")
    datetime.datetime(2024, 6, 1, 6, 30, tzinfo=datetime.timezone.utc)
    """
    if value is None:
        return None
    from stakegraph.model.entities import as_of_time  # pydantic loads when a command runs

    try:
        return as_of_time(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _level(level: str, score: float) -> Text:
    return Text(f"{score:.1f} {level.upper()}", style=_LEVEL_STYLE.get(level, ""))


def _names(report: Report) -> dict[str, str]:
    return {p.id: p.name for p in report.people}


def _who(report: Report, ids: list[str], names: dict[str, str]) -> str:
    side = {p.id: p.side for p in report.people}
    if not ids:
        return "nobody"
    return ", ".join(
        f"{names.get(i, i)} ({'ours' if side.get(i) == 'ours' else 'theirs'})" for i in ids
    )


def _print_report(report: Report, top: int) -> None:
    names = _names(report)
    title = f"{report.account_name or report.account_id} ({report.account_id})"
    console.print(Text(title, style="bold"), "as of", report.as_of.strftime("%Y-%m-%d %H:%M UTC"))
    if report.removed:
        console.print(f"What if these left: {', '.join(report.removed)}", style="italic")
    parts = report.risk.parts
    console.print(
        "Risk",
        _level(report.risk.level, report.risk.score),
        f"= threads {parts.threads:g} + senior coverage {parts.senior_coverage:g}"
        f" + recency {parts.recency:g} + executive alignment {parts.executive_alignment:g}",
        highlight=False,
    )
    if report.value_at_risk is not None:
        console.print(
            f"Value at risk {report.value_at_risk:,.0f} of {report.annual_value or 0:,.0f} a year",
            highlight=False,
        )
    if report.threads.senior == 0:
        threaded = "no thread at all"
    else:
        threaded = "single-threaded" if report.threads.single_threaded else "multi-threaded"
    console.print(
        f"Threads to the senior staff: {report.threads.senior} ({threaded}); "
        f"over all contacts: {report.threads.all}",
        highlight=False,
    )
    console.print(f"  hangs on: {_who(report, report.threads.cover, names)}", highlight=False)
    if report.coverage.senior_staff:
        uncovered = ", ".join(names.get(i, i) for i in report.coverage.uncovered) or "none"
    else:
        uncovered = f"none, because {NO_SENIOR_STAFF}"
    console.print(
        f"Senior coverage {_pct(report.coverage.senior)}, reach {_pct(report.coverage.reach)};"
        f" uncovered: {uncovered}",
        highlight=False,
    )
    if report.last_interaction_at is not None and not report.ties:
        console.print(f"No tie at all: {NO_TIES}", style="red", highlight=False)
    if report.days_since_last_interaction is None:
        console.print("Never talked to.", style="red")
    else:
        dark = " — GOING DARK" if report.going_dark else ""
        console.print(
            f"Last interaction {report.days_since_last_interaction:.0f} days ago "
            f"(dark after {report.going_dark_threshold_days:.0f}){dark}",
            style="red" if report.going_dark else None,
            highlight=False,
        )
    exec_note = (
        ", ".join(f"{names.get(a, a)} – {names.get(b, b)}" for a, b in report.executive_ties)
        or "no tie between our executives and theirs"
    )
    console.print(f"Executive alignment: {exec_note}", highlight=False)
    if report.alignment.misaligned:
        console.print(f"Business/technology: misaligned — {report.alignment.reason}", style="red")
    else:
        console.print("Business/technology: aligned")

    people = Table(title="Key people (loss if they left)", title_justify="left")
    for column in ("Person", "Side", "Threads", "Coverage", "Tie share", "Single point"):
        people.add_column(column, justify="left" if column in ("Person", "Side") else "right")
    for k in report.key_people[:top]:
        people.add_row(
            k.name or k.id,
            k.side,
            str(k.loss.threads) if k.loss.threads else "",
            _pct(k.loss.senior_coverage) if k.loss.senior_coverage >= 0.005 else "",
            _pct(k.loss.strength_share),
            Text("YES", style="bold red") if k.single_point_of_failure else "",
        )
    if report.key_people:
        console.print(people)

    if report.recommendations:
        recs = Table(title="Meet next (uncovered senior staff)", title_justify="left")
        for column in ("Contact", "Title", "Weight", "Warm path"):
            recs.add_column(column)
        for r in report.recommendations[:top]:
            path = " → ".join(names.get(i, i) for i in r.path) if r.path else "no warm path"
            recs.add_row(r.name or r.contact_id, r.title or "", f"{r.weight:g}", path)
        console.print(recs)

    functions = Table(title="Functions", title_justify="left")
    for column in ("Function", "Contacts", "Covered", "Live ties", "Mean stance"):
        functions.add_column(column, justify="left" if column == "Function" else "right")
    for name, f in report.alignment.functions.items():
        stance = "—" if f.mean_stance is None else f"{f.mean_stance:+.2f}"
        functions.add_row(name, str(f.contacts), _pct(f.coverage), str(f.live_ties), stance)
    console.print(functions)


def report(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., help="The account's id."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="ISO date or time to analyse as of (a date: the end of that day)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    without: list[str] = typer.Option(
        [], "--without", help="What if this person (either side) left? Repeatable."
    ),
    top: int = typer.Option(10, "--top", help="Rows per table in the human summary."),
) -> None:
    """The risk report of one account: threads, coverage, key people, recommendations."""
    from stakegraph.reports import account_report

    when = parse_as_of(as_of)
    settings = cli_settings(ctx)
    with cli_store(ctx) as store:
        try:
            result = account_report(store, account_id, settings, as_of=when, without=without)
        except NotFoundError as exc:
            fail(exc.message, 2)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _print_report(result, top)


def _print_portfolio(result: Portfolio, top: int) -> None:
    levels = ", ".join(f"{n} {level}" for level, n in result.levels.items())
    console.print(
        Text(f"{len(result.accounts)} accounts", style="bold"),
        f"as of {result.as_of.strftime('%Y-%m-%d %H:%M UTC')}: {levels}; "
        f"value at risk {result.total_value_at_risk:,.0f} of {result.total_annual_value:,.0f}",
        highlight=False,
    )
    by_risk = Table(title="By risk", title_justify="left")
    for column in ("#", "Account", "Risk", "Threads", "Coverage", "Silent", "Value at risk"):
        by_risk.add_column(column, justify="left" if column == "Account" else "right")
    for rank, e in enumerate(result.accounts[:top], start=1):
        silent = (
            "never"
            if e.days_since_last_interaction is None
            else (f"{e.days_since_last_interaction:.0f}d" + (" dark" if e.going_dark else ""))
        )
        by_risk.add_row(
            str(rank),
            e.account_name or e.account_id,
            _level(e.level, e.score),
            str(e.threads),
            _pct(e.senior_coverage),
            silent,
            "" if e.value_at_risk is None else f"{e.value_at_risk:,.0f}",
        )
    console.print(by_risk)
    entries = {e.account_id: e for e in result.accounts}
    by_value = Table(title="By value at risk", title_justify="left")
    for column in ("#", "Account", "Value at risk", "Annual value", "Risk"):
        by_value.add_column(column, justify="left" if column == "Account" else "right")
    for rank, account_id in enumerate(result.by_value_at_risk[:top], start=1):
        e = entries[account_id]
        if e.value_at_risk is None:
            break
        by_value.add_row(
            str(rank),
            e.account_name or e.account_id,
            f"{e.value_at_risk:,.0f}",
            f"{e.annual_value or 0:,.0f}",
            _level(e.level, e.score),
        )
    console.print(by_value)
    for failure in result.failures:
        err_console.print(f"[red]could not analyse {failure.account_id}:[/] {failure.error}")


def portfolio(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the portfolio as JSON."),
    workers: int | None = typer.Option(
        None, "--workers", help="Worker processes (default: STAKEGRAPH_WORKERS, else one per core)."
    ),
    top: int = typer.Option(20, "--top", help="Rows per table in the human summary."),
) -> None:
    """Every account ranked by risk and by value at risk, computed in parallel."""
    from stakegraph.reports import portfolio_report

    settings = cli_settings(ctx)
    with (
        cli_store(ctx) as store,
        Progress(
            TextColumn("[bold]analysing accounts"),
            BarColumn(),
            TextColumn("{task.completed:,}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("accounts", total=None)
        result = portfolio_report(
            settings,
            workers=workers,
            store=store,
            on_progress=lambda n: progress.advance(task, n),
        )
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _print_portfolio(result, top)
