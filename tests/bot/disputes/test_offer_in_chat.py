"""A seller's offer put to the buyer in chat (issue 18): the quick replies, accepting (money
moves once, charged to the responsible party) and declining (an agent decides)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.disputes.service import DisputeNotFound
from bot.store.models import ActionRow
from tests.bot.disputes.conftest import agent_case, open_dispute


def _dispute_rows(client, order_id: str) -> list[ActionRow]:
    database = client.app.state.services.database
    with database.sessions() as session:
        rows = session.scalars(select(ActionRow).where(ActionRow.order_id == order_id))
        return [a for a in rows if a.idempotency_key.startswith("dispute:")]


def _offered(client, chat, agent_headers, seller_headers, body) -> dict:
    case = agent_case(client, chat, agent_headers)
    dispute = open_dispute(client, case["case_id"], agent_headers, amount=300)
    path = f"/v1/seller/disputes/{dispute['dispute_id']}/offer"
    assert client.post(path, json=body, headers=seller_headers).status_code == 200
    return dispute


def test_the_buyer_accepts_a_partial_refund_once(
    app_client, buyer_chat, agent_headers, seller_headers
):
    dispute = _offered(
        app_client, buyer_chat, agent_headers, seller_headers, {"type": "refund", "amount": 120}
    )
    last = buyer_chat.view()["messages"][-1]
    assert "offers a partial refund of 120.00 USD" in last["text"]
    assert last["quick_replies"] == ["Accept the offer", "Decline the offer"]

    took = buyer_chat.say("Accept the offer")
    assert "You accepted the seller's offer" in took["messages"][-1]["text"]
    assert took["quick_replies"] == [] and took["status"] == "bot"
    [refund] = _dispute_rows(app_client, "D205")
    assert (refund.type.value, float(refund.amount)) == ("refund", 120.0)
    assert refund.responsible_party in ("seller", "carrier")  # the damage claim's attribution
    view = buyer_chat.view()
    assert view["disputes"][0]["status"] == "decided_for_buyer"
    assert view["disputes"][0]["offer"]["buyer"] == "accepted"
    # Saying it again moves nothing more; the chat says the offer is closed.
    again = buyer_chat.say("Accept the offer")
    assert len(_dispute_rows(app_client, "D205")) == 1
    assert "Accept the offer" not in again["quick_replies"]
    seller_view = app_client.get(
        f"/v1/seller/disputes/{dispute['dispute_id']}", headers=seller_headers
    ).json()
    assert [e["kind"] for e in seller_view["events"]] == ["opened", "offer", "accept_offer"]
    # Settled: the case is out of the agents' queue.
    assert app_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"] == []


def test_the_buyer_declines_and_an_agent_decides(
    app_client, buyer_chat, agent_headers, seller_headers
):
    dispute = _offered(
        app_client, buyer_chat, agent_headers, seller_headers, {"type": "replacement"}
    )
    assert "offers a replacement" in buyer_chat.view()["messages"][-1]["text"]

    left = buyer_chat.say("no")
    assert "You declined the seller's offer" in left["messages"][-1]["text"]
    assert left["status"] == "waiting_for_agent"
    assert _dispute_rows(app_client, "D205") == []
    [queued] = app_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    assert queued["order_id"] == "D205"
    agent_view = app_client.get(
        f"/v1/agent/disputes/{dispute['dispute_id']}", headers=agent_headers
    ).json()
    assert agent_view["status"] == "seller_offered"
    assert agent_view["offer"]["buyer"] == "declined"
    assert agent_view["events"][-1]["kind"] == "decline_offer"
    decided = app_client.post(
        f"/v1/agent/disputes/{dispute['dispute_id']}/decide",
        json={"outcome": "buyer", "reason": "Full refund", "remedy": "refund"},
        headers=agent_headers,
    )
    assert decided.status_code == 200, decided.text
    [refund] = _dispute_rows(app_client, "D205")
    assert float(refund.amount) == 300.0


def test_another_buyer_cannot_answer_the_offer(
    app_client, world_db, agent_headers, seller_headers, buyer_chat
):
    dispute = _offered(
        app_client, buyer_chat, agent_headers, seller_headers, {"type": "replacement"}
    )
    desk = app_client.app.state.disputes
    with world_db.sessions() as session, pytest.raises(DisputeNotFound):
        desk.answer_offer_in(session, "B99", dispute["dispute_id"], "accept")
    assert _dispute_rows(app_client, "D205") == []
