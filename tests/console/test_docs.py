"""The API docs pages, self-hosted (issue 15: ``/docs`` was blank where the CDN is unreachable):
``/docs`` and ``/redoc`` load only same-origin files, the files are served, the policy allows
exactly the docs' inline script, and in a real browser Swagger UI lists the operations with no
request to another host."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from bot.console.docs import ASSET_PREFIX, ASSETS, _script_hashes
from bot.console.routes import SECURITY_HEADERS
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from tests.console.conftest import JWT_SECRET
from tests.utils.fakes import ScriptedParser


def _app():
    parser = ScriptedParser()
    services = Services(parser=parser, readiness={"rasa": parser.is_ready})
    return create_app(Settings(env="test", jwt_secret=JWT_SECRET, _env_file=None), services)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(_app()) as client:
        yield client


def referenced(html: str) -> list[str]:
    """Every URL the page loads or links: src=, href=, ReDoc's spec-url= and Swagger UI's url:."""
    return re.findall(r'\s(?:src|href|spec-url)="([^"]*)"|\surl: \'([^\']*)\'', html)


def directives(policy: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_load_only_files_of_this_origin(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = [a or b for a, b in referenced(response.text)]
    assert urls, "the page loads its assets"
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
    assert "cdn" not in response.text.lower() and "fonts.googleapis" not in response.text
    for url in urls:
        if url.startswith(ASSET_PREFIX):
            assert client.get(url).status_code == 200, url
    assert "/openapi.json" in urls


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("redoc.standalone.js", "text/javascript"),
        ("favicon.png", "image/png"),
    ],
)
def test_the_docs_assets_are_served_from_the_package(
    client: TestClient, name: str, kind: str
) -> None:
    response = client.get(ASSET_PREFIX + name)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.content == ASSETS[name][0] and len(response.content) > 1000


def test_an_unknown_docs_asset_is_not_found(client: TestClient) -> None:
    for path in ("/static/docs/nope.js", "/static/docs/..%2Fdocs.py", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404, path


def test_the_docs_policy_allows_their_own_inline_script_and_no_other(client: TestClient) -> None:
    swagger, redoc = client.get("/docs"), client.get("/redoc")
    assert swagger.headers["Content-Security-Policy"] == redoc.headers["Content-Security-Policy"]
    policy = directives(swagger.headers["Content-Security-Policy"])
    # Swagger UI's initialisation is the one inline script, allowed by its hash; ReDoc has none.
    hashes = _script_hashes(swagger.text, redoc.text)
    assert len(hashes) == 1
    assert policy["script-src"] == "'self' " + hashes[0]
    assert "unsafe" not in policy["script-src"]
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    # The other headers are the console pages' own.
    for header, value in SECURITY_HEADERS.items():
        if header != "Content-Security-Policy":
            assert swagger.headers[header] == value, header


@pytest.fixture(scope="module")
def docs_server() -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(_app(), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _open(browser: Browser, base_url: str, path: str):
    """A new page on ``path``, recording the requests to other origins (a blob: URL is the page's
    own), the policy's refusals (Chromium names the URL it blocked) and script errors."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    outside: list[str] = []
    refused: list[str] = []
    errors: list[str] = []
    host = urlsplit(base_url).netloc

    def on_request(request) -> None:
        url = request.url.removeprefix("blob:")
        if urlsplit(url).netloc != host:
            outside.append(request.url)

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path)
    return context, page, outside, refused, errors


@pytest.mark.browser
def test_swagger_ui_lists_the_operations_with_nothing_from_outside(
    browser: Browser, docs_server: str
) -> None:
    context, page, outside, refused, errors = _open(browser, docs_server, "/docs")
    try:
        expect(page.locator(".opblock").first).to_be_visible()
        expect(page.locator(".opblock-summary-path", has_text="/v1/agent/queue")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert not outside, outside
        assert not refused, refused
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.browser
def test_redoc_renders_and_its_one_outside_image_never_leaves_the_page(
    browser: Browser, docs_server: str
) -> None:
    context, page, outside, refused, errors = _open(browser, docs_server, "/redoc")
    try:
        expect(page.get_by_role("heading", name=re.compile("After-sales bot"))).to_be_visible()
        expect(page.locator("[role=menuitem]").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        # ReDoc always renders a "Redocly" logo from its CDN (no option hides it): the policy
        # refuses it in the browser (no request leaves), and the image hides itself when it fails.
        # Everything else, the search index's worker included, is allowed.
        logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
        assert set(outside) <= {logo}, outside
        assert all(logo in text for text in refused), refused
        assert not outside or refused, "the logo was requested and not refused"
        assert not errors, errors
    finally:
        context.close()
