"""Fixtures for the chat page's browser tests: the fake conversation API served by uvicorn on a
free loopback port (once per session), and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect

from bot.auth import mint_token
from tests.console.fake_api import FakeConversationApi

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
JWT_SECRET = "console-test-secret-0123456789abcdef-xyz"
PHONE = {"width": 360, "height": 740}


# Generous on a busy 2-core CI machine; a passing run waits only as long as the page needs.
expect.set_options(timeout=10_000)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a real browser (Debian's chromium) through Playwright"
    )


@dataclass
class LiveServer:
    base_url: str
    api: FakeConversationApi


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    api = FakeConversationApi(JWT_SECRET)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(api.app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake conversation API did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", api)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="package")
def browser():
    """Debian's chromium; skipped where it is missing, except in CI, where that is a failure.

    Package-scoped: Playwright's sync API keeps an event loop running in the main thread while
    it is open, so it must close before the packages after tests/console (whose asyncio.run
    would otherwise fail with "cannot be called from a running event loop")."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_server: LiveServer):
    """A fresh browser context (own sessionStorage) on a phone-sized screen. Fails the test on a
    script error or a Content-Security-Policy violation in the page."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.base_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert not problems, problems


@dataclass(frozen=True)
class Buyer:
    buyer_id: str
    token: str


@pytest.fixture
def buyer() -> Buyer:
    """A buyer of its own per test, so tests never see each other's conversations."""
    buyer_id = f"B-{uuid.uuid4().hex[:8]}"
    return Buyer(buyer_id, mint_token(buyer_id, "buyer", JWT_SECRET))


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots of the main states, outside the repository (CHAT_SCREENSHOT_DIR to choose)."""
    chosen = os.environ.get("CHAT_SCREENSHOT_DIR")
    if chosen:
        path = Path(chosen)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("chat-screenshots")
