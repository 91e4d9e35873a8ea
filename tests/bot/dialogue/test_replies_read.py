"""Replies to the bot's own questions, read as answers (issue 14): no photo is a person at once,
the reason's words beat a different reading, the question's own words are an answer, "both"
and plurals, replacement wording, short agreements, an id's number alone, an option by its
place, and "a different order" that lists the orders left out."""

import pytest

from bot.dialogue.wording import ID_ALONE
from bot.store.db import Database
from policies.types import OrderStatus
from tests.bot.conftest import token_headers
from tests.utils.builders import Chat, bot_text, citations, item, order, seed

PHOTO = "https://img.example.com/damage.jpg"

# --- no photo (DMG-3.1) -----------------------------------------------------------------------


@pytest.mark.parametrize("reply", ["I don't have a photo", "no", "I threw it away, sorry"])
def test_no_photo_hands_over_at_once(chat, reply):
    assert chat.say("D201 arrived damaged")["expecting"] == "evidence"
    turn = chat.say(reply)
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert "DMG-3.1" in citations(turn)


def test_no_photo_said_with_the_claim_is_not_asked_for(chat):
    turn = chat.say("D201 arrived damaged and I don't have a photo of it")
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert "Please send a photo" not in bot_text(turn)


def test_a_question_about_claiming_without_a_photo_is_no_statement(chat):
    turn = chat.say("D201 arrived damaged, can I claim without a photo?")
    assert turn["status"] == "bot", bot_text(turn)


# --- the reason in words -------------------------------------------------------------------------


def test_the_reasons_words_beat_another_reading_of_the_answer(chat, nlu):
    assert chat.say("I want to return D200")["expecting"] == "reason"
    nlu.reasons["too small for me"] = ("damaged", 0.6)
    turn = chat.say("too small for me")
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "$5" in bot_text(turn)  # a change of mind: the return shipping is the buyer's


# --- the question's own words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "opened"), [("it was opened once", True), ("it has not been opened", False)]
)
def test_an_answer_in_the_questions_words_is_no_policy_question(chat, nlu, answerer, reply, opened):
    turn = chat.say("return the lipstick from D203, I changed my mind")
    assert turn["expecting"] == "choice", bot_text(turn)
    nlu.script[reply] = "ask_policy"  # as the real NLU reads "opened" words
    turn = chat.say(reply)
    assert answerer.text not in bot_text(turn)
    assert (turn["expecting"] == "confirmation") is not opened, bot_text(turn)


def test_a_question_at_the_opened_question_is_still_answered(chat, nlu, answerer):
    chat.say("return the lipstick from D203, I changed my mind")
    nlu.script["can I return an opened lipstick at all?"] = "ask_policy"
    turn = chat.say("can I return an opened lipstick at all?")
    assert answerer.text in bot_text(turn)


def test_a_question_without_its_mark_about_the_answer_is_answered(chat, nlu, answerer):
    chat.say("return the lipstick from D203, I changed my mind")
    text = "what happens if i opened it can i still send it back"
    nlu.script[text] = "ask_policy"
    turn = chat.say(text)
    assert answerer.text in bot_text(turn) and turn["expecting"] == "choice", bot_text(turn)


# --- "both", "all of them", plurals ------------------------------------------------------------


@pytest.mark.parametrize("reply", ["both", "all of them", "everything"])
def test_both_items_is_the_whole_order(chat, reply):
    assert chat.say("D202 arrived damaged", photo=PHOTO)["expecting"] == "choice"
    turn = chat.say(reply)
    # Both items are worth $28: above DMG-3.2's $25, so DMG-3.3's refund or replacement.
    assert turn["quick_replies"] == ["A refund", "A replacement"], bot_text(turn)
    assert "$28.00" in bot_text(chat.say("a refund"))


def test_everything_except_an_item_is_the_others(chat):
    chat.say("D202 arrived damaged", photo=PHOTO)
    turn = chat.say("everything except the socks")
    assert "$20.00" in bot_text(turn), bot_text(turn)


def test_an_item_named_in_the_plural(chat):
    chat.say("D202 arrived damaged", photo=PHOTO)
    turn = chat.say("the shirts")
    assert "$20.00" in bot_text(turn), bot_text(turn)


