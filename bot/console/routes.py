"""The buyer chat page (``GET /chat``), the agent console (``GET /console``) and its analytics
dashboard (``GET /console/analytics``), and the files they load (``GET /static/{name}``).

The pages are Jinja2 templates sharing one frame (``templates/base.html``: head, top bar, sign-in)
with no per-request data, so they are rendered once, when this module is imported, and served from
memory like the scripts and stylesheets (plain HTML, ES modules, CSS; no build step, nothing
loaded from outside). The pages talk to the API of the contract on the same origin (no CORS).

Every response of this router carries the same security headers, set in one place: the router's
route class (``with_security_headers``), so a page or file added here cannot be served without them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# Only our own files run or style the pages (module scripts are fetched from 'self' too); the
# buyer's photo URLs may be on any http(s) host, and uploaded photos are shown from blob: URLs
# (fetched with the page's token: common.js, mediaBlobUrl). connect-src 'self': the pages talk
# to their own origin's API and to nothing else. frame-ancestors 'none': no one may frame a
# signed-in page.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' https: http: data: blob:; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # The token may sit in the page's URL (?token=...): never send it on in a Referer.
    "Referrer-Policy": "no-referrer",
    # Browsers without frame-ancestors support.
    "X-Frame-Options": "DENY",
    # The files change with the code; a reload must not run a stale script against a new API.
    "Cache-Control": "no-cache",
}

_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# What /static/ serves: exactly the scripts and stylesheets in static/, read once.
ASSETS: dict[str, tuple[bytes, str]] = {
    path.name: (path.read_bytes(), _MEDIA_TYPES[path.suffix])
    for path in sorted(STATIC_DIR.iterdir())
    if path.suffix in _MEDIA_TYPES
}

_templates = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a page that forgets a setting of the frame fails at import
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
PAGES: dict[str, str] = {
    name: _templates.get_template(f"{name}.html").render()
    for name in ("chat", "console", "analytics")
}


def with_security_headers(headers: Mapping[str, str]) -> type[APIRoute]:
    """A route class setting ``headers`` on every response of the routes it makes: the one way the
    web pages' security headers are set (here ``SECURITY_HEADERS``; the API docs pages of
    ``docs.py`` the same with their own policy)."""

    class _WithSecurityHeaders(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
            handler = super().get_route_handler()

            async def with_headers(request: Request) -> Response:
                response = await handler(request)
                response.headers.update(headers)
                return response

            return with_headers

    return _WithSecurityHeaders


router = APIRouter(
    tags=["console"],
    include_in_schema=False,
    route_class=with_security_headers(SECURITY_HEADERS),
)


@router.get("/chat", response_class=HTMLResponse)
async def chat_page() -> HTMLResponse:
    """The buyer chat page."""
    return HTMLResponse(PAGES["chat"])


@router.get("/console", response_class=HTMLResponse)
async def console_page() -> HTMLResponse:
    """The agent console (sign in with an agent token: ``make -s token SUB=agent-1 ROLE=agent``,
    pasted into the page or passed as ``/console?token=...``)."""
    return HTMLResponse(PAGES["console"])


@router.get("/console/analytics", response_class=HTMLResponse)
async def analytics_page() -> HTMLResponse:
    """The analytics dashboard (agent token, the console's sign-in): one window's report from
    ``GET /v1/analytics/report`` as tiles and charts."""
    return HTMLResponse(PAGES["analytics"])


@router.get("/static/{name}")
async def static_file(name: str) -> Response:
    """A script or stylesheet of the pages (``common.js`` is the module they share)."""
    asset = ASSETS.get(name)
    if asset is None:
        return Response("not found", status_code=404, media_type="text/plain")
    body, media_type = asset
    return Response(body, media_type=media_type)
