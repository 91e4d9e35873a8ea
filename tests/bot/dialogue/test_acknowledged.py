"""An "ok thanks" acknowledges an answer; it accepts no offer the buyer did not ask for (dev11
p21: "ok thanks" to "Shall I check order X?" checked it, and a second "ok thanks" authorised a
return), and confirms one they asked for (dev t10, dev7 j44)."""

import pytest

from bot.dialogue.wording import FIRM_YES, THANKS
from bot.language.catalogue import speaking
from tests.utils.builders import bot_text, citations

QUESTION = "my yoga mat came a week late, when am I entitled to something?"


def _asked(chat, nlu) -> None:
    nlu.script[QUESTION] = "ask_policy"
    nlu.reasons[QUESTION] = "late_delivery"
    assert "Shall I check order D206" in bot_text(chat.say(QUESTION))


@pytest.mark.parametrize("reply", ["ok thanks", "Okay, thank you!", "ok thx", "alright thanks"])
def test_ok_thanks_to_a_check_offer_checks_nothing(chat, nlu, reply):
    _asked(chat, nlu)
    nlu.script[reply] = "affirm"  # the reader's worst case: a yes
    turn = chat.say(reply)
    assert turn["expecting"] is None and turn["actions"] == [], bot_text(turn)
    assert "INR-4.3" not in bot_text(turn)


@pytest.mark.parametrize("reply", ["ok thanks", "ok can, thanks ah"])
def test_ok_thanks_to_the_offer_of_what_the_buyer_asked_for_is_a_yes(chat, nlu, reply):
    # dev t10, dev7 j44: a claim the buyer made, confirmed with thanks.
    nlu.script["cancel P100 please"] = "cancel_order"
    assert chat.say("cancel P100 please")["expecting"] == "confirmation"
    nlu.script[reply] = "thank"
    turn = chat.say(reply)
    assert [a["type"] for a in turn["actions"]] == ["cancel"], bot_text(turn)


def test_a_firm_yes_with_thanks_is_a_yes(chat, nlu):
    nlu.script["cancel P100 please"] = "cancel_order"
    chat.say("cancel P100 please")
    nlu.script["yes please, thanks"] = "affirm"
    turn = chat.say("yes please, thanks")
    assert [a["type"] for a in turn["actions"]] == ["cancel"], bot_text(turn)


@pytest.mark.parametrize(
    ("language", "text", "acknowledged"),
    [
        ("en", "ok thanks", True),
        ("en", "yes thanks", False),
        ("en", "ok", False),
        ("ms", "ok terima kasih", True),
        ("ms", "ya boleh, terima kasih", False),
        ("id", "oke makasih ya kak", False),  # "ya": a yes
        ("id", "oke makasih", True),
        ("th", "โอเคค่ะ ขอบคุณค่ะ", True),
        ("th", "ตกลงค่ะ ขอบคุณ", False),
        ("th", "ได้ค่ะ ขอบคุณมากนะคะ", False),  # dev11 p50: "ได้" opening it is a yes
        ("en", "sure, thanks", False),
        ("vi", "ok cảm ơn shop", True),
        ("vi", "có, cảm ơn", False),
        ("tl", "sige po, salamat", True),
        ("tl", "opo, salamat po", False),
    ],
)
def test_thanks_without_a_firm_yes(language: str, text: str, acknowledged: bool) -> None:
    with speaking(language):
        said = text.lower()
        assert (THANKS.search(said) and not FIRM_YES.search(said)) is acknowledged


def test_ok_thanks_to_a_return_offered_in_place_of_a_cancellation_returns_nothing(chat, nlu):
    # dev12 q27: "Want to cancel. Possible or not" on a delivered order; the return the bot
    # offered instead was authorised on "ok thanks".
    text = "Order D200 arrived. Want to cancel. Possible or not"
    nlu.script[text] = "cancel_order"
    turn = chat.say(text)
    assert "CAN-1.2" in citations(turn) and turn["expecting"] == "confirmation", bot_text(turn)
    nlu.script["ok thanks"] = "thank"
    turn = chat.say("ok thanks")
    assert turn["actions"] == [] and turn["expecting"] is None, bot_text(turn)
