"""Orders pushed by the commerce platform: stored, replaced, read back as `policies.types.Order`.

`_to_order` and `_write_order` are the one place where rows and domain orders meet.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import StoreError, utcnow, write_session
from bot.store.ledger import LedgerTotals
from bot.store.models import BuyerRow, OrderItemRow, OrderRow, SellerRow
from common.errors import InvalidInput
from policies.types import (
    BuyerHistory,
    Order,
    OrderItem,
    OrderStatus,
    require_aware,
    to_cents,
)


class BuyerChangeRefused(StoreError, InvalidInput):
    """An existing order was pushed again with a different buyer."""

    def __init__(self, order_id: str, stored_buyer_id: str, new_buyer_id: str) -> None:
        super().__init__(
            f"buyer_id: order {order_id} belongs to buyer {stored_buyer_id}; an order cannot "
            f"move to another buyer ({new_buyer_id}). Push the order with its original buyer_id.",
            field="buyer_id",
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
    """The order as the rules see it: the platform's figures with the bot's ledger beside them.

    The platform's refunded amount is taken to include the bot's refunds once it has processed
    them, so the larger of the two counts (never their sum); a cancellation in the ledger makes
    the order cancelled whatever the platform last pushed, and refunds covering the total make
    it refunded. A push can therefore never undo money the bot moved.
    """
    ledger = LedgerTotals.of(row.actions)
    refunded_amount, refunded_at = row.refunded_amount, row.refunded_at
    if ledger.paid > refunded_amount:
        refunded_amount = ledger.paid
        refunded_at = max(filter(None, (refunded_at, ledger.paid_at)), default=None)
    items = tuple(
        OrderItem(
            sku=item.sku,
            title=item.title,
            category=item.category,
            unit_price=item.unit_price,
            quantity=item.quantity,
        )
        for item in row.items
    )
    total = to_cents(sum((item.subtotal for item in items), Decimal("0")))
    status = row.status
    if ledger.cancelled:
        status = OrderStatus.CANCELLED
    elif ledger.refunded_by_refund > 0 and refunded_amount >= total:
        status = OrderStatus.REFUNDED
    return Order(
        order_id=row.id,
        buyer_id=row.buyer_id,
        seller_id=row.seller_id,
        status=status,
        currency=row.currency,
        items=items,
        placed_at=row.placed_at,
        shipped_at=row.shipped_at,
        promised_delivery_by=row.promised_delivery_by,
        delivered_at=row.delivered_at,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        payment_method=row.payment_method,
        refunded_amount=to_cents(refunded_amount),
        refunded_at=refunded_at,
        committed_amount=ledger.committed,
        remedied=ledger.remedied,
    )


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _write_order(session: Session, row: OrderRow, order: Order) -> None:
    """The order's fields onto ``row`` as the database holds them (UTC times, cents), so the
    row reads back the same without a round trip (`OrderRepository.upsert`)."""
    row.seller_id = order.seller_id
    row.status = order.status
    row.currency = order.currency
    row.placed_at = _utc(order.placed_at)
    row.shipped_at = _utc(order.shipped_at)
    row.promised_delivery_by = _utc(order.promised_delivery_by)
    row.delivered_at = _utc(order.delivered_at)
    row.carrier = order.carrier
    row.tracking_number = order.tracking_number
    row.payment_method = order.payment_method
    row.refunded_amount = to_cents(order.refunded_amount)
    row.refunded_at = _utc(order.refunded_at)
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


class Upserted(NamedTuple):
    """What a push did: the order as stored now, and whether the push created it, changed it,
    or was older than what is stored (``stale``: acknowledged, nothing written)."""

    order: Order
    created: bool
    changed: bool
    stale: bool = False


def _is_stale(row: OrderRow, version: int | None, pushed_at: datetime | None) -> bool:
    if version is not None and row.version is not None:
        # A new state of the order comes with a higher version; the same version with other
        # content is a retry of something older than what is stored.
        return version <= row.version
    if pushed_at is not None and row.pushed_at is not None:
        return pushed_at < row.pushed_at
    return False


class OrderRepository:
    """Orders as the platform last pushed them. Every method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def upsert(
        self,
        order: Order,
        *,
        buyer_region: str | None = None,
        buyer_account_created_at: datetime | None = None,
        version: int | None = None,
        pushed_at: datetime | None = None,
    ) -> Upserted:
        """Create or replace ``order`` as the platform pushed it; see `Upserted`.

        Idempotent: pushing an order identical to the stored one (by `fingerprint`) writes
        nothing, so ``updated_at`` stays. A push older than the stored one is acknowledged and
        ignored (``stale``): its ``version`` is not above the stored version, or, without
        versions, its signed ``pushed_at`` is before the stored push's. The buyer and seller
        get rows on first sight. Raises `BuyerChangeRefused` if the order exists under another
        buyer. ``buyer_region``, when given, becomes the buyer's region (their market), and
        ``buyer_account_created_at`` when their account was opened (`BuyerFacts`).
        """
        buyer = BuyerFacts(buyer_region, buyer_account_created_at)
        try:
            return self._upsert(order, buyer, version, pushed_at)
        except IntegrityError:
            # Two first pushes of the same order raced (PostgreSQL); the loser finds the
            # winner's row on the retry and replaces or replays it.
            return self._upsert(order, buyer, version, pushed_at)

    def _upsert(
        self,
        order: Order,
        buyer_facts: BuyerFacts,
        version: int | None,
        pushed_at: datetime | None,
    ) -> Upserted:
        digest = fingerprint(order)
        with write_session(self._sessions) as session:
            row = session.scalar(
                select(OrderRow).where(OrderRow.id == order.order_id).with_for_update()
            )
            if row is not None and row.buyer_id != order.buyer_id:
                raise BuyerChangeRefused(order.order_id, row.buyer_id, order.buyer_id)
            identical = row is not None and row.payload_hash == digest
            stale = row is not None and not identical and _is_stale(row, version, pushed_at)
            # The region and account date are the buyer's, not the order's: a replayed
            # (identical) order still carries them (a store seeded before they were sent gets
            # them); a stale one not.
            if buyer_facts.any() and not stale:
                _ensure_exists(session, BuyerRow, order.buyer_id, self._clock())
                buyer = session.get(BuyerRow, order.buyer_id)
                if buyer is not None:
                    buyer_facts.apply(buyer)
            if identical:
                return Upserted(_to_order(row), created=False, changed=False)
            if stale:
                return Upserted(_to_order(row), created=False, changed=False, stale=True)

            now = self._clock()
            _ensure_exists(session, SellerRow, order.seller_id, now)
            created = row is None
            if row is None:
                _ensure_exists(session, BuyerRow, order.buyer_id, now)
                row = OrderRow(id=order.order_id, buyer_id=order.buyer_id, created_at=now)
                session.add(row)
            _write_order(session, row, order)
            row.payload_hash = digest
            if version is not None:
                row.version = version
            if pushed_at is not None:
                row.pushed_at = pushed_at
            row.updated_at = now
            session.flush()
            # No refresh: the row holds what was written as the database holds it (UTC, cents;
            # `_write_order`); reading it back cost a third of a changed push.
            return Upserted(_to_order(row), created=created, changed=True)

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
        """The buyer's refund history for REV-6.2: `BuyerHistory.from_orders` over their orders
        as the rules see them (the platform's refunds and the bot's ledger)."""
        require_aware(now, "now")
        return BuyerHistory.from_orders(self.list_for_buyer(buyer_id), now)


@dataclass(frozen=True)
class BuyerFacts:
    """What an order push may say about its buyer (the webhook's contract extensions)."""

    region: str | None = None
    account_created_at: datetime | None = None

    def any(self) -> bool:
        return self.region is not None or self.account_created_at is not None

    def apply(self, buyer: BuyerRow) -> None:
        if self.region is not None and buyer.region != self.region:
            buyer.region = self.region
        if self.account_created_at is not None:
            # The platform's latest word on when the account opened (compared as UTC: SQLite
            # hands back what it stored).
            created = self.account_created_at.astimezone(UTC)
            if buyer.account_created_at != created:
                buyer.account_created_at = created


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
    """The buyer's orders, newest first, as the turn's transaction sees them now (rows already
    loaded in the session are read again, with their ledger)."""
    rows = session.scalars(
        select(OrderRow)
        .where(OrderRow.buyer_id == buyer_id)
        .order_by(OrderRow.placed_at.desc(), OrderRow.id)
        .execution_options(populate_existing=True)
    )
    return [_to_order(row) for row in rows]
