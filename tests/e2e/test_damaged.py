"""Damaged items (DMG-3.x) and the automation limits that send a case to a person (REV-6.x)."""

from __future__ import annotations

import pytest

from tests.e2e.support import PHOTO, Item

pytestmark = pytest.mark.integration


def queued_case(bot, conversation_id: str) -> dict:
    cases = bot.agent.get("/v1/agent/queue").json()["cases"]
    [case] = [c for c in cases if c["conversation_id"] == conversation_id]
    return case


def test_cheap_damaged_item_is_refunded_without_a_return(shop, new_chat):
    buyer = shop.new_buyer("dmg-cheap")
    shop.loyal_history(buyer)
    mugs = shop.order(buyer, Item("Ceramic mug set", "18.50"), placed=5, delivered=2)
    chat = new_chat(buyer)

    # The photo comes with the first message.
    turn = chat.say(
        f"hello, the mug set from {mugs} arrived smashed, the handles snapped off :(",
        photo=PHOTO,
    )
    assert turn.intent == "damaged_item"
    assert turn.expecting == "confirmation", chat.transcript()
    assert {"DMG-3.1", "DMG-3.2"} <= turn.citations
    assert "$18.50" in turn.text and "do not need to send it back" in turn.text
    turn = chat.say("yes do it")
    [action] = turn.actions
    assert (action["type"], action["order_id"], action["amount"]) == ("refund", mugs, 18.5)


def test_no_photo_first_then_photo_then_return_and_refund(shop, new_chat):
    buyer = shop.new_buyer("dmg-photo-later")
    shop.loyal_history(buyer)
    lamp = shop.order(buyer, Item("Table lamp", "32", "home"), placed=4, delivered=1)
    chat = new_chat(buyer)

    turn = chat.say(f"my table lamp ({lamp}) came with the glass shade cracked")
    assert turn.expecting == "evidence" and turn.citations == {"DMG-3.1"}
    assert "photo" in turn.text and turn.actions == []
    turn = chat.say("sorry i dont have a photo right now, im at work")
    assert turn.expecting == "evidence" and "DMG-3.1" in turn.citations
    assert "I'll send one later" in turn.quick_replies
    turn = chat.say("ok here it is", photo=PHOTO)
    assert turn.expecting == "choice" and turn.citations == {"DMG-3.3"}
    assert turn.quick_replies == ["A refund", "A replacement"]
    turn = chat.say("just refund me pls")
    assert turn.expecting == "confirmation", chat.transcript()
    assert "free prepaid" in turn.text and "$32.00" in turn.text
    turn = chat.say("yes")
    [action] = turn.actions
    assert (action["type"], action["order_id"], action["amount"]) == ("return", lamp, 32.0)


def test_damaged_item_replaced_instead_of_refunded(shop, new_chat):
    buyer = shop.new_buyer("dmg-replace")
    shop.loyal_history(buyer)
    racket = shop.order(buyer, Item("Badminton racket", "40", "sports"), placed=5, delivered=2)
    chat = new_chat(buyer)

    turn = chat.say(f"the racket frame is bent, it came like that. order {racket}", photo=PHOTO)
    assert turn.expecting == "choice", chat.transcript()
    turn = chat.tap("A replacement")
    assert turn.expecting == "confirmation" and "DMG-3.3" in turn.citations
    assert "replacement" in turn.text
    [action] = chat.say("yes thanks")["actions"]
    assert (action["type"], action["order_id"]) == ("replacement", racket)


def test_damage_reported_after_fifteen_days_is_refused(shop, new_chat):
    buyer = shop.new_buyer("dmg-late")
    vase = shop.order(buyer, Item("Glass vase", "35"), placed=25, delivered=20)
    chat = new_chat(buyer)

    turn = chat.say(f"the vase i got in order {vase} has a big crack down the side", photo=PHOTO)
    # DMG-3.8: a fault found late may still be under the maker's or seller's warranty.
    assert turn.citations == {"DMG-3.1", "DMG-3.8"}
    assert "within 15 days of delivery" in turn.text
    assert turn.actions == [] and turn.status == "bot"


def test_over_one_hundred_dollars_goes_to_a_person(bot, shop, new_chat):
    buyer = shop.new_buyer("dmg-laptop")
    shop.loyal_history(buyer)
    laptop = shop.order(buyer, Item("Laptop", "640", "electronics"), placed=5, delivered=2)
    chat = new_chat(buyer)

    turn = chat.say(f"laptop from {laptop} wont turn on at all, screen is black", photo=PHOTO)
    assert turn.expecting == "choice"
    turn = chat.tap("A refund")
    assert turn.status == "waiting_for_agent", chat.transcript()
    assert "REV-6.1" in turn.citations and turn.actions == []
    assert "agent" in turn.text
    case = queued_case(bot, chat.id)
    assert case["order_id"] == laptop and "over_auto_limit" in case["reasons"]


def test_refund_history_flag_goes_to_a_person(bot, shop, new_chat):
    buyer = shop.new_buyer("dmg-flagged")
    shop.loyal_history(buyer)
    for days in (15, 40, 65):
        shop.order(
            buyer, Item("Sunglasses", "30", "apparel"), status="refunded", placed=days + 10,
            delivered=days + 5, refunded=30, refunded_ago=days,
        )  # fmt: skip
    teapot = shop.order(buyer, Item("Teapot", "20"), placed=5, delivered=2)
    chat = new_chat(buyer)

    turn = chat.say(f"teapot lid arrived chipped, order {teapot}", photo=PHOTO)
    assert turn.status == "waiting_for_agent", chat.transcript()
    assert "REV-6.2" in turn.citations and turn.actions == []
    assert "routine review" in turn.text  # neutral wording, no accusation
    # ... and what the review is, and is not (REV-6.6).
    assert "REV-6.6" in turn.citations and "did anything wrong" in turn.text
    case = queued_case(bot, chat.id)
    assert "refund_history_90d" in case["reasons"]


def test_new_account_with_a_pricey_replacement_ships_it_after_the_return(bot, shop, new_chat):
    # Shipped at once, a replacement exposes its whole value and a new account's score counts in
    # full: not approved. Held until the seller has the return (issue 14, policies/router/
    # config.py) it is bounded like the refund after the return (tests/e2e/test_issue14_openings),
    # so the bot resolves it and says when it ships, instead of a person.
    buyer = shop.new_buyer("dmg-new-account")
    headphones = shop.order(
        buyer, Item("Over-ear headphones", "79", "electronics"), placed=6, delivered=3
    )
    chat = new_chat(buyer)

    turn = chat.say(f"headphones {headphones} came with a cracked earcup", photo=PHOTO)
    turn = chat.tap("A replacement")
    assert turn.status == "bot" and turn.expecting == "confirmation", chat.transcript()
    assert "as soon as the seller receives your return" in turn.text
    turn = chat.say("yes")
    [action] = turn.actions
    assert (action["type"], action["order_id"]) == ("replacement", headphones)
    assert "as soon as the seller receives your return" in turn.text
