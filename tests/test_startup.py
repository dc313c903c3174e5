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

import pytest

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
