"""Questions the intent reader takes for something else are still answered (issue 14): a story
ending in a question about the rule, a question read as out of scope, a payment problem asked
about rather than reported. Retrieval answers only when it is sure; otherwise the turn goes on
as it did before."""

from bot.dialogue.manager import may_ask_policy
from nlu.types import IntentScore, ParseResult
from tests.utils.builders import bot_text, citations

STORY = (
    "The seller sat on my order for a whole week before shipping it. "
    "Who is responsible for that mess? Because it sure isn't me."
)


def test_a_story_ending_in_a_question_about_the_rule_is_answered(chat, nlu, answerer):
    # Read whole, the story is a not-received request; the buyer asked who answers for it.
    nlu.script[STORY] = "item_not_received"
    nlu.acts[STORY] = ("request", 0.95)
    turn = chat.say(STORY)
    assert answerer.questions == [STORY]
    assert citations(turn) == {"RET-2.1"}  # the fake answerer's clause
    assert turn["expecting"] != "order_id", bot_text(turn)


def test_a_how_long_question_after_a_story_is_answered_then_the_order_offered(chat, nlu, answerer):
    text = (
        "My parcel came a week late, so I sent the jacket back on Monday. "
        "Once the seller has it, how long until the refund is issued?"
    )
    nlu.script[text] = "track_refund"
    nlu.reasons[text] = "late_delivery"
    turn = chat.say(text)
    assert answerer.questions == [text] and citations(turn) == {"RET-2.1"}
    assert "Shall I check order" in bot_text(turn)  # the story's order, for a check
    assert turn["actions"] == []


def test_a_question_about_the_buyers_own_case_stays_its_request(chat, nlu, answerer):
    text = "I sent the jacket back on Monday. How long until my refund comes?"
    nlu.script[text] = "track_refund"
    turn = chat.say(text)
    # (Retrieval may have been asked before the turn, `may_ask_policy`; its answer is unused.)
    assert "RET-2.1" not in citations(turn)
    assert turn["expecting"] == "order_id", bot_text(turn)


def test_a_story_with_a_question_retrieval_is_unsure_of_starts_the_request(chat, nlu, answerer):
    answerer.confident = False
    nlu.script[STORY] = "item_not_received"
    turn = chat.say(STORY)
    assert answerer.questions == [STORY]
    assert "not sure" not in bot_text(turn)
    assert turn["expecting"] == "order_id", bot_text(turn)


def test_a_request_worded_as_can_i_is_not_a_question_about_the_rule(chat, nlu, answerer):
    text = "My mug arrived broken. Can I get a refund?"
    nlu.script[text] = "damaged_item"
    turn = chat.say(text)
    assert "RET-2.1" not in citations(turn)
    assert turn["expecting"] == "evidence", bot_text(turn)  # the claim's photo


def test_a_question_read_as_out_of_scope_is_tried_on_retrieval(chat, nlu, answerer):
    text = "can i send bak a lipstik i alredy opend? just askng"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert answerer.questions == [text] and citations(turn) == {"RET-2.1"}


def test_an_out_of_scope_question_by_the_act_reader_is_tried_too(chat, nlu, answerer):
    # No question mark; the act reader calls it a question at even odds (below its sure bar).
    text = "how do i see where my refund is up to"
    nlu.script[text] = "out_of_scope"
    nlu.acts[text] = ("question", 0.6)
    turn = chat.say(text)
    assert answerer.questions == [text] and citations(turn) == {"RET-2.1"}


def test_an_out_of_scope_request_opening_like_a_question_stays_out_of_scope(chat, nlu, answerer):
    text = "can you track my friend's order"
    nlu.script[text] = "out_of_scope"
    nlu.acts[text] = ("inform", 0.68)
    turn = chat.say(text)
    assert answerer.questions == [] and "outside what I can do" in bot_text(turn)


def test_an_out_of_scope_question_retrieval_is_unsure_of_stays_out_of_scope(chat, nlu, answerer):
    answerer.confident = False
    text = "what's the weather like in Paris?"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert answerer.questions == [text]
    assert "outside what I can do" in bot_text(turn) and citations(turn) == set()


