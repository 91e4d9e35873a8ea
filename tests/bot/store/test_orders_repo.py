from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.store.models import ActionRow, ActionType, BuyerRow, OrderRow, SellerRow
from bot.store.orders import BuyerChangeRefused, OrderRepository, fingerprint
from policies.types import (
    BuyerHistory,
    Category,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def make_order(order_id: str = "A1001", **changes) -> Order:
    order = Order(
        order_id=order_id,
        buyer_id="B17",
        seller_id="S3",
        status=OrderStatus.SHIPPED,
        currency="USD",
        items=(
            OrderItem("SKU-1", "Wireless earbuds", Category.ELECTRONICS, Decimal("39.99"), 1),
            OrderItem("SKU-2", "Phone case", Category.ELECTRONICS, Decimal("9.50"), 2),
        ),
        placed_at=datetime(2026, 11, 1, 10, 0, tzinfo=UTC),
        shipped_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        promised_delivery_by=datetime(2026, 11, 8, tzinfo=UTC),
        carrier="SPX",
        tracking_number="SPX0123456789SG",
        payment_method=PaymentMethod.CARD,
    )
    return replace(order, **changes)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def orders(db, clock) -> OrderRepository:
    return OrderRepository(db.sessions, clock=clock)


def _row(db, order_id: str = "A1001") -> OrderRow:
    with db.sessions() as session:
        return session.get(OrderRow, order_id)


def test_create_stores_the_order_and_its_buyer_and_seller(db, orders):
    order = make_order()

    stored, created, changed, _ = orders.upsert(order)

    assert (created, changed) == (True, True)
    assert stored == order
    assert orders.get("A1001") == order
    with db.sessions() as session:
        assert session.get(BuyerRow, "B17") is not None
        assert session.get(SellerRow, "S3") is not None
    row = _row(db)
    assert row.created_at == row.updated_at == NOW
    assert row.payload_hash == fingerprint(order)


def test_replay_changes_nothing(db, orders, clock):
    orders.upsert(make_order())
    clock.now = NOW + timedelta(minutes=5)

    stored, created, changed, _ = orders.upsert(make_order())

    assert (created, changed) == (False, False)
    assert stored == make_order()
    assert _row(db).updated_at == NOW
    with db.sessions() as session:
        assert len(session.scalars(select(OrderRow)).all()) == 1


def test_replace_updates_fields_and_items(db, orders, clock):
    orders.upsert(make_order())
    clock.now = later = NOW + timedelta(days=1)
    delivered = make_order(
        status=OrderStatus.DELIVERED,
        delivered_at=datetime(2026, 11, 7, 15, 0, tzinfo=UTC),
        items=(OrderItem("SKU-2", "Phone case", Category.ELECTRONICS, Decimal("9.50"), 3),),
    )

    stored, created, changed, _ = orders.upsert(delivered)

    assert (created, changed) == (False, True)
    assert stored == delivered == orders.get("A1001")
    row = _row(db)
    assert (row.created_at, row.updated_at) == (NOW, later)


def test_items_keep_their_order(orders):
    items = tuple(
        OrderItem(f"SKU-{n}", f"Item {n}", Category.BOOKS, Decimal("1.00"), 1) for n in (3, 1, 2)
    )
    orders.upsert(make_order(items=items))
    assert [item.sku for item in orders.get("A1001").items] == ["SKU-3", "SKU-1", "SKU-2"]


def test_buyer_change_is_refused_and_the_order_kept(orders):
    orders.upsert(make_order())

    with pytest.raises(BuyerChangeRefused, match="B17"):
        orders.upsert(make_order(buyer_id="B99", status=OrderStatus.CANCELLED))

    assert orders.get("A1001") == make_order()


def test_seller_may_change(orders):
    orders.upsert(make_order())
    assert orders.upsert(make_order(seller_id="S4"))[2] is True
    assert orders.get("A1001").seller_id == "S4"


def test_times_come_back_aware_in_utc_and_money_as_decimal(orders):
    plus8 = timezone(timedelta(hours=8))
    order = make_order(
        placed_at=datetime(2026, 11, 1, 18, 0, tzinfo=plus8),
        refunded_amount=Decimal("5"),
        refunded_at=datetime(2026, 11, 3, 8, 0, 0, 123456, tzinfo=plus8),
    )

    stored, _, _, _ = orders.upsert(order)

    assert stored == order
    assert stored.placed_at.tzinfo is UTC
    assert stored.placed_at == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    assert stored.refunded_at.microsecond == 123456
    assert stored.refunded_amount == Decimal("5.00")
    assert stored.items[0].unit_price == Decimal("39.99")
    # The same order, written differently, is a replay.
    assert orders.upsert(replace(order, refunded_amount=Decimal("5.00")))[2] is False


def test_fingerprint_ignores_representation_but_not_content():
    order = make_order()
    same = make_order(placed_at=order.placed_at.astimezone(timezone(timedelta(hours=-5))))
    assert fingerprint(same) == fingerprint(order)
    assert fingerprint(make_order(carrier="DHL")) != fingerprint(order)


def test_reads_for_a_buyer(orders):
    orders.upsert(make_order("A1", placed_at=NOW - timedelta(days=3)))
    orders.upsert(make_order("A2", placed_at=NOW - timedelta(days=1)))
    orders.upsert(make_order("A3", buyer_id="B99"))

    assert orders.get_for_buyer("A1", "B17").order_id == "A1"
    assert orders.get_for_buyer("A3", "B17") is None
    assert orders.get_for_buyer("nope", "B17") is None
    assert orders.get("nope") is None
    assert [o.order_id for o in orders.list_for_buyer("B17")] == ["A2", "A1"]
    assert orders.list_for_buyer("nobody") == []


def _push(orders, order_id: str, placed_ago: timedelta, **changes) -> Order:
    order = make_order(
        order_id,
        placed_at=NOW - placed_ago,
        shipped_at=None,
        promised_delivery_by=None,
        **changes,
    )
    orders.upsert(order)
    return order


def test_history_counts_at_the_window_boundaries(orders):
    day, µs = timedelta(days=1), timedelta(microseconds=1)
    refunded = {"status": OrderStatus.REFUNDED, "refunded_amount": Decimal("10.00")}
    # 365-day window on placed_at, both ends inclusive.
    _push(orders, "P-365", 365 * day)
    _push(orders, "P-365-1us", 365 * day + µs)
    _push(orders, "P-now", 0 * day)
    _push(orders, "P-future", -µs)
    # 90-day window on refunded_at, both ends inclusive.
    _push(orders, "R-90", 100 * day, refunded_at=NOW - 90 * day, **refunded)
    _push(orders, "R-90-1us", 100 * day, refunded_at=NOW - 90 * day - µs, **refunded)
    _push(orders, "R-now", 10 * day, refunded_at=NOW, **refunded)
    # A partial refund counts as refunded; so does a refunded status.
    _push(
        orders, "R-partial", 200 * day, refunded_at=NOW - 150 * day, refunded_amount=Decimal("1.00")
    )
    _push(orders, "R-status", 5 * day, status=OrderStatus.REFUNDED, refunded_at=NOW - day)
    # Someone else's refunds never count.
    _push(orders, "X-other", day, buyer_id="B99", refunded_at=NOW, **refunded)

    history = orders.history("B17", NOW)

    assert history == BuyerHistory(
        refunds_last_90_days=3,  # R-90, R-now, R-status
        orders_last_365_days=7,  # all but P-365-1us and P-future
        refunded_orders_last_365_days=5,  # R-90, R-90-1us, R-now, R-partial, R-status
    )
    assert history == BuyerHistory.from_orders(orders.list_for_buyer("B17"), NOW)


def test_history_of_an_unknown_buyer_is_empty(orders):
    assert orders.history("nobody", NOW) == BuyerHistory(0, 0, 0)


def test_history_refuses_a_naive_now(orders):
    with pytest.raises(ValueError, match="timezone-aware"):
        orders.history("B17", NOW.replace(tzinfo=None))


def _action(order_id: str, key: str, type_: ActionType = ActionType.VOUCHER) -> ActionRow:
    return ActionRow(
        order_id=order_id,
        type=type_,
        amount=Decimal("4.00"),
        currency="USD",
        status="approved",
        idempotency_key=key,
        actor="bot",
    )


def test_a_voucher_is_given_once_per_order(db, orders):
    orders.upsert(make_order("A1"))
    orders.upsert(make_order("A2"))
    with db.sessions.begin() as session:
        session.add_all(
            [
                _action("A1", "voucher-A1"),
                _action("A2", "voucher-A2"),
                _action("A1", "refund-A1", ActionType.REFUND),
                _action("A1", "refund-A1-again", ActionType.REFUND),
            ]
        )

    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.add(_action("A1", "voucher-A1-second"))


def test_an_idempotency_key_is_used_once(db, orders):
    orders.upsert(make_order("A1"))
    orders.upsert(make_order("A2"))
    with db.sessions.begin() as session:
        session.add(_action("A1", "turn-42", ActionType.REFUND))

    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.add(_action("A2", "turn-42", ActionType.CANCEL))


def test_concurrent_first_pushes_create_one_order(db, orders):
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: orders.upsert(make_order()), range(8)))

    assert sum(result.created for result in results) == 1
    assert all(result.order == make_order() for result in results)
