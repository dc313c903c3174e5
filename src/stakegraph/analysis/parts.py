"""The risk score's models, for those that carry a score without computing one.

:mod:`~stakegraph.alerts.model` keeps an account's :class:`Risk` in its alerts, and the store
keeps alerts; this module imports pydantic only, so neither the store nor the import pipeline
loads networkx and the metrics to name a risk. :mod:`~stakegraph.analysis.report` re-exports
every name here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer

__all__ = ["Risk", "RiskLevel", "RiskParts", "Rounded"]


def _round4(value: float) -> float:
    return round(value, 4)


Rounded = Annotated[float, PlainSerializer(_round4, return_type=float, when_used="json")]
"""A float written to JSON with 4 decimals."""

RiskLevel = Literal["low", "medium", "high"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class RiskParts(_Part):
    """The four parts of the risk score; they sum to the score."""

    threads: Rounded
    senior_coverage: Rounded
    recency: Rounded
    executive_alignment: Rounded


class Risk(_Part):
    """Risk score 0-100, its level and its parts."""

    score: Rounded
    level: RiskLevel
    parts: RiskParts
