"""Section 4 of the spec: a parcel that has not arrived, and a voucher for a late one.

- Lateness (INR-4.1, INR-4.3) and the 48-hour wait (INR-4.2) are measured in elapsed time from the
  recorded timestamps, since they hang on a precise moment (the promised time, the delivery scan).
- "More than 3 days after the promised date" is strict: exactly 3 days late is not yet late.
- "Within 48 hours of the delivery scan" is inclusive: exactly 48 hours is still "wait and check".
- A cash-on-delivery order that never arrived has not been paid for: it is cancelled (CAN-1.3)
  instead of refunded.
"""

from __future__ import annotations

from datetime import datetime

from policies.phrases import phrase
from policies.rules.amounts import ZERO
from policies.rules.limits import (
    DELIVERY_SCAN_WAIT,
    LATE_GRACE,
    VOUCHER_CAP,
    VOUCHER_RATE,
    VOUCHER_VALID_DAYS,
)
from policies.rules.outcomes import closed_order, grant, not_delivered_yet, refuse
from policies.rules.windows import came_late, delivered_at
from policies.rules.wording import money, refund_clauses, refund_route, when
from policies.types import (
    Eligibility,
    Order,
    OrderStatus,
    PaymentMethod,
    Reason,
    Remedy,
    require_aware,
    to_cents,
)


def check_not_received(order: Order, now: datetime) -> Eligibility:
    """Section 4.1/4.2: a late parcel is refunded; a "delivered" one that is missing is checked."""
    require_aware(now, "now")
    closed = closed_order(order)
    if closed is not None:
        return closed
    delivered = delivered_at(order)
    if delivered is not None:
        wait_until = delivered + DELIVERY_SCAN_WAIT
        if now <= wait_until:
            return refuse(
                order,
                (Reason.DELIVERED_SCAN_UNDER_48H,),
                ("INR-4.2",),
                phrase(
                    "scan_under_48h",
                    order_id=order.order_id,
                    delivered=when(delivered),
                    until=when(wait_until),
                ),
                remedy=Remedy.WAIT_AND_CHECK,
            )
        return refuse(
            order,
            (Reason.DELIVERED_SCAN_OVER_48H_INVESTIGATE,),
            ("INR-4.2",),
            phrase("scan_over_48h", order_id=order.order_id, delivered=when(delivered)),
            needs_human=True,
        )
    if order.promised_delivery_by is None:
        # Without a promised date, 4.1 has no deadline to measure; a person must look.
        return refuse(
            order,
            (Reason.NOT_DELIVERED_YET,),
            ("INR-4.1",),
            phrase("no_promised_date", order_id=order.order_id),
            needs_human=True,
        )
    deadline = order.promised_delivery_by + LATE_GRACE
    if now <= deadline:
        # A parcel with the carrier can be followed meanwhile (INR-4.5): "can I get a refund
        # already or do I have to keep waiting?" (dev9 m35).
        tracked = order.status is OrderStatus.SHIPPED and order.tracking_number is not None
        return refuse(
            order,
            (Reason.NOT_YET_LATE,),
            ("INR-4.1", "INR-4.5") if tracked else ("INR-4.1",),
            phrase(
                "not_yet_late_tracked" if tracked else "not_yet_late",
                order_id=order.order_id,
                due=when(order.promised_delivery_by),
                deadline=when(deadline),
            ),
            remedy=Remedy.WAIT_AND_CHECK,
        )
    if order.payment_method is PaymentMethod.COD:
        return grant(
            order,
            Remedy.CANCEL,
            ZERO,
            ("INR-4.1", "CAN-1.3"),
            phrase("late_cancel_cod", order_id=order.order_id),
            reasons=(Reason.COD_NOTHING_TO_REFUND,),
        )
    amount = order.refundable
    return grant(
        order,
        Remedy.REFUND,
        amount,
        ("INR-4.1", *refund_clauses(order)),
        phrase(
            "late_refund",
            order_id=order.order_id,
            amount=money(amount, order.currency),
            route=refund_route(order),
        ),
    )


def check_late_delivery_voucher(
    order: Order, *, voucher_already_given: bool = False
) -> Eligibility:
    """Section 4.3: delivery more than 3 days late earns 10% of the order, at most $10, once."""
    closed = closed_order(order)
    if closed is not None:
        return closed
    delivered = delivered_at(order)
    if delivered is None:
        return not_delivered_yet(order, "INR-4.3", "hint_refund_if_very_late")
    if not came_late(order):
        return refuse(
            order,
            (Reason.DELIVERED_ON_TIME,),
            ("INR-4.3",),
            phrase("voucher_on_time", order_id=order.order_id),
        )
    if voucher_already_given:
        return refuse(
            order,
            (Reason.VOUCHER_ALREADY_GIVEN,),
            ("INR-4.3",),
            phrase("voucher_already_given", order_id=order.order_id),
        )
    amount = min(to_cents(order.total * VOUCHER_RATE), VOUCHER_CAP)
    return grant(
        order,
        Remedy.VOUCHER,
        amount,
        ("INR-4.3",),
        phrase(
            "voucher_granted",
            order_id=order.order_id,
            amount=money(amount, order.currency),
            cap=money(VOUCHER_CAP, order.currency),
            days=VOUCHER_VALID_DAYS,
        ),
        items=[],
    )
