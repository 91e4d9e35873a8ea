"""What the blind set dev20 found (stop 52): "nvr worn" is not worn, "ya" is a yes, and a
wrong item told as "ordered X but got Y" in Thai or Tagalog is a wrong item."""

from tests.utils.builders import bot_text, citations

PHOTO = "https://img.example.com/p.jpg"


def test_tags_on_never_worn_outside_typed_short_is_returnable(chat, nlu):
    # dev20 a04: "tags still on nvr worn it outside" was refused as worn outside (RET-2.3).
    text = (
        "hii i want to retrun the blue dress from order D200, nothing wrong with it just doesnt "
        "look good on me. tags still on nvr worn it outside"
    )
    nlu.script[text] = "return_item"
    nlu.confidence = 0.59
    nlu.reasons[text] = ("change_of_mind", 0.8)
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "$40.00" in bot_text(turn)


def test_ya_with_the_remedy_at_a_confirmation_is_a_yes(chat, nlu):
    # dev20 a59: "ya cancel" got "Please answer Yes or No" twice, then a person.
    nlu.script["cancel P100"] = "cancel_order"
    assert chat.say("cancel P100")["expecting"] == "confirmation"
    nlu.script["ya cancel"] = "cancel_order"
    nlu.confidence = 0.95
    turn = chat.say("ya cancel")
    assert [a["type"] for a in turn["actions"]] == ["cancel"], bot_text(turn)


def test_ordered_one_colour_received_another_in_thai_is_a_wrong_item(chat, nlu):
    # dev20 a14: read as information at 0.75, asked what went wrong until a person took over.
    text = (
        "สวัสดีค่ะ ดิฉันสั่งชุดเดรสสีน้ำเงิน แต่ได้รับเป็นสีชมพูมาค่ะ หมายเลขคำสั่งซื้อ D200 "
        "แนบรูปมาให้แล้วนะคะ รบกวนขอคืนเงินได้ไหมคะ ขอบคุณมากค่ะ"
    )
    nlu.script[text] = "inform"
    nlu.confidence = 0.75
    turn = chat.say(text, photo=PHOTO)
    assert turn["expecting"] != "reason", bot_text(turn)
    assert "DMG-3.1" in citations(turn) or turn["expecting"] == "remedy", bot_text(turn)


def test_the_one_that_came_and_the_one_ordered_in_tagalog_is_a_wrong_item():
    from bot.dialogue import local_words

    wrong = local_words.REASONS["wrong_item"].tagalog
    assert wrong.search("pink ung dumting, black ung inorder ko. pano b to")
    assert wrong.search("inorder ko ay black pero pink ang dumating")
    assert not wrong.search("dumating na yung inorder ko, salamat")
