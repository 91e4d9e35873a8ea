"""Several requests in one message, against the real stack (issue 14): the first is done, then
the bot says it turns to the next and does it; a question with a request is answered first."""

from __future__ import annotations

import pytest

from tests.e2e.support import Item

pytestmark = pytest.mark.integration


def test_cancel_one_order_and_return_another_in_one_message(shop, new_chat):
    buyer = shop.new_buyer("two-requests")
    shop.loyal_history(buyer)
    pending = shop.order(buyer, Item("Yoga mat", "30", "sports"), status="pending", placed=1)
    shoes = shop.order(buyer, Item("Running shoes", "60", "apparel"), placed=9, delivered=5)
    chat = new_chat(buyer)
    turn = chat.say(
        f"Please cancel order {pending} and return the running shoes from {shoes}, "
        "I changed my mind about them"
    )
    assert turn.expecting == "confirmation" and pending in turn.text, chat.transcript()
    turn = chat.say("yes")
    assert [a["order_id"] for a in turn["actions"]] == [pending], chat.transcript()
    assert "Now for your next request" in turn.text and shoes in turn.text, chat.transcript()
    assert turn.expecting == "confirmation"
    turn = chat.say("yes")
    assert [(a["type"], a["order_id"]) for a in turn["actions"]] == [("return", shoes)]


def test_a_question_and_a_request_in_one_message(shop, new_chat):
    buyer = shop.new_buyer("question-and-request")
    parcel = shop.order(buyer, Item("Desk lamp", "32"), status="shipped", placed=3, promised=-4)
    chat = new_chat(buyer)
    turn = chat.say(f"where is my order {parcel} and how long do refunds take?")
    # The refund-timing answer first, then the parcel's tracking, in the same turn.
    assert {"REF-5.1", "RET-2.4"} & turn.citations, chat.transcript()
    assert parcel in turn.text and "SPX0123456789SG" in turn.text, chat.transcript()
