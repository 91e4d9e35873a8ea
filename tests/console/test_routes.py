"""The web pages as the app serves them, without a browser: the security headers on every page and
file, one shared frame and one shared module, and no page script with its own API plumbing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.console.routes import ASSETS, CONTENT_SECURITY_POLICY, PAGES, SECURITY_HEADERS, STATIC_DIR
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from tests.console.conftest import JWT_SECRET
from tests.utils.fakes import ScriptedParser

PAGE_PATHS = {"chat": "/chat", "console": "/console", "analytics": "/console/analytics"}
# What the pages' plumbing looked like when each page wrote its own (issue 12): only common.js may.
PLUMBING = [
    r"\bfunction api\(",
    r"\bclass ApiError\b",
    r"\bfunction el\(",
    r"\batob\(",
    r"\bfunction (money|formatAmount)\(",
    r"\bfetch\(",
    r"\bsessionStorage\.setItem\(TOKEN_KEY",
    r"\bhistory\.replaceState\(",
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    parser = ScriptedParser()
    services = Services(parser=parser, readiness={"rasa": parser.is_ready})
    settings = Settings(env="test", jwt_secret=JWT_SECRET, _env_file=None)
    with TestClient(create_app(settings, services)) as client:
        yield client


def module_scripts(html: str) -> list[str]:
    return re.findall(r'<script type="module" src="/static/([\w.-]+)"></script>', html)


def imports(name: str) -> list[str]:
    source = (STATIC_DIR / name).read_text(encoding="utf-8")
    return re.findall(r'^\s*(?:import\b[^;]*?from\s+)?"\./([\w.-]+)";', source, re.M)


def test_static_serves_the_scripts_and_stylesheets_only() -> None:
    assert {"common.js", "chat.js", "console.js", "analytics.js", "page.css"} <= set(ASSETS)
    assert all(name.endswith((".js", ".css")) for name in ASSETS)


@pytest.mark.parametrize("path", [*PAGE_PATHS.values(), *(f"/static/{n}" for n in sorted(ASSETS))])
def test_every_page_and_file_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    for header, value in SECURITY_HEADERS.items():
        assert response.headers[header] == value, (path, header)
    kind = {"j": "text/javascript", "c": "text/css"}.get(path.rsplit(".", 1)[-1][:1], "text/html")
    assert response.headers["content-type"].startswith(kind), path


def test_an_unknown_file_is_not_found(client: TestClient) -> None:
    for path in ("/static/nope.js", "/static/..%2Froutes.py", "/static/chat.html"):
        assert client.get(path).status_code == 404, path


def test_the_policy_lets_the_pages_run_their_modules_and_nothing_else() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    # Module scripts and their imports come from this origin: 'self', and no inline code.
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    for html in PAGES.values():  # nothing inline the policy would block
        assert "<script>" not in html and "<style" not in html
        assert not re.search(r"\s(style|on\w+)=", html)


@pytest.mark.parametrize("page", sorted(PAGE_PATHS))
def test_each_page_is_the_base_frame_and_runs_one_module_importing_common(page: str) -> None:
    html = PAGES[page]
    # The frame of templates/base.html: one top bar, one sign-in panel, one error banner.
    for marker in ('id="signed-in-as"', 'id="sign-out"', 'id="login-form"', 'id="token-input"'):
        assert html.count(marker) == 1, (page, marker)
    assert html.count('id="error"') == 1
    assert '<link rel="stylesheet" href="/static/page.css">' in html
    scripts = module_scripts(html)
    assert scripts == [f"{page}.js"], scripts
    assert "common.js" in imports(scripts[0])
    for sheet in re.findall(r'href="/static/([\w.-]+)"', html):
        assert sheet in ASSETS, sheet


def test_every_import_of_a_page_script_is_served() -> None:
    for name in ASSETS:
        if name.endswith(".js"):
            for imported in imports(name):
                assert imported in ASSETS, (name, imported)


PAGE_SCRIPTS = sorted(n for n in ASSETS if n.endswith(".js") and n != "common.js")


@pytest.mark.parametrize("name", PAGE_SCRIPTS)
def test_no_page_script_redefines_the_shared_plumbing(name: str) -> None:
    source = (STATIC_DIR / name).read_text(encoding="utf-8")
    for pattern in PLUMBING:
        assert not re.search(pattern, source), (name, pattern)


def test_common_exports_the_shared_plumbing() -> None:
    source = (STATIC_DIR / "common.js").read_text(encoding="utf-8")
    for name in (
        "class ApiError",
        "async function api",
        "function el",
        "function money",
        "function formatDate",
        "function jwtPayload",
        "function signInPanel",
        "function takeTokenFromUrl",
    ):
        assert f"export {name}(" in source or f"export {name} " in source, name
