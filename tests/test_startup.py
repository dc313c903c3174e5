"""Start-up: what a command and the import's reading worker load before their first record.

Every ``stakegraph`` command imports the command line first, and the import's reading worker (a
*spawn* process) imports it again, with :mod:`stakegraph.ingest`. Neither needs networkx or the
analysis metrics, which take longer to import than a small import takes to run. Each check runs
in a fresh interpreter: this one has loaded everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from stakegraph.cli import app

pytestmark = pytest.mark.unit

_HEAVY = ("networkx", "stakegraph.analysis.report", "stakegraph.analysis.graph")


def _loaded_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``statement``."""
    probe = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    ["stakegraph.ingest", "stakegraph.store", "stakegraph.bundle.io", "stakegraph.model"],
)
def test_the_import_path_does_not_load_the_analysis(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert not loaded & set(_HEAVY), f"{module} loads {sorted(loaded & set(_HEAVY))}"


def test_the_analysis_names_still_load_from_where_they_were() -> None:
    loaded = _loaded_after(
        "from stakegraph.analysis import Report, WhatIf, build_report, what_if\n"
        "from stakegraph.analysis.report import Risk, RiskLevel, RiskParts, Rounded\n"
        "from stakegraph.analysis.parts import Risk as Light\n"
        "assert Risk is Light and Report.model_fields['risk'].annotation is Risk"
    )
    assert "networkx" in loaded


def test_an_unknown_analysis_name_is_an_attribute_error() -> None:
    import stakegraph.analysis

    with pytest.raises(AttributeError, match="no_such_name"):
        stakegraph.analysis.no_such_name  # noqa: B018 - the lookup is the test


# Only what running a command needs: the store, the pipeline, pydantic, numpy and the readers
# load in the command's body. Registering every command needs typer, rich and the enums that
# are options' choices (stakegraph.alerts.kinds, stakegraph.scopes).
_NOT_TO_REGISTER = (
    *_HEAVY,
    "numpy",
    "pydantic",
    "httpx",
    "icalendar",
    "stakegraph.settings",
    "stakegraph.store",
    "stakegraph.ingest",
    "stakegraph.model",
    "stakegraph.reports",
    "stakegraph.alerts.model",
)

COMMANDS = [
    "alerts", "alerts ack", "alerts show", "deliver", "demo", "export",
    "import", "import bundle", "import csv", "import hubspot", "import ics", "import mail",
    "import salesforce", "keys", "keys create", "keys list", "keys revoke", "portfolio",
    "report", "reset", "scan", "serve", "version",
    "webhooks", "webhooks add", "webhooks deliveries", "webhooks list", "webhooks remove",
]  # fmt: skip


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> list[str]:
    found = [" ".join(path)] if path else []
    for name, sub in getattr(command, "commands", {}).items():
        found += _command_paths(sub, (*path, name))
    return sorted(found)


def test_the_command_line_registers_every_command_without_what_they_run() -> None:
    # Building the commands evaluates every option's type, as `stakegraph --help` does.
    loaded = _loaded_after(
        "import typer\nfrom stakegraph.cli import app\ntyper.main.get_command(app)"
    )
    assert "stakegraph.cli.importers" in loaded
    heavy = [name for name in _NOT_TO_REGISTER if name in loaded]
    assert not heavy, f"import these in the command's body: {heavy}"


def test_every_command_is_registered() -> None:
    assert _command_paths(typer.main.get_command(app)) == sorted(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_command_has_its_help(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: stakegraph" in result.output


def test_the_demo_defaults_the_help_shows_are_the_demo_s() -> None:
    from stakegraph import demo
    from stakegraph.cli import demo as cli_demo

    assert cli_demo._DEMO_SEED == demo.DEMO_SEED
    assert cli_demo._DEMO_ACCOUNTS == demo.DEMO_ACCOUNTS
    assert len(demo.STORY_ACCOUNTS) == cli_demo._STORY_ACCOUNTS


def test_an_import_without_role_changes_does_not_load_the_alert_rules() -> None:
    # The end of every `stakegraph import`: no role change, nothing to alert on, no networkx.
    loaded = _loaded_after(
        "from stakegraph.cli.alerts import raise_import_alerts\n"
        "from stakegraph.ingest import ImportReport\n"
        "assert raise_import_alerts(None, None, ImportReport(source='x')) == []"
    )
    assert "stakegraph.ingest" in loaded
    assert "networkx" not in loaded
    assert "stakegraph.alerts.service" not in loaded


def test_the_reading_worker_starts_before_the_model_loads() -> None:
    """The bundle import starts its worker first thing: starting it loads no pydantic, model,
    store or numpy in the importing process, so the worker comes up while those load."""
    loaded = _loaded_after("import stakegraph.reading_worker")
    heavy = {"pydantic", "numpy", "stakegraph.model", "stakegraph.store", "stakegraph.ingest"}
    assert not loaded & heavy, sorted(loaded & heavy)
