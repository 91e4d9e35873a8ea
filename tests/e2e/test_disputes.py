"""A buyer disputes a refused claim in chat (REV-6.5) against the real stack: real Rasa, the
real models, the seller answering through the seller API, and the buyer told in the chat."""

from __future__ import annotations

import httpx
import pytest

from bot.auth import mint_token
from tests.e2e.support import Item

pytestmark = pytest.mark.integration


def test_a_refusal_disputed_in_chat_that_the_seller_accepts(bot, shop, new_chat):
    buyer = shop.new_buyer("dispute-refusal")
    seller = f"SEL-{buyer}"
    speaker = shop.order(
        buyer, Item("Bluetooth speaker", "40", "electronics"), placed=24, delivered=20
    )
    chat = new_chat(buyer)

    refused = chat.say(f"changed my mind about the speaker, can i return it? its order {speaker}")
    assert "15-day return window ended" in refused.text, chat.transcript()
    assert "Dispute this decision" in refused.quick_replies
    opened = chat.say("I want to dispute this")
    assert f"Your dispute about order {speaker} is open" in opened.text, chat.transcript()
    assert "REV-6.5" in opened.citations and opened.status == "waiting_for_agent"
    [dispute] = chat.view()["disputes"]
    assert (dispute["order_id"], dispute["status"], dispute["amount"]) == (
        speaker,
        "awaiting_seller",
        40.0,
    )

    token = mint_token(seller, "seller", bot.settings.jwt_policy())
    with httpx.Client(
        base_url=bot.url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        [seen] = http.get("/v1/seller/disputes").json()["disputes"]
        assert seen["dispute_id"] == dispute["dispute_id"] and seen["opened_by"] == "buyer"
        accepted = http.post(f"/v1/seller/disputes/{dispute['dispute_id']}/accept")
        assert accepted.status_code == 200, accepted.text

    view = chat.view()
    told = [m["text"] for m in view["messages"] if m["role"] == "bot"][-1]
    assert f"the seller accepted your dispute about order {speaker}" in told
    assert view["disputes"][0]["status"] == "seller_accepted"
    assert [(a["type"], a["amount"]) for a in view["actions"]] == [("refund", 40.0)]
    assert view["status"] == "bot"  # settled: nobody is left to "reply here"
