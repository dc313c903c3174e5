"""Browser pages: the portfolio (``/``) and one account (``/accounts/{id}``) with its map.

Rendered with Jinja (autoescape on) and served with a Content-Security-Policy that allows only
the service's own scripts and styles: no inline script, no CDN. Browsers cannot send a bearer
header, so when keys are in use a login form sets the key in an HttpOnly cookie, which is
accepted on GET and HEAD only (a cookie can then never authorise a write).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stakegraph.analysis.caveats import NO_SENIOR_STAFF, NO_TIES
from stakegraph.analysis.report import Report
from stakegraph.errors import AuthError, StakegraphError, ValidationFailed
from stakegraph.keys import Principal, Scope
from stakegraph.maps import build_map, render_map_fragment
from stakegraph.model import as_of_time

from .auth import KEY_COOKIE, KeyRing, ensure_visible
from .deps import current_principal
from .errors import status_of
from .reports import HistoryPoint, ReportService

__all__ = ["CSP", "page_headers", "router", "static_dir"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


def page_headers() -> dict[str, str]:
    """Security headers of every HTML page."""
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def static_dir() -> Path:
    """The pages' own style sheet and script."""
    return Path(str(resources.files("stakegraph.api"))) / "static"


def _path_segment(value: str) -> str:
    return quote(value, safe="")


def _fmt_money(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"${value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"${value / 1_000:.0f}k"
    return f"${value:.0f}"


def _fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _fmt_days(value: float | None) -> str:
    return "never" if value is None else f"{value:.0f}"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("stakegraph.api", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["segment"] = _path_segment
    env.filters["money"] = _fmt_money
    env.filters["pct"] = _fmt_pct
    env.filters["days"] = _fmt_days
    env.globals["caveats"] = {"no_senior_staff": NO_SENIOR_STAFF, "no_ties": NO_TIES}
    return env


def _page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=page_headers())


def _error_page(error: StakegraphError) -> HTMLResponse:
    status_code = status_of(error)
    if isinstance(error, AuthError):
        return _page("login.html", status_code, message=error.message)
    return _page("error.html", status_code, status=status_code, message=error.message)


async def _principal(request: Request) -> Principal:
    principal = await current_principal(request)
    if not principal.has(Scope.READ):
        raise AuthError("this key cannot read")
    return principal


# -- history chart -------------------------------------------------------------------------
def history_chart(points: list[HistoryPoint]) -> dict[str, Any]:
    """Coordinates of the risk history as an inline SVG (no script, no CDN)."""
    width, height, left, right, top, bottom = 640.0, 220.0, 40.0, 28.0, 12.0, 28.0
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(score: float) -> float:
        return round(top + plot_h * (1 - max(0.0, min(100.0, score)) / 100.0), 1)

    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": height - bottom,
        "bands": [
            {"y": y(100), "h": round(y(60) - y(100), 1), "level": "high"},
            {"y": y(60), "h": round(y(30) - y(60), 1), "level": "medium"},
            {"y": y(30), "h": round(y(0) - y(30), 1), "level": "low"},
        ],
        "ticks": [{"y": y(v), "label": str(v)} for v in (0, 30, 60, 100)],
        "polyline": " ".join(f"{x(i)},{y(p.score)}" for i, p in enumerate(points)),
        "points": [
            {
                "x": x(i),
                "y": y(p.score),
                "label": p.as_of.strftime("%b %y"),
                "title": f"{p.as_of:%d %b %Y}: risk {p.score:.0f} ({p.level}), "
                f"{p.threads} thread(s), senior coverage {p.senior_coverage * 100:.0f}%",
                "level": p.level,
            }
            for i, p in enumerate(points)
        ],
        "label_y": height - 8,
    }


def _people(report: Report) -> dict[str, dict[str, Any]]:
    return {p.id: p.model_dump() for p in report.people}


