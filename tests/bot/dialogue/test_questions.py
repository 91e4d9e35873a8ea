"""A question gets its answer first, in any state, and the open flow resumes after it."""

from tests.utils.builders import bot_text, citations


def test_a_question_while_the_reason_is_awaited_is_answered_then_the_reason_asked(
    chat, nlu, answerer
):
    assert chat.say("I want a refund for D206")["expecting"] == "reason"
    question = "what if the parcel shows up after you refund me?"
    nlu.script[question] = "ask_policy"
    nlu.reasons[question] = "not_received"  # a question naming a problem is still a question
    turn = chat.say(question)
    assert answerer.questions == [question]
    assert citations(turn) == {"RET-2.1"}
    assert turn["expecting"] == "reason" and "what went wrong" in bot_text(turn).lower()
    # The flow goes on where it was.
    nlu.reasons["it came late"] = "late_delivery"
    assert "INR-4.3" in citations(chat.say("it came late"))


def test_a_question_during_a_confirmation_is_answered_and_the_offer_stands(chat, nlu, answerer):
    chat.say("I want a refund for D206")
    assert chat.say("It came late")["expecting"] == "confirmation"
    nlu.script["do I keep the item?"] = "ask_policy"
    turn = chat.say("do I keep the item?")
    assert answerer.questions == ["do I keep the item?"]
    assert turn["expecting"] == "confirmation" and "go ahead" in bot_text(turn)
    assert chat.say("yes")["actions"]


def test_a_buyer_without_an_open_flow_can_ask(chat, nlu, answerer):
    nlu.script["how long do refunds take?"] = "ask_policy"
    turn = chat.say("how long do refunds take?")
    assert answerer.questions == ["how long do refunds take?"] and citations(turn) == {"RET-2.1"}
