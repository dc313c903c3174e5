"""Dependencies of the routes, as ``Annotated`` aliases: the store, the settings, the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from stakegraph.keys import Principal, Scope
from stakegraph.settings import Settings
from stakegraph.store.base import GraphStore

from .auth import KeyRing, UnknownKey, authenticate, require_scope
from .events import WriteEvents
from .middleware import Metrics
from .reports import ReportService

__all__ = [
    "AdminKey",
    "EventsDep",
    "MetricsDep",
    "ReadKey",
    "ReportsDep",
    "SettingsDep",
    "StoreDep",
    "WriteKey",
    "current_principal",
]


async def _store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _reports(request: Request) -> ReportService:
    reports: ReportService = request.app.state.reports
    return reports


async def _events(request: Request) -> WriteEvents:
    events: WriteEvents = request.app.state.events
    return events


async def _metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


StoreDep = Annotated[GraphStore, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ReportsDep = Annotated[ReportService, Depends(_reports)]
EventsDep = Annotated[WriteEvents, Depends(_events)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]

# Declared so that OpenAPI documents the scheme; the check itself is ``current_principal``.
_bearer = HTTPBearer(auto_error=False, description="An API key from `stakegraph keys create`.")


async def current_principal(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Principal:
    """Who is asking; refreshes the key ring off the event loop when it is due."""
    ring: KeyRing = request.app.state.keyring
    if ring.stale():
        await run_in_threadpool(ring.refresh)
    try:
        return authenticate(request, ring)
    except UnknownKey:
        if ring.recently_read():
            raise
        await run_in_threadpool(ring.refresh)
        return authenticate(request, ring)


Caller = Annotated[Principal, Depends(current_principal)]


async def _read(principal: Caller) -> Principal:
    return require_scope(principal, Scope.READ)


async def _write(principal: Caller) -> Principal:
    return require_scope(principal, Scope.WRITE)


async def _admin(principal: Caller) -> Principal:
    return require_scope(principal, Scope.ADMIN)


ReadKey = Annotated[Principal, Depends(_read)]
WriteKey = Annotated[Principal, Depends(_write)]
AdminKey = Annotated[Principal, Depends(_admin)]
