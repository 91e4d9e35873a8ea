import pytest

from nlu.reconcile import reconcile
from nlu.types import IntentScore, ParseResult


def parse(ranking, act=None, reason=None, rejected=None):
    scores = tuple(IntentScore(n, c) for n, c in ranking)
    intent = IntentScore("out_of_scope", scores[0].confidence) if rejected else scores[0]
    return ParseResult(
        text="x",
        intent=intent,
        intent_ranking=scores,
        fallback_reason=rejected,
        dialogue_act=IntentScore(*act) if act else None,
        claim_reason=IntentScore(*reason) if reason else None,
    )


def test_a_sure_question_with_ask_policy_second_is_a_policy_question():
    before = parse([("cancel_order", 0.49), ("ask_policy", 0.48)], ("question", 0.99),
                   rejected="ambiguous")  # fmt: skip
    after = reconcile(before)
    assert after.intent == IntentScore("ask_policy", 0.99)
    assert (after.fallback_reason, after.reconciled) == (None, "question")
    assert after.to_dict()["reconciled"] == "question"


def test_a_request_act_or_an_unsure_question_keeps_the_intent():
    accepted = parse([("return_item", 0.63), ("ask_policy", 0.36)], ("request", 0.99))
    assert reconcile(accepted) is accepted
    unsure = parse([("return_item", 0.63), ("ask_policy", 0.36)], ("question", 0.6))
    assert reconcile(unsure) is unsure


def test_a_question_without_ask_policy_in_the_top_two_is_left_alone():
    p = parse([("cancel_order", 0.9), ("change_order", 0.05), ("ask_policy", 0.01)],
              ("question", 0.95))  # fmt: skip
    assert reconcile(p).intent.name == "cancel_order"


def test_a_rejected_intent_stands_when_the_reason_names_the_same_problem():
    p = parse([("damaged_item", 0.4), ("wrong_item", 0.18)], ("request", 0.99),
              ("damaged", 0.67), rejected="low_confidence")  # fmt: skip
    after = reconcile(p)
    assert after.intent == IntentScore("damaged_item", 0.67) and after.reconciled == "reason_agrees"
    assert after.intent_ranking[0] == IntentScore("damaged_item", 0.4)


def test_a_rejected_intent_the_reason_disagrees_with_stays_out_of_scope():
    p = parse([("damaged_item", 0.4), ("wrong_item", 0.18)], ("request", 0.7),
              ("late_delivery", 0.9), rejected="low_confidence")  # fmt: skip
    assert reconcile(p).intent.name == "out_of_scope"


def test_a_sure_request_naming_a_problem_read_as_inform_opens_the_claim():
    p = parse([("inform", 0.58), ("item_not_received", 0.27)], ("request", 0.99),
              ("not_received", 0.57))  # fmt: skip
    after = reconcile(p)
    assert after.intent == IntentScore("item_not_received", 0.57)
    assert after.reconciled == "request_with_reason"


@pytest.mark.parametrize(
    "p",
    [
        # The model itself says out of scope: never overridden.
        parse([("out_of_scope", 0.9), ("damaged_item", 0.05)], ("request", 0.99), ("damaged", 0.9)),
        # An unsure reason, or none.
        parse(
            [("inform", 0.58), ("item_not_received", 0.27)],
            ("request", 0.99),
            ("not_received", 0.3),
        ),
        parse([("inform", 0.58), ("item_not_received", 0.27)], ("request", 0.99), ("none", 0.9)),
        # An inform act.
        parse(
            [("inform", 0.58), ("item_not_received", 0.27)], ("inform", 0.99), ("not_received", 0.9)
        ),
        # No labels (a model without the components).
        parse([("damaged_item", 0.4)], rejected="low_confidence"),
    ],
)
def test_nothing_changes_without_a_rule(p):
    assert reconcile(p) is p


def test_a_change_request_a_sure_reason_calls_a_wrong_item_is_a_wrong_item_claim():
    # "I ordered the sage green cushion cover but received a mustard yellow one instead."
    p = parse([("change_order", 0.48), ("wrong_item", 0.25)], ("request", 1.0),
              ("wrong_item", 0.86))  # fmt: skip
    after = reconcile(p)
    assert after.intent == IntentScore("wrong_item", 0.86)
    assert after.reconciled == "reason_overrules"


def test_a_complaint_about_a_late_parcel_is_a_not_received_claim():
    p = parse([("complaint", 0.69), ("track_order", 0.13)], ("request", 0.95),
              ("late_delivery", 0.83))  # fmt: skip
    assert reconcile(p).intent == IntentScore("item_not_received", 0.83)


@pytest.mark.parametrize(
    ("ranking", "act", "reason"),
    [
        # A cancellation naming a late parcel stays a cancellation.
        ([("cancel_order", 0.9)], ("request", 0.99), ("late_delivery", 0.9)),
        # A reason below the overruling bar, or a request the act reader doubts.
        ([("change_order", 0.6)], ("request", 0.99), ("wrong_item", 0.6)),
        ([("change_order", 0.6)], ("request", 0.7), ("wrong_item", 0.9)),
        # A complaint with no problem named.
        ([("complaint", 0.8)], ("request", 0.99), ("none", 0.9)),
    ],
)
def test_other_requests_are_not_overruled(ranking, act, reason):
    p = parse(ranking, act, reason)
    assert reconcile(p) is p


def test_a_question_act_does_not_overrule_an_intent_diet_is_sure_of():
    # "I want to return an item": the act reader's error, DIET's certainty.
    p = parse([("return_item", 0.99), ("ask_policy", 0.01)], ("question", 0.90))
    assert reconcile(p) is p
