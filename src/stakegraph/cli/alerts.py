"""``stakegraph alerts``, ``scan``, ``webhooks`` and ``deliver``: alerts on the command line.

Imports on the command line raise role-change alerts through :func:`raise_import_alerts`, which
every import command calls after writing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

# The enums are the options' choices, so Typer needs them to build the commands; what the
# commands do (the alert service, the delivery worker, the messages) is imported when they run.
from stakegraph.alerts.kinds import AlertKind, DeliveryStatus, WebhookFormat
from stakegraph.errors import NotFoundError, StakegraphError

from .analysis import parse_as_of
from .common import cli_settings, cli_store, console, err_console

if TYPE_CHECKING:
    from stakegraph.alerts.model import Alert
    from stakegraph.ingest import ImportReport
    from stakegraph.settings import Settings
    from stakegraph.store import GraphStore

__all__ = [
    "alerts_app",
    "deliver",
    "raise_import_alerts",
    "scan_command",
    "webhooks_app",
]

alerts_app = typer.Typer(
    help="Alerts: list them (the default), show one, acknowledge one.",
    invoke_without_command=True,
)
webhooks_app = typer.Typer(help="Webhook subscriptions: where alerts are delivered.")

_STATE_STYLE = {"open": "bold", "acknowledged": "dim", "resolved": "dim green"}


def raise_import_alerts(store: GraphStore, settings: Settings, report: ImportReport) -> list[Alert]:
    """Raise the alerts of an import's role changes and say so; an alerting failure only warns
    (the import itself is written).
    """
    if report.dry_run or not report.role_changes:
        # What alert_on_import does first: said here, an import without role changes does not
        # load the alert rules (and with them networkx and the analysis) only to learn it.
        return []
    from stakegraph.alerts.service import alert_on_import

    try:
        raised = alert_on_import(store, settings, report)
    except StakegraphError as exc:
        err_console.print(f"warning: alerts were not raised: {exc.message}", highlight=False)
        return []
    for alert in raised:
        console.print(
            Text.assemble(("alert ", "bold red"), (f"{alert.kind}: ", "bold"), alert.headline)
        )
    return raised


def _state(alert: Alert) -> str:
    if alert.resolved_at is not None:
        return "resolved"
    if alert.acknowledged_at is not None:
        return "acknowledged"
    return "open"


def _print_alerts(alerts: list[Alert]) -> None:
    from stakegraph.alerts.messages import KIND_TITLES

    if not alerts:
        console.print("No alerts.")
        return
    table = Table(show_lines=False)
    for column in ("raised (UTC)", "kind", "account", "what happened", "state", "id"):
        table.add_column(column, overflow="fold")
    for alert in alerts:
        state = _state(alert)
        table.add_row(
            alert.raised_at.strftime("%Y-%m-%d %H:%M"),
            KIND_TITLES[alert.kind],
            alert.account_name or alert.account_id,
            alert.headline,
            Text(state, style=_STATE_STYLE[state]),
            alert.id,
        )
    console.print(table)


def _print_alert(alert: Alert) -> None:
    from stakegraph.alerts.messages import KIND_TITLES, risk_text

    console.print(Text(f"{KIND_TITLES[alert.kind]} · {alert.account_name}", style="bold"))
    console.print(alert.headline, highlight=False)
    console.print(f"raised {alert.raised_at:%Y-%m-%d %H:%M} UTC · {_state(alert)} · {alert.id}")
    for reason in alert.reasons:
        console.print(f"  why: {reason}", highlight=False)
    if alert.risk_before is not None or alert.risk_after is not None:
        console.print(
            f"  risk: {risk_text(alert.risk_before)} → {risk_text(alert.risk_after)}"
            if alert.risk_before is not None
            else f"  risk: {risk_text(alert.risk_after)}"
        )
    if alert.successor is not None:
        s = alert.successor
        console.print(
            f"  likely successor: {s.name}{', ' + s.title if s.title else ''} ({s.reason})",
            highlight=False,
        )
    for path in alert.warm_paths:
        console.print(f"  warm path: {path.text}", highlight=False)
    for step in alert.next_steps:
        console.print(f"  • {step}", highlight=False)


@alerts_app.callback()
def alerts(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    account: Annotated[
        list[str] | None, typer.Option("--account", help="Only these accounts (repeat).")
    ] = None,
    kind: Annotated[
        list[AlertKind] | None, typer.Option("--kind", help="Only these kinds (repeat).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Raised at or after this ISO date or time.")
    ] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only alerts neither acknowledged nor resolved.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
) -> None:
    """List alerts, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    # A bare date means from the start of that day.
    when = parse_as_of(since + "T00:00:00" if since and len(since.strip()) == 10 else since)
    with cli_store(ctx) as store:
        found = store.list_alerts(
            account_ids=account or None,
            kinds=[k.value for k in kind] if kind else None,
            since=when,
            open_only=open_only,
            limit=limit,
        )
    if as_json:
        typer.echo(json.dumps([a.model_dump(mode="json") for a in found], indent=2))
    else:
        _print_alerts(found)


