"""``stakegraph reset``: asks first, then deletes everything stored."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stakegraph.cli import app
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

from . import sample

pytestmark = pytest.mark.store


def _env(settings: Settings) -> dict[str, str]:
    return {
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
        "STAKEGRAPH_GRAPH_URL": "",
    }


def test_reset_asks_and_keeps_everything_on_no(store: GraphStore, settings: Settings) -> None:
    sample.load(store)
    result = CliRunner().invoke(app, ["reset"], input="n\n", env=_env(settings))
    assert result.exit_code == 1
    assert "Delete everything in the embedded store" in result.output
    assert store.counts()["interactions"] == 4


def test_reset_yes_deletes_everything(store: GraphStore, settings: Settings) -> None:
    sample.load(store)
    result = CliRunner().invoke(app, ["reset", "--yes"], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert "(2 accounts, 4 contacts, 2 team members, 4 interactions)" in result.output
    assert store.counts() == {"accounts": 0, "contacts": 0, "team": 0, "interactions": 0}
