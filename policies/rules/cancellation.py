"""Section 1 of the spec: cancelling an order before it ships."""

from __future__ import annotations

from policies.rules.amounts import ZERO, remaining_items
from policies.rules.limits import EXCLUDED_FROM_CHANGE_OF_MIND
from policies.rules.outcomes import closed_order, grant, refuse
from policies.rules.returns import less_return_shipping
from policies.rules.windows import order_return_window_days
from policies.rules.wording import money, refund_route, titles
from policies.types import Eligibility, Order, OrderStatus, PaymentMethod, Reason, Remedy


def check_cancellation(order: Order) -> Eligibility:
    """Section 1: a pending order is cancelled free with a full refund; a shipped one is not."""
    closed = closed_order(order)
    if closed is not None:
        return closed
    if order.status is OrderStatus.PENDING:
        if order.payment_method is PaymentMethod.COD:
            return grant(
                order,
                Remedy.CANCEL,
                ZERO,
                ("CAN-1.1", "CAN-1.3"),
                f"Order {order.order_id} has not shipped yet, so it can be cancelled free of "
                "charge. You paid cash on delivery, so there is nothing to refund.",
                reasons=(Reason.COD_NOTHING_TO_REFUND,),
            )
        amount = order.refundable
        return grant(
            order,
            Remedy.CANCEL,
            amount,
            ("CAN-1.1", "REF-5.1"),
            f"Order {order.order_id} has not shipped yet, so it can be cancelled free of charge; "
            f"{money(amount, order.currency)} goes back {refund_route(order)}.",
        )
    if order.status is OrderStatus.SHIPPED:
        return refuse(
            order,
            (Reason.SHIPPED_CANNOT_CANCEL,),
            # Refusing the delivery is CAN-1.5's way out, which the explanation names.
            ("CAN-1.2", "CAN-1.5", "RET-2.1"),
            f"Order {order.order_id} has already shipped, so it can no longer be cancelled. You "
            f"can refuse the delivery{refusal_refund(order)}, or return it within "
            f"{order_return_window_days(order)} days after delivery.",
        )
    return refuse(
        order,
        (Reason.DELIVERED_CANNOT_CANCEL,),
        ("CAN-1.2", "RET-2.1"),
        f"Order {order.order_id} has already been delivered, so it can no longer be cancelled; "
        "you may be able to return it instead.",
    )


def refusal_refund(order: Order) -> str:
    """The words after "you can refuse the delivery": what refusing a shipped parcel gives
    back (CAN-1.5: as a change-of-mind return, the flat return shipping deducted; cash on
    delivery: nothing paid, nothing refunded; items RET-2.2 excludes from change-of-mind
    returns only if damaged or wrong). The buyer asking "can I just refuse it?" wants the
    amount, not only the rule."""
    if order.payment_method is PaymentMethod.COD:
        return " (you paid cash on delivery, so you pay nothing)"
    items = remaining_items(order)
    returnable = [item for item in items if item.category not in EXCLUDED_FROM_CHANGE_OF_MIND]
    if not returnable:
        return ""
    amount, refunded = less_return_shipping(order, returnable)
    if amount <= ZERO:
        return ""
    kept = [item for item in items if item not in returnable]
    note = (
        f"; the {titles(kept)} only if damaged or wrong, as it cannot be returned for a change "
        "of mind"
        if kept
        else ""
    )
    return f": once the seller receives it back, {refunded} is refunded {refund_route(order)}{note}"
