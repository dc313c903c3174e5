"""The ``stakegraph`` command line (Typer)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="stakegraph",
    help="Warns an account team when a customer relationship hangs on one person.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the version."""
    from stakegraph import __version__

    typer.echo(__version__)


from stakegraph.cli import keys as _keys  # noqa: E402
from stakegraph.cli import serve as _serve  # noqa: E402

app.add_typer(_keys.app, name="keys")
app.command("serve")(_serve.serve)


def main() -> None:
    """Entry point of the console script."""
    app()
