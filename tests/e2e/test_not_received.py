"""Parcels that are late, missing or marked delivered (INR-4.x), and the late-delivery voucher."""

from __future__ import annotations

import pytest

from tests.e2e.support import Item

pytestmark = pytest.mark.integration


def test_parcel_more_than_three_days_late_is_refunded(shop, new_chat):
    buyer = shop.new_buyer("inr-late")
    shop.loyal_history(buyer)
    fryer = shop.order(buyer, Item("Air fryer", "64"), status="shipped", placed=14, promised=6)
    chat = new_chat(buyer)

    turn = chat.say(f"my parcel {fryer} never arrived, it was due almost a week ago!!")
    assert turn.intent == "item_not_received"
    assert turn.expecting == "confirmation", chat.transcript()
    assert "INR-4.1" in turn.citations and "$64.00" in turn.text
    turn = chat.say("yes please")
    [action] = turn.actions
    assert (action["type"], action["order_id"], action["amount"]) == ("refund", fryer, 64.0)


def test_asking_where_a_very_late_parcel_is_offers_the_refund(shop, new_chat):
    buyer = shop.new_buyer("inr-track-late")
    shop.loyal_history(buyer)
    blender = shop.order(buyer, Item("Blender", "55"), status="shipped", placed=15, promised=7)
    chat = new_chat(buyer)

    turn = chat.say(f"where is my order {blender}? its been forever")
    assert turn.intent == "track_order"
    assert "SPX0123456789SG" in turn.text  # the tracking answer...
    assert turn.expecting == "confirmation", chat.transcript()  # ...and the refund it earned
    assert "INR-4.1" in turn.citations and "$55.00" in turn.text
    assert turn.actions == []
    assert chat.say("yes")["actions"][0]["type"] == "refund"


def test_parcel_not_late_yet_means_waiting(shop, new_chat):
    buyer = shop.new_buyer("inr-wait")
    shoes = shop.order(
        buyer, Item("Running shoes", "58", "shoes"), status="shipped", placed=3, promised=-2
    )
    chat = new_chat(buyer)

    # (With ", i ordered them 3 days ago" after it the current model is unsure: 0.44-0.48 for
    # item_not_received depending on the order id, noted in issue 13's closing note.)
    turn = chat.say(f"my running shoes {shoes} never came")
    assert turn.intent == "item_not_received"
    # INR-4.5: a parcel with the carrier can be followed meanwhile.
    assert turn.citations == {"INR-4.1", "INR-4.5"}
    assert "due by" in turn.text and "full refund" in turn.text
    assert turn.actions == [] and turn.status == "bot"


def test_marked_delivered_hours_ago_means_check_around(bot, shop, new_chat):
    buyer = shop.new_buyer("inr-scan-new")
    game = shop.order(buyer, Item("Board game", "27", "toys"), placed=5, delivered=0.2)
    chat = new_chat(buyer)

    turn = chat.say(f"tracking says {game} was delivered this morning but theres nothing here")
    assert turn.intent == "item_not_received"
    assert turn.citations == {"INR-4.2", "INR-4.4"}  # INR-4.4: where to look
    assert "neighbours" in turn.text
    assert turn.status == "bot" and turn.actions == []
    queue = bot.agent.get("/v1/agent/queue").json()["cases"]
    assert all(c["conversation_id"] != chat.id for c in queue)


def test_marked_delivered_days_ago_goes_to_a_person_then_the_bot_is_quiet(bot, shop, new_chat):
    buyer = shop.new_buyer("inr-scan-old")
    chair = shop.order(buyer, Item("Desk chair", "89"), placed=9, delivered=4)
    chat = new_chat(buyer)

    turn = chat.say(f"app says my desk chair was delivered days ago but I never got it. {chair}")
    assert turn.status == "waiting_for_agent", chat.transcript()
    assert turn.citations == {"INR-4.2", "HELP-8.1"} and turn.actions == []
    assert "investigate" in turn.text
    case = [c for c in bot.agent.get("/v1/agent/queue").json()["cases"] if c["order_id"] == chair]
    assert case and case[0]["conversation_id"] == chat.id

    first = chat.say("hello??")
    assert first.status == "waiting_for_agent" and "agent will reply" in first.text
    second = chat.say("any news on this")
    assert second.status == "waiting_for_agent" and second["messages"] == []
    # The buyer's messages are kept for the agent.
    texts = [m["text"] for m in chat.view()["messages"] if m["role"] == "buyer"]
    assert texts[-2:] == ["hello??", "any news on this"]


