"""A greeting alone asks what the buyer needs and says it waits for their request (dev7 j60:
with nothing expected after "hello", the conversation was taken as over); the next message is
an opening like any other."""

from tests.utils.builders import bot_text


def test_a_greeting_asks_for_the_request(chat, nlu):
    nlu.script["hello"] = "greet"
    turn = chat.say("hello")
    assert turn["expecting"] == "reason", bot_text(turn)
    assert bot_text(turn).endswith("What can I help you with today?")
    assert turn["quick_replies"] == []


def test_the_request_after_a_greeting_starts_as_an_opening(chat, nlu):
    nlu.script["hello"] = "greet"
    chat.say("hello")
    text = "cancel P100 please"
    nlu.script[text] = "cancel_order"
    turn = chat.say(text)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    done = chat.say("yes")
    assert [(a["type"], a["order_id"]) for a in done["actions"]] == [("cancel", "P100")]


def test_a_question_after_a_greeting_is_answered(chat, nlu, answerer):
    nlu.script["hi there"] = "greet"
    chat.say("hi there")
    text = "how long do I have to return something?"
    nlu.script[text] = "ask_policy"
    turn = chat.say(text)
    assert answerer.questions == [text]
    assert turn["expecting"] != "reason", bot_text(turn)


def test_a_greeting_inside_a_request_asks_nothing_more(chat, nlu):
    nlu.script["hi again"] = "greet"
    opening = "my parcel never arrived"
    nlu.script[opening] = "item_not_received"
    first = chat.say(opening)
    assert first["expecting"] == "order_id", bot_text(first)
    turn = chat.say("hi again")
    assert turn["expecting"] == "order_id", bot_text(turn)  # the open question is asked again
    assert "What can I help you with" not in bot_text(turn)
