"""The API docs pages, self-hosted: Swagger UI (``GET /docs``) and ReDoc (``GET /redoc``) with their
scripts and stylesheets served by the bot (``GET /static/docs/{name}``), not from a CDN.

The assets come from the ``fastapi-offline`` package (pinned in pyproject.toml; MIT), which ships
the swagger-ui-dist bundle and ReDoc's standalone build; only its files are used, through FastAPI's
documented recipe for self-hosted docs assets (``docs_url=None``, ``redoc_url=None`` and
``get_swagger_ui_html`` / ``get_redoc_html`` pointed at our own URLs).

The pages carry the console's security headers (``routes.SECURITY_HEADERS``) with a policy of
their own, ``DocsPages.content_security_policy``, because two libraries need more than the
console's pages do, and each allowance is as narrow as they let it be:

- ``script-src 'self'`` plus the SHA-256 of each inline script of the two pages (Swagger UI's
  initialisation), computed from the rendered HTML: that exact script runs, no other inline code;
- ``style-src 'self' 'unsafe-inline'``: ReDoc writes its styles as ``<style>`` elements at run time
  (styled-components) and its page has one inline ``<style>``; styles only, never scripts;
- ``worker-src blob:``: ReDoc's search index runs in a web worker it builds from a blob URL;
- ``connect-src 'self'``, ``img-src 'self' data:``: the spec and "Try it out" go to this origin
  only, Swagger UI's icons are data: URLs; no font, frame or outside host at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from importlib.resources import files

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from bot.console.routes import SECURITY_HEADERS, with_security_headers

ASSET_PREFIX = "/static/docs/"
_ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _read_assets() -> dict[str, tuple[bytes, str]]:
    """The package's files, read once: exactly the four the pages load."""
    static = files("fastapi_offline") / "static"
    return {name: ((static / name).read_bytes(), kind) for name, kind in _ASSET_TYPES.items()}


ASSETS = _read_assets()


def _script_hashes(*pages: str) -> list[str]:
    """The CSP source of every inline script of ``pages`` ('sha256-...'), in order, once each."""
    hashes: list[str] = []
    for page in pages:
        for script in _INLINE_SCRIPT.findall(page):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in hashes:
                hashes.append(f"'sha256-{digest}'")
    return hashes


@dataclass(frozen=True)
class DocsPages:
    """The two pages of one app, rendered once (they depend only on its title and spec URL)."""

    swagger: str
    redoc: str

    @classmethod
    def render(cls, title: str, openapi_url: str) -> DocsPages:
        favicon = ASSET_PREFIX + "favicon.png"
        swagger = get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            swagger_js_url=ASSET_PREFIX + "swagger-ui-bundle.js",
            swagger_css_url=ASSET_PREFIX + "swagger-ui.css",
            swagger_favicon_url=favicon,
            oauth2_redirect_url=None,  # the API signs in with a bearer token, no OAuth2 flow
        )
        redoc = get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=ASSET_PREFIX + "redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )
        return cls(bytes(swagger.body).decode(), bytes(redoc.body).decode())

    @property
    def content_security_policy(self) -> str:
        scripts = " ".join(["'self'", *_script_hashes(self.swagger, self.redoc)])
        return (
            f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            "worker-src blob:; connect-src 'self'; img-src 'self' data:; form-action 'none'; "
            "base-uri 'none'; frame-ancestors 'none'"
        )

    @property
    def security_headers(self) -> dict[str, str]:
        return {**SECURITY_HEADERS, "Content-Security-Policy": self.content_security_policy}


def docs_router(title: str, openapi_url: str) -> APIRouter:
    """``/docs``, ``/redoc`` and their assets for an app titled ``title`` serving its spec at
    ``openapi_url``; create the app with ``docs_url=None, redoc_url=None``."""
    pages = DocsPages.render(title, openapi_url)
    router = APIRouter(
        tags=["docs"],
        include_in_schema=False,
        route_class=with_security_headers(pages.security_headers),
    )

    @router.get("/docs", response_class=HTMLResponse)
    async def swagger_ui() -> HTMLResponse:
        """The API's operations in Swagger UI (with "Try it out" against this origin)."""
        return HTMLResponse(pages.swagger)

    @router.get("/redoc", response_class=HTMLResponse)
    async def redoc() -> HTMLResponse:
        """The API's reference in ReDoc."""
        return HTMLResponse(pages.redoc)

    @router.get(ASSET_PREFIX + "{name}")
    async def docs_asset(name: str) -> Response:
        """A script, stylesheet or icon of the docs pages, from the package."""
        asset = ASSETS.get(name)
        if asset is None:
            return Response("not found", status_code=404, media_type="text/plain")
        body, media_type = asset
        return Response(body, media_type=media_type)

    return router
