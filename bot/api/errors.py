"""The contract's error envelope, ``{"error": {"code", "message", "field"?}}``, in one place.

Every failure that reaches HTTP goes through these handlers, so no route shapes errors itself.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.agent.desk import CaseConflict, CaseNotFound
from bot.dialogue.manager import ConversationClosed
from bot.store.conversations import ConversationNotFound
from nlu.errors import NluError, NluUnavailable

log = structlog.get_logger(__name__)

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


class ApiError(Exception):
    """An error a route raises on purpose; rendered as the envelope."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


class RateLimited(Exception):
    """A per-buyer limit is reached: 429 ``rate_limited`` with ``Retry-After`` (seconds)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.message, self.retry_after_s = message, max(1, int(retry_after_s))


def envelope(
    status: int, code: str, message: str, field: str | None = None, headers: Any = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    return JSONResponse({"error": body}, status_code=status, headers=headers)


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


async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return envelope(exc.status, exc.code, exc.message, exc.field, headers=headers)


async def _rate_limited(_: Request, exc: RateLimited) -> JSONResponse:
    body = {"error": {"code": "rate_limited", "message": exc.message, "field": None}}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(exc.retry_after_s)})


async def _nlu_error(_: Request, exc: NluError) -> JSONResponse:
    log.warning("nlu_failed", error=str(exc))
    if isinstance(exc, NluUnavailable):
        return envelope(503, "nlu_unavailable", "the language-understanding service is unavailable")
    return envelope(502, "nlu_bad_response", "the language-understanding service failed")


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    # The same answer whether it does not exist or is someone else's: nothing leaks.
    what = "case" if isinstance(exc, CaseNotFound) else "conversation"
    return envelope(404, "not_found", f"{what} {exc} not found")


async def _conflict(_: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ConversationClosed):
        message = f"conversation {exc} is closed; start a new one with POST /v1/conversations"
        return envelope(409, "conversation_closed", message)
    return envelope(409, "conflict", str(exc))


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", error=repr(exc))
    return envelope(500, "internal_error", "internal error; the request was not processed")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RateLimited, _rate_limited)  # type: ignore[arg-type]
    app.add_exception_handler(NluError, _nlu_error)  # type: ignore[arg-type]
    app.add_exception_handler(ConversationNotFound, _not_found)
    app.add_exception_handler(CaseNotFound, _not_found)
    app.add_exception_handler(ConversationClosed, _conflict)
    app.add_exception_handler(CaseConflict, _conflict)
    app.add_exception_handler(Exception, _unexpected)
