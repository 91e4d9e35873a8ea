"""The contract's error envelope, ``{"error": {"code", "message", "field"?}}``, in one place.

Every failure that reaches HTTP goes through these handlers, so no route shapes errors itself:
the project raises the kinds of `common.errors`, and this module alone says what each kind
means over HTTP (status, headers, what the client is told).
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.errors import (
    AftersalesError,
    Conflict,
    DependencyFailed,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    TooLarge,
    Unauthorized,
    Unavailable,
)

log = structlog.get_logger(__name__)

# The codes of statuses that Starlette or FastAPI raise themselves (no kind of ours).
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}

# Each kind's status. An error's status is that of the first kind in its class's MRO, so a
# package root (StoreError, NluError, ...) placed before a kind never hides it; the root
# comes last, as everything derives from it.
STATUS_OF_KIND: dict[type[AftersalesError], int] = {
    InvalidInput: 422,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    RateLimited: 429,
    DependencyFailed: 502,
    Unavailable: 503,
    AftersalesError: 500,
}
INTERNAL_MESSAGE = "internal error; the request was not processed"
# These two envelopes always carried ``"field": null``; clients may read it, so they keep it.
_FIELD_ALWAYS = (RateLimited, TooLarge)


def kind_of(exc: AftersalesError) -> type[AftersalesError]:
    return next(k for k in type(exc).__mro__ if k in STATUS_OF_KIND)


def status_of(exc: AftersalesError) -> int:
    return STATUS_OF_KIND[kind_of(exc)]


def envelope(
    status: int, code: str, message: str, field: str | None = None, headers: Any = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def error_response(exc: AftersalesError) -> JSONResponse:
    """The envelope of ``exc`` by its kind; also what the body-size middleware sends."""
    kind = kind_of(exc)
    status = STATUS_OF_KIND[kind]
    if kind is AftersalesError:
        # Our own fault: the details are for the logs, not the client.
        log.error("internal_error", code=exc.code, error=repr(exc), exc_info=exc)
        return envelope(500, "internal_error", INTERNAL_MESSAGE)
    if status >= 500:
        log.warning("dependency_failed", code=exc.code, error=str(exc))
    message = exc.public_message or str(exc)
    headers: dict[str, str] | None = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after_s)}
    if isinstance(exc, _FIELD_ALWAYS):
        body = {"error": {"code": exc.code, "message": message, "field": exc.field}}
        return JSONResponse(body, status_code=status, headers=headers)
    return envelope(status, exc.code, message, exc.field, headers=headers)


def _field_of(loc: tuple[Any, ...]) -> str | None:
    # FastAPI prefixes the location with where it came from ("body", "query", ...).
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in ("body", "query", "path") else []
    return ".".join(parts) or None


async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return envelope(400, "invalid_json", f"request body is not valid JSON: {first.get('msg')}")
    field = _field_of(tuple(first.get("loc", ())))
    message = first.get("msg", "invalid request")
    if field:
        message = f"{field}: {message}"
    return envelope(422, "validation_error", message, field)


async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _CODES.get(exc.status_code, "error")
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 400 and "parsing the body" in detail:
        detail = "request body could not be read: it must be UTF-8 encoded JSON"
        code = "invalid_body"
    return envelope(exc.status_code, code, detail, headers=getattr(exc, "headers", None))


async def _aftersales_error(_: Request, exc: AftersalesError) -> JSONResponse:
    return error_response(exc)


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", error=repr(exc))
    return envelope(500, "internal_error", INTERNAL_MESSAGE)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(AftersalesError, _aftersales_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
