"""People, payments, tracking, policy questions, small talk, and what a buyer may not see."""

from __future__ import annotations

import pytest

from tests.e2e.support import Item

pytestmark = pytest.mark.integration


def case_of(bot, conversation_id: str) -> dict:
    cases = bot.agent.get("/v1/agent/queue").json()["cases"]
    [case] = [c for c in cases if c["conversation_id"] == conversation_id]
    return case


def test_asking_for_a_person_hands_over_at_once_and_the_bot_steps_back(bot, shop, new_chat):
    buyer = shop.new_buyer("human")
    shop.order(buyer, Item("Sofa cushion", "25"), placed=6, delivered=2)
    chat = new_chat(buyer)

    turn = chat.say("can i talk to a real human please, bots never get it")
    assert turn.intent == "request_human"
    # The rule (REV-6.4), then when an agent will answer (HELP-8.1).
    assert turn.status == "waiting_for_agent" and turn.citations == {"REV-6.4", "HELP-8.1"}
    assert turn.expecting is None and turn.quick_replies == [] and turn.actions == []
    case = case_of(bot, chat.id)
    assert case["intent"] == "request_human"

    first = chat.say("its about my cushion order")
    assert first.status == "waiting_for_agent" and first["nlu"] is None
    assert first.actions == [] and len(first["messages"]) == 1
    assert chat.say("hello?")["messages"] == []  # told once; after that the bot stays quiet

    # The agent answers in the same conversation.
    reply = bot.agent.post(
        f"/v1/agent/cases/{case['case_id']}/reply", json={"text": "Hi, Sam here. Checking now."}
    )
    assert reply.status_code in (200, 201), reply.text
    messages = chat.view()["messages"]
    assert messages[-1]["role"] == "agent" and "Sam here" in messages[-1]["text"]


def test_payment_problem_goes_to_an_agent(bot, shop, new_chat):
    buyer = shop.new_buyer("payment")
    order = shop.order(buyer, Item("Standing desk", "95"), status="pending", placed=1)
    chat = new_chat(buyer)

    chat.say("hi")
    turn = chat.say(f"i was charged twice for order {order}, two identical lines on my statement")
    assert turn.intent == "payment_issue"
    assert turn.status == "waiting_for_agent"
    assert turn.citations == {"REV-6.3", "RESP-7.4", "HELP-8.1"}
    assert turn.actions == []
    case = case_of(bot, chat.id)
    assert case["order_id"] == order and "payment_problem" in case["reasons"]


def test_tracking_an_order_on_its_way(shop, new_chat):
    buyer = shop.new_buyer("track")
    order = shop.order(
        buyer, Item("Hiking backpack", "70", "sports"), status="shipped", placed=3, promised=-4
    )
    chat = new_chat(buyer)

    turn = chat.say(f"wheres my parcel?? order no. {order}")
    assert turn.intent == "track_order"
    assert "shipped" in turn.text and "SPX0123456789SG" in turn.text and "due by" in turn.text
    assert turn.status == "bot" and turn.expecting is None and turn.actions == []


def test_tracking_a_refund(shop, new_chat):
    buyer = shop.new_buyer("track-refund")
    phone_case = shop.order(
        buyer, Item("Phone case", "25"), status="refunded", placed=20, delivered=15,
        refunded=25, refunded_ago=2,
    )  # fmt: skip
    chat = new_chat(buyer)

    turn = chat.say("still havent seen my refund on my card, when is it coming")
    assert turn.intent == "track_refund"
    # The only refunded order is offered.
    assert turn.expecting == "order_id" and phone_case in turn.text
    turn = chat.say("yes that's the one")
    assert {"REF-5.1", "REF-5.2"} <= turn.citations
    assert "$25.00" in turn.text and "5–10 business days" in turn.text
    assert turn.actions == []


def test_policy_question_is_answered_with_its_clause(new_chat, shop):
    chat = new_chat(shop.new_buyer("policy"))

    turn = chat.say("how many days after delivery can I return something")
    assert turn.intent == "ask_policy"
    assert "RET-2.1" in turn.citations, chat.transcript()
    assert "30 days" in turn.text
    assert turn.actions == [] and turn.status == "bot" and turn.expecting is None
    turn = chat.say("and what's the return period for electronics?")
    assert turn.intent == "ask_policy"
    assert "RET-2.1" in turn.citations and "15 days" in turn.text, chat.transcript()


