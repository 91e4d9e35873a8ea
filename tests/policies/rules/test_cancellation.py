"""Section 1, cancelling before the order ships."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from policies.types import (
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
    make_order,
)


@pytest.mark.parametrize(
    ("payment", "amount", "clauses"),
    [
        (PaymentMethod.CARD, "39.99", ("CAN-1.1", "REF-5.1")),
        (PaymentMethod.WALLET, "39.99", ("CAN-1.1", "REF-5.1")),
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
