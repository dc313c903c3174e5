"""Risk analysis of one account snapshot with networkx: pure functions, no I/O.

Read top to bottom: :mod:`~stakegraph.analysis.ties` (tie strengths) ->
:mod:`~stakegraph.analysis.graph` (the relationship graph) -> the metrics
(:mod:`~stakegraph.analysis.threads`, :mod:`~stakegraph.analysis.coverage`,
:mod:`~stakegraph.analysis.key_people`, :mod:`~stakegraph.analysis.recency`,
:mod:`~stakegraph.analysis.alignment`, :mod:`~stakegraph.analysis.recommendations`) ->
:mod:`~stakegraph.analysis.risk` -> :func:`~stakegraph.analysis.report.build_report`.
"""

from stakegraph.analysis.report import Report, WhatIf, build_report, what_if

__all__ = ["Report", "WhatIf", "build_report", "what_if"]