def test_both_orders_does_each_in_turn(bot_client, world_db: Database, nlu):
    seed(
        world_db,
        [
            order("T1", item("Yoga mat", "30.00"), buyer_id="B31", placed=6, delivered=3),
            order("T2", item("Water bottle", "15.00"), buyer_id="B31", placed=9, delivered=6),
        ],
    )
    chat = Chat(bot_client, token_headers("B31"))
    assert chat.say("I want to return something")["expecting"] == "order_id"
    turn = chat.say("both")
    assert turn["expecting"] == "reason", bot_text(turn)
    turn = chat.say("changed my mind")
    assert turn["expecting"] == "confirmation", bot_text(turn)
    turn = chat.say("yes")
    assert [a["order_id"] for a in turn["actions"]] == ["T1"]
    assert "T2" in bot_text(turn) and turn["expecting"] == "reason", bot_text(turn)


# --- a replacement in words ----------------------------------------------------------------------


@pytest.mark.parametrize("reply", ["send me a new one", "can you send me a new one?"])
def test_a_replacement_in_words_answers_refund_or_replacement(chat, nlu, reply):
    chat.say("the dress from D200 is damaged", photo=PHOTO)
    nlu.script["can you send me a new one?"] = "ask_policy"
    turn = chat.say(reply)
    assert turn["expecting"] == "confirmation" and "replacement" in bot_text(turn)


def test_a_replacement_asked_for_at_the_refund_offer_changes_the_offer(chat):
    chat.say("the dress from D200 is damaged", photo=PHOTO)
    offer = chat.say("a refund")
    assert offer["expecting"] == "confirmation" and "replacement" not in bot_text(offer)
    turn = chat.say("actually I want a replacement instead")
    assert turn["expecting"] == "confirmation" and "replacement" in bot_text(turn)
    assert turn["actions"] == []
    [action] = chat.say("yes")["actions"]
    assert action["type"] == "replacement"


def test_the_replacement_on_offer_asked_for_again_is_a_yes(chat, nlu):
    # dev5 g56: asked again at its own offer, read as changing the order, it was told the
    # delivered order could no longer be changed.
    chat.say("the dress from D200 is damaged", photo=PHOTO)
    chat.say("a refund")
    ask = "wait no. actually I love it, can you just send me a new one instead?"
    nlu.script[ask] = "change_order"
    assert chat.say(ask)["expecting"] == "confirmation"
    [action] = chat.say(ask)["actions"]
    assert action["type"] == "replacement"


# --- short agreements ---------------------------------------------------------------------------


# "sure, why not" (dev14 v09: "not" made it no plain yes; asked twice, then a person).
@pytest.mark.parametrize(
    "reply", ["k", "do it", "that's fine", "sounds good", "go for it", "sure, why not"]
)
def test_short_agreements_confirm(chat, nlu, reply):
    assert chat.say("D201 arrived broken", photo=PHOTO)["expecting"] == "confirmation"
    nlu.script[reply] = "out_of_scope"
    [action] = chat.say(reply)["actions"]
    assert action["type"] == "refund"


# --- an order picked by its number, its place, its age -------------------------------------------


def _buyer_with_many_orders(bot_client, world_db: Database) -> Chat:
    seed(
        world_db,
        [
            order(f"K-{5500 + n}", item(f"Thing {n}", "20.00"), buyer_id="B32", placed=2 + n)
            for n in range(6)
        ]
        + [order("K-4001", item("Old lamp", "30.00"), buyer_id="B32", placed=200)],
    )
    return Chat(bot_client, token_headers("B32"))


def test_an_ids_number_alone_picks_the_order(bot_client, world_db, nlu):
    chat = _buyer_with_many_orders(bot_client, world_db)
    assert chat.say("where is my parcel")["expecting"] == "order_id"
    nlu.script["5503"] = "inform"
    assert "K-5503" in bot_text(chat.say("5503"))


