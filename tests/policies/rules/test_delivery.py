"""Section 4, a parcel not received and the late-delivery voucher."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from policies.rules import check_eligibility
from policies.types import (
    Claim,
    ClaimType,
    OrderStatus,
    PaymentMethod,
    Reason,
    Remedy,
)
from tests.policies.rules.factories import (
    CLEAN,
    DAY,
    DELIVERED,
    MINUTE,
    PROMISED,
    check,
    item,
    make_order,
)


@pytest.mark.parametrize(
    ("status", "now", "remedy", "eligible"),
    [
        (OrderStatus.SHIPPED, PROMISED, Remedy.WAIT_AND_CHECK, False),
        (OrderStatus.SHIPPED, PROMISED + 3 * DAY, Remedy.WAIT_AND_CHECK, False),  # exactly 3 days
        (OrderStatus.SHIPPED, PROMISED + 3 * DAY + MINUTE, Remedy.REFUND, True),
        (OrderStatus.PENDING, PROMISED + 3 * DAY, Remedy.WAIT_AND_CHECK, False),
        (OrderStatus.PENDING, PROMISED + 3 * DAY + MINUTE, Remedy.REFUND, True),  # never shipped
    ],
)
def test_not_received_refund_after_three_days_late(
    status: OrderStatus, now: datetime, remedy: Remedy, eligible: bool
) -> None:
    result = check(make_order(status), ClaimType.NOT_RECEIVED, now)
    assert result.eligible is eligible
    assert result.remedy is remedy
    assert "INR-4.1" in result.clauses
    if eligible:
        assert result.amount == Decimal("39.99")
        assert "REF-5.1" in result.clauses
    else:
        assert result.reasons == (Reason.NOT_YET_LATE,)
        # A parcel with the carrier can be followed meanwhile (INR-4.5, dev9 m35).
        shipped = status is OrderStatus.SHIPPED
        assert ("INR-4.5" in result.clauses) is shipped
        assert ("tracking number" in result.explanation) is shipped
        assert "11 Nov 2026" in result.explanation  # tells the buyer when


def test_not_received_cod_is_cancelled_not_refunded() -> None:
    order = make_order(OrderStatus.SHIPPED, payment_method=PaymentMethod.COD)
    result = check(order, ClaimType.NOT_RECEIVED, PROMISED + 4 * DAY)
    assert result.eligible
    assert result.remedy is Remedy.CANCEL
    assert result.amount == Decimal("0.00")
    assert "CAN-1.3" in result.clauses


@pytest.mark.parametrize(
    ("elapsed", "remedy", "needs_human", "reason"),
    [
        (
            timedelta(hours=47, minutes=59),
            Remedy.WAIT_AND_CHECK,
            False,
            Reason.DELIVERED_SCAN_UNDER_48H,
        ),
        (timedelta(hours=48), Remedy.WAIT_AND_CHECK, False, Reason.DELIVERED_SCAN_UNDER_48H),
        (
            timedelta(hours=48, minutes=1),
            Remedy.NONE,
            True,
            Reason.DELIVERED_SCAN_OVER_48H_INVESTIGATE,
        ),
    ],
)
def test_delivered_scan_but_missing(
    elapsed: timedelta, remedy: Remedy, needs_human: bool, reason: Reason
) -> None:
    result = check(make_order(), ClaimType.NOT_RECEIVED, DELIVERED + elapsed)
    assert not result.eligible  # never an automatic refund
    assert result.amount == Decimal("0.00")
    assert result.remedy is remedy
    assert result.needs_human is needs_human
    assert result.reasons == (reason,)
    assert result.clauses == ("INR-4.2",)


@pytest.mark.parametrize(
    ("delivered_at", "eligible", "reason"),
    [
        (PROMISED + 3 * DAY, False, Reason.DELIVERED_ON_TIME),  # exactly 3 days: not late
        (PROMISED + 3 * DAY + MINUTE, True, None),
    ],
)
def test_late_delivery_voucher_threshold(
    delivered_at: datetime, eligible: bool, reason: Reason | None
) -> None:
    order = make_order(delivered_at=delivered_at)
    result = check(order, ClaimType.LATE_DELIVERY, delivered_at + DAY)
    assert result.eligible is eligible
    assert result.clauses == ("INR-4.3",)
    if eligible:
        assert result.remedy is Remedy.VOUCHER
    else:
        assert result.reasons == (reason,)


@pytest.mark.parametrize(
    ("price", "voucher"),
    [
        ("39.99", "4.00"),  # 3.999 rounds half up to cents
        ("0.05", "0.01"),  # 0.005 -> 0.01, half up
        ("99.99", "10.00"),
        ("100.00", "10.00"),
        ("250.00", "10.00"),  # capped at $10
    ],
)
def test_late_delivery_voucher_is_ten_percent_capped(price: str, voucher: str) -> None:
    late = PROMISED + 5 * DAY
    order = make_order(OrderStatus.DELIVERED, item(price), delivered_at=late)
    result = check(order, ClaimType.LATE_DELIVERY, late + DAY)
    assert result.eligible
    assert result.amount == Decimal(voucher)
    assert not result.needs_human


def test_late_delivery_voucher_once_per_order() -> None:
    late = PROMISED + 5 * DAY
    order = make_order(delivered_at=late)
    result = check_eligibility(
        order, Claim(ClaimType.LATE_DELIVERY), CLEAN, late + DAY, voucher_already_given=True
    )
    assert not result.eligible
    assert result.reasons == (Reason.VOUCHER_ALREADY_GIVEN,)


def test_the_voucher_offered_says_how_long_and_where_it_can_be_used() -> None:
    """INR-4.6: valid 30 days, any seller, no minimum spend ("how much do I get and how long
    can I use it?", dev5 g33, was told the amount only)."""
    delivered = PROMISED + 5 * DAY
    result = check(make_order(delivered_at=delivered), ClaimType.LATE_DELIVERY, delivered + DAY)

    assert "valid for 30 days with any seller and no minimum spend" in result.explanation
