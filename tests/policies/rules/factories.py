"""Orders, items and claims for the rules tests: one $39.99 home item delivered by default."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from policies.rules import check_eligibility
from policies.types import (
    BuyerHistory,
    Category,
    Claim,
    ClaimType,
    Eligibility,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
)

PLACED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
SHIPPED = PLACED + timedelta(days=1)
PROMISED = datetime(2026, 11, 8, 0, 0, tzinfo=UTC)
DELIVERED = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)
CLEAN = BuyerHistory(
    refunds_last_90_days=0, orders_last_365_days=1, refunded_orders_last_365_days=0
)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
DAY_END = timedelta(hours=8, minutes=59)  # DELIVERED is 15:00, so this is 23:59 the same date
NEXT_DAY = timedelta(hours=9)  # 00:00 the next date


def item(
    price: str = "39.99",
    category: Category = Category.HOME,
    *,
    sku: str = "SKU-1",
    quantity: int = 1,
) -> OrderItem:
    """One order line; the title says what it is so explanations stay readable."""
    return OrderItem(sku, f"{category} item {sku}", category, Decimal(price), quantity)


def make_order(
    status: OrderStatus = OrderStatus.DELIVERED,
    *items: OrderItem,
    **overrides: object,
) -> Order:
    """An order as the platform would push it at `status`, one $39.99 home item by default."""
    order = Order(
        order_id="A1001",
        buyer_id="B17",
        seller_id="S3",
        status=status,
        currency="USD",
        items=items or (item(),),
        placed_at=PLACED,
        shipped_at=None if status is OrderStatus.PENDING else SHIPPED,
        promised_delivery_by=PROMISED,
        delivered_at=DELIVERED if status is OrderStatus.DELIVERED else None,
        carrier="SPX",
        tracking_number="SPX0123456789SG",
        payment_method=PaymentMethod.CARD,
    )
    return replace(order, **overrides)


def check(
    order: Order,
    claim_type: ClaimType,
    now: datetime,
    history: BuyerHistory = CLEAN,
    **claim_fields: object,
) -> Eligibility:
    return check_eligibility(order, Claim(claim_type, **claim_fields), history, now)
