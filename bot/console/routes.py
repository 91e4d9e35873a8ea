"""The buyer chat page (``GET /chat``), the agent console (``GET /console``) and its analytics
dashboard (``GET /console/analytics``), with their scripts and stylesheets.

The page is static (plain HTML, vanilla JS, CSS; no build step, nothing loaded from outside), so
the files are read once, when this module is imported, and served from memory. It talks to the
conversation API of the contract on the same origin, so no CORS is involved.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Only our own files run or style the page; the buyer's photo URLs may be on any http(s) host.
# connect-src 'self': the page talks to its own origin's API and to nothing else.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' https: http: data:; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # The token may sit in the page's URL (?token=...): never send it on in a Referer.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
_ASSETS: dict[str, tuple[bytes, str]] = {
    "chat.js": ((STATIC_DIR / "chat.js").read_bytes(), "text/javascript; charset=utf-8"),
    "chat.css": ((STATIC_DIR / "chat.css").read_bytes(), "text/css; charset=utf-8"),
}
_CHAT_HTML = (STATIC_DIR / "chat.html").read_text(encoding="utf-8")
_CONSOLE_ASSETS: dict[str, tuple[bytes, str]] = {
    "console.js": ((STATIC_DIR / "console.js").read_bytes(), "text/javascript; charset=utf-8"),
    "console.css": ((STATIC_DIR / "console.css").read_bytes(), "text/css; charset=utf-8"),
    "analytics.js": ((STATIC_DIR / "analytics.js").read_bytes(), "text/javascript; charset=utf-8"),
    "analytics.css": ((STATIC_DIR / "analytics.css").read_bytes(), "text/css; charset=utf-8"),
}
_CONSOLE_HTML = (STATIC_DIR / "console.html").read_text(encoding="utf-8")
_ANALYTICS_HTML = (STATIC_DIR / "analytics.html").read_text(encoding="utf-8")

router = APIRouter(tags=["console"], include_in_schema=False)


@router.get("/chat", response_class=HTMLResponse)
async def chat_page() -> HTMLResponse:
    """The buyer chat page."""
    return HTMLResponse(_CHAT_HTML, headers=_HEADERS)


@router.get("/chat/static/chat.js")
async def chat_script() -> Response:
    body, media_type = _ASSETS["chat.js"]
    return Response(body, media_type=media_type, headers=_HEADERS)


@router.get("/chat/static/chat.css")
async def chat_stylesheet() -> Response:
    body, media_type = _ASSETS["chat.css"]
    return Response(body, media_type=media_type, headers=_HEADERS)


@router.get("/console", response_class=HTMLResponse)
async def console_page() -> HTMLResponse:
    """The agent console (sign in with an agent token: ``make -s token SUB=agent-1 ROLE=agent``,
    pasted into the page or passed as ``/console?token=...``)."""
    return HTMLResponse(_CONSOLE_HTML, headers=_HEADERS)


@router.get("/console/analytics", response_class=HTMLResponse)
async def analytics_page() -> HTMLResponse:
    """The analytics dashboard (agent token, the console's sign-in): one window's report from
    ``GET /v1/analytics/report`` as tiles and charts."""
    return HTMLResponse(_ANALYTICS_HTML, headers=_HEADERS)


@router.get("/console/static/{name}")
async def console_asset(name: str) -> Response:
    asset = _CONSOLE_ASSETS.get(name)
    if asset is None:
        return Response("not found", status_code=404, media_type="text/plain")
    body, media_type = asset
    return Response(body, media_type=media_type, headers=_HEADERS)
