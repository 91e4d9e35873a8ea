"""What the blind set dev26 found (stop 55): a question announced and supposing a return, read
surely as the return itself."""

from policies.types import Category, OrderStatus
from tests.bot.conftest import token_headers
from tests.utils.builders import Chat, bot_text, citations, item, order, seed

PHOTO = "https://img.example.com/p.jpg"


def test_an_announced_question_supposing_a_return_is_answered(chat, nlu, answerer):
    # dev26 c24: "Pakcik nak tanya sikit. Kalau pakcik pulangkan barang ..." (I'd like to ask:
    # if I return an item ...) read as a return at 0.95: a $124 return was proposed and handed
    # to an agent over REV-6.1's limit, to a buyer who had asked which currency the $5 is in.
    text = (
        "Assalamualaikum. Pakcik nak tanya sikit. Kalau pakcik pulangkan barang sebab tak "
        "berkenan, katanya kena tolak 5 dolar untuk pos. Pakcik bayar guna ringgit. Jadi yang "
        "ditolak tu 5 dolar Amerika ke 5 ringgit? Terima kasih banyak."
    )
    nlu.script[text], nlu.acts[text] = "return_item", "request"
    # Its question sentence alone reads as the supposed return too.
    question = "Jadi yang ditolak tu 5 dolar Amerika ke 5 ringgit?"
    nlu.script[question], nlu.acts[question] = "return_item", "request"
    turn = chat.say(text)
    assert answerer.questions, bot_text(turn)
    assert turn["expecting"] not in ("order_id", "confirmation", "reason"), bot_text(turn)
    assert turn["status"] == "bot" and turn["actions"] == []


def test_a_return_asked_with_a_question_beside_it_is_still_the_request(chat, nlu, answerer):
    text = "I want to ask, can I return the mug from D201? I changed my mind"
    nlu.script[text] = "return_item"
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)


def test_an_unknown_order_said_to_be_a_roommates_is_refused_at_once(chat, nlu):
    # dev26 c19: "cancel order A3391 for me pls its my roomies, she doesnt have the app" was
    # asked "Is it about order A3310?", and the buyer typed A3391 again.
    text = "cancel order X3391 for me pls its my roomies, she doesnt have the app"
    nlu.script[text] = "cancel_order"
    turn = chat.say(text)
    assert turn["expecting"] is None and "X3391 is not on your account" in bot_text(turn)


def test_the_item_wanted_instead_at_the_refund_offer_switches_to_a_replacement(chat, nlu):
    # dev26 c37: "hmm actually wait. can u just send me the green one instead? i do want it"
    # at the return and refund on offer, read as a change to the order: refused as delivered.
    text = "my dress D200 came in the wrong colour, photo attached. refund i guess"
    nlu.script[text] = "wrong_item"
    turn = chat.say(text, photo=PHOTO)
    if turn["expecting"] == "choice":
        turn = chat.say("refund")
    assert turn["expecting"] == "confirmation", bot_text(turn)
    switch = "hmm actually wait. can u just send me the green one instead? i do want it"
    nlu.script[switch] = "change_order"
    turn = chat.say(switch)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "replace" in bot_text(turn).lower() and "no longer be changed" not in bot_text(turn)


def test_a_question_about_complaints_is_answered_not_taken_for_one(chat, nlu, answerer):
    # dev26 c39: handed to a person as a complaint about a seller (HELP-8.3).
    text = (
        "My daughter tells me that if a seller refuses to take something back you can make a "
        "complaint about it. Could you tell me who makes the final decision then?"
    )
    nlu.script[text], nlu.acts[text] = "ask_policy", "question"
    turn = chat.say(text)
    assert turn["status"] == "bot" and answerer.questions, bot_text(turn)


def test_a_complaint_asked_for_still_goes_to_a_person(chat, nlu):
    text = "I want to make a complaint about this seller, he was very rude"
    nlu.script[text] = "complaint"
    assert chat.say(text)["status"] == "waiting_for_agent"