@pytest.mark.parametrize(
    ("reply", "order_id"),
    [("the first one", "K-5500"), ("2nd one", "K-5501"), ("the latest one", "K-5500"),
     ("the oldest one", "K-5504"), ("the last one", "K-5504")],
)  # fmt: skip
def test_an_order_picked_by_its_place_or_age(bot_client, world_db, nlu, reply, order_id):
    chat = _buyer_with_many_orders(bot_client, world_db)
    chat.say("where is my parcel")
    nlu.script[reply] = "inform"
    assert order_id in bot_text(chat.say(reply))


def test_a_different_order_is_offered_and_lists_the_others_older_ones_too(
    bot_client, world_db, nlu
):
    chat = _buyer_with_many_orders(bot_client, world_db)
    turn = chat.say("where is my parcel")
    assert len(turn["quick_replies"]) == 6 and turn["quick_replies"][-1] == "A different order"
    turn = chat.say("A different order")
    assert turn["expecting"] == "order_id"
    assert any(r.startswith("K-5505") for r in turn["quick_replies"])
    assert any(r.startswith("K-4001") for r in turn["quick_replies"])  # older than 90 days


def test_a_buyer_with_only_older_orders_can_list_them(bot_client, world_db: Database, nlu):
    seed(world_db, [order("Q-1001", item("Table lamp", "35.00"), buyer_id="B33", placed=150)])
    chat = Chat(bot_client, token_headers("B33"))
    turn = chat.say("where is my parcel")
    assert "A different order" in turn["quick_replies"], turn["quick_replies"]
    turn = chat.say("A different order")
    assert any(r.startswith("Q-1001") for r in turn["quick_replies"])


def test_one_pending_order_offered_then_another(chat):
    turn = chat.say("cancel my order")
    assert turn["quick_replies"][-1] == "A different order"
    turn = chat.say("no, a different order")
    assert turn["expecting"] == "order_id" and len(turn["quick_replies"]) > 1
    assert not any(r.startswith("P100") for r in turn["quick_replies"])


def test_a_number_alone_of_nobodys_order_is_said_not_found(chat, nlu):
    chat.say("where is my parcel")
    nlu.script["order 77889"] = "inform"
    turn = chat.say("order 77889")
    assert "77889" in bot_text(turn) and turn["expecting"] == "order_id", bot_text(turn)


@pytest.mark.parametrize(
    ("said", "alone"),
    [("9999", True), ("#a-7788", True), ("order no. 12345", True), ("it was 3 days ago", False),
     ("the 2024 one", False)],
)  # fmt: skip
def test_an_order_number_alone(said, alone):
    # (The NLU does not always take such a number for an order id: the reply is read as one.)
    assert bool(ID_ALONE.match(said)) is alone


def test_an_item_picked_by_its_place(chat):
    chat.say("D202 arrived damaged", photo=PHOTO)
    assert "$8.00" in bot_text(chat.say("the second one"))


def test_a_story_with_first_in_it_picks_nothing(chat, nlu):
    chat.say("where is my parcel")
    nlu.script["the first time I ordered here"] = "inform"
    assert chat.say("the first time I ordered here")["expecting"] == "order_id"


def test_pending_order_status_is_unchanged(world_db):
    # (A guard for the builders used above: a delivered order is the default.)
    assert order("Z1").status is OrderStatus.DELIVERED


def test_a_different_order_named_by_its_item_is_taken(bot_client, world_db, nlu):
    # dev6 h60: "no, a different order, the kettle one" listed the other orders, again and
    # again; the item named is the order meant.
    chat = _buyer_with_many_orders(bot_client, world_db)
    assert chat.say("where is my parcel")["expecting"] == "order_id"
    reply = "no, a different order, the lamp one"
    nlu.script[reply] = "inform"
    turn = chat.say(reply)
    assert "K-4001" in bot_text(turn) and turn["expecting"] != "order_id", bot_text(turn)


def test_a_different_order_said_of_the_item_named_lists_the_others(bot_client, world_db, nlu):
    chat = _buyer_with_many_orders(bot_client, world_db)
    assert chat.say("where is my parcel")["expecting"] == "order_id"
    reply = "not the lamp, a different order"
    nlu.script[reply] = "inform"
    turn = chat.say(reply)
    assert turn["expecting"] == "order_id", bot_text(turn)
