"""Section 1 of the spec: cancelling an order before it ships."""

from __future__ import annotations

from policies.phrases import Phrase, phrase
from policies.rules.amounts import ZERO, remaining_items
from policies.rules.limits import EXCLUDED_FROM_CHANGE_OF_MIND
from policies.rules.outcomes import closed_order, grant, refuse
from policies.rules.returns import less_return_shipping
from policies.rules.windows import order_return_window_days
from policies.rules.wording import money, refund_clauses, refund_route, titles
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
                phrase("cancel_free_cod", order_id=order.order_id),
                reasons=(Reason.COD_NOTHING_TO_REFUND,),
            )
        amount = order.refundable
        return grant(
            order,
            Remedy.CANCEL,
            amount,
            # Where the money goes: to a wallet it is instant, REF-5.4 (dev8 k45 asked).
            ("CAN-1.1", *refund_clauses(order)),
            phrase(
                "cancel_refund",
                order_id=order.order_id,
                amount=money(amount, order.currency),
                route=refund_route(order),
            ),
        )
    if order.status is OrderStatus.SHIPPED:
        return refuse(
            order,
            (Reason.SHIPPED_CANNOT_CANCEL,),
            # Refusing the delivery is CAN-1.5's way out, which the explanation names.
            ("CAN-1.2", "CAN-1.5", "RET-2.1"),
            phrase(
                "shipped_cannot_cancel",
                order_id=order.order_id,
                refusal=refusal_refund(order),
                days=order_return_window_days(order),
            ),
        )
    return refuse(
        order,
        (Reason.DELIVERED_CANNOT_CANCEL,),
        ("CAN-1.2", "RET-2.1"),
        phrase("delivered_cannot_cancel", order_id=order.order_id),
    )


def refusal_refund(order: Order) -> Phrase:
    """The words after "you can refuse the delivery": what refusing a shipped parcel gives
    back (CAN-1.5: as a change-of-mind return, the flat return shipping deducted; cash on
    delivery: nothing paid, nothing refunded; items RET-2.2 excludes from change-of-mind
    returns only if damaged or wrong). The buyer asking "can I just refuse it?" wants the
    amount, not only the rule."""
    if order.payment_method is PaymentMethod.COD:
        return phrase("refusal_cod")
    items = remaining_items(order)
    returnable = [item for item in items if item.category not in EXCLUDED_FROM_CHANGE_OF_MIND]
    if not returnable:
        return phrase("nothing")
    amount, refunded = less_return_shipping(order, returnable)
    if amount <= ZERO:
        return phrase("nothing")
    kept = [item for item in items if item not in returnable]
    if kept:
        return phrase(
            "refusal_refund_kept", refunded=refunded, route=refund_route(order), kept=titles(kept)
        )
    return phrase("refusal_refund", refunded=refunded, route=refund_route(order))
