"""Responsibility attribution (spec section 7): one party per claim, with the facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from policies.attribution import Attribution, Party, attribute
from policies.types import Category, Claim, ClaimType, Order, OrderItem, OrderStatus

PLACED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
PROMISED = datetime(2026, 11, 8, 0, 0, tzinfo=UTC)
DELIVERED = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


def make_order(
    status: OrderStatus = OrderStatus.DELIVERED,
    *,
    shipped_after: timedelta | None = DAY,
    **overrides: object,
) -> Order:
    """An order at `status`, handed to the carrier `shipped_after` the order (None: never)."""
    shipped_at = None if shipped_after is None else PLACED + shipped_after
    order = Order(
        order_id="A1001",
        buyer_id="B17",
        seller_id="S3",
        status=status,
        currency="USD",
        items=(OrderItem("SKU-1", "Blender", Category.HOME, Decimal("39.99"), 1),),
        placed_at=PLACED,
        shipped_at=shipped_at,
        promised_delivery_by=PROMISED,
        delivered_at=DELIVERED if status is OrderStatus.DELIVERED else None,
        carrier="SPX",
        tracking_number="SPX0123456789SG",
    )
    return replace(order, **overrides)


def blame(order: Order, claim_type: ClaimType, now: datetime | None = None) -> Attribution:
    return attribute(order, Claim(claim_type), now or DELIVERED + DAY)


@pytest.mark.parametrize(
    "claim_type", [ClaimType.DEFECTIVE, ClaimType.WRONG_ITEM, ClaimType.NOT_AS_DESCRIBED]
)
def test_seller_answers_for_the_item_itself(claim_type: ClaimType) -> None:
    result = blame(make_order(), claim_type)  # shipped on time with tracking: still the seller
    assert result.party is Party.SELLER
    assert result.clauses == ("RESP-7.1",)
    assert result.evidence


@pytest.mark.parametrize(
    ("shipped_after", "tracking", "party", "evidence"),
    [
        (DAY, "SPX0123456789SG", Party.CARRIER, "handed to SPX (tracking SPX0123456789SG) 1 day"),
        (3 * DAY, "SPX0123456789SG", Party.CARRIER, "3 days after order (handling time 3 days)"),
        (3 * DAY + MINUTE, "SPX1", Party.SELLER, "shipped 3 days 1 minute after order"),
        (4 * DAY, "SPX1", Party.SELLER, "shipped 4 days after order (handling time 3 days)"),
        (DAY, None, Party.SELLER, "without a tracking number"),
    ],
)
def test_damaged_in_transit(
    shipped_after: timedelta, tracking: str | None, party: Party, evidence: str
) -> None:
    order = make_order(shipped_after=shipped_after, tracking_number=tracking)
    result = blame(order, ClaimType.DAMAGED)
    assert result.party is party
    expected = ("RESP-7.2",) if party is Party.CARRIER else ("RESP-7.1",)
    assert result.clauses == expected
    assert "item reported damaged in transit" in result.evidence
    assert any(evidence in fact for fact in result.evidence), result.evidence


@pytest.mark.parametrize(
    ("status", "shipped_after", "now", "party", "evidence"),
    [
        (OrderStatus.SHIPPED, DAY, PROMISED + 4 * DAY, Party.CARRIER, "handed to SPX"),
        (OrderStatus.SHIPPED, 5 * DAY, PROMISED + 4 * DAY, Party.SELLER, "shipped 5 days after"),
        (OrderStatus.PENDING, None, PLACED + 5 * DAY, Party.SELLER, "not shipped 5 days after"),
        (OrderStatus.PENDING, None, PLACED + DAY, Party.SELLER, "not shipped yet, 1 day after"),
        (OrderStatus.SHIPPED, None, PROMISED, Party.SELLER, "no shipment date is recorded"),
        (OrderStatus.DELIVERED, DAY, DELIVERED + 3 * DAY, Party.CARRIER, "carrier scanned it"),
    ],
)
def test_not_received(
    status: OrderStatus, shipped_after: timedelta | None, now: datetime, party: Party, evidence: str
) -> None:
    result = blame(make_order(status, shipped_after=shipped_after), ClaimType.NOT_RECEIVED, now)
    assert result.party is party
    assert any(evidence in fact for fact in result.evidence), result.evidence


@pytest.mark.parametrize(
    ("shipped_after", "party"),
    [(DAY, Party.CARRIER), (4 * DAY, Party.SELLER)],
)
def test_late_delivery(shipped_after: timedelta, party: Party) -> None:
    order = make_order(shipped_after=shipped_after, delivered_at=PROMISED + 4 * DAY)
    result = blame(order, ClaimType.LATE_DELIVERY, PROMISED + 5 * DAY)
    assert result.party is party
    assert "delivered 4 days after the promised date" in result.evidence


def test_buyer_answers_for_change_of_mind() -> None:
    result = blame(make_order(), ClaimType.CHANGE_OF_MIND_RETURN)
    assert result.party is Party.BUYER
    assert result.clauses == ("RESP-7.3",)


@pytest.mark.parametrize(
    ("now", "party", "clause"),
    [
        (PLACED + 3 * DAY, Party.BUYER, "RESP-7.3"),  # within handling time: buyer's choice
        (PLACED + 3 * DAY + MINUTE, Party.SELLER, "RESP-7.1"),  # seller let it sit
    ],
)
def test_cancellation(now: datetime, party: Party, clause: str) -> None:
    result = blame(make_order(OrderStatus.PENDING, shipped_after=None), ClaimType.CANCEL, now)
    assert result.party is party
    assert result.clauses == (clause,)


def test_platform_answers_for_payment_problems() -> None:
    result = blame(make_order(), ClaimType.PAYMENT_PROBLEM)
    assert result.party is Party.PLATFORM
    assert result.clauses == ("RESP-7.4",)


@pytest.mark.parametrize("claim_type", [ClaimType.DISPUTE, ClaimType.HUMAN_REQUESTED])
def test_undetermined_until_an_agent_decides(claim_type: ClaimType) -> None:
    result = blame(make_order(), claim_type)
    assert result.party is None
    assert result.clauses == ()
    assert "agent" in result.evidence[0]


def test_every_claim_type_is_attributed() -> None:
    order = make_order()
    for claim_type in ClaimType:
        result = blame(order, claim_type)
        assert result.evidence, claim_type


def test_naive_now_refused() -> None:
    with pytest.raises(ValueError, match="now"):
        attribute(make_order(), Claim(ClaimType.DAMAGED), datetime(2026, 11, 7))
