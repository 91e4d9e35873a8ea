"""flow18's word rules in a conversation in another language (issue 14): a price drop gets its
rule, "not now" declines an offer (the fake NLU stands in for the multilingual model)."""

import pytest

from tests.utils.builders import bot_text, citations

PRICE_DROP = {
    "ms": "saya beli pada harga 149, dua hari kemudian harga dah turun ke 119, saya nak beza harga",
    "id": "beli seharga 149, dua hari kemudian harganya udah turun jadi 119, minta selisih harga",
    "vi": "tôi mua giá 149, hai ngày sau giá đã giảm còn 119, tôi muốn lấy lại tiền chênh lệch",
    "tl": "binili ko ng 149, after two days bumaba na ang presyo sa 119, gusto ko ang difference",
}
RETURN = {
    "ms": "saya nak pulangkan pesanan D200, saya tukar fikiran",
    "tl": "gusto kong i-return ang order D200, nagbago ang isip ko",
}
NOT_NOW = {"ms": "nanti dulu, saya fikir", "tl": "mamaya na po, pag-iisipan ko"}


@pytest.mark.parametrize("language", sorted(PRICE_DROP))
def test_a_price_drop_gets_its_rule_in_each_language(language, chat, nlu):
    nlu.script[PRICE_DROP[language]] = "request_refund"
    turn = chat.say(PRICE_DROP[language])
    assert turn["language"] == language
    assert citations(turn) >= {"REF-5.7"}, bot_text(turn)
    assert turn["expecting"] is None and turn["actions"] == [], bot_text(turn)


@pytest.mark.parametrize("language", sorted(NOT_NOW))
def test_not_now_declines_an_offer_in_each_language(language, chat, nlu):
    nlu.script[RETURN[language]] = "return_item"
    nlu.reasons[RETURN[language]] = "change_of_mind"
    assert chat.say(RETURN[language])["expecting"] == "confirmation"
    turn = chat.say(NOT_NOW[language])
    assert turn["status"] == "bot" and turn["actions"] == [], bot_text(turn)
    assert turn["expecting"] != "confirmation", bot_text(turn)


def test_malay_reason_words_count_in_an_english_chat(chat, nlu):
    # dev7 j29: "sampai already pecah" (arrived already broken), read as not received.
    assert chat.say("I want a refund for D201")["expecting"] == "reason"
    answer = "the mug sampai already pecah, the box also totally kemek when it came"
    nlu.script[answer], nlu.reasons[answer] = "item_not_received", ("not_received", 0.4)
    turn = chat.say(answer)
    assert turn["language"] == "en"
    assert turn["expecting"] == "evidence", bot_text(turn)  # damaged: DMG-3.1's photo


def test_vietnamese_words_do_not_count_in_an_english_chat():
    from bot.dialogue.wording import REASON_WORDS
    from bot.language.catalogue import speaking

    with speaking("en"):
        assert REASON_WORDS["damaged"].search("sampai already pecah")
        assert not REASON_WORDS["damaged"].search("it will be here soon, hu")
