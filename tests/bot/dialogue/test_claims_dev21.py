"""What the blind set dev21 found (stop 52): a device's charge is no payment problem, packaging
thrown away still leaves the item to photograph, and "haan ok" is a yes."""

from tests.utils.builders import bot_text, citations


def test_a_watch_never_charged_and_sent_back_is_a_return_not_a_payment_problem(chat, nlu):
    # dev21 b58: payment_issue at 0.94 from "charged", handed to the payment desk.
    text = (
        "I bought this dress for a wedding, order D200, and the wedding got cancelled. I only "
        "took it out of the box to look at it, never charged it or wore it, and it's back in "
        "the box. I'd rather send it back now."
    )
    nlu.script[text] = "payment_issue"
    nlu.confidence = 0.94
    turn = chat.say(text)
    said = bot_text(turn)
    assert turn["status"] == "bot", said
    assert turn["expecting"] in ("confirmation", "reason"), said


def test_a_payment_problem_beside_a_return_still_goes_to_the_payment_desk(chat, nlu):
    text = "I was charged twice for D200, and I want to send it back"
    nlu.script[text] = "payment_issue"
    nlu.confidence = 0.94
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent", bot_text(turn)


def test_the_box_thrown_away_is_not_a_missing_photo(chat, nlu):
    # dev21 b59: "what do u need in the photo exactly? i already threw the box out" was taken
    # for "no photo" and the claim handed to a person.
    turn = chat.say("my mug D201 arrived broken")
    assert turn["expecting"] == "evidence", bot_text(turn)
    text = "what do u need in the photo exactly? i already threw the box out"
    nlu.script[text] = "wrong_item"
    nlu.confidence = 0.54
    nlu.acts[text] = ("question", 0.6)
    turn = chat.say(text)
    assert turn["status"] == "bot", bot_text(turn)
    assert turn["expecting"] == "evidence", bot_text(turn)


def test_haan_ok_at_a_confirmation_is_a_yes(chat, nlu):
    # dev21 b53: "haan ok" read out of scope three times, then a person.
    text = "cancel P100 please"
    nlu.script[text] = "cancel_order"
    assert chat.say(text)["expecting"] == "confirmation"
    nlu.script["haan ok"] = "out_of_scope"
    nlu.confidence = 0.40
    turn = chat.say("haan ok")
    assert turn["actions"] and turn["actions"][0]["type"] == "cancel", bot_text(turn)


def test_a_yes_ending_the_sentence_at_a_refunds_confirmation_is_a_yes(chat, nlu):
    # dev21 b26: "Oh, a refund would be lovely, yes please." read as a new refund request
    # (0.999): asked which order, what went wrong, then a person.
    text = "my headphones S300 never came, they are late"
    nlu.script[text] = "item_not_received"
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    answer = "Oh, a refund would be lovely, yes please."
    nlu.script[answer] = "request_refund"
    nlu.confidence = 0.999
    turn = chat.say(answer)
    assert [a["type"] for a in turn["actions"]] == ["refund"], bot_text(turn)


def test_membatalkan_asks_to_cancel(chat, nlu):
    # dev21 b17: out of scope at 0.20, asked what went wrong three times, then a person.
    text = (
        "Selamat pagi. Saya ingin membatalkan pesanan P100 kerana tersalah pilih saiz. Boleh "
        "saya tahu adakah dikenakan sebarang caj pembatalan? Terima kasih."
    )
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.20
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "CAN-1.1" in citations(turn)


def test_unaccented_vietnamese_chat_abbreviations_are_vietnamese(chat, nlu):
    # dev21 b23: identified as Indonesian, read as a complaint, offered a review.
    text = "huy don giup mk vs, dat nham mau r. ma don P100 nha"
    nlu.script[text] = "complaint"
    nlu.confidence = 0.71
    turn = chat.say(text)
    assert turn["language"] == "vi", bot_text(turn)
    assert turn["expecting"] == "confirmation", bot_text(turn)