@alerts_app.command("show")
def show(
    ctx: typer.Context,
    alert_id: Annotated[str, typer.Argument(help="The alert's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One alert in full: why, risk before and after, successor, warm paths, next steps."""
    with cli_store(ctx) as store:
        alert = store.get_alert(alert_id)
    if alert is None:
        raise NotFoundError(f"no alert with id {alert_id!r}")
    if as_json:
        typer.echo(alert.model_dump_json(indent=2))
    else:
        _print_alert(alert)


@alerts_app.command("ack")
def ack(
    ctx: typer.Context,
    alert_id: Annotated[str, typer.Argument(help="The alert's id.")],
    by: Annotated[str, typer.Option("--by", help="Who acknowledges it.")] = "cli",
) -> None:
    """Acknowledge an alert: it is no longer open."""
    with cli_store(ctx) as store:
        alert = store.acknowledge_alert(alert_id, by=by)
    if alert is None:
        raise NotFoundError(f"no alert with id {alert_id!r}")
    console.print(f"acknowledged {alert.id}", highlight=False)


def scan_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Scan every account: raise going-dark and risk-high alerts, once per episode."""
    from stakegraph.alerts.service import scan

    settings = cli_settings(ctx)
    with cli_store(ctx) as store:
        result = scan(store, settings)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "as_of": result.as_of.isoformat(),
                    "accounts": result.accounts,
                    "seconds": round(result.seconds, 3),
                    "raised": [a.model_dump(mode="json") for a in result.raised + result.swept],
                    "resolved": result.resolved,
                    "failures": result.failures,
                },
                indent=2,
            )
        )
        return
    console.print(
        f"Scanned {result.accounts:,} account(s) in {result.seconds:.1f} s: "
        f"{len(result.raised) + len(result.swept)} alert(s) raised, "
        f"{len(result.resolved)} episode(s) ended.",
        highlight=False,
    )
    _print_alerts(result.raised + result.swept)
    for episode in result.resolved:
        account, _, kind = episode.partition("|")
        console.print(f"recovered: {account} ({kind.replace('_', ' ')})", highlight=False)
    for account, error in sorted(result.failures.items()):
        err_console.print(f"could not analyse {account}: {error}", highlight=False)


@webhooks_app.command("add")
def add_webhook(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Where to POST alerts (http or https).")],
    kind: Annotated[
        list[AlertKind] | None, typer.Option("--kind", help="Only these kinds (repeat).")
    ] = None,
    format: Annotated[
        WebhookFormat, typer.Option("--format", help="json, or slack (incoming webhook).")
    ] = WebhookFormat.JSON,
    secret: Annotated[
        str | None, typer.Option("--secret", help="Signing secret (default: a new one).")
    ] = None,
    description: Annotated[str, typer.Option("--description")] = "",
) -> None:
    """Subscribe a URL to alerts; prints the signing secret once."""
    from stakegraph.alerts.service import create_webhook

    settings = cli_settings(ctx)
    with cli_store(ctx) as store:
        webhook = create_webhook(
            store,
            settings,
            url=url,
            kinds=kind,
            format=format,
            secret=secret,
            description=description,
        )
    typer.echo(webhook.id)
    err_console.print(
        f"secret: {webhook.secret}\nVerify the webhook-signature header with it "
        "(Standard Webhooks); it is shown again only by `stakegraph webhooks list --secrets`.",
        highlight=False,
    )


@webhooks_app.command("list")
def list_webhooks(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    secrets: Annotated[bool, typer.Option("--secrets", help="Show the secrets too.")] = False,
) -> None:
    """List subscriptions."""
    with cli_store(ctx) as store:
        found = store.webhooks()
    exclude = set() if secrets else {"secret"}
    if as_json:
        rows = [w.model_dump(mode="json", exclude=exclude) for w in found]
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table()
    for column in ("id", "url", "format", "kinds", "state"):
        table.add_column(column, overflow="fold")
    for w in found:
        state = "enabled" if w.enabled else f"disabled: {w.disabled_reason or ''}"
        table.add_row(w.id, w.url, w.format.value, ", ".join(w.kinds), state)
    console.print(table)


@webhooks_app.command("remove")
def remove_webhook(
    ctx: typer.Context, webhook_id: Annotated[str, typer.Argument(help="The subscription id.")]
) -> None:
    """Delete a subscription (and its pending deliveries)."""
    with cli_store(ctx) as store:
        if not store.delete_webhook(webhook_id):
            raise NotFoundError(f"no webhook with id {webhook_id!r}")
    console.print(f"removed {webhook_id}", highlight=False)


@webhooks_app.command("deliveries")
def list_deliveries(
    ctx: typer.Context,
    webhook_id: Annotated[str, typer.Argument(help="The subscription id.")],
    status: Annotated[DeliveryStatus | None, typer.Option("--status")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Deliveries to one subscription, with their tries."""
    with cli_store(ctx) as store:
        if store.get_webhook(webhook_id) is None:
            raise NotFoundError(f"no webhook with id {webhook_id!r}")
        found = store.deliveries(webhook_id=webhook_id, status=status)
    if as_json:
        typer.echo(json.dumps([d.model_dump(mode="json") for d in found], indent=2))
        return
    table = Table()
    for column in ("alert", "status", "tries", "last error", "next try (UTC)"):
        table.add_column(column, overflow="fold")
    for d in found:
        table.add_row(
            d.alert_id,
            d.status.value,
            str(d.attempt_count),
            d.last_error or "",
            d.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S") if d.next_attempt_at else "",
        )
    console.print(table)


def deliver(
    ctx: typer.Context,
    passes: Annotated[int, typer.Option("--passes", min=1, help="Delivery passes at most.")] = 10,
) -> None:
    """Deliver what is due in the outbox now (the service does this on its own)."""
    from stakegraph.alerts.delivery import DeliveryWorker

    settings = cli_settings(ctx)
    with cli_store(ctx) as store:
        tried = DeliveryWorker(store, settings).deliver_pending(passes=passes)
        counts = store.delivery_counts()
    console.print(
        f"{tried} delivery tr{'y' if tried == 1 else 'ies'}; outbox: "
        + ", ".join(f"{n} {status}" for status, n in counts.items()),
        highlight=False,
    )
    if counts.get("failed"):
        fail_hint = "see `stakegraph webhooks deliveries ID --status failed`"
        err_console.print(f"{counts['failed']} failed deliveries: {fail_hint}", highlight=False)