def test_out_of_scope_without_a_question_is_not_searched(chat, nlu, answerer):
    nlu.script["tell me a joke"] = "out_of_scope"
    turn = chat.say("tell me a joke")
    assert answerer.questions == [] and "outside what I can do" in bot_text(turn)


def test_a_payment_problem_asked_about_is_answered_with_a_person_on_offer(chat, nlu, answerer):
    text = "if your checkout charges me twice, does a bot sort that out too? Who deals with that?"
    nlu.script[text] = "payment_issue"
    nlu.acts[text] = ("question", 0.83)
    turn = chat.say(text)
    assert answerer.questions == [text] and citations(turn) == {"RET-2.1"}
    assert turn["expecting"] == "choice" and "Talk to a person" in turn["quick_replies"]
    assert chat.say("no thanks")["expecting"] is None


def test_a_payment_problem_reported_still_goes_to_a_person(chat, nlu, answerer):
    text = "I was charged twice for order D206!! fix it"
    nlu.acts[text] = ("request", 0.95)
    turn = chat.say(text)
    assert answerer.questions == []
    assert "REV-6.3" in citations(turn)


def test_a_question_anywhere_in_the_message_is_answered_before_the_transaction():
    text = "can i send bak a lipstik i alredy opend? just askng"
    assert may_ask_policy(ParseResult(text=text, intent=IntentScore("out_of_scope", 0.99)))


# dev6 h16: all caps, no question mark; read whole, a return (it asked "What went wrong?").
UNMARKED = "WHO PAYS THE SHIPPING IF I SEND BACK THE TOTE BAG, I JUST DONT LIKE THE COLOUR"


def test_a_rule_question_without_its_mark_is_answered(chat, nlu, answerer):
    nlu.script[UNMARKED] = "return_item"
    nlu.acts[UNMARKED] = ("request", 0.9)
    turn = chat.say(UNMARKED)
    assert answerer.questions == [UNMARKED] and citations(turn) == {"RET-2.1"}
    assert turn["expecting"] != "reason", bot_text(turn)


def test_a_rule_question_without_its_mark_is_answered_before_the_transaction():
    parse = ParseResult(text=UNMARKED, intent=IntentScore("return_item", 0.9))
    assert may_ask_policy(parse)


def test_an_unmarked_question_about_the_buyers_own_case_stays_its_request(chat, nlu, answerer):
    text = "how long will my refund take for the jacket i sent back"
    nlu.script[text] = "track_refund"
    nlu.acts[text] = ("request", 0.9)
    turn = chat.say(text)
    assert "RET-2.1" not in citations(turn)
    assert turn["expecting"] == "order_id", bot_text(turn)


def test_a_statement_opening_with_how_is_not_a_rule_question():
    # Only who / how long / how much / how many open an unmarked rule question.
    from bot.dialogue.wording import rule_question_sentences

    assert rule_question_sentences("how the parcel got crushed i dont know. refund pls") == []
    assert rule_question_sentences("item broke. how much do i get back") == [
        "how much do i get back"
    ]
    # After a question mark too (dev3 f28).
    assert rule_question_sentences("its not on them?? so who's on the hook here") == [
        "its not on them?",
        "so who's on the hook here",
    ]


def test_an_out_of_scope_question_naming_a_problem_is_answered_before_its_claim(
    chat, nlu, answerer
):
    # dev6 h25: started as the change of mind its words name, the shipped order's return was
    # refused ("has not been delivered yet") and the question about refusing it never answered.
    text = "The shoe rack shipped but I changed my mind. If I refuse it at the door, money back?"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert answerer.questions == [text] and citations(turn) == {"RET-2.1"}, bot_text(turn)


def test_an_out_of_scope_problem_without_a_question_is_still_its_claim(chat, nlu, answerer):
    text = "The shoe rack shipped but I changed my mind"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert answerer.questions == [] and "RET-2.1" not in citations(turn), bot_text(turn)


def test_an_unread_question_about_water_damage_retrieval_is_unsure_of_starts_the_claim(
    chat, nlu, answerer
):
    # dev6 h10: read out of scope, retrieval unsure: the buyer got the list of what the bot
    # can do. The damage its words name is now that claim.
    answerer.confident = False
    text = "box got soaked in the rain, towels inside all damp and smelly. do i get anything?"
    nlu.script[text] = "out_of_scope"
    turn = chat.say(text)
    assert answerer.questions == [text]
    assert "outside what I can do" not in bot_text(turn)
    assert turn["expecting"] in ("order_id", "evidence"), bot_text(turn)


