"""The portfolio: every account's risk in one ranking, and the money behind it.

Pure ranking over per-account summaries; computing the reports (in parallel worker processes) is
the caller's business. Two orders: by risk (score, then value at risk, then id) and by value at
risk (``annual value x score / 100``; accounts without an annual value last).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from stakegraph.analysis.parts import RiskLevel, Rounded
from stakegraph.analysis.report import Report
from stakegraph.model.entities import UtcDatetime

__all__ = ["AccountFailure", "Portfolio", "PortfolioEntry", "rank_portfolio"]


class PortfolioEntry(BaseModel):
    """One account's line in the portfolio: the figures that decide where it ranks."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    account_name: str = ""
    score: Rounded
    level: RiskLevel
    threads: int = Field(description="threads.senior of the account's report.")
    senior_coverage: Rounded
    going_dark: bool
    days_since_last_interaction: Rounded | None
    executive_alignment: bool
    misaligned: bool
    single_points_of_failure: list[str]
    annual_value: Rounded | None = None
    value_at_risk: Rounded | None = None

    @classmethod
    def from_report(cls, report: Report) -> PortfolioEntry:
        """The portfolio line of one account report.

        Examples
        --------
        >>> from datetime import datetime, UTC
        >>> from stakegraph.analysis import build_report
        >>> from stakegraph.model import Account, AccountSnapshot
        >>> from stakegraph.settings import AnalysisSettings
        >>> snap = AccountSnapshot(account=Account(id="a", name="A", annual_value=1000),
        ...                        contacts=(), team=(), as_of=datetime(2024, 1, 1, tzinfo=UTC))
        >>> e = PortfolioEntry.from_report(build_report(snap, AnalysisSettings()))
        >>> e.account_id, e.score, e.level, e.value_at_risk
        ('a', 100.0, 'high', 1000.0)
        """
        return cls(
            account_id=report.account_id,
            account_name=report.account_name,
            score=report.risk.score,
            level=report.risk.level,
            threads=report.threads.senior,
            senior_coverage=report.coverage.senior,
            going_dark=report.going_dark,
            days_since_last_interaction=report.days_since_last_interaction,
            executive_alignment=report.executive_alignment,
            misaligned=report.alignment.misaligned,
            single_points_of_failure=report.single_points_of_failure,
            annual_value=report.annual_value,
            value_at_risk=report.value_at_risk,
        )


class AccountFailure(BaseModel):
    """An account whose report could not be computed, and why."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    error: str


class Portfolio(BaseModel):
    """Every account ranked by risk, and the same accounts ranked by value at risk."""

    model_config = ConfigDict(frozen=True)

    as_of: UtcDatetime
    accounts: list[PortfolioEntry] = Field(description="Ranked by risk, highest first.")
    by_value_at_risk: list[str] = Field(description="Account ids by value at risk, highest first.")
    levels: dict[str, int] = Field(description="How many accounts at each risk level.")
    total_annual_value: Rounded
    total_value_at_risk: Rounded
    failures: list[AccountFailure] = Field(default_factory=list)


def rank_portfolio(
    entries: Iterable[PortfolioEntry],
    as_of: datetime,
    failures: Iterable[AccountFailure] = (),
) -> Portfolio:
    """Rank accounts by risk and by value at risk.

    Parameters
    ----------
    entries : iterable of PortfolioEntry
        One per account.
    as_of : datetime
        When the reports were computed for.
    failures : iterable of AccountFailure
        Accounts that could not be analysed, listed as they are.

    Returns
    -------
    Portfolio

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> def entry(i, score, value):
    ...     return PortfolioEntry(account_id=i, score=score, level="low", threads=3,
    ...         senior_coverage=1, going_dark=False, days_since_last_interaction=1,
    ...         executive_alignment=True, misaligned=False, single_points_of_failure=[],
    ...         annual_value=value, value_at_risk=None if value is None else value * score / 100)
    >>> p = rank_portfolio([entry("a", 20, 1000), entry("b", 25, None), entry("c", 10, 9000)],
    ...                    datetime(2024, 1, 1, tzinfo=UTC))
    >>> [e.account_id for e in p.accounts], p.by_value_at_risk, p.total_value_at_risk
    (['b', 'a', 'c'], ['c', 'a', 'b'], 1100.0)
    """
    listed = list(entries)
    by_risk = sorted(listed, key=lambda e: (-e.score, -(e.value_at_risk or 0.0), e.account_id))
    by_value = sorted(
        listed,
        key=lambda e: (
            e.value_at_risk is None,
            -(e.value_at_risk or 0.0),
            -e.score,
            e.account_id,
        ),
    )
    levels = {"high": 0, "medium": 0, "low": 0}
    for e in listed:
        levels[e.level] += 1
    return Portfolio(
        as_of=as_of,
        accounts=by_risk,
        by_value_at_risk=[e.account_id for e in by_value],
        levels=levels,
        total_annual_value=sum(e.annual_value or 0.0 for e in listed),
        total_value_at_risk=sum(e.value_at_risk or 0.0 for e in listed),
        failures=sorted(failures, key=lambda f: f.account_id),
    )
