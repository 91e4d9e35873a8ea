"""One reading from the NLU's three readers: DIET's intent, the dialogue act, the claim reason.

They are trained on different data (intents on ``data/nlu/train``, the labels on
``data/nlu/labels``), so when one is unsure the others can settle it. Three rules, each
recorded in ``ParseResult.reconciled``:

- ``question``: a sure question act with ``ask_policy`` among the two best intents (at 0.2 or
  more) is a policy question ("can I still cancel once it shipped?" reads cancel_order 0.49 /
  ask_policy 0.48; "do I need to keep the tags on for a return?" reads return_item 0.63 /
  ask_policy 0.36).
- ``reason_agrees``: an intent the thresholds rejected stands when the claim reason, read
  independently, names the same problem ("the racket frame is bent, it came like that":
  damaged_item 0.40, reason damaged).
- ``request_with_reason``: a message read as ``inform`` or rejected, that the act reader surely
  calls a request naming a problem, is the best-ranked intent for that problem ("my running
  shoes never came, i ordered them 3 days ago": inform 0.58 / item_not_received 0.27).

- ``reason_overrules``: a change request or a complaint that the act reader surely calls a
  request and the reason reader surely says is about a problem is a claim for that problem ("I
  ordered the sage green cushion cover but received a mustard yellow one": change_order 0.48,
  reason wrong_item 0.86; a week-late parcel told as a complaint: complaint 0.69, late 0.83).
  Only these two intents: a cancellation, a payment problem or a request for a person stands
  whatever problem the message also names.

A raw ``out_of_scope`` at the top is never overridden: that reader is trained on the neighbours
of after-sales topics, the label readers are not.

A settled intent carries the confidence of the reader that settled it (the act's, the reason's,
the lower of both for the third and fourth rules), since the router sends unsure readings to a
person; the raw ranking stays as DIET gave it.
"""

from __future__ import annotations

import dataclasses

from nlu.types import OUT_OF_SCOPE, IntentScore, ParseResult

ASK_POLICY = "ask_policy"
SURE_QUESTION = 0.8
SURE_REQUEST = 0.9
# Rule 1 settles what DIET is torn about, not what it is sure of: "I want to return an item"
# reads return_item 0.99 / ask_policy 0.01 and a question act at 0.90 (the act reader's error).
QUESTION_POLICY_FLOOR = 0.2
SURE_REASON = 0.5
# Rule 4 overrules an accepted intent, so it needs the bar at which the dialogue trusts a reason
# named unprompted (bot.dialogue.vocabulary.REASON_OPENING_CONFIDENCE: precision 0.949 out of fold).
SURE_OVERRULING_REASON = 0.7
OVERRULED_BY_REASON = frozenset({"change_order", "complaint"})
# The intents through which a buyer asks for a remedy for each problem, in no particular order.
INTENTS_OF_REASON = {
    "damaged": frozenset({"damaged_item", "request_refund", "return_item"}),
    "wrong_item": frozenset({"wrong_item", "request_refund", "return_item"}),
    "not_received": frozenset({"item_not_received", "track_order", "request_refund"}),
    "late_delivery": frozenset({"item_not_received", "track_order", "request_refund"}),
    "change_of_mind": frozenset({"return_item", "request_refund", "cancel_order"}),
}
# Rule 3 picks among these only: the intents that open a claim for that problem.
CLAIM_INTENT_OF_REASON = {
    "damaged": ("damaged_item",),
    "wrong_item": ("wrong_item",),
    "not_received": ("item_not_received",),
    "late_delivery": ("item_not_received",),
    "change_of_mind": ("return_item",),
}


def reconcile(parse: ParseResult) -> ParseResult:
    """The parse with its intent settled by the act and reason readers where a rule applies."""
    ranking = parse.intent_ranking
    if not ranking or ranking[0].name == OUT_OF_SCOPE:
        return parse
    act, reason = parse.dialogue_act, parse.claim_reason
    top = ranking[0]
    if act is not None and act.name == "question" and act.confidence >= SURE_QUESTION:
        policy = next((i for i in ranking[:2] if i.name == ASK_POLICY), None)
        if (
            policy is not None
            and policy.confidence >= QUESTION_POLICY_FLOOR
            and parse.intent.name != ASK_POLICY
        ):
            return _settle(parse, policy.name, act.confidence, "question")
        return parse
    named = (
        reason.name
        if reason is not None
        and reason.name in INTENTS_OF_REASON
        and reason.confidence >= SURE_REASON
        else None
    )
    if named is None:
        return parse
    if parse.fallback_reason and top.name in INTENTS_OF_REASON[named]:
        return _settle(parse, top.name, reason.confidence, "reason_agrees")
    sure_request = act is not None and act.name == "request" and act.confidence >= SURE_REQUEST
    if (
        sure_request
        and parse.intent.name in OVERRULED_BY_REASON
        and reason.confidence >= SURE_OVERRULING_REASON
    ):
        confidence = min(act.confidence, reason.confidence)
        return _settle(parse, CLAIM_INTENT_OF_REASON[named][0], confidence, "reason_overrules")
    rejected_or_inform = parse.fallback_reason is not None or parse.intent.name == "inform"
    if rejected_or_inform and sure_request:
        wanted = CLAIM_INTENT_OF_REASON[named]
        best = next((i for i in ranking if i.name in wanted), None)
        if best is not None:
            confidence = min(act.confidence, reason.confidence)
            return _settle(parse, best.name, confidence, "request_with_reason")
    return parse


def _settle(parse: ParseResult, intent: str, confidence: float, rule: str) -> ParseResult:
    return dataclasses.replace(
        parse, intent=IntentScore(intent, confidence), fallback_reason=None, reconciled=rule
    )
