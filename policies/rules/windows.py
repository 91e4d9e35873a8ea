"""When an order counts as delivered, and how the return and report windows are counted.

The return and report windows count calendar days, as the spec says ("days are calendar days")
and as the knowledge base tells buyers (RET-2.1: "delivered on 1 March, returnable until
31 March"): the delivery date is day 0 and the whole of day 30 (15 for electronics and damage
reports) is inside; day 31 is out. Dates are taken in the timezone of the recorded `delivered_at`
(UTC from the platform), with `now` converted to it. We prefer this to comparing elapsed time
(`now - delivered_at <= timedelta(days=30)`), which would refuse a buyer at 18:00 on day 30
whose parcel came at 15:00, contradicting the clause we cite. (Lateness and the 48-hour wait are
elapsed time instead: see policies/rules/delivery.py.)
"""

from __future__ import annotations

from datetime import datetime

from policies.rules.limits import ELECTRONICS_RETURN_WINDOW_DAYS, LATE_GRACE, RETURN_WINDOW_DAYS
from policies.types import Category, Order, OrderItem, OrderStatus


def delivered_at(order: Order) -> datetime | None:
    """The delivery time if the order counts as delivered; the status decides, the scan dates it."""
    if order.status is not OrderStatus.DELIVERED:
        return None
    if order.delivered_at is None:
        raise ValueError(f"order {order.order_id} is delivered but has no delivered_at")
    return order.delivered_at


def came_late(order: Order) -> bool:
    """Delivered more than 3 days after its promised date (INR-4.3's late delivery)."""
    delivered, promised = delivered_at(order), order.promised_delivery_by
    return delivered is not None and promised is not None and delivered > promised + LATE_GRACE


def overdue(order: Order, now: datetime) -> bool:
    """Not delivered and more than 3 days past its promised date at ``now`` (INR-4.1)."""
    return (
        order.status in (OrderStatus.PENDING, OrderStatus.SHIPPED)
        and order.promised_delivery_by is not None
        and now > order.promised_delivery_by + LATE_GRACE
    )


def days_since(start: datetime, now: datetime) -> int:
    """Calendar days from `start`'s date to `now`'s date in `start`'s timezone (same day: 0)."""
    return (now.astimezone(start.tzinfo).date() - start.date()).days


def return_window_days(item: OrderItem) -> int:
    """An item's change-of-mind return window in calendar days (RET-2.1)."""
    if item.category is Category.ELECTRONICS:
        return ELECTRONICS_RETURN_WINDOW_DAYS
    return RETURN_WINDOW_DAYS


def order_return_window_days(order: Order) -> int:
    """The order's change-of-mind return window in days (RET-2.1): its shortest item's."""
    return min(return_window_days(item) for item in order.items)