def test_question_in_the_middle_of_a_cancellation_then_it_resumes(shop, new_chat):
    buyer = shop.new_buyer("policy-mid")
    order = shop.order(buyer, Item("Bedside table", "49"), status="pending", placed=1)
    chat = new_chat(buyer)

    turn = chat.say(f"please cancel {order}, i found a better one")
    assert turn.expecting == "confirmation"
    turn = chat.say("wait, is there any fee for cancelling?")
    assert turn.intent == "ask_policy"
    assert "CAN-1.1" in turn.citations, chat.transcript()
    assert turn.expecting == "confirmation" and "Shall I go ahead" in turn.text
    assert turn.actions == []
    turn = chat.say("ok then yes cancel it")
    assert [(a["type"], a["amount"]) for a in turn.actions] == [("cancel", 49.0)]


def test_never_mind_drops_the_request(shop, new_chat):
    buyer = shop.new_buyer("never-mind")
    shop.order(buyer, Item("Picture frame", "15"), placed=6, delivered=3)
    shop.order(buyer, Item("Cutting board", "21"), placed=8, delivered=5)
    chat = new_chat(buyer)

    turn = chat.say("i want a refund")
    assert turn.expecting == "order_id"
    turn = chat.say("actually never mind, my wife wants to keep it")
    assert turn.expecting is None and turn.actions == []
    assert "nothing was changed" in turn.text
    view = chat.view()
    assert view["actions"] == [] and view["expecting"] is None


def test_another_buyers_order_is_not_found_and_nothing_leaks(shop, new_chat):
    owner = shop.new_buyer("owner")
    secret = shop.order(owner, Item("Diamond ring", "90", "custom"), status="pending", placed=1)
    snoop = shop.new_buyer("snoop")
    shop.order(snoop, Item("Shower curtain", "17"), placed=8, delivered=4)
    chat = new_chat(snoop)

    turn = chat.say(f"cancel order {secret}")
    assert f"can't find order {secret}" in turn.text
    assert "Diamond ring" not in turn.text and "$90" not in turn.text
    assert turn.actions == [] and turn.expecting == "order_id"
    # Given again, it is said plainly to be none of theirs and the request ends (stop 37).
    turn = chat.say(f"where is {secret}?")
    assert f"Order {secret} is not on your account" in turn.text, turn.text
    assert "Diamond ring" not in turn.text and "$90" not in turn.text
    assert turn.expecting is None
    assert chat.view()["actions"] == []


def test_another_buyers_conversation_is_404(bot, shop, new_chat):
    alice = new_chat(shop.new_buyer("alice"))
    alice.say("hi, my order never came")
    mallory = new_chat(shop.new_buyer("mallory"))

    peek = mallory.http.get(f"/v1/conversations/{alice.id}")
    post = mallory.http.post(f"/v1/conversations/{alice.id}/messages", json={"text": "yes"})
    assert peek.status_code == 404 and post.status_code == 404
    assert "never came" not in peek.text
    # mallory's "yes" never landed (the bot may answer alice in more than one message)
    buyer_said = [m["text"] for m in alice.view()["messages"] if m["role"] == "buyer"]
    assert buyer_said == ["hi, my order never came"]


def test_greeting_thanks_and_goodbye(new_chat, shop):
    chat = new_chat(shop.new_buyer("smalltalk"))

    turn = chat.say("hiya")
    assert turn.intent == "greet" and "after-sales assistant" in turn.text
    assert turn.expecting == "reason"  # "What can I help you with today?"
    turn = chat.say("ok thank u so much")
    assert turn.intent == "thank" and "welcome" in turn.text
    turn = chat.say("bye bye")
    assert turn.intent == "goodbye" and "Goodbye" in turn.text
    assert all(t.actions == [] and t.status == "bot" for t in chat.turns)


def test_out_of_scope_gets_what_the_bot_can_do(new_chat, shop):
    chat = new_chat(shop.new_buyer("oos"))

    turn = chat.say("can you reset my password, i cant log in")
    assert turn.intent == "out_of_scope"
    assert "outside what I can do" in turn.text and "cancelling an order" in turn.text
    assert turn.status == "bot" and turn.actions == []
    turn = chat.say("whats the weather tomorrow in singapore")
    assert turn.intent == "out_of_scope" and turn.status == "bot"


def test_complaint_offers_a_person_and_yes_hands_over(bot, shop, new_chat):
    chat = new_chat(shop.new_buyer("complaint"))

    turn = chat.say("honestly the worst service ive had, nobody ever answers my emails")
    assert turn.intent == "complaint"
    assert turn.expecting == "choice" and "Talk to a person" in turn.quick_replies
    turn = chat.say("yes please")
    assert turn.status == "waiting_for_agent", chat.transcript()
    assert "REV-6.4" in turn.citations
    assert case_of(bot, chat.id)["conversation_id"] == chat.id
