"""Cancelling orders (CAN-1.x), confirmations, and picking or correcting the order."""

from __future__ import annotations

import pytest

from tests.e2e.support import Item

pytestmark = pytest.mark.integration


def test_pending_card_order_is_cancelled_and_refunded_once(bot, shop, new_chat):
    buyer = shop.new_buyer("cancel-card")
    shop.loyal_history(buyer)
    order = shop.order(
        buyer, Item("Wireless earbuds", "39.99", "electronics"), status="pending", placed=1
    )
    chat = new_chat(buyer)

    turn = chat.say(f"hey, i need to cancel {order}, i bought it by accident last night")
    assert turn.intent == "cancel_order", chat.transcript()
    assert turn.status == "bot" and turn.expecting == "confirmation"
    assert turn.quick_replies == ["Yes", "No"]
    assert turn.actions == []  # nothing moves before the buyer confirms
    assert {"CAN-1.1", "REF-5.1"} <= turn.citations
    assert "$39.99" in turn.text and "card" in turn.text

    turn = chat.say("yes please go ahead")
    assert [(a["type"], a["order_id"], a["amount"], a["currency"]) for a in turn.actions] == [
        ("cancel", order, 39.99, "USD")
    ]
    assert turn.actions[0]["status"] == "approved"
    # A resolved case ends with the satisfaction question.
    assert turn.expecting == "rating" and "cancelled" in turn.text

    # The buyer taps "Yes" again (double tap, flaky network): nothing more happens.
    again = chat.say("Yes")
    assert again.actions == [] and "nothing waiting for your confirmation" in again.text
    assert len(chat.view()["actions"]) == 1


def test_cash_on_delivery_order_is_cancelled_with_nothing_to_refund(shop, new_chat):
    buyer = shop.new_buyer("cancel-cod")
    order = shop.order(
        buyer, Item("Rice cooker", "45", "home"), status="pending", placed=1, payment="cod"
    )
    chat = new_chat(buyer)

    turn = chat.say("pls cancel my order, found it cheaper somewhere else")
    assert turn.intent == "cancel_order"
    # One pending order: the bot asks whether it is that one.
    assert turn.expecting == "order_id" and order in turn.text
    assert turn.quick_replies[0].startswith(order)

    turn = chat.say("yep that one")
    assert turn.expecting == "confirmation"
    assert {"CAN-1.1", "CAN-1.3"} <= turn.citations
    assert "nothing to refund" in turn.text

    turn = chat.say("ok do it")
    [action] = turn.actions
    assert (action["type"], action["order_id"], action["amount"]) == ("cancel", order, 0.0)
    assert "cancelled" in turn.text and "refunded" not in turn.text

    # The buyer rates the chat in their own words; the real NLU's reading doesn't matter.
    assert turn.expecting == "rating" and turn.quick_replies == ["1", "2", "3", "4", "5"]
    turn = chat.say("4 stars")
    assert "Thank you for the rating" in turn.text and turn.expecting is None


def test_shipped_order_cannot_be_cancelled(shop, new_chat):
    buyer = shop.new_buyer("cancel-shipped")
    order = shop.order(
        buyer, Item("Yoga mat", "25", "sports"), status="shipped", placed=3, promised=-3
    )
    chat = new_chat(buyer)

    turn = chat.say(f"can i still cancel order {order}?? dont need the mat anymore")
    assert turn.intent == "cancel_order"
    # The refusal cites the cancellation rule, refusing the delivery (CAN-1.5) and the return
    # window that applies instead.
    assert turn.citations == {"CAN-1.2", "CAN-1.5", "RET-2.1"}
    assert "already shipped" in turn.text and "refuse the delivery" in turn.text
    assert turn.actions == [] and turn.status == "bot"
    assert turn.expecting == "choice" and "Talk to a person" in turn.quick_replies

    turn = chat.say("no thanks")
    assert turn.status == "bot" and turn.actions == []
    assert "outside what I can do" not in turn.text
    assert chat.view()["actions"] == []


def test_saying_no_to_the_confirmation_moves_nothing(shop, new_chat):
    buyer = shop.new_buyer("cancel-no")
    order = shop.order(buyer, Item("Throw pillow", "19", "home"), status="pending", placed=2)
    chat = new_chat(buyer)

    turn = chat.say(f"Cancel order {order} please")
    assert turn.expecting == "confirmation"
    turn = chat.say("hmm no, actually leave it")
    assert turn.actions == [] and turn.expecting is None
    assert "haven't changed anything" in turn.text
    # A late "yes" does not bring the dropped proposal back.
    late = chat.say("yes")
    assert late.actions == []
    assert chat.view()["actions"] == []


def test_wrong_order_is_corrected_before_confirming(shop, new_chat):
    buyer = shop.new_buyer("cancel-fix")
    kettle = shop.order(buyer, Item("Electric kettle", "29", "home"), status="pending", placed=1)
    toaster = shop.order(buyer, Item("Toaster", "35", "home"), status="pending", placed=2)
    chat = new_chat(buyer)

    turn = chat.say(f"i want to cancel {kettle}")
    assert turn.expecting == "confirmation" and kettle in turn.text
    turn = chat.say(f"oops sorry, actually it's {toaster} i want cancelled, not the kettle")
    assert turn.expecting == "confirmation", chat.transcript()
    assert toaster in turn.text and "$35.00" in turn.text
    turn = chat.say("yes")
    assert [(a["type"], a["order_id"], a["amount"]) for a in turn.actions] == [
        ("cancel", toaster, 35.0)
    ]
    assert [a["order_id"] for a in chat.view()["actions"]] == [toaster]


def test_the_other_order_is_picked_when_the_offered_one_is_wrong(shop, new_chat):
    buyer = shop.new_buyer("other-order")
    shoes = shop.order(buyer, Item("Trail shoes", "52", "shoes"), placed=9, delivered=6)
    jacket = shop.order(buyer, Item("Rain jacket", "61", "apparel"), placed=7, delivered=4)
    shop.loyal_history(buyer)
    chat = new_chat(buyer)

    turn = chat.say(f"hi where is {jacket}")
    assert turn.intent == "track_order" and "delivered" in turn.text
    # The next request names no order: the one just discussed is offered first...
    turn = chat.say("ok. i also want to send something back")
    assert turn.intent == "return_item"
    assert turn.expecting == "order_id" and jacket in turn.text
    assert turn.quick_replies[-1] == "A different order"
    # ...but it is the other one.
    turn = chat.say("no the other one")
    assert turn.expecting == "order_id"
    assert any(label.startswith(shoes) for label in turn.quick_replies)
    assert not any(label.startswith(jacket) for label in turn.quick_replies)
    turn = chat.tap(shoes)
    assert turn.expecting == "reason"
    turn = chat.tap("I changed my mind")
    assert turn.expecting == "confirmation" and "Trail shoes" in turn.text
    assert "$47.00" in turn.text  # $52 minus $5 return shipping (RET-2.3)
