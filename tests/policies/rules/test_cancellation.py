"""Section 1, cancelling before the order ships."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from policies.types import (
    Category,
    ClaimType,
    OrderStatus,
    PaymentMethod,
    Reason,
    Remedy,
)
from tests.policies.rules.factories import (
    DAY,
    PLACED,
    check,
    item,
    make_order,
)


@pytest.mark.parametrize(
    ("payment", "amount", "clauses"),
    [
        (PaymentMethod.CARD, "39.99", ("CAN-1.1", "REF-5.1")),
        (PaymentMethod.WALLET, "39.99", ("CAN-1.1", "REF-5.1", "REF-5.4")),
        (PaymentMethod.COD, "0.00", ("CAN-1.1", "CAN-1.3")),
    ],
)
def test_cancel_pending(payment: PaymentMethod, amount: str, clauses: tuple[str, ...]) -> None:
    order = make_order(OrderStatus.PENDING, payment_method=payment)
    result = check(order, ClaimType.CANCEL, PLACED + timedelta(hours=2))
    assert result.eligible
    assert result.remedy is Remedy.CANCEL
    assert result.amount == Decimal(amount)
    assert result.clauses == clauses
    assert not result.needs_human


@pytest.mark.parametrize(
    ("status", "reason", "clause"),
    [
        (OrderStatus.SHIPPED, Reason.SHIPPED_CANNOT_CANCEL, "CAN-1.2"),
        (OrderStatus.DELIVERED, Reason.DELIVERED_CANNOT_CANCEL, "CAN-1.2"),
        (OrderStatus.CANCELLED, Reason.ALREADY_CANCELLED, "CAN-1.1"),
        (OrderStatus.REFUNDED, Reason.ALREADY_REFUNDED, "REF-5.2"),
    ],
)
def test_cancel_refused(status: OrderStatus, reason: Reason, clause: str) -> None:
    result = check(make_order(status), ClaimType.CANCEL, PLACED + 2 * DAY)
    assert not result.eligible
    assert result.remedy is Remedy.NONE
    assert result.reasons == (reason,)
    assert clause in result.clauses


def test_shipped_cancel_suggests_refusing_or_returning() -> None:
    result = check(make_order(OrderStatus.SHIPPED), ClaimType.CANCEL, PLACED + 2 * DAY)
    assert "refuse the delivery" in result.explanation
    assert "return" in result.explanation


def test_refusing_a_shipped_parcel_states_what_comes_back() -> None:
    """CAN-1.5: a refused parcel is refunded as a change-of-mind return, the flat $5 return
    shipping deducted ("can't I just refuse it when it comes?" wants the amount)."""
    result = check(make_order(OrderStatus.SHIPPED), ClaimType.CANCEL, PLACED + 2 * DAY)

    assert "refuse the delivery: once the seller receives it back, $34.99 ($39.99 minus $5.00" in (
        result.explanation
    )
    assert "to your card" in result.explanation


def test_refusing_pays_nothing_back_on_cash_on_delivery_and_excluded_items_only_if_damaged() -> (
    None
):
    cod = make_order(OrderStatus.SHIPPED, payment_method=PaymentMethod.COD)
    assert "you pay nothing" in check(cod, ClaimType.CANCEL, PLACED + 2 * DAY).explanation

    mixed = make_order(
        OrderStatus.SHIPPED,
        item("20.00", sku="SKU-1"),
        item("8.00", Category.GROCERY, sku="SKU-2"),
    )
    explanation = check(mixed, ClaimType.CANCEL, PLACED + 2 * DAY).explanation
    assert "$15.00 ($20.00 minus $5.00 return shipping)" in explanation
    assert "the grocery item SKU-2 only if damaged or wrong" in explanation

    grocery = make_order(OrderStatus.SHIPPED, item("8.00", Category.GROCERY))
    assert "refund" not in check(grocery, ClaimType.CANCEL, PLACED + 2 * DAY).explanation
