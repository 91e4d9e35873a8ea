"""Issue 14's examples against the real stack: questions answered first, openings that name the
order and the reason resolved without asking them again, loosely typed ids, words for "opened"."""

from __future__ import annotations

import pytest

from tests.e2e.support import PHOTO, Item, next_order_id

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("question", "clauses"),
    [
        # CAN-1.1 ("free while pending, i.e. not yet shipped") answers it too; CAN-1.2 says it
        # outright. Which one retrieval ranks first is retrieval's measure, not this test's.
        ("can I still cancel an order once it has shipped?", {"CAN-1.1", "CAN-1.2"}),
        ("do the tags need to stay on if I return something?", {"RET-2.3"}),
        # REF-5.1 states it in its last sentence; REF-5.4 is the wallet clause.
        ("if I paid cash on delivery, where does my refund go?", {"REF-5.1", "REF-5.4"}),
    ],
)
def test_a_policy_question_is_answered_not_taken_for_a_request(shop, new_chat, question, clauses):
    buyer = shop.new_buyer("ask")
    shop.order(buyer, Item("Linen shirt", "30", "apparel"), status="shipped", placed=2)
    chat = new_chat(buyer)
    turn = chat.say(question)
    assert clauses & turn.citations, chat.transcript()
    assert "Is it about order" not in turn.text and turn.expecting != "order_id"


def test_a_return_that_names_the_order_and_the_reason_is_proposed_at_once(shop, new_chat):
    buyer = shop.new_buyer("full-open")
    shop.loyal_history(buyer)
    jeans = shop.order(buyer, Item("Slim jeans", "45", "apparel"), placed=9, delivered=5)
    chat = new_chat(buyer)
    turn = chat.say(f"I want to return order {jeans}, the jeans don't fit me")
    assert turn.expecting == "confirmation", chat.transcript()
    assert "$40.00" in turn.text


def test_an_id_typed_without_its_letter_dash_is_found(shop, new_chat):
    buyer = shop.new_buyer("dashless")
    shop.loyal_history(buyer)
    lamp = shop.order(buyer, Item("Desk lamp", "32"), placed=9, delivered=5)
    chat = new_chat(buyer)
    typed = f"{lamp[0]}-{lamp[1:]}"  # K41001 typed as K-41001
    turn = chat.say(f"where is my order {typed}")
    assert lamp in turn.text and "can't find" not in turn.text, chat.transcript()


def test_tried_it_once_answers_was_it_opened(shop, new_chat):
    buyer = shop.new_buyer("beauty-words")
    serum = shop.order(buyer, Item("Face serum", "24", "beauty"), placed=7, delivered=4)
    chat = new_chat(buyer)
    turn = chat.say(f"i changed my mind about the face serum {serum}, can i send it back")
    if turn.expecting == "reason":
        turn = chat.tap("I changed my mind")
    assert turn.expecting == "choice", chat.transcript()
    turn = chat.say("i tried it once")
    assert "because it was opened" in turn.text, chat.transcript()
    assert turn.actions == []


def test_a_different_order_lists_the_other_orders(shop, new_chat):
    buyer = shop.new_buyer("other-order")
    shop.loyal_history(buyer)
    lamp = shop.order(buyer, Item("Desk lamp", "32"), status="shipped", placed=12, promised=6)
    book = shop.order(buyer, Item("Cookbook", "18", "books"), status="pending", placed=1,
                      promised=-5)  # fmt: skip
    chat = new_chat(buyer)
    turn = chat.say("my parcel never came")
    # Only the shipped lamp can be a parcel that never came: it is proposed alone.
    assert turn.expecting == "order_id" and lamp in turn.text, chat.transcript()
    assert "A different order" in turn.quick_replies
    turn = chat.tap("A different order")
    assert "can't find order" not in turn.text, chat.transcript()
    assert any(label.startswith(book) for label in turn.quick_replies), chat.transcript()


def test_a_parcel_that_never_came_named_with_its_order_is_refunded_at_once(shop, new_chat):
    buyer = shop.new_buyer("never-came")
    shop.loyal_history(buyer)
    kettle = shop.order(buyer, Item("Electric kettle", "36"), status="shipped", placed=14,
                        promised=6)  # fmt: skip
    chat = new_chat(buyer)
    turn = chat.say(f"my parcel {kettle} never arrived, I want my money back")
    assert turn.expecting == "confirmation", chat.transcript()
    assert "INR-4.1" in turn.citations and "$36.00" in turn.text
    assert "Is it about order" not in turn.text and "What went wrong" not in turn.text


@pytest.mark.parametrize("named", ["the headphones one", "cookbook"])
def test_an_order_is_picked_by_the_item_named(shop, new_chat, named):
    buyer = shop.new_buyer("by-item")
    shop.loyal_history(buyer)
    shop.order(buyer, Item("Wireless headphones", "59", "electronics"), placed=9)
    shop.order(buyer, Item("Cookbook", "18", "books"), placed=8)
    chat = new_chat(buyer)
    turn = chat.say("I want to return an item")
    assert turn.expecting == "order_id", chat.transcript()
    turn = chat.say(named)
    assert turn.expecting == "reason", chat.transcript()  # the order is settled
    turn = chat.tap("I changed my mind")
    title = "Wireless headphones" if "headphones" in named else "Cookbook"
    assert title in turn.text and "RET-2.1" in turn.citations, chat.transcript()


def test_a_late_complaint_naming_the_item_proposes_its_order(shop, new_chat):
    buyer = shop.new_buyer("lamp-late")
    shop.loyal_history(buyer)
    shop.order(buyer, Item("Cookbook", "18", "books"), placed=6, delivered=2)
    lamp = shop.order(buyer, Item("Desk lamp", "40"), placed=15, promised=10, delivered=3)
    chat = new_chat(buyer)
    turn = chat.say("my desk lamp came a week late, do I get anything for that?")
    assert lamp in turn.text, chat.transcript()


