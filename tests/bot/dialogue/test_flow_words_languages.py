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
