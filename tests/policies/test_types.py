"""The policy values: datetimes must be aware, money Decimal, and the buyer's history counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from policies.types import (
    BuyerHistory,
    Category,
    Order,
    OrderItem,
    OrderStatus,
)
from tests.policies.rules.factories import DAY, item, make_order


@pytest.mark.parametrize(
    "field", ["placed_at", "shipped_at", "delivered_at", "promised_delivery_by"]
)
def test_naive_order_datetime_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        make_order(**{field: datetime(2026, 11, 7, 12, 0)})


def test_float_price_refused() -> None:
    with pytest.raises(TypeError, match="unit_price"):
        OrderItem("SKU-1", "earbuds", Category.ELECTRONICS, 39.99, 1)  # type: ignore[arg-type]


def test_order_total_rounds_to_cents() -> None:
    order = make_order(
        OrderStatus.DELIVERED, item("0.335", sku="A", quantity=3), item("10.10", sku="B")
    )
    assert order.total == Decimal("11.11")  # 1.005 -> 1.01, half up, then + 10.10


def test_buyer_history_from_orders() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)

    def past(days_ago: int, refunded_days_ago: int | None = None) -> Order:
        placed = now - timedelta(days=days_ago)
        refunded = None if refunded_days_ago is None else now - timedelta(days=refunded_days_ago)
        return make_order(
            placed_at=placed,
            shipped_at=placed + DAY,
            delivered_at=placed + 2 * DAY,
            refunded_amount=Decimal("0") if refunded is None else Decimal("10.00"),
            refunded_at=refunded,
        )

    orders = [
        past(10, refunded_days_ago=5),
        past(100, refunded_days_ago=90),  # refund exactly 90 days ago still counts
        past(200, refunded_days_ago=91),
        past(365),
        past(366, refunded_days_ago=300),  # placed outside the year
    ]
    history = BuyerHistory.from_orders(orders, now)
    assert history == BuyerHistory(
        refunds_last_90_days=2, orders_last_365_days=4, refunded_orders_last_365_days=3
    )


def test_buyer_history_refuses_naive_now() -> None:
    with pytest.raises(ValueError, match="now"):
        BuyerHistory.from_orders([], datetime(2027, 1, 1))
