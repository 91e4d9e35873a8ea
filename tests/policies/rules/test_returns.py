"""Section 2, change-of-mind returns: windows, exclusions, the flat return shipping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from policies.types import (
    Category,
    ClaimType,
    OrderStatus,
    Reason,
    Remedy,
)
from tests.policies.rules.factories import (
    DAY,
    DAY_END,
    DELIVERED,
    NEXT_DAY,
    PLACED,
    check,
    item,
    make_order,
)


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
    # Still covered if damaged or wrong, within 15 days: DMG-3.4, said and cited (dev16 x56).
    assert "DMG-3.4" in result.clauses and "15 days" in result.explanation


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


def test_opened_beauty_refusal_cites_what_counts_as_opened() -> None:
    """ "swatched it once, can I return it?": the refusal names RET-2.7 (swatched = opened)."""
    order = make_order(OrderStatus.DELIVERED, item("16.00", Category.BEAUTY))
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY, opened=True)
    assert {"RET-2.2", "RET-2.7"} <= set(result.clauses)


def test_sealed_beauty_return_says_why_it_is_returnable() -> None:
    """ "still in its shrink wrap, may I return it?": the grant says unopened beauty follows the
    normal 30-day window (RET-2.2, RET-2.7), not only the refund."""
    order = make_order(OrderStatus.DELIVERED, item("32.00", Category.BEAUTY))
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY, opened=False)
    assert result.eligible
    assert {"RET-2.1", "RET-2.2", "RET-2.7"} <= set(result.clauses)
    assert "30-day" in result.explanation


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


def test_an_item_said_to_be_worn_or_without_tags_is_not_returned() -> None:
    """ "the tags are off, can I still return it?": RET-2.3 takes back unused items with their
    tags and packaging; the buyer's own word refuses the return (no deduction to compute)."""
    order = make_order(OrderStatus.DELIVERED, item("65.00", Category.APPAREL))
    result = check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY, not_as_new=True)
    assert not result.eligible and result.reasons == (Reason.NOT_AS_NEW,)
    assert {"RET-2.1", "RET-2.3"} <= set(result.clauses)
    assert check(order, ClaimType.CHANGE_OF_MIND_RETURN, DELIVERED + DAY).eligible
