"""What a buyer sent to a person is told of why (REV-6.6: the review flag) and of how a dispute
goes (REV-6.7), asked or not (dev6 h38, dev8 k60, dev12 q40; dev7 j57, dev9 m53)."""

from policies.types import Category, OrderStatus
from tests.utils.builders import bot_text, citations, item, order, seed

PHOTO = "https://img.example.com/p.jpg"


def _refunded(order_id: str, days_ago: float):
    return order(
        order_id, item("Sunglasses", "30.00", Category.APPAREL), status=OrderStatus.REFUNDED,
        placed=days_ago + 10, delivered=days_ago + 5, refunded="30.00", refunded_days_ago=days_ago,
    )  # fmt: skip


def test_a_claim_the_review_flag_sends_to_a_person_says_what_the_flag_is(chat, nlu, world_db):
    # Three refunds in the last 90 days: REV-6.2's review is due.
    flagged = [_refunded(f"R{n}", days) for n, days in ((501, 15), (502, 40), (503, 65))]
    seed(world_db, [*flagged, order("T600", item("Teapot", "20.00", Category.HOME), placed=5)])
    text = "teapot from T600 arrived chipped. why can't you just refund like before?"
    nlu.script[text] = "damaged_item"
    turn = chat.say(text, photo=PHOTO)
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert {"REV-6.2", "REV-6.6"} <= set(citations(turn)), citations(turn)
    assert "90 days" in bot_text(turn) and "did anything wrong" in bot_text(turn)


def test_a_claim_handed_over_for_its_amount_alone_says_nothing_of_the_flag(chat, nlu, world_db):
    seed(world_db, [order("T601", item("Espresso machine", "240.00", Category.HOME), placed=5)])
    text = "the espresso machine from T601 arrived with a cracked water tank"
    nlu.script[text] = "damaged_item"
    turn = chat.say(text, photo=PHOTO)
    if turn["expecting"] == "choice":  # refund or replacement (DMG-3.3)
        turn = chat.say("refund")
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert "REV-6.1" in citations(turn) and "REV-6.6" not in citations(turn), citations(turn)


def test_a_review_asked_of_a_decision_on_a_named_order_opens_the_dispute(chat, nlu):
    # dev7 j57: REV-6.7, "tell the assistant that you disagree with the decision and want it
    # reviewed", opens a dispute; offered a person instead, the buyer's "no" left it unopened.
    text = (
        "The seller REJECTED my return on D201 saying it was used. It was NOT. "
        "I'm not accepting this, I want it reviewed."
    )
    nlu.script[text] = "complaint"
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert {"REV-6.5", "REV-6.7"} <= set(citations(turn)), citations(turn)
    assert "48 hours" in bot_text(turn) and "5 business days" in bot_text(turn), bot_text(turn)


def test_a_decision_complained_of_without_its_order_is_told_how_a_dispute_goes(chat, nlu):
    text = "The seller rejected my return. I disagree, it was never used."
    nlu.script[text] = "complaint"
    turn = chat.say(text)
    assert turn["expecting"] == "choice", bot_text(turn)  # a person, on offer
    assert {"REV-6.5", "REV-6.7"} <= set(citations(turn)), citations(turn)


def test_a_complaint_naming_no_decision_is_not_told_of_disputes(chat, nlu):
    text = "your delivery partner was rude to me on the phone"
    nlu.script[text] = "complaint"
    turn = chat.say(text)
    assert "REV-6.5" in citations(turn), bot_text(turn)  # the complaint offer, no dispute
    assert "REV-6.7" not in citations(turn), (bot_text(turn), citations(turn))


def test_why_the_account_is_flagged_asked_last_is_answered_not_claimed(chat, nlu, answerer):
    # dev15 w29: read as a refund request at 0.78, asked which order.
    text = (
        "I got told my last refund needs a 'human review' and honestly it feels insulting. I've "
        "sent a few things back lately because the sizing is all over the place. Why exactly is "
        "my account flagged, and can you just take the flag off please?"
    )
    nlu.script[text] = "request_refund"
    nlu.confidence = 0.78
    turn = chat.say(text)
    assert turn["expecting"] != "order_id" and answerer.questions, bot_text(turn)


def test_what_did_i_do_wrong_beside_a_review_asks_why(chat, nlu, answerer):
    # dev16 x38: read as a refund request at 0.84, asked which order.
    text = (
        "Wonderful, every refund I ask for now comes back 'under review'. Years of shopping here "
        "and this is the thanks. So what exactly did I do wrong?"
    )
    nlu.script[text] = "request_refund"
    nlu.confidence = 0.84
    turn = chat.say(text)
    assert turn["expecting"] != "order_id" and answerer.questions, bot_text(turn)
