"""Request bodies over a size limit are refused with 413 before anything parses them.

A pure ASGI middleware (no `BaseHTTPMiddleware`, which would buffer and wrap the stream): a
``Content-Length`` over the limit is answered at once, without reading the body or calling the
app; a body without one (chunked) is counted chunk by chunk as the app reads it, and the read
that crosses the limit fails, so at most one chunk past the limit is ever held, and never
handed to the app. The app's own answer to that failed read (FastAPI turns it into a 400) is
dropped and the 413 sent instead, in the contract's envelope (`bot.api.errors`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api.errors import error_response
from common.errors import TooLarge

# The order webhook (PUT /v1/orders/{id}) carries whole orders and checks its own 1 MB limit
# while it streams the body (bot/api/orders.py); the middleware only keeps larger ones out.
ORDER_WEBHOOK_PREFIX = "/v1/orders/"
ORDER_WEBHOOK_MAX_BYTES = 1_000_000
PREFIX_LIMITS = ((ORDER_WEBHOOK_PREFIX, ORDER_WEBHOOK_MAX_BYTES),)


class BodyTooLarge(TooLarge):
    """Raised into the app by ``receive`` when the body crosses the limit."""


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` (or a path prefix's own limit) with 413."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        prefix_limits: Sequence[tuple[str, int]] = PREFIX_LIMITS,
        pattern_limits: Sequence[tuple[str, int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefix_limits = tuple(prefix_limits)
        # (regular expression over the whole path, limit): routes with an id inside the path,
        # such as a photo upload, POST /v1/conversations/{id}/photos.
        self.pattern_limits = tuple((re.compile(p), limit) for p, limit in pattern_limits)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.prefix_limits:
            if path.startswith(prefix):
                return limit
        for pattern, limit in self.pattern_limits:
            if pattern.fullmatch(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send, limit)
            return

        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                # The body was cut off: to the app, the client is gone.
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge(f"request body over {limit} bytes")
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to the aborted read; the 413 replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            # BodyTooLarge itself, or whatever the app made of the cut-off read.
            if not exceeded or started:
                raise
        if exceeded and not started:
            await _refuse(scope, receive, send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server rejects a malformed one; count the chunks regardless
    return None


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = error_response(BodyTooLarge(f"request body over {limit} bytes"))
    # The rest of the body is never read: do not reuse the connection.
    response.headers["connection"] = "close"
    await response(scope, receive, send)
