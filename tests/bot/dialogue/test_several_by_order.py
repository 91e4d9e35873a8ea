"""Two requests told as a story, each about its own order (dev8 k52): too many pieces to read as
a list, the message is cut before the sentence naming the second order, and both are handled."""

from tests.utils.builders import bot_text, citations

STORY = (
    "Hi, a couple of things, sorry for the long message. First, I ordered the earbuds two days"
    " ago, order P100, and then I found them cheaper, so please cancel that one. Second, I also"
    " want to send back the blue dress from order D200. It's fine, I just changed my mind about"
    " it. It came last week, I've been meaning to deal with it."
)


def test_the_second_request_of_a_story_follows_the_first(chat, nlu):
    nlu.script[STORY] = "cancel_order"
    second = STORY[STORY.index("Second") :]
    nlu.script[second], nlu.reasons[second] = "return_item", "change_of_mind"
    turn = chat.say(STORY)
    assert turn["expecting"] == "confirmation", bot_text(turn)
    assert "P100" in bot_text(turn) and "CAN-1.1" in citations(turn), bot_text(turn)
    turn = chat.say("yes")
    assert "D200" in bot_text(turn), bot_text(turn)  # the return comes next
    assert turn["expecting"] == "confirmation", bot_text(turn)


def test_one_order_named_in_a_long_story_is_read_whole(chat, nlu):
    story = STORY.replace("order D200", "the same order")
    nlu.script[story] = "cancel_order"
    chat.say(story)
    turn = chat.say("yes")
    assert "D200" not in bot_text(turn), bot_text(turn)
