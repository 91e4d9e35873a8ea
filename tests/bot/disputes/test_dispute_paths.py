"""Issue 18 end to end, against the app over the real store: a dispute opened by an agent, the
seller's answer through the seller API, the clock, the money through the ledger, and what the
buyer reads in their chat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.store.models import ActionRow
from tests.bot.disputes.conftest import agent_case, open_dispute, run_jobs


def _ledger(client, order_id: str) -> list[ActionRow]:
    database = client.app.state.services.database
    with database.sessions() as session:
        return list(session.scalars(select(ActionRow).where(ActionRow.order_id == order_id)))


def _last_bot_text(chat) -> str:
    return [m["text"] for m in chat.view()["messages"] if m["role"] == "bot"][-1]


def test_dispute_then_seller_accepts(app_client, buyer_chat, agent_headers, seller_headers):
    case = agent_case(app_client, buyer_chat, agent_headers)
    dispute = open_dispute(app_client, case["case_id"], agent_headers, amount=150)
    assert "The seller has 48 hours, until" in _last_bot_text(buyer_chat)
    assert buyer_chat.view()["disputes"][0]["status"] == "awaiting_seller"
    assert dispute["status"] == "awaiting_seller" and dispute["seller_id"] == "S3"
    assert dispute["amount"] == 150.0 and dispute["created"] is True

    # The seller finds it in the feed, newest first, and reads it.
    feed = app_client.get("/v1/seller/disputes", headers=seller_headers).json()
    assert [d["dispute_id"] for d in feed["disputes"]] == [dispute["dispute_id"]]
    assert "buyer_id" not in feed["disputes"][0]
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    assert app_client.get(path, headers=seller_headers).json()["status"] == "awaiting_seller"

    accepted = app_client.post(f"{path}/accept", headers=seller_headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "seller_accepted" and accepted.json()["replayed"] is False
    again = app_client.post(f"{path}/accept", headers=seller_headers).json()
    assert again["status"] == "seller_accepted" and again["replayed"] is True
    # Contesting after accepting is a conflict, not a second state change.
    contest = app_client.post(f"{path}/contest", json={"statement": "no"}, headers=seller_headers)
    assert contest.status_code == 409

    [refund] = [a for a in _ledger(app_client, "D205") if a.idempotency_key.startswith("dispute:")]
    assert (refund.type.value, float(refund.amount)) == ("refund", 150.0)
    assert refund.responsible_party in ("seller", "carrier")  # the damage claim's attribution
    view = buyer_chat.view()
    assert view["disputes"][0]["status"] == "seller_accepted"
    assert 150.0 in [a["amount"] for a in view["actions"]]
    assert "seller accepted your dispute about order D205" in _last_bot_text(buyer_chat)


def test_dispute_then_seller_contests_then_agent_decides(
    app_client, buyer_chat, agent_headers, seller_headers
):
    case = agent_case(app_client, buyer_chat, agent_headers)
    dispute = open_dispute(app_client, case["case_id"], agent_headers, amount=200)
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    agent_path = f"/v1/agent/disputes/{dispute['dispute_id']}"
    early = app_client.post(
        f"{agent_path}/decide", json={"outcome": "seller", "reason": "x"}, headers=agent_headers
    )
    assert early.status_code == 409  # the seller's 48 hours are theirs
    photo = {"type": "image", "url": "https://img.example.com/packed.jpg"}
    contested = app_client.post(
        f"{path}/contest",
        json={"statement": "It left our warehouse intact; see the packing photo.",
              "attachments": [photo]},
        headers={**seller_headers, "Idempotency-Key": "contest-1"},
    )  # fmt: skip
    assert contested.status_code == 200, contested.text
    assert contested.json()["status"] == "seller_contested"
    # The case is back in the agents' queue; the agent sees both sides.
    queue = app_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    assert case["case_id"] in [c["case_id"] for c in queue]
    both = app_client.get(agent_path, headers=agent_headers).json()["statements"]
    assert both["seller"][0]["attachments"] == [photo]
    assert both["buyer"][0]["statement"].startswith("Buyer disagrees")
    # The case view carries the same, for the console.
    case_view = app_client.get(f"/v1/agent/cases/{case['case_id']}", headers=agent_headers)
    assert case_view.json()["dispute"]["statements"] == both
    assert case_view.json()["dispute"]["status"] == "seller_contested"

    decided = app_client.post(
        f"{agent_path}/decide",
        json={"outcome": "buyer", "reason": "Photo shows a crushed box on arrival",
              "responsible": "carrier"},
        headers=agent_headers,
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "decided_for_buyer"
    [refund] = [a for a in _ledger(app_client, "D205") if a.idempotency_key.startswith("dispute:")]
    assert (float(refund.amount), refund.responsible_party) == (200.0, "carrier")
    assert buyer_chat.view()["disputes"][0]["status"] == "decided_for_buyer"
    assert "in your favour" in _last_bot_text(buyer_chat)


def test_no_answer_in_48_hours_decides_for_the_buyer(
    app_client, buyer_chat, agent_headers, seller_headers, clock
):
    case = agent_case(app_client, buyer_chat, agent_headers)
    dispute = open_dispute(app_client, case["case_id"], agent_headers)
    assert dispute["amount"] == 900.0  # what is left to refund, by default
    assert run_jobs(app_client) == 0  # nothing due yet

    clock.advance(timedelta(hours=24, minutes=1))
    assert run_jobs(app_client) == 1  # the reminder
    seen = app_client.get("/v1/seller/disputes", headers=seller_headers).json()
    assert [e["kind"] for e in seen["disputes"][0]["events"]] == ["opened", "reminder"]
    assert _ledger(app_client, "D205") == []

    clock.advance(timedelta(hours=24))
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    # Past the deadline, before the job ran: too late to answer.
    assert app_client.post(f"{path}/accept", headers=seller_headers).status_code == 409
    assert run_jobs(app_client) == 1  # the timeout
    assert run_jobs(app_client) == 0  # done once
    final = app_client.get(path, headers=seller_headers).json()
    assert final["status"] == "decided_for_buyer"
    assert [e["kind"] for e in final["events"]] == ["opened", "reminder", "timeout"]
    [refund] = _ledger(app_client, "D205")
    assert (refund.type.value, float(refund.amount), refund.actor) == ("refund", 900.0, "scheduler")
    # Too late for the seller now.
    late = app_client.post(f"{path}/accept", headers=seller_headers)
    assert late.status_code == 409
    view = buyer_chat.view()
    assert view["disputes"][0]["status"] == "decided_for_buyer"
    assert "did not respond to your dispute" in _last_bot_text(buyer_chat)


def test_a_buyer_opens_a_dispute_in_chat(
    app_client, buyer_chat, seller_headers, agent_headers, clock
):
    turn = buyer_chat.say("worst seller ever, D200 was a disaster")
    assert "Talk to a person" in turn["quick_replies"]
    opened = buyer_chat.say("Talk to a person")
    assert "The seller has 48 hours, until" in opened["messages"][-1]["text"]
    assert "REV-6.5" in opened["messages"][-1]["citations"]
    [dispute] = buyer_chat.view()["disputes"]
    assert (dispute["order_id"], dispute["status"], dispute["amount"]) == (
        "D200",
        "awaiting_seller",
        45.0,
    )
    [seen] = app_client.get("/v1/seller/disputes", headers=seller_headers).json()["disputes"]
    assert seen["dispute_id"] == dispute["dispute_id"] and seen["opened_by"] == "buyer"
    # The chat was told an agent will reply: the case stays in the agents' queue, marked as
    # waiting for the seller, until the dispute is decided.
    assert buyer_chat.view()["status"] == "waiting_for_agent"
    [queued] = app_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    assert (queued["order_id"], queued["case_status"]) == ("D200", "in_dispute")
    clock.advance(timedelta(hours=48, seconds=1))
    assert run_jobs(app_client) == 2
    assert buyer_chat.view()["disputes"][0]["status"] == "decided_for_buyer"
    # Decided: out of the queue, and the chat is the bot's again (no "an agent will reply").
    assert app_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"] == []
    assert buyer_chat.view()["status"] == "bot"
    after = buyer_chat.say("thanks")
    assert "An agent will reply" not in after["messages"][-1]["text"]


def test_a_buyer_disputes_a_refusal_in_chat_and_hears_each_step(
    app_client, buyer_chat, seller_headers, agent_headers
):
    refused = buyer_chat.say("I want to return D204, I changed my mind")
    assert "Dispute this decision" in refused["quick_replies"]
    opened = buyer_chat.say("I disagree, I want to dispute this")
    assert "Your dispute about order D204 is open" in opened["messages"][-1]["text"]
    assert "REV-6.5" in opened["messages"][-1]["citations"]
    [dispute] = buyer_chat.view()["disputes"]
    assert (dispute["order_id"], dispute["status"], dispute["amount"]) == (
        "D204",
        "awaiting_seller",
        30.0,
    )
    # On the refused decision's own case: the dispute is against that decision.
    agent_view = app_client.get(
        f"/v1/agent/disputes/{dispute['dispute_id']}", headers=agent_headers
    ).json()
    case = app_client.get(f"/v1/agent/cases/{agent_view['case_id']}", headers=agent_headers)
    assert case.json()["intent"] == "return_item", case.text
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    assert app_client.post(f"{path}/accept", headers=seller_headers).status_code == 200
    assert "seller accepted your dispute about order D204" in _last_bot_text(buyer_chat)
    assert buyer_chat.view()["disputes"][0]["status"] == "seller_accepted"
    [refund] = _ledger(app_client, "D204")
    assert (refund.type.value, float(refund.amount)) == ("refund", 30.0)
    assert refund.responsible_party == "seller"  # a change of mind names no one: RESP-7.1


def test_dispute_words_need_a_refusal_to_dispute(app_client, buyer_chat):
    turn = buyer_chat.say("I want to dispute this")
    assert buyer_chat.view()["disputes"] == []
    assert "Your dispute" not in turn["messages"][-1]["text"]
