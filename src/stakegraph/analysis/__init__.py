"""Risk analysis of one account snapshot with networkx: pure functions, no I/O.

Read top to bottom: :mod:`~stakegraph.analysis.ties` (tie strengths) ->
:mod:`~stakegraph.analysis.graph` (the relationship graph) -> the metrics
(:mod:`~stakegraph.analysis.threads`, :mod:`~stakegraph.analysis.coverage`,
:mod:`~stakegraph.analysis.key_people`, :mod:`~stakegraph.analysis.recency`,
:mod:`~stakegraph.analysis.alignment`, :mod:`~stakegraph.analysis.recommendations`) ->
:mod:`~stakegraph.analysis.risk` -> :func:`~stakegraph.analysis.report.build_report`.

The names below load :mod:`~stakegraph.analysis.report` (and networkx) when first used, not
when the package is imported: the store, the import and the command line import
:mod:`~stakegraph.analysis.parts` (the risk score's models) without paying for the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stakegraph.analysis.report import Report, WhatIf, build_report, what_if

__all__ = ["Report", "WhatIf", "build_report", "what_if"]


def __getattr__(name: str) -> Any:
    # PEP 562: only for names not yet set on the package.
    if name in __all__:
        from stakegraph.analysis import report

        return getattr(report, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
