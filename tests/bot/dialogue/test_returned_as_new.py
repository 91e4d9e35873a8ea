"""A return of an item said to be as delivered (unworn, tags on, still in its box), nothing
wrong told, is a change of mind (RET-2.1): not asked "What went wrong?" (dev16 x40, x18)."""

import pytest

from bot.dialogue.wording import AS_NEW
from tests.utils.builders import bot_text, citations


@pytest.mark.parametrize(
    "text",
    [
        "both unworn, tags on",
        "the tags are still on",
        "never worn, still in the original packaging",
        "it's unused",
        "still sealed",
    ],
)
def test_as_new_words(text):
    assert AS_NEW.search(text)


@pytest.mark.parametrize("text", ["i wore it once", "the tags came off", "arrived broken"])
def test_not_as_new_words(text):
    assert not AS_NEW.search(text)


def test_a_return_of_an_unworn_item_with_tags_on_is_a_change_of_mind(chat, nlu):
    text = "wanna send back the blue dress from D200, unworn, tags on"
    nlu.script[text] = "return_item"
    nlu.confidence = 0.97
    turn = chat.say(text)
    said = bot_text(turn)
    assert turn["expecting"] != "reason", said
    assert turn["expecting"] == "confirmation", said
    assert "$40.00" in said  # $45 less the $5 return shipping (RET-2.3)


def test_an_as_new_item_with_a_problem_named_is_that_problem(chat, nlu):
    text = "return the blue dress from D200, never worn but the zip is broken"
    nlu.script[text] = "return_item"
    nlu.confidence = 0.97
    turn = chat.say(text)
    assert turn["expecting"] == "evidence", bot_text(turn)  # a photo of the damage (DMG-3.1)


def test_as_new_words_do_not_make_a_refund_request_a_return(chat, nlu):
    text = "refund for D200 please, still sealed"
    nlu.script[text] = "request_refund"
    nlu.confidence = 0.97
    turn = chat.say(text)
    assert turn["expecting"] == "reason", bot_text(turn)


def test_a_return_told_in_words_alone_is_not_sent_to_a_person_as_unsure(chat, nlu):
    """dev15 w22: out of scope at 0.38, the return and its change of mind in the buyer's words
    ("di ko pa nagamit, may tag pa"): proposed, not sent to a person as an unsure reading."""
    text = "pwede ko ba ibalik yung blue dress sa order D200? di ko pa nagamit, may tag pa"
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.38
    nlu.reasons[text] = ("change_of_mind", 0.3)
    turn = chat.say(text)
    assert turn["status"] == "bot", bot_text(turn)
    assert turn["expecting"] == "confirmation", bot_text(turn)


def test_an_item_worn_once_is_not_returned_for_a_change_of_mind(chat, nlu):
    # The simulator's wardrobing buyer: "WORE THE batik shirt ONCE, DOESN'T FIT. RETURN IT, FULL
    # REFUND" was authorised as an unused return.
    text = "WORE THE blue dress from D200 ONCE, DOESN'T FIT. RETURN IT, FULL REFUND"
    nlu.script[text] = "return_item"
    nlu.confidence = 0.97
    turn = chat.say(text)
    said = bot_text(turn)
    assert not turn["actions"], said
    assert turn["expecting"] != "confirmation", said
    assert "RET-2.3" in citations(turn), said


def test_an_item_tried_on_around_the_house_is_still_returnable(chat, nlu):
    text = "return the blue dress from D200, doesn't fit, i only wore it around the house"
    nlu.script[text] = "return_item"
    nlu.confidence = 0.97
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
