"""Oversized request bodies: 413 payload_too_large before anything parses them."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from bot.api.body_limit import BodySizeLimit
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from tests.bot.conftest import SECRET, token_headers
from tests.utils.fakes import FakeParser

LIMIT = 2048


@pytest.fixture
def counting() -> FakeParser:
    return FakeParser()  # records the texts it was asked to parse


@pytest.fixture
def small(counting) -> TestClient:
    settings = Settings(env="test", jwt_secret=SECRET, max_body_bytes=LIMIT, _env_file=None)
    with TestClient(create_app(settings, Services(parser=counting))) as client:
        yield client


def body_of(size: int) -> bytes:
    """A valid parse request of exactly ``size`` bytes (JSON whitespace makes up the size)."""
    start, end = b'{"text": "where is my parcel"', b"}"
    return start + b" " * (size - len(start) - len(end)) + end


def chunks(data: bytes, size: int = 512):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def assert_413(response) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == {
        "error": {
            "code": "payload_too_large",
            "message": f"request body over {LIMIT} bytes",
            "field": None,
        }
    }


def parse(client: TestClient, content, **headers):
    return client.post(
        "/v1/nlu/parse",
        content=content,
        headers={
            "Content-Type": "application/json",
            **token_headers("agent-1", "agent"),
            **headers,
        },
    )


def test_body_at_the_limit_is_served(small, counting):
    assert parse(small, body_of(LIMIT)).status_code == 200
    assert len(counting.texts) == 1


def test_declared_length_over_the_limit_is_refused_before_the_route(small, counting):
    response = parse(small, body_of(LIMIT + 1))
    assert_413(response)
    assert counting.texts == []


def test_chunked_body_over_the_limit_is_refused(small, counting):
    response = parse(small, chunks(body_of(LIMIT * 3)))
    assert_413(response)
    assert counting.texts == []
    # Chunked and within the limit: served.
    assert parse(small, chunks(body_of(LIMIT))).status_code == 200


def test_default_limit_is_64_kib(client, agent_headers):
    headers = {"Content-Type": "application/json", **agent_headers}
    big = client.post("/v1/nlu/parse", content=body_of(65_537), headers=headers)
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"
    fits = client.post("/v1/nlu/parse", content=body_of(65_536), headers=headers)
    assert fits.status_code == 200


def test_order_webhook_keeps_its_1_mb_limit(small):
    # Far over the general limit, within the webhook's: it reaches the route (which refuses
    # the missing signature), not the middleware.
    order = small.put("/v1/orders/A1001", content=b"{" + b" " * 200_000 + b"}")
    assert order.status_code == 401
    over = small.put("/v1/orders/A1001", content=b" " * 1_000_001)
    assert over.status_code == 413
    assert over.json()["error"]["code"] == "payload_too_large"
    assert over.json()["error"]["field"] is None


# --- the middleware alone: what the app is handed ---------------------------------------------


def run(coro):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def call(middleware, messages: list[dict], headers=()):
    inbox = list(messages)
    sent: list[dict] = []

    async def receive():
        return inbox.pop(0) if inbox else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/x", "headers": list(headers)}
    await middleware(scope, receive, send)
    return sent


def test_the_app_is_never_handed_more_than_the_limit():
    handed: list[int] = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            handed.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    middleware = BodySizeLimit(app, max_bytes=1000)
    chunk = {"type": "http.request", "body": b"x" * 400, "more_body": True}
    sent = run(call(middleware, [chunk, chunk, chunk, chunk]))
    assert sum(handed) == 800  # the third chunk crossed the limit and was not handed over
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "payload_too_large"
    assert (b"connection", b"close") in sent[0]["headers"]


def test_the_apps_own_answer_to_the_cut_off_read_is_replaced():
    async def app(scope, receive, send):  # like FastAPI: a failed read becomes a 400
        try:
            while (await receive()).get("more_body"):
                pass
        except Exception:
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"bad"})

    chunk = {"type": "http.request", "body": b"x" * 600, "more_body": True}
    sent = run(call(BodySizeLimit(app, max_bytes=1000), [chunk, chunk]))
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [413]


def test_declared_length_is_refused_without_calling_the_app():
    async def app(scope, receive, send):
        raise AssertionError("the app must not be called")

    sent = run(
        call(
            BodySizeLimit(app, max_bytes=1000),
            [{"type": "http.request", "body": b""}],
            headers=[(b"content-length", b"1001")],
        )
    )
    assert sent[0]["status"] == 413
