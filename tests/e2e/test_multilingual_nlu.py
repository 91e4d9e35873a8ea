"""The routed NLU with both real Rasa models (issue 16): a Malay and a Thai buyer message get a
real intent from the multilingual model, not out_of_scope; English still reads as before."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from nlu.client import RasaHttpParser
from nlu.routing import LanguageRoutedParser
from nlu.types import MULTILINGUAL_THRESHOLDS, OUT_OF_SCOPE, Thresholds

pytestmark = pytest.mark.integration

MALAY = "barang yang saya terima rosak teruk, saya nak minta refund"
THAI = "ได้รับสินค้าแล้วแต่ของแตก อยากขอคืนเงินค่ะ"


def test_malay_and_thai_buyers_get_a_real_intent_through_the_bot(bot, shop, new_chat):
    for index, text in enumerate((MALAY, THAI)):
        chat = new_chat(shop.new_buyer(f"ml-nlu-{index}"))
        turn = chat.say(text)
        assert turn.intent not in (OUT_OF_SCOPE, None), chat.transcript()


def test_the_routed_parser_reads_each_language_with_its_model(
    rasa_server, rasa_multilingual_server
):
    async def go():
        routed = LanguageRoutedParser(
            RasaHttpParser(
                rasa_server.url, timeout_s=30, thresholds=Thresholds(), token=rasa_server.auth_token
            ),
            RasaHttpParser(
                rasa_multilingual_server.url,
                timeout_s=30,
                thresholds=MULTILINGUAL_THRESHOLDS,
                token=rasa_multilingual_server.auth_token,
            ),
        )
        try:
            return (
                await routed.parse(MALAY, "ms", sure=False),
                await routed.parse(THAI, "th", sure=False),
                await routed.parse("i want to cancel my order, bought it by mistake", "en"),
                await routed.is_ready(),
            )
        finally:
            await routed.aclose()

    # A fresh thread: a session-scoped Playwright keeps an event loop in the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        malay, thai, english, ready = pool.submit(asyncio.run, go()).result()
    assert malay.intent.name in {"damaged_item", "request_refund"}, malay
    assert thai.intent.name in {"damaged_item", "request_refund"}, thai
    assert english.intent.name == "cancel_order", english
    assert ready
