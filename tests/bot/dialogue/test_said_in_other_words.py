"""Issue 14, dev conversations t01-t30: what the buyer said in other words is used.

An order named by its amount ("the $45 order") or by the day it was placed or came ("the order
I placed two weeks ago") is the buyer's order when exactly one fits, as one named by its item.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.dialogue.order_match import (
    amounts_in,
    days_ago_named,
    orders_named_by_amount,
    orders_named_by_date,
)
from bot.dialogue.wording import REASON_WORDS
from policies.types import Category
from tests.bot.conftest import token_headers
from tests.utils.builders import (
    NOW,
    Chat,
    bot_text,
    citations,
    demo_orders,
    item,
    order,
    seed,
)

PHOTO = "https://img.example.com/lamp.jpg"


def ids(orders):
    return [o.order_id for o in orders]


# --- an order named by its amount ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("the $45 order", {Decimal("45.00")}),
        ("i paid 19.99 usd for it", {Decimal("19.99")}),
        ("the 12 dollar mug", {Decimal("12.00")}),
        ("why you take 5 dollar", {Decimal("5.00")}),
        ("order 45 arrived", set()),  # a number alone is no amount
        ("it came 5 days late", set()),
    ],
)
def test_amounts_named(text, amounts):
    assert amounts_in(text) == amounts


def test_orders_named_by_their_amount():
    orders = demo_orders()
    assert ids(orders_named_by_amount("the $45 order arrived broken", orders)) == ["D200"]
    assert ids(orders_named_by_amount("the 12 dollar one", orders)) == ["D201"]
    # A line of a two-line order counts too (the shirt of D202 costs $20).
    assert ids(orders_named_by_amount("the $20 shirt", orders)) == ["D202"]
    assert orders_named_by_amount("the $46 order", orders) == []


# --- an order named by its date ------------------------------------------------------------------


def test_relative_dates_are_spans_of_days():
    assert days_ago_named("the order i placed two weeks ago") == [(10.0, 18.0)]
    lo, hi = days_ago_named("got it yesterday")[0]
    assert lo < 1 < hi < 3
    assert days_ago_named("it came 3 days late") == []  # late is no date


def test_orders_named_by_the_day_they_were_placed_or_came():
    orders = demo_orders()
    # Placed 12 days ago: the only order of about two weeks.
    assert ids(orders_named_by_date("the order i placed two weeks ago", orders, NOW)) == ["D202"]
    # "Last month", loosely 20 to 62 days: the lamp (placed 55), the phone case (30), the yoga
    # mat (20); with the item named, the chat narrows them to the lamp (`_orders_named`).
    assert set(ids(orders_named_by_date("the lamp from last month", orders, NOW))) == {
        "D204",
        "R400",
        "D206",
    }
    assert orders_named_by_date("nothing dated here", orders, NOW) == []
    # Ages are counted from the moment given.
    later = NOW + timedelta(days=40)
    assert ids(orders_named_by_date("the order i placed two weeks ago", orders, later)) == []


# --- in the chat ---------------------------------------------------------------------------------


def test_the_amount_named_in_the_opening_picks_the_order(chat, nlu):
    text = "Hi, the $45 order arrived broken and I'd like a refund."
    nlu.script[text] = "damaged_item"
    turn = chat.say(text, photo=PHOTO)
    # D200 ($45 dress, delivered 5 days ago): over $25, so refund or replacement is asked.
    assert turn["expecting"] != "order_id" and "D200" in bot_text(turn), bot_text(turn)


def test_the_date_named_in_the_answer_picks_the_order(chat, nlu):
    nlu.script["I want to return something"] = "return_item"
    assert chat.say("I want to return something")["expecting"] == "order_id"
    # D202, placed 12 days ago: taken, and what went wrong with it is asked next.
    assert chat.say("the one I ordered two weeks ago")["expecting"] == "reason"


def test_an_item_and_a_date_that_disagree_keep_the_item(chat, nlu):
    # The yoga mat was placed 20 days ago, not yesterday: the item decides.
    nlu.script["the yoga mat from yesterday came late"] = "request_refund"
    turn = chat.say("the yoga mat from yesterday came late")
    assert turn["expecting"] != "order_id" and "D206" in bot_text(turn), bot_text(turn)


# --- refund or replacement, answered by describing the item wanted -------------------------------


def _remedy_asked(chat) -> None:
    chat.say("the dress from D200 is damaged", photo=PHOTO)
    assert chat.view()["quick_replies"] == ["A refund", "A replacement"]


@pytest.mark.parametrize(
    "answer", ["I'd like the M that I ordered please", "the black one please", "one that works"]
)
def test_the_item_wanted_is_a_replacement(chat, nlu, answer):
    _remedy_asked(chat)
    nlu.script[answer] = "inform"
    turn = chat.say(answer)
    assert turn["expecting"] == "confirmation" and "replacement" in bot_text(turn), bot_text(turn)


@pytest.mark.parametrize("answer", ["the first one", "just the money for the black one"])
def test_a_place_in_the_list_or_the_money_is_no_replacement(chat, nlu, answer):
    _remedy_asked(chat)
    nlu.script[answer] = "inform"
    turn = chat.say(answer)
    assert "replacement" not in bot_text(turn) or turn["expecting"] != "confirmation"


# --- the reason in other words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("the mug has a big chip on the rim", "damaged"),
        ("the lamp won't turn on at all", "damaged"),
        ("the speaker stopped working after two days", "damaged"),
        ("the zip snapped first time i used it", "damaged"),
        ("the vase inside in bits", "damaged"),
        ("ordered the sweatshirt in m, got an xl", "wrong_item"),
        ("it looks nothing like the photos", "wrong_item"),
        ("about 30cm shorter than the listing said", "wrong_item"),
        ("they sent me somebody else's parcel", "wrong_item"),
        ("my daughter already has the exact same sneakers", "change_of_mind_return"),
        ("found it cheaper somewhere else", "change_of_mind_return"),
        ("they pinch my toes", "change_of_mind_return"),
        ("it just doesn't look good on me", "change_of_mind_return"),
        ("lowkey regret the trail runners, can i send em back", "change_of_mind_return"),
        ("having second thoughts about the jacket", "change_of_mind_return"),
        ("the courier's page has not moved in ten days", "not_received"),
        ("the tracking still just says in transit", "not_received"),
        ("it finally turned up two days ago", "late_delivery"),
        ("it came a whole week after you said", "late_delivery"),
        ("it arrived 5 days late", "late_delivery"),
    ],
)
def test_reasons_said_in_other_words(said, reason):
    named = [name for name, words in REASON_WORDS.items() if words.search(said)]
    assert named == [reason]


@pytest.mark.parametrize(
    "said",
    [
        "i ordered a lamp and got the delivery yesterday",  # "got" is no other item
        "where is my parcel",
        "i want a refund",
    ],
)
def test_words_that_name_no_reason(said):
    assert [name for name, words in REASON_WORDS.items() if words.search(said)] == []


def test_an_opening_whose_reason_is_in_other_words_is_not_asked_it(chat, nlu):
    text = "I want a refund for D201, the mug has a big chip on the rim"
    nlu.script[text], nlu.reasons[text] = "request_refund", "none"  # the reader names none
    turn = chat.say(text, photo=PHOTO)
    assert turn["expecting"] == "confirmation" and "DMG-3.2" in citations(turn), bot_text(turn)


def test_late_in_other_words_is_the_late_delivery_voucher(chat, nlu):
    text = "the yoga mat from D206 finally turned up, what can you do for me"
    nlu.script[text], nlu.reasons[text] = "request_refund", "none"
    turn = chat.say(text)
    # Promised 15 days ago, delivered 8 days ago: a week late.
    assert turn["expecting"] == "confirmation" and "INR-4.3" in citations(turn), bot_text(turn)


def test_a_change_of_mind_in_other_words_is_not_asked(chat, nlu):
    text = "I want to return D200, my sister already has the same dress"
    nlu.script[text], nlu.reasons[text] = "return_item", "none"
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation" and "RET-2.1" in citations(turn), bot_text(turn)


def test_late_in_other_words_read_as_not_received_is_the_voucher(chat, nlu):
    text = "my yoga mat D206 finally turned up, a whole week after the date"
    nlu.script[text], nlu.reasons[text] = "item_not_received", "none"
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation" and "INR-4.3" in citations(turn), bot_text(turn)


def test_late_words_on_a_parcel_still_on_its_way_are_the_missing_parcel_refund(chat, nlu):
    text = "S300 should have come days after the date, a week late now"
    nlu.script[text], nlu.reasons[text] = "item_not_received", "none"
    turn = chat.say(text)
    # Shipped, promised 4 days ago: more than 3 days late, not delivered (INR-4.1).
    assert turn["expecting"] == "confirmation" and "INR-4.1" in citations(turn), bot_text(turn)


# --- a number that is no order of the buyer's beside an order named otherwise ---------------------


def test_a_number_that_is_no_order_beside_the_item_named_is_that_items_order(chat, nlu):
    text = "the blue dress I bought for 2026's party arrived damaged"
    nlu.script[text] = "damaged_item"  # the fake NLU takes "2026" for an order id
    turn = chat.say(text, photo=PHOTO)
    # D200's $45 dress: over $25, so refund or replacement is asked (no "can't find 2026").
    assert "can't find" not in bot_text(turn) and turn["expecting"] == "choice", bot_text(turn)


def test_an_id_that_is_not_the_buyers_is_still_said_to_be_unknown(chat, nlu):
    text = "order 7777 arrived damaged"
    nlu.script[text] = "damaged_item"
    turn = chat.say(text, photo=PHOTO)
    assert "7777" in bot_text(turn) and turn["expecting"] == "order_id", bot_text(turn)


def test_the_buyers_id_among_other_numbers_is_taken(chat, nlu):
    text = "order 2026 no wait D201 arrived damaged"
    nlu.script[text] = "damaged_item"
    turn = chat.say(text, photo=PHOTO)
    assert turn["expecting"] == "confirmation" and "D201" in bot_text(turn), bot_text(turn)


# --- opened or not, in a sentence ----------------------------------------------------------------


def test_tried_once_in_other_words_is_opened(chat, nlu):
    text = "I want to return the lipstick from D203, I changed my mind"
    assert chat.say(text)["expecting"] == "choice"  # opened or sealed? (RET-2.2)
    answer = "I only sprayed it once on my wrist to test it."
    nlu.script[answer] = "return_item"  # the real NLU reads such answers as new requests
    turn = chat.say(answer)
    assert "RET-2.2" in citations(turn) and turn["expecting"] != "confirmation", bot_text(turn)


def test_not_even_opened_said_unasked_is_not_asked(chat, nlu):
    text = "Can I return the lipstick from D203? Changed my mind, the box hasn't even been opened."
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation" and "RET-2.1" in citations(turn), bot_text(turn)


def test_something_off_with_an_order_asks_the_order_then_what_went_wrong(chat, nlu):
    text = "something's off with my order"
    nlu.script[text], nlu.reasons[text] = "out_of_scope", "none"
    nlu.confidence = 0.3
    turn = chat.say(text)
    assert turn["expecting"] == "order_id" and "outside what I can do" not in bot_text(turn)


# --- a question about the offer, read as tracking ------------------------------------------------


def test_an_unsure_tracking_reading_at_a_confirmation_is_a_question_about_the_offer(
    chat, nlu, answerer
):
    assert chat.say("please cancel P100")["expecting"] == "confirmation"
    question = "will u charge me for shipping"
    nlu.script[question], nlu.confidence = "track_order", 0.69
    turn = chat.say(question)
    assert answerer.questions == [question], bot_text(turn)
    assert turn["expecting"] == "confirmation"  # the offer is asked again, not "which order?"
    nlu.confidence = 0.95
    assert chat.say("yes")["actions"][0]["order_id"] == "P100"


def test_a_sure_tracking_reading_asked_without_its_mark_is_about_the_offer(chat, nlu, answerer):
    assert chat.say("I want to return D200, changed my mind")["expecting"] == "confirmation"
    question = "so when do i actually get the money back"
    # A question to the act reader at 0.6, below its sure bar (0.8); tracking to the intent reader.
    nlu.script[question], nlu.acts[question] = "track_refund", ("question", 0.6)
    turn = chat.say(question)
    # Answered, and the offer asked again: not "Is it about order D200?", nor "no refund yet".
    assert answerer.questions == [question] and turn["expecting"] == "confirmation", bot_text(turn)


def test_tracking_a_refund_when_no_order_has_one_is_about_the_offer(
    bot_client, world_db, nlu, answerer
):
    seed(world_db, [order("N100", item("Blue dress", "45.00", Category.APPAREL),
                          buyer_id="B-NEW", placed=8, delivered=5)])  # fmt: skip
    chat = Chat(bot_client, token_headers("B-NEW"))
    assert chat.say("I want to return N100, changed my mind")["expecting"] == "confirmation"
    text = "refund goes back to my card right"
    nlu.script[text] = "track_refund"  # sure, and no question to the act reader
    turn = chat.say(text)
    assert answerer.questions == [text] and turn["expecting"] == "confirmation", bot_text(turn)


def test_tracking_a_refund_when_an_order_has_one_is_still_asked_which(chat, nlu, answerer):
    # B17's R400 was refunded two days ago: that refund may be the one asked about.
    assert chat.say("I want to return D200, changed my mind")["expecting"] == "confirmation"
    text = "refund goes back to my card right"
    nlu.script[text] = "track_refund"
    turn = chat.say(text)
    assert answerer.questions == [] and turn["expecting"] == "order_id", bot_text(turn)


def test_a_sure_tracking_request_at_a_confirmation_is_a_new_request(chat, nlu, answerer):
    assert chat.say("please cancel P100")["expecting"] == "confirmation"
    text = "where is my other order S301"
    nlu.script[text] = "track_order"
    turn = chat.say(text)
    assert answerer.questions == [] and "S301" in bot_text(turn), bot_text(turn)


# --- the intent reader unsure, the reason reader sure of another problem -------------------------


def test_an_unsure_wrong_item_the_reason_reader_calls_a_change_of_mind_is_a_return(chat, nlu):
    text = "the dress from D200 is too small for me"
    nlu.script[text], nlu.reasons[text] = "wrong_item", ("change_of_mind", 0.96)
    nlu.confidence = 0.65
    turn = chat.say(text)
    # No photo asked for an item as ordered: the change-of-mind return, $45 less $5.
    assert turn["expecting"] == "confirmation" and "RET-2.1" in citations(turn), bot_text(turn)
    assert "$40.00" in bot_text(turn)


def test_a_sure_wrong_item_stays_a_wrong_item(chat, nlu):
    text = "the dress from D200 is the wrong size, too small"
    nlu.script[text], nlu.reasons[text] = "wrong_item", ("change_of_mind", 0.96)
    turn = chat.say(text)  # the intent reader at 0.95
    assert turn["expecting"] == "evidence", bot_text(turn)


def test_something_off_read_as_tracking_asks_what_went_wrong(chat, nlu):
    text = "something's off with my order D201"
    nlu.script[text], nlu.reasons[text] = "track_order", "none"
    nlu.confidence = 0.52
    turn = chat.say(text)
    assert turn["expecting"] == "reason", bot_text(turn)


# --- a person asked for in case of a refusal, with the request -----------------------------------


def test_a_person_asked_for_if_the_request_is_refused_gets_one_when_it_is(chat, nlu):
    text = "return the lamp from D204, changed my mind. if you can't, I want to talk to a person"
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    # Delivered 50 days ago: outside the 30-day window; the reason is said, then a person.
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert "RET-2.1" in citations(turn) and "30" in bot_text(turn)


def test_without_it_a_refusal_offers_a_person(chat, nlu):
    text = "return the lamp from D204, changed my mind"
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["status"] == "bot" and "Talk to a person" in turn["quick_replies"]


def test_a_person_asked_for_if_refused_does_not_stop_an_eligible_request(chat, nlu):
    text = "return the dress from D200, changed my mind. otherwise get me a person"
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["status"] == "bot" and turn["expecting"] == "confirmation", bot_text(turn)


def test_a_why_question_about_an_amount_read_as_refund_status_is_answered(chat, nlu, answerer):
    text = "why you take 5 dollar from my refund??"
    nlu.script[text] = "track_refund"  # as the real NLU reads it, sure
    turn = chat.say(text)
    assert answerer.questions == [text] and turn["expecting"] != "order_id", bot_text(turn)


# --- a question read as an unsure request, the policy question its runner-up --------------------


def test_an_unsure_request_whose_runner_up_is_a_question_is_answered(chat, nlu, answerer):
    text = "whats the biggest voucher u can get when delivery is late"
    nlu.script[text], nlu.acts[text] = "request_refund", ("question", 0.77)
    nlu.runners_up[text] = (("ask_policy", 0.35),)
    nlu.confidence = 0.49
    turn = chat.say(text)
    # (The answer may be prepared for any question: what counts is that it is given.)
    assert "RET-2.1" in citations(turn) and turn["expecting"] != "order_id", bot_text(turn)


def test_the_same_naming_an_order_stays_its_request(chat, nlu, answerer):
    text = "whats the biggest voucher u can get for D206 its late"
    nlu.script[text], nlu.acts[text] = "request_refund", ("question", 0.77)
    nlu.runners_up[text] = (("ask_policy", 0.35),)
    nlu.confidence = 0.49
    turn = chat.say(text)
    assert turn["expecting"] == "reason" and not citations(turn), bot_text(turn)


def test_a_why_about_an_amount_with_its_question_mark_mid_message_is_answered(chat, nlu, answerer):
    # dev7 j10: the question mark is on the first sentence, the story after it has none.
    text = "WHY did I only get 47 back for a 52 dollar jacket?? I sent it back with the tags on"
    for intent in ("track_refund", "return_item"):  # the real NLU: a return at 0.76
        nlu.script[text], nlu.acts[text] = intent, ("request", 0.9)
        answerer.questions.clear()
        turn = chat.say(text)
        assert answerer.questions == [text] and turn["expecting"] != "order_id", bot_text(turn)