# dev7 j36: a story read as a payment problem below the sure bar, naming none.
VOUCHER_STORY = (
    "My tent finally came on Friday, a whole week after the date the app promised. I read "
    "somewhere that late orders get a voucher but I don't see anything in My vouchers yet, "
    "could you check that for me?"
)


def test_an_unsure_payment_reading_naming_no_payment_problem_is_answered(chat, nlu, answerer):
    nlu.script[VOUCHER_STORY] = "payment_issue"
    nlu.confidence = 0.63
    turn = chat.say(VOUCHER_STORY)
    assert turn["status"] == "bot", bot_text(turn)
    assert answerer.questions == [VOUCHER_STORY] and "RET-2.1" in citations(turn)
    assert "REV-6.3" not in citations(turn)


def test_an_unsure_payment_reading_retrieval_is_unsure_of_goes_to_a_person(chat, nlu, answerer):
    answerer.confident = False
    nlu.script[VOUCHER_STORY] = "payment_issue"
    nlu.confidence = 0.63
    turn = chat.say(VOUCHER_STORY)
    assert turn["status"] == "waiting_for_agent" and "REV-6.3" in citations(turn)


def test_an_unsure_payment_reading_naming_a_double_charge_goes_to_a_person(chat, nlu, answerer):
    text = "hello the app took my money two times for one order, can you check?"
    nlu.script[text] = "payment_issue"
    nlu.confidence = 0.63
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent" and "REV-6.3" in citations(turn)


# dev7 j11: a long story read as a payment problem below the sure bar; its reason is sure.
RETURN_STORY = (
    "Mine is still sealed in the carton, I haven't even taken the plastic off. I could send it "
    "back if that's still allowed, I remember paying 50."
)


def test_an_unsure_payment_reading_whose_reason_is_sure_starts_that_claim(chat, nlu, answerer):
    answerer.confident = False
    nlu.script[RETURN_STORY] = "payment_issue"
    nlu.confidence = 0.63
    nlu.reasons[RETURN_STORY] = ("change_of_mind", 0.95)
    turn = chat.say(RETURN_STORY)
    assert turn["status"] == "bot" and "REV-6.3" not in citations(turn), bot_text(turn)
    assert turn["expecting"] == "order_id"  # the return's order, not the payment desk


def test_an_unsure_payment_reading_with_an_unsure_reason_still_goes_to_a_person(
    chat, nlu, answerer
):
    answerer.confident = False
    nlu.script[RETURN_STORY] = "payment_issue"
    nlu.confidence = 0.63
    nlu.reasons[RETURN_STORY] = ("change_of_mind", 0.55)
    turn = chat.say(RETURN_STORY)
    assert turn["status"] == "waiting_for_agent" and "REV-6.3" in citations(turn)


SENT_BACK_STORY = (
    "ok so I already posted the air purifier back to the seller yesterday "
    "how long after they get it do I get my refund"
)


def test_when_the_refund_comes_for_an_item_sent_back_is_answered_not_asked_what_went_wrong(
    chat, nlu, answerer
):
    # dev3 f10: read as a refund request, it was asked "What went wrong?" until a person took
    # over; nothing went wrong, the return is on its way.
    nlu.script[SENT_BACK_STORY] = "request_refund"
    turn = chat.say(SENT_BACK_STORY)
    assert answerer.questions == [SENT_BACK_STORY] and citations(turn) == {"RET-2.1"}
    assert turn["expecting"] != "reason", bot_text(turn)
    assert turn["actions"] == []


def test_an_item_sent_back_with_a_question_retrieval_is_unsure_of_starts_the_request(
    chat, nlu, answerer
):
    answerer.confident = False
    nlu.script[SENT_BACK_STORY] = "request_refund"
    turn = chat.say(SENT_BACK_STORY)
    assert "not sure" not in bot_text(turn)
    assert turn["expecting"] in ("order_id", "reason"), bot_text(turn)
