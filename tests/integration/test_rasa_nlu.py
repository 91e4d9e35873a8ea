"""The real Rasa server with the trained model, through the project's client and the bot."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from bot.auth import mint_token
from bot.main import create_app
from bot.settings import Settings
from nlu.client import RasaHttpParser
from nlu.errors import NluBadResponse, NluUnavailable
from nlu.server import free_port
from nlu.types import Thresholds

pytestmark = pytest.mark.integration


def parse(url: str, text: str, **kwargs):
    async def go():
        parser = RasaHttpParser(url, **kwargs)
        try:
            return await parser.parse(text)
        finally:
            await parser.aclose()

    # A fresh thread: a session-scoped Playwright (browser tests) keeps an event loop running in
    # the main thread, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i want to cancel my order pls, bought it by mistake", "cancel_order"),
        ("my parcel says delivered but nothing came to my house", "item_not_received"),
        ("the screen was cracked when i opened the box", "damaged_item"),
        ("can i talk to a real person", "request_human"),
    ],
)
def test_real_model_understands_clear_messages(rasa_server, text, intent):
    result = parse(
        rasa_server.url, text, thresholds=Thresholds(0.3, 0.05), token=rasa_server.auth_token
    )
    assert result.intent.name == intent
    assert result.intent_ranking[0].name == intent


def test_real_model_extracts_structured_ids(rasa_server):
    result = parse(
        rasa_server.url,
        "where is order SO-2026-000123, tracking SPX0123456789SG",
        token=rasa_server.auth_token,
    )
    assert "SO-2026-000123" in result.entity_values("order_id")
    assert "SPX0123456789SG" in result.entity_values("tracking_number")
    assert "SPX0123456789SG" not in result.entity_values("order_id")


def test_unreachable_rasa_raises_nlu_unavailable():
    with pytest.raises(NluUnavailable):
        parse(f"http://127.0.0.1:{free_port()}", "hello", timeout_s=0.5)


def test_bot_parse_endpoint_against_real_rasa(rasa_server):
    settings = Settings(
        env="test", rasa_url=rasa_server.url, rasa_token=rasa_server.auth_token, _env_file=None
    )
    token = mint_token("agent-1", "agent", settings.jwt_policy())
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").status_code == 200
        response = client.post(
            "/v1/nlu/parse",
            json={"text": "refund me for order #1042 please, the blender never worked"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["intent"]["name"] in {"request_refund", "damaged_item"}
    assert "#1042" in [e["value"] for e in body["entities"] if e["entity"] == "order_id"]


def test_rasa_refuses_requests_without_its_token(rasa_server):
    with pytest.raises(NluBadResponse, match="AFTERSALES_RASA_TOKEN"):
        parse(rasa_server.url, "where is my parcel")
    with pytest.raises(NluBadResponse):
        parse(rasa_server.url, "where is my parcel", token="not-the-token-0123")


@pytest.mark.parametrize(
    ("text", "act", "reason"),
    [
        ("can I still cancel an order once it has shipped?", "question", "none"),
        ("my parcel came 6 days late, I want something for it", "request", "late_delivery"),
        ("it's order A1001", "inform", "none"),
    ],
)
def test_every_parse_carries_a_dialogue_act_and_a_claim_reason(rasa_server, text, act, reason):
    result = parse(rasa_server.url, text, token=rasa_server.auth_token)
    assert (result.dialogue_act.name, result.claim_reason.name) == (act, reason)
    assert 0 < result.dialogue_act.confidence <= 1 and 0 < result.claim_reason.confidence <= 1


def test_a_long_story_is_read_by_its_sentences(rasa_server):
    story = (
        "Good evening, I hope you are doing well and not too busy with the holiday rush. "
        "Last month I ordered a set of ceramic bowls as a gift for my sister, who just moved "
        "into her first apartment, and I paid extra for the faster shipping option because the "
        "housewarming party was planned for the weekend after. "
        "The party came and went and the bowls never showed up, the tracking page has said "
        "'in transit' for three weeks now and nobody answers at the courier's hotline. "
        "Honestly I am quite disappointed, I have ordered here for years without trouble. "
    ) * 3
    result = parse(rasa_server.url, story, token=rasa_server.auth_token)
    assert result.intent.name in {"item_not_received", "track_order", "complaint"}
