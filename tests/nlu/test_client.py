import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from nlu.client import Parser, RasaHttpParser, RasaPool
from nlu.errors import NluBadResponse, NluUnavailable

OK_BODY = {
    "intent": {"name": "track_order", "confidence": 0.93},
    "intent_ranking": [
        {"name": "track_order", "confidence": 0.93},
        {"name": "item_not_received", "confidence": 0.04},
    ],
    "entities": [],
}


def make_parser(handler, **kwargs) -> RasaHttpParser:
    return RasaHttpParser("http://rasa.test", transport=httpx.MockTransport(handler), **kwargs)


def run(coro):
    # A fresh thread: a session-scoped Playwright (browser tests) may keep an event loop running
    # in the main thread, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_parses_a_good_answer_and_sends_the_text():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=OK_BODY)

    parser = make_parser(handler)
    result = run(parser.parse("where is my parcel"))
    assert isinstance(parser, Parser)
    assert result.intent.name == "track_order"
    assert seen[0].url.path == "/model/parse"
    assert b"where is my parcel" in seen[0].content


def test_one_retry_after_a_connection_error():
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=OK_BODY)

    assert run(make_parser(handler).parse("hi")).intent.name == "track_order"
    assert calls["n"] == 2


def test_unavailable_after_retries_are_exhausted():
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(NluUnavailable, match="did not answer"):
        run(make_parser(handler, retries=1).parse("hi"))
    assert calls["n"] == 2


def test_server_error_is_retried_then_unavailable():
    with pytest.raises(NluUnavailable):
        run(make_parser(lambda r: httpx.Response(500, text="boom")).parse("hi"))


def test_client_error_is_a_bad_response_not_retried():
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(400, json={"message": "bad"})

    with pytest.raises(NluBadResponse):
        run(make_parser(handler).parse("hi"))
    assert calls["n"] == 1


def test_non_json_body_is_a_bad_response():
    with pytest.raises(NluBadResponse, match="not JSON"):
        run(make_parser(lambda r: httpx.Response(200, text="<html>")).parse("hi"))


def test_is_ready_needs_a_loaded_model():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"model_file": "models/nlu-x.tar.gz"})

    assert run(make_parser(handler).is_ready()) is True
    assert run(make_parser(lambda r: httpx.Response(200, json={})).is_ready()) is False

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    assert run(make_parser(down).is_ready()) is False


# --- Rasa's API token (rasa run --enable-api --auth-token TOKEN) --------------------------------


def rasa_with_token(token: str, seen: list[httpx.Request]):
    """Answers like Rasa's requires_auth: 401 NotAuthenticated unless ?token= matches."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params.get("token") != token:
            return httpx.Response(401, json={"status": "failure", "reason": "NotAuthenticated"})
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "models/nlu-x.tar.gz"})
        return httpx.Response(200, json=OK_BODY)

    return handler


def test_the_token_is_sent_as_the_token_query_parameter():
    seen: list[httpx.Request] = []
    parser = make_parser(rasa_with_token("s3cr3t-rasa-token", seen), token="s3cr3t-rasa-token")
    assert run(parser.parse("where is my parcel")).intent.name == "track_order"
    assert run(parser.is_ready()) is True
    assert [(r.url.path, r.url.params.get("token")) for r in seen] == [
        ("/model/parse", "s3cr3t-rasa-token"),
        ("/status", "s3cr3t-rasa-token"),
    ]
    # The token travels in the query only, never in the body (the buyer's text does).
    assert b"s3cr3t" not in seen[0].content and b"where is my parcel" in seen[0].content


def test_a_refused_token_is_a_bad_response_naming_the_setting():
    seen: list[httpx.Request] = []
    parser = make_parser(rasa_with_token("right-token-0123", seen), token="wrong-token-0123")
    with pytest.raises(NluBadResponse, match="AFTERSALES_RASA_TOKEN"):
        run(parser.parse("hi"))
    assert len(seen) == 1  # not retried: a wrong token does not get better
    assert run(parser.is_ready()) is False


def test_without_a_token_no_parameter_is_sent():
    seen: list[httpx.Request] = []
    run(make_parser(rasa_with_token("t" * 16, seen)).is_ready())
    assert "token" not in seen[0].url.params


# --- several Rasa servers (`make run-multi`) ---------------------------------------------------


def server(name: str, calls: list[str], *, up: bool = True, gate: asyncio.Event | None = None):
    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(name)
        if not up:
            raise httpx.ConnectError("connection refused", request=request)
        if gate is not None:
            await gate.wait()
        return httpx.Response(200, json=OK_BODY)

    return RasaHttpParser(f"http://{name}.test", transport=httpx.MockTransport(handler))


def test_a_pool_spreads_parses_over_its_servers():
    calls: list[str] = []
    pool = RasaPool([server("a", calls), server("b", calls)])
    assert isinstance(pool, Parser)
    for _ in range(4):
        run(pool.parse("where is my parcel"))
    assert sorted(calls) == ["a", "a", "b", "b"]


def test_a_pool_sends_a_parse_to_the_server_with_fewer_in_flight():
    async def scenario() -> list[str]:
        calls: list[str] = []
        gate = asyncio.Event()
        pool = RasaPool([server("a", calls, gate=gate), server("b", calls, gate=gate)])
        first = asyncio.create_task(pool.parse("one"))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(pool.parse("two"))
        await asyncio.sleep(0.01)
        gate.set()
        await asyncio.gather(first, second)
        return calls

    assert sorted(run(scenario())) == ["a", "b"]


def test_a_pool_fails_over_to_the_next_server_and_is_ready_while_one_is():
    calls: list[str] = []
    pool = RasaPool([server("down", calls, up=False), server("up", calls)])
    for _ in range(2):
        assert run(pool.parse("cancel my order")).intent.name == "track_order"
    assert calls.count("up") == 2


def test_a_pool_with_every_server_down_is_unavailable():
    calls: list[str] = []
    pool = RasaPool([server("a", calls, up=False), server("b", calls, up=False)])
    with pytest.raises(NluUnavailable):
        run(pool.parse("hello"))
    with pytest.raises(ValueError, match="at least one"):
        RasaPool([])
