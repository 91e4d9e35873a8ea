"""Section 2 of the spec: returns for a change of mind, decided item by item.

A return of several items is granted for the returnable ones and refused for the rest (each
refused item gives its reason); the $5 return shipping is deducted once per return.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from policies.phrases import Phrase, joined, phrase
from policies.rules.amounts import ZERO, affected_items, items_value
from policies.rules.limits import EXCLUDED_FROM_CHANGE_OF_MIND, RETURN_SHIPPING_FEE
from policies.rules.outcomes import (
    already_remedied,
    closed_order,
    grant,
    not_delivered_yet,
    refuse,
    unique,
)
from policies.rules.windows import days_since, delivered_at, return_window_days
from policies.rules.wording import last_day, money, refund_clauses, refund_route, titles
from policies.types import (
    Category,
    Claim,
    Eligibility,
    Order,
    OrderItem,
    Reason,
    Remedy,
    require_aware,
)


def check_change_of_mind_return(order: Order, claim: Claim, now: datetime) -> Eligibility:
    """Section 2: return for change of mind, per item, with the $5 return shipping deducted."""
    require_aware(now, "now")
    closed = closed_order(order)
    if closed is not None:
        return closed
    delivered = delivered_at(order)
    if delivered is None:
        return not_delivered_yet(order, "RET-2.1", "hint_return_after_arrival")
    items = affected_items(order, claim)
    if not items:
        return already_remedied(order)
    if claim.not_as_new:
        # "tag dh sy buang, still blh ke?": the buyer's own word that the tags are off (or the
        # item worn or washed) settles it; authorised, the seller would refuse the parcel.
        return refuse(
            order,
            (Reason.NOT_AS_NEW,),
            ("RET-2.1", "RET-2.3"),
            phrase("return_not_as_new", titles=titles(items)),
        )
    blocked = {item.sku: _return_block(item, claim, delivered, now) for item in items}
    unknown = [item for item in items if blocked[item.sku] is Reason.BEAUTY_OPENED_UNKNOWN]
    if unknown:
        return refuse(
            order,
            (Reason.BEAUTY_OPENED_UNKNOWN,),
            ("RET-2.2",),
            phrase("beauty_opened_unknown", titles=titles(unknown)),
        )
    returnable = [item for item in items if blocked[item.sku] is None]
    refused = [item for item in items if blocked[item.sku] is not None]
    reasons = unique(tuple(blocked[item.sku] for item in refused))
    refused_note = (
        joined(*(_return_refusal(item, blocked[item.sku], delivered) for item in refused))
        if refused
        else None
    )
    policy_clauses = ("RET-2.1", "RET-2.2") if _excluded_reason(reasons) else ("RET-2.1",)
    if Reason.EXCLUDED_CATEGORY in reasons:
        # The refusal says the item is still covered if it arrived damaged or wrong, within 15
        # days: that is DMG-3.4's rule ("and what if you'd spelled the name wrong, would I be
        # stuck with that too?!", dev16 x56).
        policy_clauses = (*policy_clauses, "DMG-3.4")
    if Reason.OPENED_BEAUTY in reasons:
        # "swatched once", "the wrap is torn": RET-2.7 is what makes it opened; the buyer who
        # is refused is told the rule that decided it.
        policy_clauses = (*policy_clauses, "RET-2.7")
    sealed_beauty = [item for item in returnable if item.category is Category.BEAUTY]
    if not returnable:
        assert refused_note is not None
        return refuse(order, reasons, policy_clauses, refused_note)
    amount, refunded = less_return_shipping(order, returnable)
    sealed = None
    if sealed_beauty:
        # A beauty item is returnable only because it is unopened (RET-2.2, RET-2.7): the
        # buyer who asked "may I return it? it is still sealed" hears that rule and its window.
        days = max(return_window_days(item) for item in sealed_beauty)
        sealed = phrase("return_sealed_beauty", days=days, titles=titles(sealed_beauty))
        if "RET-2.2" not in policy_clauses:
            policy_clauses = (*policy_clauses, "RET-2.2")
        policy_clauses = (*policy_clauses, "RET-2.7")
    granted = phrase(
        "return_granted", titles=titles(returnable), refunded=refunded, route=refund_route(order)
    )
    explanation = joined(sealed, granted, refused_note)
    return grant(
        order,
        Remedy.RETURN_THEN_REFUND,
        amount,
        (*policy_clauses, "RET-2.3", "RET-2.4", *refund_clauses(order)),
        explanation,
        reasons=reasons,
        items=returnable,
    )


def less_return_shipping(order: Order, items: list[OrderItem]) -> tuple[Decimal, Phrase]:
    """The change-of-mind refund of ``items`` and how it reads ("$35.00 ($40.00 minus $5.00
    return shipping)"): the flat return shipping comes off once, a refund is never negative
    and never more than is left to refund. A return (RET-2.3) and a parcel refused at the door
    (CAN-1.5) are refunded alike."""
    value = items_value(items)
    amount = min(max(value - RETURN_SHIPPING_FEE, ZERO), order.refundable)
    words = phrase(
        "less_return_shipping",
        amount=money(amount, order.currency),
        value=money(value, order.currency),
        fee=money(RETURN_SHIPPING_FEE, order.currency),
    )
    return amount, words


def window_note(order: Order, items: list[OrderItem]) -> Phrase:
    """How long the buyer has to send ``items`` of a delivered order back for a change of mind
    (RET-2.1), with the last day: for a buyer asking before claiming."""
    delivered = delivered_at(order)
    if delivered is None or not items:
        return phrase("nothing")
    days = max(return_window_days(item) for item in items)
    return phrase("return_window_note", days=days, last_day=last_day(delivered, days))


def excluded_from_change_of_mind(item: OrderItem, claim: Claim) -> bool:
    """Whether RET-2.2 keeps this item out of change-of-mind returns (beauty: unless unopened)."""
    return item.category in EXCLUDED_FROM_CHANGE_OF_MIND or (
        item.category is Category.BEAUTY and claim.opened is not False
    )


def _return_block(
    item: OrderItem, claim: Claim, delivered: datetime, now: datetime
) -> Reason | None:
    """Why this item cannot be returned for change of mind, or None if it can."""
    # A category exclusion is permanent, so it is the more useful reason to give first.
    if item.category in EXCLUDED_FROM_CHANGE_OF_MIND:
        return Reason.EXCLUDED_CATEGORY
    if item.category is Category.BEAUTY and claim.opened:
        return Reason.OPENED_BEAUTY
    if days_since(delivered, now) > return_window_days(item):
        return Reason.OUTSIDE_RETURN_WINDOW
    if item.category is Category.BEAUTY and claim.opened is None:
        return Reason.BEAUTY_OPENED_UNKNOWN
    return None


def _return_refusal(item: OrderItem, reason: Reason | None, delivered: datetime) -> Phrase:
    if reason is Reason.OUTSIDE_RETURN_WINDOW:
        days = return_window_days(item)
        return phrase(
            "return_window_ended",
            title=item.title,
            days=days,
            last_day=last_day(delivered, days),
        )
    if reason is Reason.OPENED_BEAUTY:
        return phrase("return_opened", title=item.title)
    return phrase(
        "return_excluded", title=item.title, category=phrase(f"category_{item.category.value}")
    )


def _excluded_reason(reasons: tuple[Reason, ...]) -> bool:
    return Reason.EXCLUDED_CATEGORY in reasons or Reason.OPENED_BEAUTY in reasons
