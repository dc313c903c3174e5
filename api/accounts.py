"""Read routes under /v1: the portfolio, one account, its report and the views of it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BeforeValidator

from stakegraph.analysis.report import Report, RiskLevel
from stakegraph.errors import StakegraphError, ValidationFailed
from stakegraph.keys import Principal
from stakegraph.maps import build_map, render_map_page
from stakegraph.model import Account, as_of_time
from stakegraph.store.base import GraphStore

from .auth import ensure_visible
from .deps import ReadKey, ReportsDep, SettingsDep, StoreDep
from .pages import page_headers
from .reports import ReportService
from .schemas import (
    AccountDetail,
    AccountPage,
    AccountSummary,
    CoverageView,
    ErrorBody,
    History,
    HistoryPointOut,
    RecommendationList,
    WhatIf,
    account_summary,
)

__all__ = ["portfolio", "router"]

log = logging.getLogger("stakegraph.api")

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such account (or not visible to this key)"}
}
router = APIRouter(prefix="/v1", tags=["accounts"], responses={401: {"model": ErrorBody}})


def _as_of(value: object) -> object:
    return as_of_time(value) if isinstance(value, str) else value


AsOf = Annotated[
    datetime | None,
    BeforeValidator(_as_of),
    Query(
        description="Report as of this time (ISO 8601; default now). A bare date means the end "
        "of that day, UTC, as on the command line; a time without an offset is UTC."
    ),
]
Sort = Literal["risk", "value_at_risk", "name"]


async def portfolio(
    principal: Principal,
    store: GraphStore,
    reports: ReportService,
    *,
    sort: Sort = "risk",
    level: RiskLevel | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[AccountSummary], int]:
    """The accounts this key may see, with their risk, sorted, filtered and cut to a page."""
    accounts = [a for a in await run_in_threadpool(store.list_accounts) if principal.can_see(a.id)]
    if sort == "name" and level is None:
        # Only the page needs computing.
        accounts.sort(key=lambda a: (a.name.lower(), a.id))
        total = len(accounts)
        page = accounts[offset : None if limit is None else offset + limit]
        return await _summaries(page, reports), total
    rows = await _summaries(accounts, reports)
    if level is not None:
        rows = [r for r in rows if r.risk_level == level]
    # The same orders as `stakegraph portfolio` (stakegraph.analysis.portfolio.rank_portfolio).
    if sort == "name":
        rows.sort(key=lambda r: (r.name.lower(), r.id))
    elif sort == "risk":
        rows.sort(key=lambda r: (-(r.risk_score or -1.0), -(r.value_at_risk or 0.0), r.id))
    else:
        rows.sort(
            key=lambda r: (
                r.value_at_risk is None,
                -(r.value_at_risk or 0.0),
                -(r.risk_score or -1.0),
                r.id,
            )
        )
    total = len(rows)
    return rows[offset : None if limit is None else offset + limit], total


async def _summaries(accounts: list[Account], reports: ReportService) -> list[AccountSummary]:
    results = await reports.many([a.id for a in accounts])
    rows: list[AccountSummary] = []
    for account in accounts:
        result = results[account.id]
        if isinstance(result, StakegraphError):
            rows.append(account_summary(account, None, error=result.message))
        elif isinstance(result, Exception):
            log.error("the report of %r failed", account.id, exc_info=result)
            rows.append(account_summary(account, None, error="internal error; see the log"))
        else:
            rows.append(account_summary(account, result))
    return rows


async def _report(
    principal: Principal,
    reports: ReportService,
    account_id: str,
    *,
    as_of: datetime | None = None,
    without: list[str] | tuple[str, ...] = (),
) -> Report:
    ensure_visible(principal, account_id)
    return await reports.report(account_id, as_of=as_of, without=without)


@router.get("/accounts", response_model=AccountPage, summary="The portfolio, ranked")
async def list_accounts(
    principal: ReadKey,
    store: StoreDep,
    reports: ReportsDep,
    sort: Annotated[Sort, Query(description="risk or value_at_risk (highest first), or name")] = (
        "risk"
    ),
    level: Annotated[RiskLevel | None, Query(description="Only accounts at this level")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AccountPage:
    """Accounts visible to this key with their risk, a page at a time."""
    rows, total = await portfolio(
        principal, store, reports, sort=sort, level=level, offset=offset, limit=limit
    )
    return AccountPage(items=rows, total=total, offset=offset, limit=limit, sort=sort)


@router.get(
    "/accounts/{account_id}",
    response_model=AccountDetail,
    responses=_NOT_FOUND,
    summary="One account with its current risk",
)
async def get_account(
    account_id: str, principal: ReadKey, store: StoreDep, reports: ReportsDep
) -> AccountDetail:
    """The account record, its risk summary and our people on it."""
    ensure_visible(principal, account_id)
    reported = await reports.reported(account_id)
    snapshot = reported.snapshot
    return AccountDetail(
        account=snapshot.account,
        summary=account_summary(snapshot.account, reported.report),
        contacts=len(snapshot.contacts),
        team=list(snapshot.team),
    )


@router.get(
    "/accounts/{account_id}/report",
    response_model=Report,
    responses=_NOT_FOUND,
    summary="The full risk report",
)
async def get_report(
    account_id: str, principal: ReadKey, reports: ReportsDep, as_of: AsOf = None
) -> Report:
    """The report of the analysis (risk, threads, coverage, key people, recommendations)."""
    return await _report(principal, reports, account_id, as_of=as_of)


@router.get(
    "/accounts/{account_id}/coverage",
    response_model=CoverageView,
    responses=_NOT_FOUND,
    summary="Threads and senior coverage only",
)
async def get_coverage(
    account_id: str, principal: ReadKey, reports: ReportsDep, as_of: AsOf = None
) -> Response:
    """The quick query: how many threads, who they hang on, who is not covered."""
    ensure_visible(principal, account_id)
    reported = await reports.reported(account_id, as_of=as_of)
    return Response(reported.view("coverage", _coverage_view), media_type="application/json")


def _coverage_view(report: Report) -> CoverageView:
    return CoverageView(
        account_id=report.account_id,
        as_of=report.as_of,
        threads=report.threads,
        coverage=report.coverage,
    )


@router.post(
    "/accounts/{account_id}/what-if",
    response_model=Report,
    responses=_NOT_FOUND,
    summary="The report with people removed",
)
async def what_if(account_id: str, body: WhatIf, principal: ReadKey, reports: ReportsDep) -> Report:
    """What if these people (ours or theirs) left? Unknown ids are refused, by position."""
    ensure_visible(principal, account_id)
    snapshot = (await reports.reported(account_id)).snapshot
    people = {c.id for c in snapshot.contacts} | {m.id for m in snapshot.team}
    unknown = [
        {"field": f"body.remove[{i}]", "message": f"{pid!r} is nobody on account {account_id!r}"}
        for i, pid in enumerate(body.remove)
        if pid not in people
    ]
    if unknown:
        raise ValidationFailed(f"{unknown[0]['field']}: {unknown[0]['message']}", details=unknown)
    return await reports.report(account_id, without=body.remove)


@router.get(
    "/accounts/{account_id}/recommendations",
    response_model=RecommendationList,
    responses=_NOT_FOUND,
    summary="Who to meet next, with warm paths",
)
async def get_recommendations(
    account_id: str, principal: ReadKey, reports: ReportsDep, as_of: AsOf = None
) -> RecommendationList:
    """Uncovered senior staff by weight, each with the shortest warm path from our team."""
    report = await _report(principal, reports, account_id, as_of=as_of)
    return RecommendationList(
        account_id=report.account_id, as_of=report.as_of, recommendations=report.recommendations
    )


@router.get(
    "/accounts/{account_id}/history",
    response_model=History,
    responses=_NOT_FOUND,
    summary="Risk month by month",
)
async def get_history(
    account_id: str,
    principal: ReadKey,
    reports: ReportsDep,
    settings: SettingsDep,
    as_of: AsOf = None,
) -> History:
    """The risk score at monthly as-of points over the ``history_months`` months up to
    ``as_of`` (default now)."""
    ensure_visible(principal, account_id)
    points = await reports.history(account_id, as_of=as_of)
    return History(
        account_id=account_id,
        points=[
            HistoryPointOut(
                as_of=p.as_of,
                score=round(p.score, 4),
                level=p.level,
                threads=p.threads,
                senior_coverage=round(p.senior_coverage, 4),
            )
            for p in points
        ],
    )


@router.get(
    "/accounts/{account_id}/map",
    response_class=HTMLResponse,
    responses={**_NOT_FOUND, 200: {"content": {"text/html": {}}}},
    summary="The relationship map as a standalone page",
)
async def get_map(
    account_id: str, principal: ReadKey, reports: ReportsDep, settings: SettingsDep
) -> HTMLResponse:
    """Our team and their people, ties and org chart, drawn with vis-network (served locally)."""
    ensure_visible(principal, account_id)
    reported = await reports.reported(account_id)

    def render() -> str:
        account_map = build_map(
            reported.snapshot,
            reported.report,
            physics_max_nodes=settings.map_physics_max_nodes,
            max_nodes=settings.map_max_nodes,
        )
        return render_map_page(account_map)

    html = await reports.run(render)
    return HTMLResponse(html, headers=page_headers())
