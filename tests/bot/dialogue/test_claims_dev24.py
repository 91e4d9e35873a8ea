"""What the blind set dev24 found (stop 54): a return asked for with a change of mind and a
problem guessed unsurely, "dibatalkan" (to be cancelled), and another size asked for at the
change-of-mind return on offer."""

from tests.utils.builders import bot_text, citations


def test_a_return_for_a_change_of_mind_is_not_opposed_by_an_unsure_damage(chat, nlu):
    # dev24 l59: "ga jadi pake. mau retur" (not going to use it, want to return it) read damaged
    # at 0.51; a photo was asked for, then a person.
    text = "kak. mug D201. ga jadi pake. mau retur"
    nlu.script[text] = "damaged_item"
    nlu.confidence = 0.51
    nlu.reasons[text] = ("damaged", 0.51)
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "RET-2.3" in citations(turn)


def test_a_damage_read_surely_still_stands_beside_change_of_mind_words(chat, nlu):
    text = "kak. mug D201. ga jadi pake. mau retur"
    nlu.script[text] = "damaged_item"
    nlu.confidence = 0.9
    nlu.reasons[text] = ("damaged", 0.9)
    turn = chat.say(text)
    assert turn["expecting"] != "confirmation" or "RET-2.3" not in citations(turn), bot_text(turn)


def test_dibatalkan_asks_to_cancel_a_shipped_order_which_is_refused(chat, nlu):
    # dev24 l60: "Masih bisa dibatalkan nggak ya kak? Tolong dibatalkan saja" read as tracking:
    # the bot said where the parcel was and not that a shipped order cannot be cancelled.
    text = (
        "Halo kak, saya pesan novel (order S301), tapi ternyata sudah dibeli. Statusnya sudah "
        "dikirim. Masih bisa dibatalkan nggak ya kak? Tolong dibatalkan saja kalau bisa."
    )
    nlu.script[text] = "track_order"
    nlu.confidence = 0.8
    turn = chat.say(text)
    assert "CAN-1.2" in citations(turn), bot_text(turn)
    assert turn["actions"] == []


def test_another_size_asked_at_the_return_on_offer_is_answered_and_the_offer_stands(chat, nlu):
    # dev24 l47: "kalau tukar ukuran aja bisa ga kak, langsung ganti L?" (can I just swap it
    # for an L?) read as a new request: "Is it about order ...?", then "ok just return it" was
    # read as a cancellation of the delivered order.
    text = "i want to return the dress D200, i changed my mind, never worn"
    nlu.script[text] = "return_item"
    assert chat.say(text)["expecting"] == "confirmation"
    swap = "can i just swap it for a size L instead"
    nlu.script[swap] = "change_order"
    nlu.confidence = 0.81
    turn = chat.say(swap)
    assert "RET-2.8" in citations(turn), bot_text(turn)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert turn["actions"] == []
    done = chat.say("yes")
    assert [(a["type"], a["order_id"]) for a in done["actions"]] == [("return", "D200")]


def test_far_too_hard_for_me_is_a_change_of_mind(chat, nlu):
    # dev24 l57: a crossword book whose puzzles were "far too hard for me": asked what went wrong.
    text = (
        "Hello. I bought the dress, order D200, but the wrap style is far too difficult for me. "
        "Could I send it back and have my money returned please?"
    )
    nlu.script[text] = "request_refund"
    nlu.confidence = 0.8
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "RET-2.3" in citations(turn)
