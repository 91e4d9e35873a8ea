"""Agent replies, filled with a case's facts.

Each decision has a few wordings: the past-resolutions corpus draws one per case (the
historical agents did not all write alike), and a suggestion re-fills the wording of the
closest past case with *this* case's facts, so an amount or an order id never leaks from
one buyer to another.

A reply is written to the buyer, so it follows four rules (issue 15):

- it never contradicts its own decision: a refusal quotes the rules' explanation only when the
  rules refuse too (their explanation of a granted refund promises the refund);
- it never asks for what the buyer already gave: no photo request once a photo was sent, no
  "what is the order number?" when the case names its order;
- it names no order it does not have ("your order", never "order your order");
- it carries no clause codes: the clauses travel as the reply's ``citations`` (data, which the
  console shows by their titles), not inside the text the buyer reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.agent.facts import MONEY_ACTIONS, CaseFacts, money
from bot.clauses import CLAUSE_CODE
from policies.rules import VOUCHER_CAP, VOUCHER_RATE
from policies.types import Reason, Remedy, to_cents

TEMPLATES: dict[str, tuple[str, ...]] = {
    "refund": (
        "I've approved a refund of {amount} for {order}. {timing}",
        "Good news: a refund of {amount} on {order} is approved. {timing}",
        "Sorry about the trouble with {items}. I've refunded {amount} for {order}. {timing}",
    ),
    "return": (
        "I've authorised a free return of {items} from {order}. Once the seller receives it, "
        "we refund {amount}.",
        "You can send {items} back free of charge: the return for {order} is approved, and "
        "{amount} is refunded when it arrives.",
        "Return approved for {order}. Ship {items} back with the label we send you; the "
        "refund of {amount} follows receipt.",
    ),
    "replacement": (
        "I've arranged a replacement of {items} for {order}; the seller ships it at no cost "
        "to you.",
        "A replacement for {items} on {order} is on its way.",
    ),
    "voucher": (
        "{Order} arrived late, so I've added a voucher of {amount} to your account.",
        "Sorry for the late delivery of {order}. A voucher of {amount} is in your account.",
    ),
    "cancel": (
        "I've cancelled {order}. {timing}",
        "{Order} is cancelled. {timing}",
    ),
    "deny": (
        "I've looked into {order} and I'm afraid we can't offer a remedy here. {explanation}",
        "Thanks for your patience. This request on {order} isn't covered by our policy. "
        "{explanation}",
        "I'm sorry, but I can't approve this for {order}. {explanation} If you disagree, you "
        "can open a dispute.",
    ),
    "request_evidence": (
        "To go ahead with {order} I need a bit more from you: please send a photo of {items}, "
        "showing the problem.",
        "Could you send a clear photo of {items} from {order}? We need one before we can decide.",
        "Before I decide on {order}: please check with neighbours and your building's "
        "reception, and tell me what you find.",
        "{Order} is still on its way and isn't late yet. If it hasn't arrived in a few days, "
        "tell me here and I'll look into it again.",
    ),
    "investigate": (
        "I'm looking into this for you now. Could you tell me the order number and what happened?",
        "Thanks for waiting, I'm on it. I'm checking {order} and will come back to you shortly.",
        "I've picked up your case. I'm checking the details of {order} now.",
    ),
}

# The wordings of a request for evidence by what is missing: a photo, the buyer's own check of a
# parcel the carrier scanned as delivered, or time for a parcel that is not late yet.
EVIDENCE_WORDINGS = {"photo": (0, 1), "delivery_check": (2,), "wait": (3,)}
# Wordings that ask for the order number: only when the case names no order.
ASKS_FOR_ORDER = {"investigate": (0,)}

# What a refusal says when the rules' own explanation would contradict it (they grant a
# remedy, or there is no claim to check).
DENY_EXPLANATION = "After reviewing the case, we are not able to approve a remedy on it."
DISPUTE_CLAUSE = "REV-6.5"
TIMING_CLAUSE = "REF-5.1"

# "(DMG-3.1)", "(clauses DMG-3.1, REF-5.1)": a clause code alone or in a list.
_CODE_PARENTHESES = re.compile(
    r"\s*\((?:clauses?\s+)?"
    + CLAUSE_CODE.pattern
    + r"(?:\s*(?:,|and)\s*"
    + CLAUSE_CODE.pattern
    + r")*\)"
)
_UNDER_CODE = re.compile(r"\s*\bunder\s+" + CLAUSE_CODE.pattern)


@dataclass(frozen=True)
class FilledReply:
    text: str
    citations: tuple[str, ...]


def without_clause_codes(text: str) -> str:
    """Buyer-facing text without clause codes: "(DMG-3.1)" and "under DMG-3.1" go; a code
    left anywhere else is removed with the space before it."""
    text = _CODE_PARENTHESES.sub("", text)
    text = _UNDER_CODE.sub("", text)
    text = CLAUSE_CODE.sub("", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return " ".join(text.split())


def photo_given(facts: CaseFacts) -> bool:
    return facts.claim is not None and facts.claim.has_photo


def missing_evidence(facts: CaseFacts) -> str | None:
    """What a request for evidence may ask for: "photo", "delivery_check", "wait" (a parcel
    not late yet), or None when the buyer already gave everything the rules ask for."""
    e = facts.eligibility
    reasons = set(e.reasons) if e is not None else set()
    if any(r.value.startswith("delivered_scan") for r in reasons):
        return "delivery_check"
    if Reason.NO_PHOTO in reasons and not photo_given(facts):
        return "photo"
    if e is not None and e.remedy is Remedy.WAIT_AND_CHECK:
        return "wait"
    return None


def wordings(decision: str, facts: CaseFacts) -> tuple[int, ...]:
    """The indexes of `decision`'s wordings that fit the case (never empty for a decision
    `allowed` accepts)."""
    every = tuple(range(len(TEMPLATES[decision])))
    if decision == "request_evidence":
        missing = missing_evidence(facts)
        return EVIDENCE_WORDINGS[missing] if missing else ()
    asks = ASKS_FOR_ORDER.get(decision, ())
    if facts.order is not None:
        return tuple(i for i in every if i not in asks) or every
    # Without an order, a wording that names "your order" reads fine; one that asks for it too.
    return every


def allowed(decision: str, facts: CaseFacts) -> bool:
    """Whether a reply for `decision` can be written without breaking the rules above: money
    needs an order, and a request for evidence needs something missing."""
    if decision in MONEY_ACTIONS and facts.order is None:
        return False
    return bool(wordings(decision, facts))


def clauses_for(decision: str, facts: CaseFacts) -> tuple[str, ...]:
    """The clauses a reply for `decision` cites: the rules' own when they grant or refuse it."""
    if decision == "request_evidence":
        missing = missing_evidence(facts)
        if missing == "photo":
            return ("DMG-3.1",)
        if missing == "delivery_check":
            return ("INR-4.2",)
    return facts.clauses or ("HELP-8.1",)


