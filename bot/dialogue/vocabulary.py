"""What the dialogue knows about requests and reasons: which intents are claims, which ask why,
which orders each can be about, and the confidence bars at which the NLU's readings are taken
(each bar with the measurement that set it)."""

from __future__ import annotations

from bot.store.models import ActionType
from policies.rules import DAMAGE_CLAIMS
from policies.types import ClaimType, OrderStatus, Remedy

# The claim an intent stands for (the one table of it). A claim flow starts with it only for
# the intents that name their claim (NAMED_CLAIMS: a return or a refund asks its reason); the
# agent side falls back on it for a case handed over before a claim was named.
CLAIM_OF_INTENT = {
    "cancel_order": ClaimType.CANCEL,
    "return_item": ClaimType.CHANGE_OF_MIND_RETURN,
    "damaged_item": ClaimType.DAMAGED,
    "wrong_item": ClaimType.WRONG_ITEM,
    "item_not_received": ClaimType.NOT_RECEIVED,
    "payment_issue": ClaimType.PAYMENT_PROBLEM,
    "request_human": ClaimType.HUMAN_REQUESTED,
    "complaint": ClaimType.DISPUTE,
}
NAMED_CLAIMS = frozenset({"cancel_order", "damaged_item", "wrong_item", "item_not_received"})
ASKS_REASON = {"request_refund", "return_item"}
# Requests whose message, when it names late delivery as its only reason, is a late-delivery
# claim: INR-4.3's voucher once delivered, INR-4.1's refund before (see `_claim_type`).
LATE_CAN_MEAN = {*ASKS_REASON, "item_not_received"}
TRACKING = {"track_order", "track_refund"}
FLOW_INTENTS = {*NAMED_CLAIMS, *ASKS_REASON, *TRACKING, "change_order", "complaint"}
ACTION_OF_REMEDY = {
    Remedy.CANCEL: ActionType.CANCEL,
    Remedy.REFUND: ActionType.REFUND,
    Remedy.RETURN_THEN_REFUND: ActionType.RETURN,
    Remedy.REPLACEMENT: ActionType.REPLACEMENT,
    Remedy.VOUCHER: ActionType.VOUCHER,
}
# What went wrong, as the NLU reads it from the message (its claim_reason label; the blind set
# measures it in reports/nlu-labels). A named reason beats the intent's, which cannot say "late"
# ("it came late" comes back as damaged_item or item_not_received). Below this confidence the
# intent decides, and the bot asks when the intent cannot.
REASON_MIN_CONFIDENCE = 0.5
# A reason named unprompted, in the opening request, must be surer: a wrong one costs a declined
# offer (two turns), asking costs one. On 5-fold out-of-fold predictions of data/nlu/labels
# (reason named, precision / recall): 0.5 -> 0.922 / 0.863, 0.7 -> 0.949 / 0.745; the turns
# saved net of wrong offers are equal, and 0.7 makes half as many wrong offers.
REASON_OPENING_CONFIDENCE = 0.7
# A problem one sentence of an opening tells, read alone by the intent reader (damaged_item,
# wrong_item, item_not_received), gives the request read whole its reason from this confidence:
# a short sentence's problem intent is the surest reading the NLU makes of a problem, surer than
# the reason reader's of the long message (`MessageReading._reason_of_parts`).
PART_PROBLEM_CONFIDENCE = 0.8
NO_REASON = "none"
# The answer to "What went wrong?" names a reason by construction: the reader's best reason is
# taken from this low bar (a wrong one costs a declined offer; asking again costs a turn and,
# the second time, a person).
REASON_ANSWER_CONFIDENCE = 0.3
# The reason a request says by itself: a return with no problem named is a change of mind. A
# reading that agrees with it is taken at REASON_MIN_CONFIDENCE in an opening, since a wrong one
# costs no more than asking (the offer names the $5 return shipping; a buyer with a broken item
# declines it and says so).
AGREEING_REASON = {"return_item": ClaimType.CHANGE_OF_MIND_RETURN.value}
# Reasons a request can have: a return is never about a parcel that did not come, so a reading
# of "not received" or "late" on "return the webcam, dont need it anymor" is a misreading.
REASONS_OF_REQUEST = {
    "return_item": {"damaged", "wrong_item", ClaimType.CHANGE_OF_MIND_RETURN.value},
}
# The dialogue act's confidence from which an unreadable answer to a question is re-asked rather
# than taken for a new request (the act reader's inform precision on its blind set: 1.000).
SURE_INFORM = 0.9
# A reading below even odds is the reader's guess, not its reading: an unsure request whose
# runner-up is a policy question is answered as one (`TurnHandler._policy_question_second`).
EVEN_ODDS = 0.5
# A question the buyer's answer left open is asked once more, in other words; the next time a
# person takes over (no dead ends: issue 14).
MAX_ASKED_AGAIN = 2
# Reasons the policy settles alike (section 3: damaged, defective, wrong or not as described):
# two readers naming one each do not disagree on what to do.
SAME_SECTION_REASONS = frozenset(claim.value for claim in DAMAGE_CLAIMS)
# A parcel that never came, or came late: what a photo of the item in hand contradicts.
PARCEL_MISSING_REASONS = frozenset({ClaimType.NOT_RECEIVED.value, ClaimType.LATE_DELIVERY.value})
# The NLU's reason names that differ from the claim types'.
CLAIM_OF_REASON = {"change_of_mind": ClaimType.CHANGE_OF_MIND_RETURN.value}
# A situation a policy question names, the claim it would be, and the orders it can be about.
INTENT_OF_SITUATION = {
    "damaged": "damaged_item",
    "wrong_item": "wrong_item",
    "not_received": "item_not_received",
    "late_delivery": "item_not_received",
    "change_of_mind_return": "return_item",
    # Only as the check offered after a question asking to cancel (`TurnHandler._offer_check`).
    "cancel": "cancel_order",
}
SITUATION_STATUSES = {
    "damaged": {OrderStatus.DELIVERED},
    "wrong_item": {OrderStatus.DELIVERED},
    "not_received": {OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "late_delivery": {OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "change_of_mind_return": {OrderStatus.DELIVERED},
    "cancel": {OrderStatus.PENDING},
}
# The problems a tracking request can turn out to be about (`TurnHandler._tracked_problem`).
TRACKED_PROBLEMS = {"damaged", "wrong_item", "not_received", "late_delivery"}
REASON_OF_INTENT = {
    "damaged_item": "damaged",
    "wrong_item": "wrong_item",
    "item_not_received": "not_received",
}
# Which orders are plausible for a request (offered first, proposed alone if only one).
_PLAUSIBLE = {
    "cancel_order": {OrderStatus.PENDING},
    "change_order": {OrderStatus.PENDING},
    "track_order": {OrderStatus.PENDING, OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "item_not_received": {OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "damaged_item": {OrderStatus.DELIVERED},
    "wrong_item": {OrderStatus.DELIVERED},
    "return_item": {OrderStatus.DELIVERED},
    "request_refund": {OrderStatus.PENDING, OrderStatus.SHIPPED, OrderStatus.DELIVERED},
}
MAX_ORDER_CHOICES = 5
