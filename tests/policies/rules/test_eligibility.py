"""check_eligibility across the families: always-human claims, settled orders, refund routes,
currency and datetimes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from policies.rules import check_eligibility
from policies.types import (
    Claim,
    ClaimType,
    Order,
    OrderStatus,
    PaymentMethod,
    Reason,
    Remedy,
)
from tests.policies.rules.factories import (
    CLEAN,
    DAY,
    DELIVERED,
    PLACED,
    PROMISED,
    check,
    item,
    make_order,
)


@pytest.mark.parametrize(
    ("claim_type", "reason", "clause"),
    [
        (ClaimType.PAYMENT_PROBLEM, Reason.PAYMENT_PROBLEM, "REV-6.3"),
        (ClaimType.HUMAN_REQUESTED, Reason.HUMAN_REQUESTED, "REV-6.4"),
        (ClaimType.DISPUTE, Reason.DISPUTE, "REV-6.5"),
    ],
)
@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING, OrderStatus.DELIVERED, OrderStatus.REFUNDED]
)
def test_routed_to_human(
    claim_type: ClaimType, reason: Reason, clause: str, status: OrderStatus
) -> None:
    result = check(make_order(status), claim_type, PLACED + DAY)
    assert result.needs_human
    assert result.remedy is Remedy.NONE
    assert result.reasons == (reason,)
    assert result.clauses == (clause,)


@pytest.mark.parametrize(
    "claim_type",
    [
        ClaimType.CHANGE_OF_MIND_RETURN,
        ClaimType.DAMAGED,
        ClaimType.NOT_RECEIVED,
        ClaimType.LATE_DELIVERY,
    ],
)
@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        (
            {
                "status": OrderStatus.REFUNDED,
                "refunded_amount": Decimal("39.99"),
                "refunded_at": DELIVERED + DAY,
            },
            Reason.ALREADY_REFUNDED,
        ),
        # fully refunded earlier while the status still says delivered
        ({"refunded_amount": Decimal("39.99")}, Reason.ALREADY_REFUNDED),
        ({"status": OrderStatus.CANCELLED, "delivered_at": None}, Reason.ALREADY_CANCELLED),
    ],
)
def test_settled_orders_refused(claim_type: ClaimType, overrides: dict, reason: Reason) -> None:
    order = make_order(**overrides)
    result = check(order, claim_type, DELIVERED + DAY, has_photo=True)
    assert not result.eligible
    assert result.reasons == (reason,)
    assert result.amount == Decimal("0.00")


def test_partial_refund_caps_what_is_left() -> None:
    order = make_order(OrderStatus.DELIVERED, item("60.00"), refunded_amount=Decimal("50.00"))
    result = check(order, ClaimType.DAMAGED, DELIVERED + DAY, has_photo=True)
    assert result.eligible
    assert result.amount == Decimal("10.00")


@pytest.mark.parametrize(
    ("order", "claim", "now"),
    [
        (make_order(OrderStatus.PENDING), Claim(ClaimType.CANCEL), PLACED + DAY),
        (make_order(), Claim(ClaimType.CHANGE_OF_MIND_RETURN), DELIVERED + DAY),
        (make_order(), Claim(ClaimType.DAMAGED, has_photo=True), DELIVERED + DAY),
        (
            make_order(OrderStatus.DELIVERED, item("10.00")),
            Claim(ClaimType.NOT_AS_DESCRIBED, has_photo=True),
            DELIVERED + DAY,
        ),
        (make_order(OrderStatus.SHIPPED), Claim(ClaimType.NOT_RECEIVED), PROMISED + 4 * DAY),
    ],
)
@pytest.mark.parametrize("payment", list(PaymentMethod))
def test_every_refund_cites_refund_method(
    order: Order, claim: Claim, now: datetime, payment: PaymentMethod
) -> None:
    result = check_eligibility(replace(order, payment_method=payment), claim, CLEAN, now)
    if result.amount > 0:
        assert "REF-5.1" in result.clauses
        route = "wallet" if payment is not PaymentMethod.CARD else "card"
        assert route in result.explanation


def test_currency_comes_from_the_order() -> None:
    order = make_order(OrderStatus.PENDING, currency="SGD")
    result = check(order, ClaimType.CANCEL, PLACED + DAY)
    assert result.currency == "SGD"
    assert "SGD 39.99" in result.explanation


def test_naive_now_refused() -> None:
    with pytest.raises(ValueError, match="now"):
        check(make_order(), ClaimType.DAMAGED, datetime(2026, 11, 7, 12, 0))
