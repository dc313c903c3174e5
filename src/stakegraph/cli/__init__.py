"""The ``stakegraph`` command line (Typer).

Each topic lives in its own module and registers here with one line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from stakegraph.errors import NotFoundError, StakegraphError, StoreUnavailableError

app = typer.Typer(
    name="stakegraph",
    help="Warns an account team when a customer relationship hangs on one person.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help="Where the embedded graph database lives (env STAKEGRAPH_DATA_DIR).",
    ),
    graph_url: str | None = typer.Option(
        None,
        "--graph-url",
        help="falkordb://host:port or neo4j://host instead of the embedded store "
        "(env STAKEGRAPH_GRAPH_URL).",
    ),
) -> None:
    """Warns an account team when a customer relationship hangs on one person."""
    ctx.obj = {"data_dir": data_dir, "graph_url": graph_url}


@app.command()
def version() -> None:
    """Print the version."""
    from stakegraph import __version__

    typer.echo(__version__)


# -- registrations: one line per topic module ------------------------------------------------
from stakegraph.cli import analysis as _analysis  # noqa: E402
from stakegraph.cli import demo as _demo  # noqa: E402
from stakegraph.cli import export as _export  # noqa: E402
from stakegraph.cli import importers as _importers  # noqa: E402, F401  (registers on import_app)
from stakegraph.cli import reset as _reset  # noqa: E402
from stakegraph.cli.imports import import_app  # noqa: E402

app.add_typer(import_app, name="import")
app.command("export")(_export.export)
app.command("report")(_analysis.report)
app.command("portfolio")(_analysis.portfolio)
app.command("demo")(_demo.demo)
app.command("reset")(_reset.reset)

from stakegraph.cli import keys as _keys  # noqa: E402
from stakegraph.cli import serve as _serve  # noqa: E402

app.add_typer(_keys.app, name="keys")
app.command("serve")(_serve.serve)

from stakegraph.cli import alerts as _alerts  # noqa: E402

app.add_typer(_alerts.alerts_app, name="alerts")
app.add_typer(_alerts.webhooks_app, name="webhooks")
app.command("scan")(_alerts.scan_command)
app.command("deliver")(_alerts.deliver)

_EXIT_CODES: dict[type[StakegraphError], int] = {
    NotFoundError: 2,
    StoreUnavailableError: 4,
}


def main() -> None:
    """Entry point of the console script: stakegraph errors become one line and an exit code."""
    try:
        app()
    except StakegraphError as exc:
        code = next((c for cls, c in _EXIT_CODES.items() if isinstance(exc, cls)), 1)
        print(f"error: {exc.message}", file=sys.stderr)
        sys.exit(code)
