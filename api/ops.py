"""Operations routes: liveness, readiness and Prometheus metrics (no key needed)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from stakegraph import __version__

from .deps import MetricsDep, StoreDep

__all__ = ["docs_static_dir", "router"]

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    """Always ``ok`` while the process answers."""
    return {"status": "ok", "version": __version__}


@router.get(
    "/readyz",
    summary="The store answers",
    responses={503: {"description": "The graph database does not answer"}},
)
async def readyz(store: StoreDep) -> JSONResponse:
    """``ready`` when the graph database answers a ping, 503 otherwise."""
    try:
        ok = await run_in_threadpool(store.ping)
    except Exception:
        ok = False
    if ok:
        return JSONResponse({"status": "ready"})
    return JSONResponse(
        {
            "error": {
                "code": "store_unavailable",
                "message": "the store does not answer",
                "details": None,
            }
        },
        status_code=503,
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(metrics: MetricsDep) -> Response:
    """Request counts and latencies by route, report cache hits, report times."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


def docs_static_dir() -> Path:
    """Swagger UI and ReDoc as shipped in the fastapi-offline wheel (so /docs needs no CDN)."""
    return Path(str(resources.files("fastapi_offline"))) / "static"


@router.get("/docs", include_in_schema=False)
async def swagger_ui() -> HTMLResponse:
    """The interactive API documentation, served from the service itself."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="stakegraph API",
        swagger_js_url="/static/docs/swagger-ui-bundle.js",
        swagger_css_url="/static/docs/swagger-ui.css",
        swagger_favicon_url="/static/docs/favicon.png",
    )


@router.get("/redoc", include_in_schema=False)
async def redoc() -> HTMLResponse:
    """The API reference, served from the service itself."""
    return get_redoc_html(
        openapi_url="/openapi.json",
        title="stakegraph API",
        redoc_js_url="/static/docs/redoc.standalone.js",
        redoc_favicon_url="/static/docs/favicon.png",
        with_google_fonts=False,
    )
