"""The Examples sections of the analysis modules run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

pytestmark = pytest.mark.unit

MODULES = [
    "stakegraph.analysis.alignment",
    "stakegraph.analysis.coverage",
    "stakegraph.analysis.graph",
    "stakegraph.analysis.key_people",
    "stakegraph.analysis.portfolio",
    "stakegraph.analysis.recency",
    "stakegraph.analysis.recommendations",
    "stakegraph.analysis.report",
    "stakegraph.analysis.risk",
    "stakegraph.analysis.threads",
    "stakegraph.analysis.ties",
    "stakegraph.analysis.whatif",
    "stakegraph.cli.analysis",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
