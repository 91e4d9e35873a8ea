"""A cancellation asked for beside a question about its refund is the cancellation (dev7 j35):
"cancel P100 please, how long until the refund shows on my card?" reads track_refund, and the
bot said no refund had been issued on the order and stopped."""

import pytest

from bot.dialogue.state import normalise
from bot.dialogue.wording import cancel_asked
from tests.utils.builders import bot_text, citations


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cancel P100 please, how long until the refund shows on my card?", "track_refund"),
        ("P100 cancellation. card refund timing?", "track_refund"),
        ("pls cancel P100, when does the money come back", "track_order"),
        ("P100 cancel. refund time?", "out_of_scope"),
    ],
)
def test_a_cancellation_read_as_tracking_is_offered(chat, nlu, text, intent):
    nlu.script[text] = intent
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert {"CAN-1.1", "REF-5.1"} <= citations(turn)  # where the money goes, how long it takes
    assert turn["actions"] == []  # nothing before the buyer confirms
    done = chat.say("yes")
    assert [(a["type"], a["order_id"]) for a in done["actions"]] == [("cancel", "P100")]


def test_an_unsure_reading_of_a_cancellation_is_not_sent_to_a_person(chat, nlu):
    # The words and the pending order agree; the buyer confirms before anything is done.
    nlu.confidence = 0.36
    text = "P100 cancel. refund time?"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert turn["status"] == "bot" and turn["expecting"] == "confirmation", bot_text(turn)


@pytest.mark.parametrize(
    "text",
    [
        # Done already, refused, or supposed: the refund is tracked (or the rule asked about).
        "the seller cancelled P100, where is my refund?",
        "don't cancel P100, just tell me where it is",
        "if I cancel P100 when do I get my money back?",
        # Not pending: nothing to cancel, its refund is what is asked about.
        "cancel R400 refund status?",
    ],
)
@pytest.mark.parametrize("intent", ["track_refund", "request_refund"])
def test_a_cancellation_not_asked_for_a_pending_order_is_not_offered(chat, nlu, text, intent):
    nlu.script[text] = intent
    turn = chat.say(text)
    assert turn["expecting"] != "confirmation", bot_text(turn)
    assert "CAN-1.1" not in citations(turn)


def test_a_cancellation_read_as_a_refund_is_not_asked_what_went_wrong(chat, nlu, answerer):
    # dev7 j27: the question beside it is answered, then the cancellation offered.
    text = "Could you please cancel order P100? I ordered it twice. Would I get my voucher back?"
    nlu.script[text] = "request_refund"
    turn = chat.say(text)
    assert answerer.questions == ["Would I get my voucher back?"]
    assert turn["expecting"] == "confirmation", bot_text(turn)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("cancel SG-2612-11111 please, how long until the refund shows?", True),
        ("SO-2026-004417 cancellation. card refund timing?", True),
        ("cancellation for SG-2612-44444 pls", True),
        ("Hello, could you please cancel order SG-2612-08841? I placed it twice", True),
        ("hi, cancel my order pls", True),
        # Reported, not asked (dev7 j17: the order was cancelled on "ok, glad I asked").
        ("the seller messages me and says cancel the order and pay him by bank transfer", False),
        ("the seller cancelled my order", False),
        ("what is the cancellation fee?", False),
        ("if i cancel, when is the refund?", False),
        ("please don't cancel it", False),
    ],
)
def test_a_cancellation_asked_for_in_words(text: str, asked: bool) -> None:
    said = normalise(text)
    assert cancel_asked(said) is asked