def test_a_question_during_a_confirmation_is_answered_and_the_offer_stands(shop, new_chat):
    buyer = shop.new_buyer("confirm-question")
    shop.loyal_history(buyer)
    kettle = shop.order(buyer, Item("Electric kettle", "36"), status="shipped", placed=14,
                        promised=6)  # fmt: skip
    chat = new_chat(buyer)
    turn = chat.say(f"order {kettle} never arrived, refund please")
    assert turn.expecting == "confirmation", chat.transcript()
    turn = chat.say("what if the parcel shows up later?")
    assert "Please answer Yes or No" not in turn.text and turn.citations, chat.transcript()
    assert turn.expecting == "confirmation"


def test_a_question_naming_a_situation_gets_the_rule_then_offers_the_check(shop, new_chat):
    buyer = shop.new_buyer("situation")
    shop.loyal_history(buyer)
    parcel = shop.order(buyer, Item("Yoga mat", "28", "sports"), status="shipped", placed=14,
                        promised=7)  # fmt: skip
    chat = new_chat(buyer)
    turn = chat.say("my parcel is a week late, when am I entitled to a refund?")
    # The question is answered from retrieval with its citation (which clause ranks first is
    # retrieval's measure, make eval-retrieval: here RESP-7.1 outranks INR-4.1 today), then the
    # order the situation fits is offered for a check, and checking it applies INR-4.1.
    assert turn.citations and f"Shall I check order {parcel}" in turn.text, chat.transcript()
    turn = chat.say("yes please")
    assert "INR-4.1" in turn.citations and "$28.00" in turn.text, chat.transcript()


def test_a_buyer_without_orders_can_ask(shop, new_chat):
    chat = new_chat(shop.new_buyer("no-orders"))
    turn = chat.say("how long do refunds to a card take?")
    # Which clause retrieval ranks first is retrieval's measure (make eval-retrieval).
    assert turn.citations and "can't find any recent orders" not in turn.text, chat.transcript()


def test_a_new_accounts_small_return_is_not_sent_to_a_person(shop, new_chat):
    # Money moves only once the item is back (RET-2.4): the return's exposure is small.
    buyer = shop.new_buyer("new-account")
    jeans = shop.order(buyer, Item("Denim jacket", "35", "apparel"), placed=9, delivered=5)
    chat = new_chat(buyer)
    turn = chat.say(f"I want to return {jeans}, I changed my mind about it")
    assert turn.expecting == "confirmation" and "$30.00" in turn.text, chat.transcript()
    assert turn.status == "bot"


def test_a_new_accounts_damage_refund_after_the_return_is_not_sent_to_a_person(shop, new_chat):
    # $79 is above DMG-3.2's $25: the refund follows the item's return (DMG-3.3), so the new
    # account alone does not send it to a person (policies/router/account_age.py). The same claim
    # as a replacement is not shipped at once: it ships after the return (tests/e2e/test_damaged).
    buyer = shop.new_buyer("new-account-damage")
    headphones = shop.order(
        buyer, Item("Over-ear headphones", "79", "electronics"), placed=6, delivered=3
    )
    chat = new_chat(buyer)
    chat.say(f"headphones {headphones} came with a cracked earcup", photo=PHOTO)
    turn = chat.tap("A refund")
    assert turn.expecting == "confirmation" and "$79.00" in turn.text, chat.transcript()
    assert turn.status == "bot" and "DMG-3.3" in turn.citations


@pytest.mark.parametrize(
    ("question", "clause", "numbers"),
    [
        # Apparel and shoes: the 30-day window, stated as a number of days.
        ("how long do I have to return shoes?", "RET-2.1", ("30 days",)),
        # Retrieval still ranks RET-2.2 (the exclusions: "the normal 30-day window") first,
        # RET-2.1 2.5 logits behind; RET-2.2 states no number of days, so the clause whose title
        # does comes along (retrieval.answer.KIND_CLAUSE_MARGIN, 2026-12-03).
        ("what is the window for returning something I changed my mind about?", "RET-2.1",
         ("30 days",)),
        ("do you charge for returns?", "RET-2.3", ("$5",)),
    ],
)  # fmt: skip
def test_a_policy_answer_is_whole_and_states_the_rule_number(
    shop, new_chat, question, clause, numbers
):
    buyer = shop.new_buyer("whole-answer")
    shop.order(buyer, Item("Leather boots", "90", "shoes"), placed=6, delivered=2)
    chat = new_chat(buyer)
    turn = chat.say(question)
    assert clause in turn.citations, chat.transcript()
    assert all(n in turn.text for n in numbers), chat.transcript()
    # Never a sentence cut at a colon, nor an answer about something else (price drops).
    assert not any(m["text"].rstrip().endswith(":") for m in turn["messages"]), chat.transcript()
    assert "REF-5.7" not in turn.citations and "Is it about order" not in turn.text


def test_an_id_with_a_dash_typed_without_it_is_found(shop, new_chat):
    buyer = shop.new_buyer("dash-dropped")
    shop.loyal_history(buyer)
    dashed = "D-" + next_order_id()[1:]  # D-41001, typed D41001 as "D2002" for D-2002
    mug = shop.order(buyer, Item("Ceramic mug", "20"), placed=8, delivered=3, order_id=dashed)
    chat = new_chat(buyer)
    turn = chat.say(f"where is my order {dashed.replace('-', '')}")
    assert mug in turn.text and "can't find" not in turn.text, chat.transcript()
