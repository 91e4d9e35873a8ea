"""Orders pushed by the commerce platform: stored, replaced, read back as `policies.types.Order`.

`_to_order` and `_write_order` are the one place where rows and domain orders meet.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import StoreError, utcnow, write_session
from bot.store.models import BuyerRow, OrderItemRow, OrderRow, SellerRow
from policies.types import (
    ORDER_LOOKBACK,
    REFUND_LOOKBACK,
    BuyerHistory,
    Order,
    OrderItem,
    OrderStatus,
    require_aware,
    to_cents,
)


class BuyerChangeRefused(StoreError):
    """An existing order was pushed again with a different buyer."""

    def __init__(self, order_id: str, stored_buyer_id: str, new_buyer_id: str) -> None:
        super().__init__(
            f"order {order_id} belongs to buyer {stored_buyer_id}; an order cannot move to "
            f"another buyer ({new_buyer_id}). Push the order with its original buyer_id."
        )
        self.order_id = order_id


def fingerprint(order: Order) -> str:
    """sha256 of the order's canonical JSON: equal orders hash equal, whatever the JSON
    formatting, key order, timezone offsets or trailing zeros they arrived with."""

    def canonical(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(to_cents(value))
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        raise TypeError(f"cannot fingerprint {type(value).__name__} {value!r}")

    document = json.dumps(asdict(order), sort_keys=True, default=canonical, separators=(",", ":"))
    return hashlib.sha256(document.encode()).hexdigest()


def _to_order(row: OrderRow) -> Order:
    return Order(
        order_id=row.id,
        buyer_id=row.buyer_id,
        seller_id=row.seller_id,
        status=row.status,
        currency=row.currency,
        items=tuple(
            OrderItem(
                sku=item.sku,
                title=item.title,
                category=item.category,
                unit_price=item.unit_price,
                quantity=item.quantity,
            )
            for item in row.items
        ),
        placed_at=row.placed_at,
        shipped_at=row.shipped_at,
        promised_delivery_by=row.promised_delivery_by,
        delivered_at=row.delivered_at,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        payment_method=row.payment_method,
        refunded_amount=row.refunded_amount,
        refunded_at=row.refunded_at,
    )


def _write_order(session: Session, row: OrderRow, order: Order) -> None:
    row.seller_id = order.seller_id
    row.status = order.status
    row.currency = order.currency
    row.placed_at = order.placed_at
    row.shipped_at = order.shipped_at
    row.promised_delivery_by = order.promised_delivery_by
    row.delivered_at = order.delivered_at
    row.carrier = order.carrier
    row.tracking_number = order.tracking_number
    row.payment_method = order.payment_method
    row.refunded_amount = to_cents(order.refunded_amount)
    row.refunded_at = order.refunded_at
    if row.items:
        # The unit of work inserts before it deletes: clear the old lines first, or the new
        # ones collide with them on (order_id, position) and (order_id, sku).
        row.items.clear()
        session.flush()
    row.items.extend(
        OrderItemRow(
            position=position,
            sku=item.sku,
            title=item.title,
            category=item.category,
            unit_price=to_cents(item.unit_price),
            quantity=item.quantity,
        )
        for position, item in enumerate(order.items)
    )


class OrderRepository:
    """Orders as the platform last pushed them. Every method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def upsert(
        self, order: Order, *, buyer_region: str | None = None
    ) -> tuple[Order, bool, bool]:
        """Create or replace ``order``; returns ``(stored order, created, changed)``.

        Idempotent: pushing an order identical to the stored one (by `fingerprint`) writes
        nothing, so ``updated_at`` stays. The buyer and seller get rows on first sight. Raises
        `BuyerChangeRefused` if the order exists under another buyer. ``buyer_region``, when
        given, becomes the buyer's region (their market; it is not part of the order).
        """
        try:
            return self._upsert(order, buyer_region)
        except IntegrityError:
            # Two first pushes of the same order raced (PostgreSQL); the loser finds the
            # winner's row on the retry and replaces or replays it.
            return self._upsert(order, buyer_region)

    def _upsert(self, order: Order, buyer_region: str | None) -> tuple[Order, bool, bool]:
        digest = fingerprint(order)
        with write_session(self._sessions) as session:
            row = session.scalar(
                select(OrderRow).where(OrderRow.id == order.order_id).with_for_update()
            )
            if row is not None and row.buyer_id != order.buyer_id:
                raise BuyerChangeRefused(order.order_id, row.buyer_id, order.buyer_id)
            if buyer_region is not None:
                _ensure_exists(session, BuyerRow, order.buyer_id, self._clock())
                buyer = session.get(BuyerRow, order.buyer_id)
                if buyer is not None and buyer.region != buyer_region:
                    buyer.region = buyer_region
            if row is not None and row.payload_hash == digest:
                return _to_order(row), False, False

            now = self._clock()
            _ensure_exists(session, SellerRow, order.seller_id, now)
            created = row is None
            if row is None:
                _ensure_exists(session, BuyerRow, order.buyer_id, now)
                row = OrderRow(id=order.order_id, buyer_id=order.buyer_id, created_at=now)
                session.add(row)
            _write_order(session, row, order)
            row.payload_hash = digest
            row.updated_at = now
            session.flush()
            # Read back what the database holds (UTC times, cents), as `get` would.
            session.refresh(row)
            return _to_order(row), created, True

    def get(self, order_id: str) -> Order | None:
        """The order, or None if it was never pushed."""
        with self._sessions() as session:
            row = session.get(OrderRow, order_id)
            return None if row is None else _to_order(row)

    def get_for_buyer(self, order_id: str, buyer_id: str) -> Order | None:
        """The order if it belongs to ``buyer_id``; None otherwise (the caller answers 404
        either way, so nobody learns that someone else's order exists)."""
        with self._sessions() as session:
            row = session.scalar(
                select(OrderRow).where(OrderRow.id == order_id, OrderRow.buyer_id == buyer_id)
            )
            return None if row is None else _to_order(row)

    def list_for_buyer(self, buyer_id: str) -> list[Order]:
        """The buyer's orders, newest first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(OrderRow)
                .where(OrderRow.buyer_id == buyer_id)
                .order_by(OrderRow.placed_at.desc(), OrderRow.id)
            )
            return [_to_order(row) for row in rows]

    def history(self, buyer_id: str, now: datetime) -> BuyerHistory:
        """The buyer's refund history for REV-6.2, counted in SQL with exactly the rules of
        `BuyerHistory.from_orders`: a refund counts in the 90-day window by ``refunded_at``, an
        order in the 365-day window by ``placed_at`` (both ends inclusive), and as refunded if
        its status is refunded or any money was refunded on it."""
        require_aware(now, "now")
        refund_in_window = OrderRow.refunded_at.between(now - REFUND_LOOKBACK, now)
        placed_in_window = OrderRow.placed_at.between(now - ORDER_LOOKBACK, now)
        was_refunded = (OrderRow.status == OrderStatus.REFUNDED) | (OrderRow.refunded_amount > 0)
        query = select(
            func.count(case((refund_in_window, 1))),
            func.count(case((placed_in_window, 1))),
            func.count(case((placed_in_window & was_refunded, 1))),
        ).where(OrderRow.buyer_id == buyer_id)
        with self._sessions() as session:
            refunds_90, orders_365, refunded_365 = session.execute(query).one()
        return BuyerHistory(refunds_90, orders_365, refunded_365)


def _ensure_exists(
    session: Session, model: type[BuyerRow] | type[SellerRow], row_id: str, now: datetime
) -> None:
    """Insert the buyer or seller row unless it exists; safe against a concurrent insert."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(id=row_id, created_at=now).on_conflict_do_nothing()
    session.execute(statement)


# --- inside a caller's transaction (the dialogue manager's turn) ------------------------------


def load_order_in(session: Session, order_id: str) -> Order | None:
    """The order as the turn's transaction sees it."""
    row = session.get(OrderRow, order_id)
    return None if row is None else _to_order(row)


def buyer_orders_in(session: Session, buyer_id: str) -> list[Order]:
    """The buyer's orders, newest first, as the turn's transaction sees them."""
    rows = session.scalars(
        select(OrderRow)
        .where(OrderRow.buyer_id == buyer_id)
        .order_by(OrderRow.placed_at.desc(), OrderRow.id)
    )
    return [_to_order(row) for row in rows]
