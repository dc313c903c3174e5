"""The one mapping from stakegraph's exceptions (and bad requests) to HTTP responses.

Every error leaves the service as ``{"error": {"code", "message", "details"}}``. Bad input is a
4xx naming what was wrong; a 500 means a fault of ours and is logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from stakegraph.errors import (
    AuthError,
    BundleError,
    ConflictError,
    DeadlineExceeded,
    ForbiddenError,
    LimitExceeded,
    NotFoundError,
    PayloadTooLarge,
    StakegraphError,
    StoreError,
    StoreUnavailableError,
    ValidationFailed,
)
from stakegraph.model import error_message

__all__ = [
    "STATUS_BY_ERROR",
    "error_body",
    "field_path",
    "install_error_handlers",
    "status_of",
    "validation_failed",
]

log = logging.getLogger("stakegraph.api")

# Most specific first: the first class an error is an instance of decides its status.
STATUS_BY_ERROR: tuple[tuple[type[StakegraphError], int], ...] = (
    (BundleError, 400),
    (ValidationFailed, 422),
    (NotFoundError, 404),
    (ConflictError, 409),
    (AuthError, 401),
    (ForbiddenError, 403),
    (PayloadTooLarge, 413),
    (LimitExceeded, 422),
    (DeadlineExceeded, 504),
    (StoreUnavailableError, 503),
    (StoreError, 500),
)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def status_of(error: StakegraphError) -> int:
    """The HTTP status of one of our errors."""
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 500


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"error": {"code": code, "message": message, "details": jsonable_encoder(details)}}


def field_path(loc: Sequence[int | str]) -> str:
    """A pydantic location as people write it: ``body.contacts[0].name``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


async def _stakegraph_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StakegraphError)
    status = status_of(exc)
    if status >= 500 and status != 503 and status != 504:
        log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return _json(status, error_body(exc.code, exc.message, exc.details), headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        field = field_path(err.get("loc", ()))
        problems.append({"field": field, "message": error_message(err), "type": err.get("type")})
    first = problems[0] if problems else {"field": "", "message": "invalid request"}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    return _json(422, error_body("validation_error", message, problems))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = f"no route {request.url.path}"
    return _json(exc.status_code, error_body(code, message), dict(exc.headers or {}) or None)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _json(500, error_body("internal_error", "internal error; see the service log"))


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping on ``app``."""
    app.add_exception_handler(StakegraphError, _stakegraph_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def validation_failed(exc: Exception, *, prefix: str = "body") -> ValidationFailed:
    """A pydantic ``ValidationError`` raised after the request was parsed, as a 422 naming
    each field under ``prefix``."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return ValidationFailed(str(exc))
    problems = [
        {
            "field": field_path((prefix, *err.get("loc", ()))),
            "message": error_message(err),
            "type": err.get("type"),
        }
        for err in exc.errors()
    ]
    first = problems[0] if problems else {"field": prefix, "message": "invalid"}
    return ValidationFailed(f"{first['field']}: {first['message']}", details=problems)
