"""``stakegraph serve``: the REST API and the browser pages, with uvicorn."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Annotated

import typer

from stakegraph.errors import StakegraphError

from .common import cli_settings, fail

if TYPE_CHECKING:
    from types import FrameType

    from stakegraph.store import GraphStore

__all__ = ["serve"]


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8765).")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo portfolio first if the store is empty.")
    ] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the API (/v1, /docs) and the pages (/) until interrupted.

    On a loopback address without API keys the service runs open and says so; on any other
    address it refuses to start until a key exists (``stakegraph keys create``).
    """
    import uvicorn

    from stakegraph.api import create_app
    from stakegraph.api.app import check_exposure
    from stakegraph.store import open_store

    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = cli_settings(ctx).model_copy(update=overrides)
    store = open_store(settings)
    try:
        store.ensure_schema()
        try:
            check_exposure(settings, store, warn=False)
        except StakegraphError as error:
            fail(error.message, 2)
        if demo:
            _load_demo(store)
        app = create_app(settings, store=store)
        config = uvicorn.Config(
            app, host=settings.host, port=settings.port, log_level=log_level, access_log=False
        )
        typer.echo(f"stakegraph serving on http://{settings.host}:{settings.port}/", err=True)
        _stop_cleanly_on_signals()
        uvicorn.Server(config).run()
    finally:
        store.close()


def _stop_cleanly_on_signals() -> None:
    """Make SIGTERM and SIGINT end ``serve`` through its ``finally``, which closes the store.

    uvicorn shuts down gracefully on either signal and then raises it again under the handler
    that was installed before it started. Under the default handlers a SIGTERM would end the
    process right there, before the store closed, leaving the embedded database server running
    with nobody to stop it; a SIGINT would surface as click's "Aborted!" and exit status 1.
    """

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)


def _load_demo(store: GraphStore) -> None:
    """Load the demo portfolio through the ingest pipeline, unless the store holds accounts."""
    from stakegraph.demo import DEMO_ACCOUNTS, DEMO_SEED
    from stakegraph.ingest import ingest

    from .demo import demo_ingest_records

    if store.counts()["accounts"]:
        typer.echo("--demo: the store already holds accounts; loading nothing.", err=True)
        return
    report = ingest(
        store,
        demo_ingest_records(seed=DEMO_SEED, now=None, accounts=DEMO_ACCOUNTS),
        source="demo",
    )
    created = report.counts["accounts"].created
    typer.echo(f"--demo: loaded the demo portfolio ({created} accounts).", err=True)
