"""Classes of buyer messages dev5 showed (issue 14): a "why" about a refund held for review is a
question about the rule, and a change to a pending order cites the rule it follows."""

from tests.utils.builders import bot_text, citations


def test_why_a_refund_is_under_review_is_answered_from_the_policy(chat, nlu, answerer):
    # dev5 g24: read as tracking a refund, it asked which order and showed "no refund issued".
    text = "why my refund kena review again ah? when will this flag go away one"
    nlu.script[text] = "track_refund"
    turn = chat.say(text)
    assert answerer.questions[-1] == text, bot_text(turn)
    assert turn["expecting"] != "order_id", bot_text(turn)


def test_a_refund_status_without_a_why_is_still_tracked(chat, nlu, answerer):
    text = "has my refund been reviewed yet"
    nlu.script[text] = "track_refund"
    turn = chat.say(text)
    assert text not in answerer.questions, bot_text(turn)


def test_a_change_to_a_pending_order_cites_can_1_4(chat):
    turn = chat.say("change the address of P100")
    assert turn["status"] == "waiting_for_agent", bot_text(turn)
    assert "CAN-1.4" in citations(turn)
