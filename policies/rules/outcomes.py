"""Building `Eligibility` outcomes, and the refusals every family of claims shares.

A family rule ends in `grant` or `refuse`; before its own checks it calls `closed_order`, so a
settled order is refused the same way whatever the claim.
"""

from __future__ import annotations

from decimal import Decimal

from policies.phrases import Phrase, phrase
from policies.rules.amounts import ZERO, remaining_items
from policies.rules.wording import money, refund_route
from policies.types import (
    Eligibility,
    Order,
    OrderItem,
    OrderStatus,
    Reason,
    Remedy,
    to_cents,
)


def grant(
    order: Order,
    remedy: Remedy,
    amount: Decimal,
    clauses: tuple[str, ...],
    explanation: Phrase,
    *,
    reasons: tuple[Reason, ...] = (),
    items: list[OrderItem] | None = None,
) -> Eligibility:
    """An eligible outcome covering ``items`` (None: every item not yet remedied), explained
    by ``explanation`` (English in `Eligibility.explanation`, the phrase in `wording`)."""
    if items is None:
        items = remaining_items(order)
    refunds = remedy in (Remedy.REFUND, Remedy.RETURN_THEN_REFUND)
    if refunds and _some_of(order, items):
        # Some of a several-item order's items, or some units of an item: REF-5.6 says those
        # are refunded alone, at their own price, and the rest of the order stays as it is.
        clauses = (*clauses, "REF-5.6")
    return Eligibility(
        eligible=True,
        remedy=remedy,
        amount=to_cents(amount),
        currency=order.currency,
        needs_human=False,
        reasons=unique(reasons),
        clauses=unique(clauses),
        explanation=str(explanation),
        items=tuple((item.sku, item.quantity) for item in items),
        wording=explanation,
    )


def _some_of(order: Order, items: list[OrderItem]) -> bool:
    """Whether ``items`` leave out an item of a several-item order, or some of an item's
    units the claim itself leaves out (not those an earlier remedy covered)."""
    if len(order.items) > 1 and {i.sku for i in items} != {i.sku for i in order.items}:
        return True
    left = {i.sku: order.remaining_quantity(i.sku) for i in order.items}
    return any(item.quantity < left[item.sku] for item in items)


def refuse(
    order: Order,
    reasons: tuple[Reason, ...],
    clauses: tuple[str, ...],
    explanation: Phrase,
    *,
    remedy: Remedy = Remedy.NONE,
    needs_human: bool = False,
) -> Eligibility:
    return Eligibility(
        eligible=False,
        remedy=remedy,
        amount=ZERO,
        currency=order.currency,
        needs_human=needs_human,
        reasons=unique(reasons),
        clauses=unique(clauses),
        explanation=str(explanation),
        wording=explanation,
    )


def closed_order(order: Order) -> Eligibility | None:
    """Refuse claims on orders that are already settled, so nothing is paid twice."""
    if order.status is OrderStatus.CANCELLED:
        said = (
            phrase(
                "already_cancelled_refunded",
                order_id=order.order_id,
                amount=money(to_cents(order.refunded_amount), order.currency),
                route=refund_route(order),
            )
            if order.refunded_amount > 0
            else phrase("already_cancelled", order_id=order.order_id)
        )
        return refuse(order, (Reason.ALREADY_CANCELLED,), ("CAN-1.1",), said)
    if order.status is OrderStatus.REFUNDED or (
        order.refunded_amount > 0 and order.refundable == 0
    ):
        return refuse(
            order,
            (Reason.ALREADY_REFUNDED,),
            ("REF-5.1", "REF-5.2"),
            phrase(
                "already_refunded",
                order_id=order.order_id,
                amount=money(to_cents(order.refunded_amount), order.currency),
            ),
        )
    return None


def not_delivered_yet(order: Order, clause: str, hint: str) -> Eligibility:
    """``hint``: the phrasebook key of what the buyer can do meanwhile."""
    return refuse(
        order,
        (Reason.NOT_DELIVERED_YET,),
        (clause,),
        phrase("not_delivered_yet", order_id=order.order_id, hint=phrase(hint)),
    )


def already_remedied(order: Order) -> Eligibility:
    return refuse(
        order,
        (Reason.ALREADY_REMEDIED,),
        ("REF-5.2",),
        phrase("already_remedied", order_id=order.order_id),
    )


def unique(values: tuple) -> tuple:
    """Drop repeats, keep first-seen order (clauses read in the order they apply)."""
    return tuple(dict.fromkeys(values))
