"""A seller asking to be paid, or to refund, outside the app gets HELP-8.3's warning first
(dev17 y54, dev18 z49): payments outside the app are not protected; report such a seller."""

import pytest

from bot.dialogue.wording import OFF_PLATFORM, SELLER_NAMED
from tests.utils.builders import bot_text, citations


@pytest.mark.parametrize(
    "text",
    [
        "the seller says if i cancel and just bank transfer him directly he'll knock 10% off",
        "shop wants me to pay outside the app",
        "seller sent me an e-wallet link to pay",
        # dev13 u27: declined as a question the policy may not cover.
        "seller msg me saying if i transfer rm20 straight to his bank acc he can ship mine first",
    ],
)
def test_off_platform_words(text):
    assert OFF_PLATFORM.search(text) and SELLER_NAMED.search(text)


def test_a_refund_by_bank_transfer_asked_of_the_bot_is_no_off_platform_payment():
    text = "can i get my cash on delivery refund by bank transfer"
    assert not (OFF_PLATFORM.search(text) and SELLER_NAMED.search(text))


def test_a_seller_offering_a_discount_for_a_bank_transfer_is_warned_about(chat, nlu):
    text = (
        "the seller of my keyboard messaged me saying if I cancel and just bank transfer him "
        "directly he'll knock 10% off... that sounds ok right? or is that weird"
    )
    nlu.script[text] = "ask_policy"
    nlu.confidence = 0.5
    turn = chat.say(text)
    said = bot_text(turn)
    assert "Never agree to pay a seller" in said, said
    assert "HELP-8.3" in citations(turn)
    assert "report this seller" in said and turn["expecting"] == "choice", said
    assert turn["status"] == "bot"
    turn = chat.say("no thanks")
    assert turn["status"] == "bot", bot_text(turn)


def test_a_sure_request_beside_the_sellers_demand_goes_on_after_the_warning(chat, nlu):
    text = "cancel P100, the seller keeps telling me to pay him by bank transfer instead"
    nlu.script[text] = "cancel_order"
    nlu.confidence = 0.95
    turn = chat.say(text)
    said = bot_text(turn)
    assert "Never agree to pay a seller" in said, said
    assert "CAN-1.1" in citations(turn) and "HELP-8.3" in citations(turn)
    assert turn["expecting"] == "confirmation", said


def test_the_warning_in_the_buyers_language(chat, nlu):
    text = "penjual suruh saya transfer terus ke akaun dia, dapat diskaun. boleh ke?"
    nlu.script[text] = "ask_policy"
    nlu.confidence = 0.5
    turn = chat.say(text)
    assert "Jangan sekali-kali bersetuju" in bot_text(turn), bot_text(turn)
    assert "HELP-8.3" in citations(turn)
