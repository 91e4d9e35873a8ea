"""Agent replies, filled with a case's facts.

Each decision has a few wordings: the past-resolutions corpus draws one per case (the
historical agents did not all write alike), and a suggestion re-fills the wording of the
closest past case with *this* case's facts, so an amount or an order id never leaks from
one buyer to another.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.agent.facts import CaseFacts, money

TEMPLATES: dict[str, tuple[str, ...]] = {
    "refund": (
        "I've approved a refund of {amount} for order {order_id} ({clause}). {timing}",
        "Good news: a refund of {amount} on order {order_id} is approved under {clause}. {timing}",
        "Sorry about the trouble with {items}. I've refunded {amount} for order {order_id} "
        "({clause}). {timing}",
    ),
    "return": (
        "I've authorised a free return of {items} from order {order_id} ({clause}). Once the "
        "seller receives it, we refund {amount}.",
        "You can send {items} back free of charge: the return for order {order_id} is "
        "approved under {clause}, and {amount} is refunded when it arrives.",
        "Return approved for order {order_id} ({clause}). Ship {items} back with the label we "
        "send you; the refund of {amount} follows receipt.",
    ),
    "replacement": (
        "I've arranged a replacement of {items} for order {order_id} ({clause}); the seller "
        "ships it at no cost to you.",
        "A replacement for {items} on order {order_id} is on its way under {clause}.",
    ),
    "voucher": (
        "Order {order_id} arrived late, so I've added a voucher of {amount} to your account "
        "({clause}).",
        "Sorry for the late delivery of order {order_id}. A voucher of {amount} is in your "
        "account ({clause}).",
    ),
    "cancel": (
        "I've cancelled order {order_id} ({clause}). {timing}",
        "Order {order_id} is cancelled under {clause}. {timing}",
    ),
    "deny": (
        "I've looked into order {order_id} and I'm afraid we can't offer a remedy here "
        "({clause}). {explanation}",
        "Thanks for your patience. Under {clause} this request on order {order_id} isn't "
        "covered. {explanation}",
        "I'm sorry, but I can't approve this for order {order_id} ({clause}). {explanation} "
        "If you disagree, you can open a dispute (REV-6.5).",
    ),
    "request_evidence": (
        "To go ahead with order {order_id} I need a bit more from you ({clause}): please send "
        "a photo of {items}, showing the problem.",
        "Could you send a clear photo of {items} from order {order_id}? Under {clause} we need "
        "one before we can decide.",
        "Before I decide on order {order_id}: please check with neighbours and your building's "
        "reception, and tell me what you find ({clause}).",
    ),
    "investigate": (
        "I'm looking into this for you now ({clause}). Could you tell me the order number and "
        "what happened?",
        "Thanks for waiting, I'm on it ({clause}). I'm checking order {order_id} and will come "
        "back to you shortly.",
        "I've picked up your case ({clause}). I'm checking the details of order {order_id} now.",
    ),
}


@dataclass(frozen=True)
class FilledReply:
    text: str
    citations: tuple[str, ...]


def clauses_for(decision: str, facts: CaseFacts) -> tuple[str, ...]:
    """The clauses a reply for `decision` cites: the rules' own when they grant or refuse it."""
    e = facts.eligibility
    if decision == "request_evidence" and e is not None:
        if any(r.value == "no_photo" for r in e.reasons):
            return ("DMG-3.1",)
        if any(r.value.startswith("delivered_scan") for r in e.reasons):
            return ("INR-4.2",)
    return facts.clauses or ("HELP-8.1",)


def fill(decision: str, facts: CaseFacts, variant: int = 0) -> FilledReply:
    """Wording `variant` of `decision`, filled with the case's facts."""
    options = TEMPLATES[decision]
    template = options[variant % len(options)]
    citations = clauses_for(decision, facts)
    order = facts.order
    e = facts.eligibility
    amount = e.amount if e is not None and e.amount > 0 else (order.refundable if order else 0)
    items = ", ".join(item.title for item in order.items) if order is not None else "the item"
    payment = order.payment_method.value if order is not None else "card"
    timing = (
        "Wallet refunds are instant (REF-5.1)."
        if payment in ("wallet", "cod")
        else "It reaches your original payment method in 5-10 business days (REF-5.1)."
    )
    text = template.format(
        amount=money(amount, facts.currency),
        order_id=order.order_id if order is not None else "your order",
        items=items,
        clause=", ".join(citations),
        explanation=(e.explanation if e is not None else "").strip(),
        timing=timing,
    )
    text = " ".join(text.split())
    if "REF-5.1" in text and "REF-5.1" not in citations:
        citations = (*citations, "REF-5.1")
    if "REV-6.5" in text and "REV-6.5" not in citations:
        citations = (*citations, "REV-6.5")
    return FilledReply(text, citations)
