"""The FastAPI application: built by :func:`create_app`, the service's composition root.

Routers plug in through :data:`ROUTERS`, and long-running companions of the service (a periodic
scan, a delivery loop) through :data:`LIFESPAN_HOOKS`: add yours to those tuples. Writes made
through the API are announced on ``app.state.events`` (:class:`api.events.WriteEvents`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles

from stakegraph import __version__
from stakegraph.errors import StakegraphError
from stakegraph.maps import maps_static_dir, vis_network_dir
from stakegraph.settings import Settings, get_settings
from stakegraph.store import open_store
from stakegraph.store.base import GraphStore

from . import accounts, alerts, imports, ops, pages, writes
from .auth import KeyRing, is_loopback
from .errors import install_error_handlers
from .events import WriteEvents
from .middleware import BodyLimitMiddleware, Metrics, MetricsMiddleware
from .reports import ReportService

__all__ = ["LIFESPAN_HOOKS", "ROUTERS", "LifespanHook", "UnsafeStart", "create_app"]

log = logging.getLogger("stakegraph.api")

ROUTERS: tuple[APIRouter, ...] = (
    ops.router,
    accounts.router,
    writes.router,
    imports.router,
    alerts.router,
    pages.router,
)
"""Every router of the service, in order. A new feature adds its router here."""

LifespanHook = Callable[[FastAPI], AbstractAsyncContextManager[None]]
"""Runs beside the service: entered once the store is open, exited before it closes."""

LIFESPAN_HOOKS: tuple[LifespanHook, ...] = (alerts.alerting_lifespan,)
"""Companions started with the service (periodic scans, delivery loops)."""


class UnsafeStart(StakegraphError):
    """The service would be reachable from other machines without any API key."""

    code = "unsafe_start"


def check_exposure(settings: Settings, store: GraphStore, *, warn: bool = True) -> bool:
    """Whether the service may run open (True), must use keys (False), or must not start.

    Bound to a loopback address with no keys, the service runs open and says so; bound to any
    other address it refuses to start until a key exists.

    Raises
    ------
    UnsafeStart
        Bound beyond loopback with no active key.
    """
    has_keys = any(k.active for k in store.api_keys())
    if has_keys:
        return False
    if is_loopback(settings.host):
        if not warn:
            return True
        log.warning(
            "No API keys exist: the service is OPEN to anyone on this machine (bound to %s). "
            "Create a key with `stakegraph keys create --scope admin` to require keys.",
            settings.host,
        )
        return True
    raise UnsafeStart(
        f"refusing to serve on {settings.host} without API keys; create one first with "
        "`stakegraph keys create --scope read` (or bind to 127.0.0.1)",
        details={"host": settings.host},
    )


async def _warm_reports(store: GraphStore, reports: ReportService) -> None:
    """Fill the report cache so that the first portfolio page is quick."""
    try:
        accounts = await run_in_threadpool(store.list_accounts)
        await reports.many([a.id for a in accounts])
        log.info("report cache warmed: %d accounts", len(accounts))
    except StakegraphError as error:
        log.warning("warming the report cache stopped: %s", error.message)


def _document_errors(app: FastAPI) -> None:
    """Make the OpenAPI schema say what errors really look like: ``ErrorBody`` everywhere
    (FastAPI would document its own ``HTTPValidationError`` for 422)."""
    from fastapi.openapi.utils import get_openapi

    from .schemas import ErrorBody

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(
            ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}").get(
                "$defs", {}
            )
        )
        components["ErrorBody"] = {
            k: v
            for k, v in ErrorBody.model_json_schema(
                ref_template="#/components/schemas/{model}"
            ).items()
            if k != "$defs"
        }
        error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                for status, response in responses.items():
                    if status.startswith(("4", "5")):
                        response["content"] = error_content
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    settings: Settings | None = None,
    *,
    store: GraphStore | None = None,
    routers: Sequence[APIRouter] = (),
    lifespan_hooks: Sequence[LifespanHook] = (),
) -> FastAPI:
    """The stakegraph service.

    Parameters
    ----------
    settings
        Settings (default: from the environment).
    store
        An open store to use (and leave open); by default the lifespan opens one from
        ``settings`` and closes it on shutdown.
    routers, lifespan_hooks
        Added after :data:`ROUTERS` and :data:`LIFESPAN_HOOKS`.
    """
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = store is None
        opened = await run_in_threadpool(open_store, settings) if store is None else store
        try:
            if own_store:
                await run_in_threadpool(opened.ensure_schema)
            # Tie sets a writer that died left unwritten: rebuilt now rather than at the next
            # import, so reports do not read every interaction until then (one query if none).
            await run_in_threadpool(opened.repair_ties)
            open_when_empty = await run_in_threadpool(check_exposure, settings, opened)
            app.state.store = opened
            app.state.keyring = KeyRing(
                opened,
                max_age_s=settings.api_key_cache_s,
                open_when_empty=open_when_empty,
            )
            reports = ReportService(opened, settings, metrics)
            app.state.reports = reports
            events = WriteEvents()
            events.subscribe(reports.on_write)
            app.state.events = events
            warming = (
                asyncio.create_task(_warm_reports(opened, reports), name="warm-reports")
                if settings.warm_reports_on_start
                else None
            )
            app.state.warming = warming
            async with AsyncExitStack() as stack:
                for hook in (*LIFESPAN_HOOKS, *lifespan_hooks):
                    await stack.enter_async_context(hook(app))
                try:
                    yield
                finally:
                    if warming is not None:
                        warming.cancel()
                    reports.close()
        finally:
            if own_store:
                await run_in_threadpool(opened.close)

    app = FastAPI(
        title="stakegraph",
        version=__version__,
        summary="Warns an account team when a customer relationship hangs on one person.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses={
            401: {"description": "No usable API key"},
            422: {"description": "Invalid input; the message names the field"},
        },
    )
    app.state.settings = settings
    app.state.metrics = metrics
    _document_errors(app)
    install_error_handlers(app)
    for router in (*ROUTERS, *routers):
        app.include_router(router)
    app.mount("/static/vis", StaticFiles(directory=vis_network_dir()), name="static-vis")
    app.mount("/static/maps", StaticFiles(directory=maps_static_dir()), name="static-maps")
    app.mount("/static/docs", StaticFiles(directory=ops.docs_static_dir()), name="static-docs")
    app.mount("/static/pages", StaticFiles(directory=pages.static_dir()), name="static-pages")
    # Outermost last: metrics see every response, including the body limit's 413.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
