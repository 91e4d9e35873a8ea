"""Section 6.1/6.2: the automation limit and the review flags."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policies.rules import (
    check_eligibility,
    review_flags,
)
from policies.types import (
    BuyerHistory,
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
    PLACED,
    check,
    item,
    make_order,
)


@pytest.mark.parametrize(
    ("claim_type", "price", "claim_fields", "amount", "needs_human"),
    [
        (ClaimType.DAMAGED, "100.00", {"has_photo": True}, "100.00", False),
        (ClaimType.DAMAGED, "100.01", {"has_photo": True}, "100.01", True),
        # the limit applies to the refund, after the $5 return shipping
        (ClaimType.CHANGE_OF_MIND_RETURN, "105.00", {}, "100.00", False),
        (ClaimType.CHANGE_OF_MIND_RETURN, "105.01", {}, "100.01", True),
        # a replacement moves goods worth the amount: same limit
        (
            ClaimType.DEFECTIVE,
            "100.01",
            {"has_photo": True, "prefers_replacement": True},
            "100.01",
            True,
        ),
    ],
)
def test_auto_refund_limit(
    claim_type: ClaimType, price: str, claim_fields: dict, amount: str, needs_human: bool
) -> None:
    order = make_order(OrderStatus.DELIVERED, item(price))
    result = check(order, claim_type, DELIVERED + DAY, **claim_fields)
    assert result.eligible  # the remedy stands; only the automation changes
    assert result.amount == Decimal(amount)
    assert result.needs_human is needs_human
    assert (Reason.OVER_AUTO_LIMIT in result.reasons) is needs_human
    assert ("REV-6.1" in result.clauses) is needs_human


@pytest.mark.parametrize(
    ("status", "payment", "needs_human"),
    [
        (OrderStatus.PENDING, PaymentMethod.CARD, True),
        (OrderStatus.PENDING, PaymentMethod.COD, False),  # nothing to refund
    ],
)
def test_auto_refund_limit_on_cancellation(
    status: OrderStatus, payment: PaymentMethod, needs_human: bool
) -> None:
    order = make_order(status, item("150.00"), payment_method=payment)
    result = check(order, ClaimType.CANCEL, PLACED + DAY)
    assert result.eligible
    assert result.remedy is Remedy.CANCEL
    assert result.needs_human is needs_human


def test_auto_refund_limit_is_configurable() -> None:
    order = make_order(OrderStatus.DELIVERED, item("60.00"))
    claim = Claim(ClaimType.DAMAGED, has_photo=True)
    result = check_eligibility(
        order, claim, CLEAN, DELIVERED + DAY, auto_refund_limit=Decimal("50")
    )
    assert result.needs_human
    assert "$50.00" in result.explanation


@pytest.mark.parametrize(
    ("refunds_90d", "orders_365d", "refunded_365d", "flags"),
    [
        (0, 0, 0, ()),
        (2, 10, 2, ()),
        (3, 10, 3, (Reason.REFUND_HISTORY_90D,)),
        (0, 10, 3, ()),  # exactly 30%: not more than 30%
        (0, 100, 30, ()),
        (0, 100, 31, (Reason.REFUND_RATE_365D,)),  # 31%
        (0, 4, 2, ()),  # 50%, but fewer than 5 orders
        (0, 4, 4, ()),
        (0, 5, 1, ()),  # 20%
        (0, 5, 2, (Reason.REFUND_RATE_365D,)),  # 40% of 5 orders
        (3, 5, 2, (Reason.REFUND_HISTORY_90D, Reason.REFUND_RATE_365D)),
    ],
)
def test_review_flags(
    refunds_90d: int, orders_365d: int, refunded_365d: int, flags: tuple[Reason, ...]
) -> None:
    assert review_flags(BuyerHistory(refunds_90d, orders_365d, refunded_365d)) == flags


@pytest.mark.parametrize(
    ("history", "needs_human"),
    [
        (BuyerHistory(2, 10, 2), False),
        (BuyerHistory(3, 10, 3), True),
        (BuyerHistory(0, 100, 31), True),
    ],
)
def test_flagged_buyer_keeps_remedy_but_needs_human(
    history: BuyerHistory, needs_human: bool
) -> None:
    order = make_order(OrderStatus.DELIVERED, item("20.00"))
    result = check(order, ClaimType.DAMAGED, DELIVERED + DAY, history, has_photo=True)
    assert result.eligible
    assert result.remedy is Remedy.REFUND
    assert result.amount == Decimal("20.00")
    assert result.needs_human is needs_human
    assert ("REV-6.2" in result.clauses) is needs_human


def test_flags_do_not_touch_refusals() -> None:
    result = check(make_order(), ClaimType.DAMAGED, DELIVERED + DAY, BuyerHistory(5, 5, 5))
    assert not result.eligible
    assert not result.needs_human
    assert result.reasons == (Reason.NO_PHOTO,)
