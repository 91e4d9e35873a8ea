"""Damage denied beside a change of mind is no damage (dev11 p16: "Wala po itong sira, nagbago
lang po ang isip ko" was asked for a photo; p18: "ของไม่ได้เสียอะไร ... ป้าแค่เปลี่ยนใจ" was
asked what went wrong until a person took over)."""

import pytest

from bot.dialogue.wording import DAMAGE_DENIED, REASON_WORDS
from bot.language.catalogue import speaking
from tests.utils.builders import bot_text

TAGALOG = (
    "Magandang araw po. Nais ko po sanang ibalik ang blue dress sa order D200. Wala po itong "
    "sira, nagbago lang po ang isip ko. Hindi ko pa po nasusuot at kumpleto pa po ang tag."
)
THAI = (
    "สวัสดีค่ะ ป้าสั่งชุดเดรสสีฟ้าไป เลขที่ D200 ของไม่ได้เสียอะไรนะคะ ป้าแค่เปลี่ยนใจ "
    "ป้ายังไม่ได้ใส่เลย ป้ายยังอยู่ครบ ป้าขอส่งคืนได้ไหมคะ"
)


def test_a_change_of_mind_denying_damage_is_offered_its_return(chat, nlu):
    nlu.script[TAGALOG] = "item_not_received"
    nlu.reasons[TAGALOG] = ("damaged", 0.9)  # the reason reader takes "sira" for damage
    nlu.confidence = 0.74
    turn = chat.say(TAGALOG)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "RET-2.1" in {c for m in turn["messages"] for c in m["citations"]}


def test_a_thai_change_of_mind_denying_damage_is_not_asked_what_went_wrong(chat, nlu):
    nlu.script[THAI] = "out_of_scope"
    turn = chat.say(THAI)
    assert turn["expecting"] == "confirmation", bot_text(turn)


@pytest.mark.parametrize(
    ("language", "text", "damaged"),
    [
        ("en", "nothing is broken, i just changed my mind", False),
        ("en", "it's not damaged at all, just don't like it", False),
        ("en", "the mug is broken", True),
        ("en", "the plate is not damaged but the mug is broken", True),
        ("tl", "wala po itong sira, nagbago lang po ang isip ko", False),
        ("tl", "sira po yung zipper", True),
        ("th", "ของไม่ได้เสียอะไรนะคะ ป้าแค่เปลี่ยนใจ", False),
        ("th", "ของแตกมาค่ะ", True),
        ("ms", "barang tak rosak pun, saya cuma tukar fikiran", False),
        ("vi", "sản phẩm không bị hư gì, chỉ là mình không thích", False),
        ("vi", "cái ly bị vỡ rồi", True),
    ],
)
def test_damage_words_outside_a_denial(language: str, text: str, damaged: bool) -> None:
    with speaking(language):
        said = DAMAGE_DENIED.blank(text.lower())
        assert bool(REASON_WORDS["damaged"].search(said)) is damaged, said