def explanation_for(decision: str, facts: CaseFacts) -> str:
    """The rules' explanation, when it supports the decision: a refusal quotes it only when the
    rules refuse as well."""
    e = facts.eligibility
    if decision == "deny":
        if e is not None and not e.eligible and e.explanation.strip():
            return e.explanation.strip()
        return DENY_EXPLANATION
    return e.explanation.strip() if e is not None else ""


def default_amount(decision: str, facts: CaseFacts) -> Decimal:
    """The amount of a money decision: the rules' amount when they grant it, else the order's.
    The reply's text and the suggested action both use it, so they never disagree."""
    e = facts.eligibility
    if e is not None and facts.policy_action == decision and e.amount > 0:
        return e.amount
    order = facts.order
    if order is None:
        return Decimal("0.00")
    if decision == "voucher":
        return min(to_cents(order.total * VOUCHER_RATE), VOUCHER_CAP)
    if decision == "replacement":
        return to_cents(order.total)
    return order.refundable


def fill(decision: str, facts: CaseFacts, variant: int = 0) -> FilledReply:
    """Wording `variant` of `decision` (or the nearest that fits the case), filled with the
    case's facts."""
    options = TEMPLATES[decision]
    fitting = wordings(decision, facts) or tuple(range(len(options)))
    chosen = variant % len(options)
    template = options[chosen if chosen in fitting else fitting[variant % len(fitting)]]
    citations = clauses_for(decision, facts)
    order = facts.order
    items = ", ".join(item.title for item in order.items) if order is not None else "the item"
    payment = order.payment_method.value if order is not None else "card"
    timing = (
        "Wallet refunds are instant."
        if payment in ("wallet", "cod")
        else "It reaches your original payment method in 5-10 business days."
    )
    named = f"order {order.order_id}" if order is not None else "your order"
    text = template.format(
        amount=money(default_amount(decision, facts), facts.currency),
        order=named,
        Order=named[0].upper() + named[1:],
        items=items,
        explanation=explanation_for(decision, facts),
        timing=timing,
    )
    text = without_clause_codes(text)
    if "{timing}" in template and TIMING_CLAUSE not in citations:
        citations = (*citations, TIMING_CLAUSE)
    if "dispute" in template and DISPUTE_CLAUSE not in citations:
        citations = (*citations, DISPUTE_CLAUSE)
    return FilledReply(text, citations)
