"""Eligibility rules: every boundary of docs/policy-spec.md, table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from policies.rules import (
    check_damaged_or_wrong,
    check_eligibility,
    review_flags,
)
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
    Reason,
    Remedy,
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


# --- section 2: change-of-mind returns ---------------------------------------------------------


DAY_END = timedelta(hours=8, minutes=59)  # DELIVERED is 15:00, so this is 23:59 the same date
NEXT_DAY = timedelta(hours=9)  # 00:00 the next date


@pytest.mark.parametrize(
    ("category", "elapsed", "eligible"),
    [
        (Category.HOME, timedelta(days=29), True),
        (Category.HOME, timedelta(days=30), True),  # day 30: in
        (Category.HOME, timedelta(days=30) + DAY_END, True),  # all of day 30 counts
        (Category.HOME, timedelta(days=30) + NEXT_DAY, False),  # day 31: out
        (Category.HOME, timedelta(days=31), False),
        (Category.APPAREL, timedelta(days=30), True),
        (Category.ELECTRONICS, timedelta(days=15) + DAY_END, True),  # day 15: in
        (Category.ELECTRONICS, timedelta(days=15) + NEXT_DAY, False),  # day 16: out
        (Category.ELECTRONICS, timedelta(days=16), False),
    ],
)
def test_return_window(category: Category, elapsed: timedelta, eligible: bool) -> None:
    order = make_order(OrderStatus.DELIVERED, item("39.99", category))
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + elapsed)
    assert result.eligible is eligible
    assert "RET-2.1" in result.clauses
    if eligible:
        assert result.remedy is Remedy.RETURN_THEN_REFUND
        assert result.amount == Decimal("34.99")
    else:
        assert result.remedy is Remedy.NONE
        assert result.reasons == (Reason.OUTSIDE_RETURN_WINDOW,)
        assert result.amount == Decimal("0.00")


@pytest.mark.parametrize(
    ("items", "refund"),
    [
        ((item("39.99"),), "34.99"),
        ((item("5.01"),), "0.01"),
        ((item("5.00"),), "0.00"),  # never below zero
        ((item("3.00"),), "0.00"),
        ((item("10.00", quantity=3),), "25.00"),
        # two items, one return: the $5 comes off once
        ((item("20.00", sku="A"), item("15.50", Category.APPAREL, sku="B")), "30.50"),
    ],
)
def test_change_of_mind_deducts_flat_return_shipping(items: tuple, refund: str) -> None:
    result = check(
        make_order(OrderStatus.DELIVERED, *items), ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY
    )
    assert result.eligible
    assert result.remedy is Remedy.RETURN_THEN_REFUND
    assert result.amount == Decimal(refund)
    assert {"RET-2.3", "RET-2.4", "REF-5.1"} <= set(result.clauses)
    assert "$5.00" in result.explanation


@pytest.mark.parametrize(
    "category", [Category.GROCERY, Category.UNDERWEAR, Category.DIGITAL, Category.CUSTOM]
)
def test_excluded_category_not_returnable_for_change_of_mind(category: Category) -> None:
    order = make_order(OrderStatus.DELIVERED, item("39.99", category))
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY)
    assert not result.eligible
    assert result.reasons == (Reason.EXCLUDED_CATEGORY,)
    assert "RET-2.2" in result.clauses
    assert not result.needs_human


@pytest.mark.parametrize(
    "category",
    [Category.GROCERY, Category.UNDERWEAR, Category.DIGITAL, Category.CUSTOM, Category.BEAUTY],
)
def test_excluded_category_covered_when_damaged(category: Category) -> None:
    order = make_order(OrderStatus.DELIVERED, item("19.99", category))
    result = check(order, ClaimType.DAMAGED, DELIVERED + DAY, has_photo=True, opened=True)
    assert result.eligible
    assert result.remedy is Remedy.REFUND
    assert result.amount == Decimal("19.99")
    assert "DMG-3.4" in result.clauses


@pytest.mark.parametrize(
    ("opened", "eligible", "reasons"),
    [
        (False, True, ()),
        (True, False, (Reason.OPENED_BEAUTY,)),
        (None, False, (Reason.BEAUTY_OPENED_UNKNOWN,)),  # the bot must ask first
    ],
)
def test_beauty_returnable_only_unopened(
    opened: bool | None, eligible: bool, reasons: tuple[Reason, ...]
) -> None:
    order = make_order(OrderStatus.DELIVERED, item("29.99", Category.BEAUTY))
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY, opened=opened)
    assert result.eligible is eligible
    assert result.reasons == reasons
    if not eligible:
        assert "RET-2.2" in result.clauses


@pytest.mark.parametrize(
    ("now", "eligible"),
    [
        # 23:30 on day 30 in UTC, already day 31 in Singapore: the recorded (UTC) calendar rules
        (datetime(2026, 12, 7, 7, 30, tzinfo=timezone(timedelta(hours=8))), True),
        (datetime(2026, 12, 7, 8, 0, tzinfo=timezone(timedelta(hours=8))), False),
    ],
)
def test_return_window_uses_the_delivery_timezone(now: datetime, eligible: bool) -> None:
    result = check(make_order(), ClaimType.CHANGE_OF_MIND_RETURN, now)
    assert result.eligible is eligible


def test_outside_window_names_the_last_day() -> None:
    result = check(make_order(), ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + timedelta(days=40))
    assert "6 Dec 2026" in result.explanation


def test_mixed_return_grants_returnable_items_and_names_the_rest() -> None:
    order = make_order(
        OrderStatus.DELIVERED,
        item("30.00", Category.APPAREL, sku="SHIRT"),
        item("12.00", Category.GROCERY, sku="TEA"),
    )
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY)
    assert result.eligible
    assert result.amount == Decimal("25.00")
    assert result.reasons == (Reason.EXCLUDED_CATEGORY,)
    assert "RET-2.2" in result.clauses
    assert "grocery" in result.explanation


def test_mixed_electronics_window_applies_per_item() -> None:
    order = make_order(
        OrderStatus.DELIVERED,
        item("50.00", Category.ELECTRONICS, sku="EAR"),
        item("20.00", Category.SHOES, sku="SHOE"),
    )
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + timedelta(days=20))
    assert result.eligible
    assert result.amount == Decimal("15.00")
    assert result.reasons == (Reason.OUTSIDE_RETURN_WINDOW,)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (OrderStatus.PENDING, Reason.NOT_DELIVERED_YET),
        (OrderStatus.SHIPPED, Reason.NOT_DELIVERED_YET),
    ],
)
def test_return_before_delivery_refused(status: OrderStatus, reason: Reason) -> None:
    result = check(make_order(status), ClaimType.CHANGE_OF_MIND_RETURN, PLACED + DAY)
    assert not result.eligible
    assert result.reasons == (reason,)


# --- section 3: damaged, defective, wrong, not as described ------------------------------------


@pytest.mark.parametrize(
    "claim_type",
    [ClaimType.DAMAGED, ClaimType.DEFECTIVE, ClaimType.WRONG_ITEM, ClaimType.NOT_AS_DESCRIBED],
)
@pytest.mark.parametrize(
    ("elapsed", "eligible"),
    [
        (timedelta(days=15), True),  # day 15: in
        (timedelta(days=15) + DAY_END, True),
        (timedelta(days=15) + NEXT_DAY, False),  # day 16: out
        (timedelta(days=16), False),
    ],
)
def test_report_window(claim_type: ClaimType, elapsed: timedelta, eligible: bool) -> None:
    result = check(make_order(), claim_type, DELIVERED + elapsed, has_photo=True)
    assert result.eligible is eligible
    assert "DMG-3.1" in result.clauses
    if not eligible:
        assert result.reasons == (Reason.REPORT_WINDOW_PASSED,)


def test_missing_photo_asks_for_evidence() -> None:
    result = check(make_order(), ClaimType.DAMAGED, DELIVERED + DAY, has_photo=False)
    assert not result.eligible
    assert not result.needs_human
    assert result.remedy is Remedy.NONE
    assert result.reasons == (Reason.NO_PHOTO,)
    assert result.clauses == ("DMG-3.1",)
    assert "photo" in result.explanation


@pytest.mark.parametrize(
    ("items", "skus", "remedy", "amount"),
    [
        ((item("25.00"),), (), Remedy.REFUND, "25.00"),
        ((item("25.01"),), (), Remedy.RETURN_THEN_REFUND, "25.01"),
        ((item("12.50", quantity=2),), (), Remedy.REFUND, "25.00"),
        # only the affected items count towards the $25
        ((item("20.00", sku="A"), item("80.00", sku="B")), ("A",), Remedy.REFUND, "20.00"),
        ((item("20.00", sku="A"), item("5.01", sku="B")), (), Remedy.RETURN_THEN_REFUND, "25.01"),
    ],
)
def test_refund_without_return_up_to_25(
    items: tuple[OrderItem, ...], skus: tuple[str, ...], remedy: Remedy, amount: str
) -> None:
    order = make_order(OrderStatus.DELIVERED, *items)
    result = check(order, ClaimType.DEFECTIVE, DELIVERED + DAY, has_photo=True, skus=skus)
    assert result.eligible
    assert result.remedy is remedy
    assert result.amount == Decimal(amount)
    clause = "DMG-3.2" if remedy is Remedy.REFUND else "DMG-3.3"
    assert clause in result.clauses
    assert "REF-5.1" in result.clauses


@pytest.mark.parametrize(
    ("price", "prefers", "stock", "remedy", "reasons"),
    [
        ("60.00", True, True, Remedy.REPLACEMENT, ()),
        ("60.00", True, False, Remedy.RETURN_THEN_REFUND, (Reason.NO_STOCK_FOR_REPLACEMENT,)),
        ("60.00", False, True, Remedy.RETURN_THEN_REFUND, ()),
        ("20.00", True, True, Remedy.REFUND, ()),  # 3.2 applies below $25
    ],
)
def test_replacement_only_if_preferred_and_in_stock(
    price: str, prefers: bool, stock: bool, remedy: Remedy, reasons: tuple[Reason, ...]
) -> None:
    order = make_order(OrderStatus.DELIVERED, item(price))
    result = check(
        order,
        ClaimType.WRONG_ITEM,
        DELIVERED + DAY,
        has_photo=True,
        prefers_replacement=prefers,
        seller_has_stock=stock,
    )
    assert result.eligible
    assert result.remedy is remedy
    assert result.reasons == reasons
    assert ("REF-5.1" in result.clauses) is (remedy is not Remedy.REPLACEMENT)


def test_damage_checker_refuses_other_claim_types() -> None:
    with pytest.raises(ValueError, match="check_damaged_or_wrong"):
        check_damaged_or_wrong(make_order(), Claim(ClaimType.CANCEL), DELIVERED)


def test_unknown_sku_is_an_error() -> None:
    with pytest.raises(ValueError, match="NOPE"):
        check(make_order(), ClaimType.DAMAGED, DELIVERED + DAY, has_photo=True, skus=("NOPE",))


# --- section 4: not received, late delivery ----------------------------------------------------


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


# --- section 1: cancellation -------------------------------------------------------------------


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


# --- settled orders ----------------------------------------------------------------------------


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


# --- section 6: automation limits and review ---------------------------------------------------


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


# --- cross-cutting: REF-5.1, currency, datetimes, money types ----------------------------------


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
