"""Section 3, damaged, defective, wrong or not-as-described items."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from policies.rules import check_damaged_or_wrong
from policies.types import (
    Claim,
    ClaimType,
    OrderItem,
    OrderStatus,
    Reason,
    Remedy,
)
from tests.policies.rules.factories import (
    DAY,
    DAY_END,
    DELIVERED,
    NEXT_DAY,
    check,
    item,
    make_order,
)


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
        # A fault found late may still be under warranty (DMG-3.8, dev9 m24); a wrong or
        # not-as-described item is no fault.
        fault = claim_type in (ClaimType.DAMAGED, ClaimType.DEFECTIVE)
        assert ("DMG-3.8" in result.clauses) is fault
        assert ("warranty" in result.explanation) is fault


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
    # REF-5.6: some items of a several-item order are refunded alone (dev7 j46, j54).
    assert ("REF-5.6" in result.clauses) == (len(items) > 1 and bool(skus))


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


def test_a_refund_to_the_wallet_cites_the_wallet_rule() -> None:
    """Paid cash on delivery: the refund goes to the wallet, and REF-5.4 says why."""
    from policies.types import PaymentMethod

    cod = make_order(OrderStatus.DELIVERED, item("18.00"), payment_method=PaymentMethod.COD)
    result = check(cod, ClaimType.DAMAGED, DELIVERED + DAY, has_photo=True)
    assert result.remedy is Remedy.REFUND
    assert {"REF-5.1", "REF-5.4"} <= set(result.clauses)
    card = make_order(OrderStatus.DELIVERED, item("18.00"))
    assert "REF-5.4" not in check(card, ClaimType.DAMAGED, DELIVERED + DAY, has_photo=True).clauses


def test_a_replacement_cites_the_replacement_rule() -> None:
    """ "can you send me a new one instead?": the replacement is DMG-3.6's."""
    order = make_order(OrderStatus.DELIVERED, item("48.00"))
    result = check(
        order, ClaimType.DAMAGED, DELIVERED + DAY, has_photo=True, prefers_replacement=True
    )
    assert result.remedy is Remedy.REPLACEMENT
    assert "DMG-3.6" in result.clauses


@pytest.mark.parametrize("prefers", [True, False])
def test_a_replacement_asked_for_at_25_or_less_is_refunded_and_says_why(prefers: bool) -> None:
    """DMG-3.2 offers no replacement (dev5 g31: "Pwede ba palitan instead of refund?" got a
    refund without a word about the replacement asked for); DMG-3.6 says why."""
    order = make_order(OrderStatus.DELIVERED, item("18.00"))
    result = check(
        order, ClaimType.WRONG_ITEM, DELIVERED + DAY, has_photo=True, prefers_replacement=prefers
    )
    assert result.remedy is Remedy.REFUND and result.amount == Decimal("18.00")
    assert ("DMG-3.6" in result.clauses) is prefers
    assert ("only sent for items worth more than $25.00" in result.explanation) is prefers


@pytest.mark.parametrize(
    ("units", "remedy", "amount", "partial"),
    [
        (1, Remedy.REFUND, "18.50", True),  # one of two: 18.50, under the $25 (dev9 m23)
        (None, Remedy.RETURN_THEN_REFUND, "37.00", False),  # both: 37.00, a free return
        (5, Remedy.RETURN_THEN_REFUND, "37.00", False),  # more than ordered: every unit
    ],
)
def test_some_units_of_an_item_are_refunded_alone(
    units: int | None, remedy: Remedy, amount: str, partial: bool
) -> None:
    order = make_order(OrderStatus.DELIVERED, item("18.50", quantity=2))
    result = check(order, ClaimType.DAMAGED, DELIVERED + DAY, has_photo=True, units=units)
    assert (result.remedy, result.amount) == (remedy, Decimal(amount))
    assert ("REF-5.6" in result.clauses) == partial
    assert sum(quantity for _, quantity in result.items) == (units if partial else 2)
