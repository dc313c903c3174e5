"""``stakegraph keys``: create, list and revoke API keys of the service."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from stakegraph.scopes import Scope

from .common import cli_store, fail

__all__ = ["app"]

app = typer.Typer(help="API keys of the service (stored hashed; a key is shown only once).")


@app.command("create")
def create(
    ctx: typer.Context,
    scope: Annotated[
        list[Scope],
        typer.Option("--scope", help="read, write or admin (repeat for several)."),
    ] = [Scope.READ],  # noqa: B006 - Typer reads the default, never mutates it
    accounts: Annotated[
        str | None,
        typer.Option("--accounts", help="Comma-separated account ids this key is limited to."),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Who holds the key, what for.")] = "",
) -> None:
    """Create a key and print it once: store it now, it cannot be shown again."""
    account_list = None
    if accounts is not None:
        account_list = [a.strip() for a in accounts.split(",") if a.strip()]
        if not account_list:
            fail("--accounts needs at least one account id", 2)
    from stakegraph.keys import new_api_key

    key, record = new_api_key(scope, accounts=account_list, name=name)
    with cli_store(ctx) as store:
        store.save_api_key(record)
    typer.echo(key)
    limit = ", ".join(record.accounts) if record.accounts is not None else "every account"
    typer.echo(
        f"key {record.id}: scopes {', '.join(record.scopes)}; {limit}. "
        "Shown once: keep it now (send it as 'Authorization: Bearer <key>').",
        err=True,
    )


@app.command("list")
def list_keys(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List keys (ids, scopes, accounts, state; never the keys themselves)."""
    with cli_store(ctx) as store:
        keys = store.api_keys()
    if as_json:
        typer.echo(
            json.dumps([k.model_dump(mode="json", exclude={"key_hash"}) for k in keys], indent=2)
        )
        return
    if not keys:
        typer.echo("No API keys. Create one with: stakegraph keys create --scope read")
        return
    for k in keys:
        state = "active" if k.active else f"revoked {k.revoked_at:%Y-%m-%d}"
        limit = ",".join(k.accounts) if k.accounts is not None else "*"
        typer.echo(f"{k.id}\t{','.join(k.scopes)}\t{limit}\t{state}\t{k.name}")


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key's id (from `keys list`).")],
) -> None:
    """Revoke a key; the service stops accepting it within a few seconds."""
    with cli_store(ctx) as store:
        found = store.revoke_api_key(key_id)
    if not found:
        fail(f"no active key {key_id!r}", 2)
    typer.echo(f"revoked {key_id}")