# -- routes --------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
async def portfolio_page(request: Request) -> Response:
    """Accounts ranked by risk, sortable, each row opening its account."""
    from .accounts import portfolio

    try:
        principal = await _principal(request)
        rows, total = await portfolio(
            principal, request.app.state.store, request.app.state.reports, sort="risk", limit=500
        )
    except StakegraphError as error:
        return _error_page(error)
    levels = {
        level: sum(1 for r in rows if r.risk_level == level) for level in ("high", "medium", "low")
    }
    value_at_risk = sum(r.value_at_risk or 0.0 for r in rows)
    return _page(
        "portfolio.html",
        rows=rows,
        total=total,
        levels=levels,
        value_at_risk=value_at_risk,
        restricted=principal.restricted,
        open_service=principal.key_id is None,
    )


def _page_as_of(text: str | None) -> datetime | None:
    """The page's ``as_of`` (a date from its form, or any ISO time), read as everywhere else."""
    if text is None or not text.strip():
        return None
    try:
        return as_of_time(text)
    except ValueError as exc:
        raise ValidationFailed(f"as_of: {exc}") from exc


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
async def account_page(request: Request, account_id: str, as_of: str | None = None) -> Response:
    """One account: risk parts, the people it hangs on, the uncovered, recommendations with warm
    paths, alignment by function, risk history and the map; ``?as_of=`` rewinds all of it."""
    reports: ReportService = request.app.state.reports
    settings = request.app.state.settings
    try:
        principal = await _principal(request)
        ensure_visible(principal, account_id)
        when = _page_as_of(as_of)
        reported = await reports.reported(account_id, as_of=when)
    except StakegraphError as error:
        return _error_page(error)
    history: list[HistoryPoint] | None
    try:
        history = await asyncio.shield(reports.history(account_id, as_of=when))
    except StakegraphError:
        history = None

    def render_map() -> Any:
        account_map = build_map(
            reported.snapshot,
            reported.report,
            physics_max_nodes=settings.map_physics_max_nodes,
            max_nodes=settings.map_max_nodes,
        )
        return account_map, render_map_fragment(account_map)

    try:
        account_map, map_html = await reports.run(render_map)
    except StakegraphError as error:
        return _error_page(error)
    report = reported.report
    open_alerts = []  # alerts are today's: a rewound page does not show them
    if when is None:
        with contextlib.suppress(StakegraphError):  # the page still shows the report
            open_alerts = await run_in_threadpool(
                request.app.state.store.list_alerts,
                account_ids=[account_id],
                open_only=True,
                limit=20,
            )
    people = _people(report)
    for contact in reported.snapshot.contacts:
        people.setdefault(
            contact.id,
            {"id": contact.id, "name": contact.name, "side": "theirs", "title": contact.title},
        )
    for member in reported.snapshot.team:
        people.setdefault(
            member.id, {"id": member.id, "name": member.name, "side": "ours", "title": member.title}
        )
    return _page(
        "account.html",
        account=reported.snapshot.account,
        report=report,
        people=people,
        history=history,
        chart=history_chart(history) if history else None,
        account_map=account_map,
        map_html=map_html,
        open_alerts=open_alerts,
        rewound=when is not None,
        part_max={
            "threads": max(settings.analysis.threads_points, default=0.0),
            "senior_coverage": settings.analysis.senior_coverage_points,
            "recency": settings.analysis.recency_points,
            "executive_alignment": settings.analysis.executive_alignment_points,
        },
    )


@router.get("/login", response_class=HTMLResponse)
async def login_page() -> Response:
    """A form to give the browser an API key."""
    return _page("login.html", message=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, key: Annotated[str, Form(max_length=200)]) -> Response:
    """Check the key and keep it in an HttpOnly cookie."""
    ring: KeyRing = request.app.state.keyring
    await run_in_threadpool(ring.refresh)
    found = ring.find(key.strip())
    if found is None:
        return _page("login.html", 401, message="That key is unknown or revoked.")
    response = RedirectResponse("/", status_code=303, headers=page_headers())
    response.set_cookie(
        KEY_COOKIE,
        key.strip(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


@router.post("/logout")
async def logout() -> Response:
    """Forget the key."""
    response = RedirectResponse("/login", status_code=303, headers=page_headers())
    response.delete_cookie(KEY_COOKIE)
    return response