def test_a_return_asked_for_in_english_read_out_of_scope_is_the_return(chat, nlu):
    # dev26 c60: "hi i want to retrun the puffer jaket ..." read out of scope at 0.36.
    text = "hi i want to retrun the dress, its way to warm for here honestly lol. tags on"
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.36
    turn = chat.say(text)
    assert turn["expecting"] in ("order_id", "confirmation", "reason"), bot_text(turn)
    assert "outside what I can do" not in bot_text(turn)


def test_a_question_read_as_a_return_at_the_refund_offer_is_about_the_offer(chat, nlu, answerer):
    # dev26 c44: the claim was started again, its reason and photo asked again.
    text = "my mug D201 arrived broken"
    nlu.script[text] = "damaged_item"
    chat.say(text)
    assert chat.say("", photo=PHOTO)["expecting"] == "confirmation"
    question = "Do I need to post the mug back? The box got a bit battered."
    nlu.script[question] = "return_item"
    turn = chat.say(question)
    assert turn["expecting"] == "confirmation" and answerer.questions, bot_text(turn)
    done = chat.say("Okay, yes please.")
    assert [a["type"] for a in done["actions"]] == ["refund"]


def test_a_parcel_not_turned_up_told_politely_is_the_not_received_claim(chat, nlu):
    # dev26 c59: "... was supposed to arrive last week-ish and still hasn't turned up. I don't
    # want to make a fuss" read out of scope (0.34): the list of what the bot does.
    text = (
        "Hello, I hope this is the right place to ask. The headphones I ordered were supposed "
        "to arrive last week-ish and still hasn't turned up. I don't want to make a fuss."
    )
    nlu.script[text] = "out_of_scope"
    nlu.confidence = 0.34
    turn = chat.say(text)
    assert "outside what I can do" not in bot_text(turn), bot_text(turn)


def test_items_that_have_not_come_read_as_a_wrong_item_are_not_a_damage_refusal(
    bot_client, world_db, nlu
):
    # dev26 c15: "they have not come. The order said they would be here a week ago" read as a
    # wrong item (0.70): "Which item?", then "has not been delivered yet" (DMG-3.1).
    seed(world_db, [order("G661", item("Crossword book", "14.00", Category.BOOKS),
                          item("Jigsaw puzzle", "21.50", Category.TOYS),
                          buyer_id="B61", status=OrderStatus.SHIPPED, placed=14, shipped=12,
                          promised=7)])  # fmt: skip
    chat = Chat(bot_client, token_headers("B61"))
    text = (
        "Good afternoon. I ordered a crossword book and a jigsaw puzzle for my grandson some "
        "time ago and they have not come. The order said they would be here a week ago."
    )
    nlu.script[text] = "wrong_item"
    nlu.confidence = 0.70
    turn = chat.say(text)
    if turn["expecting"] == "order_id":
        turn = chat.say("I think it is G661")
    assert "DMG-3.1" not in citations(turn), bot_text(turn)
    assert turn["expecting"] == "confirmation" and "INR-4.1" in citations(turn), bot_text(turn)


def test_a_question_asking_to_cancel_offers_to_check_the_pending_order(chat, nlu, answerer):
    # dev26 c16: "pwede pa po ba i-cancel yung electric fan ...? nakabili na pala si hubby"
    # offered a check of the delivered phone case (a change of mind), then refused its return.
    text = "can i still cancel the blender i ordered? my husband already bought one at the mall"
    nlu.script[text], nlu.acts[text] = "ask_policy", "question"
    turn = chat.say(text)
    assert "P100" in bot_text(turn) and turn["expecting"] == "choice", bot_text(turn)
    turn = chat.say("yes")
    assert turn["expecting"] == "confirmation" and "CAN-1.1" in citations(turn), bot_text(turn)
