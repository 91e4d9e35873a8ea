"""Which items a claim covers and what they are worth, net of what earlier remedies settled.

Refunds never exceed what is left after earlier partial refunds (`Order.refundable`, applied by
each rule); an order with nothing left to refund is treated as already refunded
(policies/rules/outcomes.py, `closed_order`).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from policies.types import Claim, Order, OrderItem, to_cents

ZERO = Decimal("0.00")


def affected_items(order: Order, claim: Claim) -> list[OrderItem]:
    """The items the claim is about, each with the quantity no earlier remedy has covered
    (the ledger's, in `Order.remedied`); items already fully remedied are left out, so the same
    item is never refunded, returned or replaced twice."""
    by_sku = {item.sku: item for item in order.items}
    missing = [sku for sku in claim.skus if sku not in by_sku]
    if missing:
        raise ValueError(
            f"claim names SKU(s) {', '.join(missing)} not in order {order.order_id}; "
            f"its SKUs are {', '.join(by_sku)}"
        )
    named = [by_sku[sku] for sku in dict.fromkeys(claim.skus)] if claim.skus else order.items
    affected = []
    for item in named:
        left = order.remaining_quantity(item.sku)
        if claim.units is not None and len(named) == 1:
            # "one of the two tumblers arrived broken": that unit, not the order line (REF-5.6).
            left = min(left, claim.units)
        if left == item.quantity:
            affected.append(item)
        elif left > 0:
            affected.append(replace(item, quantity=left))
    return affected


def remaining_items(order: Order) -> list[OrderItem]:
    """Every item of the order with the quantity no earlier remedy has covered."""
    return [
        replace(item, quantity=order.remaining_quantity(item.sku))
        for item in order.items
        if order.remaining_quantity(item.sku) > 0
    ]


def items_value(items: list[OrderItem]) -> Decimal:
    return to_cents(sum((item.subtotal for item in items), Decimal("0")))
