"""A seller's offer put to a Malay-speaking buyer (issues 16 and 18): the offer, its quick
replies and the settlement are said in Malay, the English kept beside them for agents, and the
buyer's answer is understood in Malay or in English."""

from __future__ import annotations

import pytest

from bot.language.catalogue import catalogue
from bot.store.conversations import ConversationRepository
from tests.bot.disputes.conftest import open_dispute

MALAY = catalogue("ms")
CRACKED = "laptop saya dalam pesanan D205 sampai dalam keadaan rosak, skrinnya retak"


def _malay_offer(client, chat, nlu, agent_headers, seller_headers) -> dict:
    nlu.script[CRACKED] = "damaged_item"
    nlu.reasons[CRACKED] = "damaged"
    first = chat.say(CRACKED, photo="https://img.example.com/l.jpg")
    assert first["language"] == "ms"
    chat.say(MALAY["refund_choice"])
    [case] = client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    dispute = open_dispute(client, case["case_id"], agent_headers, amount=300)
    path = f"/v1/seller/disputes/{dispute['dispute_id']}/offer"
    body = {"type": "refund", "amount": 120}
    assert client.post(path, json=body, headers=seller_headers).status_code == 200
    return dispute


# A Malay quick reply or "boleh" is answered in Malay; the English label typed in full is
# identified as English, so the reply follows the buyer into English (`language.identify`).
@pytest.mark.parametrize(
    "answer, reply",
    [
        (MALAY["accept_offer"], "Anda telah menerima tawaran penjual"),
        ("boleh", "Anda telah menerima tawaran penjual"),
        ("Accept the offer", "You accepted the seller's offer"),
    ],
)
def test_a_malay_buyer_accepts_the_offer_in_malay_or_english(
    answer, reply, app_client, buyer_chat, nlu, agent_headers, seller_headers, world_db
):
    _malay_offer(app_client, buyer_chat, nlu, agent_headers, seller_headers)
    last = buyer_chat.view()["messages"][-1]
    assert last["quick_replies"] == [MALAY["accept_offer"], MALAY["decline_offer"]]
    assert "menawarkan" in last["text"]
    stored = ConversationRepository(world_db.sessions).messages(buyer_chat.id)[-1]
    assert stored.language == "ms"
    assert "offers a partial refund of 120.00 USD" in stored.text_en

    took = buyer_chat.say(answer)
    said = took["messages"][-1]["text"]
    assert reply in said
    assert took["quick_replies"] == [] and took["status"] == "bot"
    stored = ConversationRepository(world_db.sessions).messages(buyer_chat.id)[-1]
    assert (stored.text_en or stored.text).startswith("You accepted the seller's offer")


def test_a_malay_buyer_declines_with_a_malay_no(
    app_client, buyer_chat, nlu, agent_headers, seller_headers
):
    _malay_offer(app_client, buyer_chat, nlu, agent_headers, seller_headers)
    left = buyer_chat.say("tak nak")
    assert "Anda telah menolak tawaran penjual" in left["messages"][-1]["text"]
    assert left["status"] == "waiting_for_agent"


RETURN_D204 = "saya nak pulangkan pesanan D204, saya sudah ubah fikiran"


def test_a_malay_buyer_disputes_a_refusal_with_the_malay_quick_reply(buyer_chat, nlu):
    nlu.script[RETURN_D204] = "return_item"
    nlu.reasons[RETURN_D204] = "change_of_mind"
    refused = buyer_chat.say(RETURN_D204)
    assert refused["language"] == "ms"
    assert MALAY["dispute_choice"] in refused["quick_replies"]
    opened = buyer_chat.say(MALAY["dispute_choice"])
    assert "Pertikaian anda berkenaan pesanan D204 telah dibuka" in opened["messages"][-1]["text"]
    assert buyer_chat.view()["disputes"][0]["order_id"] == "D204"