def test_late_delivery_voucher_is_given_once_per_order(shop, new_chat):
    buyer = shop.new_buyer("voucher")
    lamp = shop.order(buyer, Item("Floor lamp", "48"), placed=12, promised=9, delivered=4)
    chat = new_chat(buyer)

    turn = chat.say(f"i want some money back on {lamp}")
    assert turn.expecting == "reason"
    turn = chat.tap("It came late")
    assert turn.expecting == "confirmation", chat.transcript()
    assert turn.citations == {"INR-4.3", "INR-4.6"} and "$4.80" in turn.text  # 10% of $48
    [action] = chat.say("yes")["actions"]
    assert (action["type"], action["order_id"], action["amount"]) == ("voucher", lamp, 4.8)

    # Another conversation, the same order: the voucher is not given twice.
    again = new_chat(buyer)
    again.say(f"hello, can I get a refund for order {lamp}")
    turn = again.tap("It came late")
    assert turn.actions == [] and turn.citations == {"INR-4.3"}
    assert "already issued" in turn.text


def test_buyer_who_says_the_order_came_late_gets_the_voucher(shop, new_chat):
    # Found by the simulator: compensation for a late delivery read as a policy question.
    buyer = shop.new_buyer("late-typed")
    fan = shop.order(buyer, Item("Standing fan", "70"), placed=15, promised=11, delivered=5)
    chat = new_chat(buyer)

    turn = chat.say(
        f"hi, order {fan} only reached me 6 days after the due date. can i get something?"
    )
    assert turn.expecting == "confirmation", chat.transcript()  # the reason was in the request
    assert turn.citations == {"INR-4.3", "INR-4.6"} and "$7.00" in turn.text  # 10% of $70
    [action] = chat.say("ok go ahead")["actions"]
    assert (action["type"], action["order_id"], action["amount"]) == ("voucher", fan, 7.0)


def test_late_said_without_the_order_then_the_order_picked(shop, new_chat):
    buyer = shop.new_buyer("late-no-id")
    shop.loyal_history(buyer)
    kettle = shop.order(buyer, Item("Electric kettle", "36"), placed=12, promised=9, delivered=3)
    chat = new_chat(buyer)

    turn = chat.say("my parcel came late by almost a week, any compensation for that??")
    assert turn.expecting == "order_id", chat.transcript()
    turn = chat.tap(kettle)
    assert turn.expecting == "confirmation", chat.transcript()
    assert turn.citations == {"INR-4.3", "INR-4.6"} and "$3.60" in turn.text


def test_late_typed_as_the_reason_is_not_read_as_damage(shop, new_chat):
    # Found by the simulator: asked what went wrong, "it came late" was read as damaged_item
    # and the bot asked for a photo.
    buyer = shop.new_buyer("late-reason")
    rug = shop.order(buyer, Item("Bath rug", "25"), placed=14, promised=10, delivered=4)
    chat = new_chat(buyer)

    turn = chat.say(f"i want some money back for {rug}")
    assert turn.expecting == "reason", chat.transcript()
    turn = chat.say("it came late, 6 days after the date")
    assert turn.expecting == "confirmation", chat.transcript()
    assert turn.citations == {"INR-4.3", "INR-4.6"} and "$2.50" in turn.text


def test_late_typed_as_the_reason_for_a_parcel_still_on_its_way_is_refunded(shop, new_chat):
    buyer = shop.new_buyer("late-in-transit")
    shop.loyal_history(buyer)
    drill = shop.order(buyer, Item("Cordless drill", "48"), status="shipped", placed=13, promised=6)
    chat = new_chat(buyer)

    turn = chat.say(f"can i get a refund for order {drill}")
    assert turn.expecting == "reason", chat.transcript()
    turn = chat.say("the parcel is late, way past the date they gave")
    assert turn.expecting == "confirmation", chat.transcript()
    assert "INR-4.1" in turn.citations and "$48.00" in turn.text  # INR-4.1, not the voucher
    [action] = chat.say("yes")["actions"]
    assert (action["type"], action["amount"]) == ("refund", 48.0)
