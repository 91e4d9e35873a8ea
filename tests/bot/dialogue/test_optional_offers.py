"""An optional offer never ends with a person (issue 14): "Shall I check order X for you?",
made after a policy answer, takes a yes or a no; any other reply closes it politely and is
handled as a new message (dev3 f16 "no, just tell me the rule", f30 "let me think first" were
asked to pick an option until a person took over)."""

from tests.utils.builders import bot_text, citations

QUESTION = "my yoga mat came a week late, when am I entitled to something?"


def _offered(chat, nlu) -> None:
    nlu.script[QUESTION] = "ask_policy"
    nlu.reasons[QUESTION] = "late_delivery"
    turn = chat.say(QUESTION)
    assert "Shall I check order D206" in bot_text(turn) and turn["expecting"] == "choice"


def test_a_reply_that_is_no_answer_to_the_offer_closes_it_politely(chat, nlu):
    _offered(chat, nlu)
    nlu.script["let me think first"] = "out_of_scope"
    turn = chat.say("let me think first")
    assert turn["status"] == "bot" and turn["expecting"] is None, bot_text(turn)
    assert "pick one" not in bot_text(turn) and turn["actions"] == []
    assert "anything else" in bot_text(turn).lower()
    # Said again, it is still no loop and no person.
    turn = chat.say("let me think first")
    assert turn["status"] == "bot" and turn["expecting"] is None, bot_text(turn)


def test_ok_then_later_to_the_offer_checks_nothing(chat, nlu):
    # dev7 j12: "ok thanks, I decide later" was taken for a yes and the check went ahead.
    _offered(chat, nlu)
    nlu.script["ok thanks, I decide later"] = "out_of_scope"
    turn = chat.say("ok thanks, I decide later")
    assert turn["status"] == "bot" and turn["expecting"] is None, bot_text(turn)
    assert turn["actions"] == [] and "INR-4.3" not in citations(turn), bot_text(turn)


def test_no_with_a_question_closes_the_offer_and_answers_the_question(chat, nlu, answerer):
    _offered(chat, nlu)
    follow_up = "no, but how long do refunds take?"
    nlu.script[follow_up] = "ask_policy"
    turn = chat.say(follow_up)
    assert answerer.questions[-1] == follow_up and citations(turn) == {"RET-2.1"}
    assert "pick one" not in bot_text(turn) and turn["status"] == "bot"
    # The check is no longer on the table: a later "yes" confirms nothing.
    assert "Shall I check" not in bot_text(turn)
    assert chat.say("yes")["actions"] == []


def test_a_new_question_instead_of_an_answer_gets_its_answer(chat, nlu, answerer):
    _offered(chat, nlu)
    nlu.script["no, just tell me the rule"] = "ask_policy"
    for _ in range(3):
        turn = chat.say("no, just tell me the rule")
        assert turn["status"] == "bot", bot_text(turn)
        assert "pick one" not in bot_text(turn)


def test_a_yes_still_checks_the_order(chat, nlu):
    _offered(chat, nlu)
    turn = chat.say("yes please")
    assert "INR-4.3" in citations(turn) and turn["expecting"] == "confirmation", bot_text(turn)


def test_the_item_a_question_names_goes_with_the_check_it_offers(chat, nlu):
    # dev7 j54: two items, one named wrong; the yes to the check said no item, and "Which item?"
    # asked what the question had said.
    text = "the linen shirt came in the wrong colour, the socks are ok. do I get my money back?"
    nlu.script[text] = "ask_policy"
    nlu.reasons[text] = "wrong_item"
    turn = chat.say(text)
    assert "Shall I check order D202" in bot_text(turn), bot_text(turn)
    turn = chat.say("yes")
    assert "Which item" not in bot_text(turn), bot_text(turn)
    assert turn["expecting"] == "evidence", bot_text(turn)
