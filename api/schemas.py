"""Request and response bodies of the REST API (separate from the domain model on purpose)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from stakegraph.analysis.report import Coverage, Recommendation, RiskLevel, Threads
from stakegraph.model import (
    Account,
    BuyingRole,
    Contact,
    Function,
    Interaction,
    RoleChange,
    Seniority,
    Stance,
    Status,
    TeamMember,
    UtcDatetime,
)
from stakegraph.model.entities import EntityId

__all__ = [
    "AccountBody",
    "AccountDetail",
    "AccountPage",
    "AccountSummary",
    "ContactBody",
    "ContactPatch",
    "CoverageView",
    "ErrorBody",
    "History",
    "HistoryPointOut",
    "InteractionBatch",
    "RecommendationList",
    "TeamMemberBody",
    "WhatIf",
    "WriteResult",
    "WriteSummary",
]

MAX_BATCH = 10_000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# -- errors --------------------------------------------------------------------------------
class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(examples=["not_found"])
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """Every error response."""

    error: ErrorDetail


# -- writes --------------------------------------------------------------------------------
class AccountBody(Account):
    """An account as written with PUT; ``id`` may be left out (the path names it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    id: EntityId | None = None  # type: ignore[assignment]


class ContactBody(Contact):
    """A contact as written with PUT; ``id`` may be left out (the path names it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    id: EntityId | None = None  # type: ignore[assignment]


class TeamMemberBody(TeamMember):
    """One of our people as written with PUT; ``id`` may be left out (the path names it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    id: EntityId | None = None  # type: ignore[assignment]


class ContactPatch(_Body):
    """Some fields of a contact. A new title without a seniority (or function) re-infers it."""

    account_id: EntityId | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    email: str | None = None
    title: Annotated[str, StringConstraints(max_length=500)] | None = None
    department: Annotated[str, StringConstraints(max_length=500)] | None = None
    seniority: Seniority | None = None
    function: Function | None = None
    reports_to: EntityId | None = None
    buying_roles: list[BuyingRole] | None = None
    stance: Stance | None = None
    status: Status | None = None


class InteractionBatch(_Body):
    """Interactions to create or update, in one write."""

    interactions: list[Interaction] = Field(min_length=1, max_length=MAX_BATCH)


class WhatIf(_Body):
    """People (contact or team member ids) to take out of the account."""

    remove: list[EntityId] = Field(min_length=1, max_length=1000)


class WriteResult(BaseModel):
    """The outcome of writing one record."""

    id: str
    created: bool
    changed: bool
    record: dict[str, Any]
    role_change: RoleChange | None = None


class WriteSummary(BaseModel):
    """The outcome of a batch write."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    role_changes: list[RoleChange] = Field(default_factory=list)


# -- reads ---------------------------------------------------------------------------------
class AccountSummary(BaseModel):
    """One row of the portfolio."""

    id: str
    name: str
    annual_value: float | None = None
    renewal_date: date | None = None
    risk_score: float | None = None
    risk_level: RiskLevel | None = None
    threads: int | None = None
    single_threaded: bool | None = None
    senior_coverage: float | None = None
    days_since_last_interaction: float | None = None
    going_dark: bool | None = None
    value_at_risk: float | None = None
    error: str | None = Field(default=None, description="Why the risk could not be computed.")


class AccountPage(BaseModel):
    """A page of the portfolio."""

    items: list[AccountSummary]
    total: int
    offset: int
    limit: int
    sort: Literal["risk", "value_at_risk", "name"]


class AccountDetail(BaseModel):
    """One account with its current risk."""

    account: Account
    summary: AccountSummary
    contacts: int
    team: list[TeamMember]


class CoverageView(BaseModel):
    """Only the threads and coverage parts of a report (the quick query)."""

    account_id: str
    as_of: UtcDatetime
    threads: Threads
    coverage: Coverage


class RecommendationList(BaseModel):
    """Uncovered senior staff with their warm paths."""

    account_id: str
    as_of: UtcDatetime
    recommendations: list[Recommendation]


class HistoryPointOut(BaseModel):
    """Risk as of one month."""

    as_of: UtcDatetime
    score: float
    level: RiskLevel
    threads: int
    senior_coverage: float


class History(BaseModel):
    """Risk at monthly as-of points, oldest first."""

    account_id: str
    points: list[HistoryPointOut]


def contact_record(contact: Contact) -> dict[str, Any]:
    """A contact as JSON."""
    return contact.model_dump(mode="json")


def account_summary(
    account: Account, report: Any | None, error: str | None = None
) -> AccountSummary:
    """A portfolio row from an account and its report (or the reason there is none)."""
    if report is None:
        return AccountSummary(
            id=account.id,
            name=account.name,
            annual_value=account.annual_value,
            renewal_date=account.renewal_date,
            error=error,
        )
    return AccountSummary(
        id=account.id,
        name=account.name,
        annual_value=account.annual_value,
        renewal_date=account.renewal_date,
        risk_score=round(report.risk.score, 4),
        risk_level=report.risk.level,
        threads=report.threads.senior,
        single_threaded=report.threads.single_threaded,
        senior_coverage=round(report.coverage.senior, 4),
        days_since_last_interaction=(
            None
            if report.days_since_last_interaction is None
            else round(report.days_since_last_interaction, 4)
        ),
        going_dark=report.going_dark,
        value_at_risk=None if report.value_at_risk is None else round(report.value_at_risk, 4),
    )
