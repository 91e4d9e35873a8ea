"""What the blind set dev30 found (stop 56): a code that says "already redeemed", a rejected
return someone should "look at properly", a real person asked for in Thai, and short Indonesian
words for a parcel not come and an item not liked."""

from bot.dialogue.local_words import REASONS
from bot.dialogue.wording import REASON_WORDS, disputes_a_decision
from tests.utils.builders import bot_text, citations


def test_a_code_that_says_already_redeemed_is_a_fault():
    said = (
        "hi so i bought a steam gift card code yesterday order 00123842 and when i put it in it "
        "says already redeemed so its basically useless what do i do now"
    )
    assert REASON_WORDS["damaged"].english.search(said)


def test_a_rejected_return_someone_should_look_at_properly_is_a_dispute():
    # dev30 ac20: refused by DMG-3.1's 15 days.
    text = (
        "The seller REJECTED my return of the chelsea boots saying they were worn. They were NOT "
        "worn, I tried them on on the carpet for two minutes. I took photos before I packed "
        "them. This is ridiculous and I want someone to look at it properly."
    )
    assert disputes_a_decision(text)
    assert not disputes_a_decision("The seller rejected my return. Can someone look at it?")


def test_a_real_person_asked_for_in_thai_gets_one(chat, nlu):
    # dev30 ac53: read out of scope, told what the bot does.
    text = "สวัสดีครับ ลุงอายุเยอะแล้ว ใช้แอปไม่ค่อยเป็น อยากคุยกับเจ้าหน้าที่ที่เป็นคนจริงๆ ครับ เรื่องหม้อหุงข้าวที่สั่งไป"
    nlu.script[text], nlu.confidence = "out_of_scope", 0.99
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert "REV-6.4" in citations(turn), citations(turn)


def test_short_indonesian_words():
    # dev30 ac11 (not come yet), ac36 (don't much like its sound).
    assert REASONS["not_received"].malay.search("kak paket sy blm dtg2 jg pdhl udh lwt")
    assert REASONS["change_of_mind_return"].malay.search("cuma ternyata aku kurang suka sound-nya")
