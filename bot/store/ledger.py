"""The money ledger: every remedy given on an order, and the invariants no remedy may break.

A remedy (cancel, refund, return, replacement, voucher) is a row of ``actions`` naming the
order, the items it covers and the amount. Rows are only added, and only by
`record_remedy_in`, which takes the order's lock and checks, in the same transaction as the
insert:

- money back (cancel, refund, return) never exceeds the order's total, counting the larger of
  the platform's own refunded figure and what the ledger already committed;
- an item is cancelled, refunded, returned or replaced at most its ordered quantity;
- an order is cancelled once and gets one late-delivery voucher (INR-4.3); both are also
  unique indexes, so they hold even against a writer that skipped the check;
- one idempotency key moves money once: a retry finds the first row and moves nothing.

The order's lock is ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write transactions take
the database's write lock at BEGIN (`bot.store.db.write_session`), which serialises them all.
Locks are taken conversation first (the turn), then order, then buyer, everywhere, so two
writers never wait on each other in opposite orders.

Money proposals (a remedy the buyer was asked to confirm) live here too: at most one is open
per order across all conversations (a partial unique index), and each has an expiry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store.cases import ActionRecord, CaseStatus, action_record
from bot.store.db import StoreError
from bot.store.models import (
    ActionRow,
    ActionType,
    BuyerRow,
    CaseRow,
    OrderRow,
    ProposalRow,
    ProposalStatus,
    new_id,
)
from common.errors import Conflict
from policies.types import to_cents

# Money back to the buyer: now (cancel, refund) or once the item is back (return).
MONEY_BACK = frozenset({ActionType.CANCEL, ActionType.REFUND, ActionType.RETURN})
PAID_NOW = frozenset({ActionType.CANCEL, ActionType.REFUND})
# Remedies that settle items: each unit of an item is settled at most once.
SETTLES_ITEMS = frozenset(
    {ActionType.CANCEL, ActionType.REFUND, ActionType.RETURN, ActionType.REPLACEMENT}
)
_ZERO = Decimal("0.00")

ItemQuantities = tuple[tuple[str, int], ...]


class LedgerRefused(StoreError, Conflict):
    """The remedy would break one of the ledger's invariants; nothing was written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LedgerTotals:
    """What an order's ledger adds up to."""

    paid: Decimal = _ZERO  # cancelled or refunded: money already on its way back
    paid_at: datetime | None = None  # the latest such remedy
    committed: Decimal = _ZERO  # paid plus returns whose refund follows receipt
    refunded_by_refund: Decimal = _ZERO  # refunds alone (a full one makes the order refunded)
    cancelled: bool = False
    voucher_given: bool = False
    remedied: ItemQuantities = ()  # (sku, quantity) settled by some remedy

    @classmethod
    def of(cls, actions: Iterable[ActionRow]) -> LedgerTotals:
        paid = committed = refunds = _ZERO
        paid_at: datetime | None = None
        cancelled = voucher = False
        settled: Counter[str] = Counter()
        for action in actions:
            if action.type in MONEY_BACK:
                committed += action.amount
            if action.type in PAID_NOW:
                paid += action.amount
                if action.amount > 0 and (paid_at is None or action.created_at > paid_at):
                    paid_at = action.created_at
            if action.type is ActionType.REFUND:
                refunds += action.amount
            cancelled = cancelled or action.type is ActionType.CANCEL
            voucher = voucher or action.type is ActionType.VOUCHER
            if action.type in SETTLES_ITEMS:
                for item in action.items or ():
                    settled[str(item["sku"])] += int(item["quantity"])
        return cls(
            paid=to_cents(paid),
            paid_at=paid_at,
            committed=to_cents(committed),
            refunded_by_refund=to_cents(refunds),
            cancelled=cancelled,
            voucher_given=voucher,
            remedied=tuple(sorted(settled.items())),
        )


def lock_order_in(session: Session, order_id: str) -> OrderRow | None:
    """The order row, locked until the transaction ends and read afresh (with its ledger):
    whatever another transaction committed before the lock was granted is seen."""
    return session.scalar(
        select(OrderRow)
        .where(OrderRow.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_order_only_in(session: Session, order_id: str) -> None:
    """Take the order's lock without reading the order: for a caller that reads it (or needs
    nothing of it) after the lock is granted (issue 17: its lines and ledger are not loaded
    twice)."""
    session.execute(select(OrderRow.id).where(OrderRow.id == order_id).with_for_update())


def lock_buyer_in(session: Session, buyer_id: str) -> None:
    """Take the buyer's lock: remedies on several orders of one buyer then run one at a time, so
    each sees the refunds the others made (REV-6.2's history). Taken after the order's lock."""
    session.execute(select(BuyerRow.id).where(BuyerRow.id == buyer_id).with_for_update())


def action_by_key_in(session: Session, idempotency_key: str) -> ActionRecord | None:
    row = session.scalar(select(ActionRow).where(ActionRow.idempotency_key == idempotency_key))
    return None if row is None else action_record(row)


def record_remedy_in(
    session: Session,
    *,
    case_id: str | None,
    order_id: str,
    type: ActionType,
    amount: Decimal,
    currency: str,
    items: Sequence[tuple[str, int]],
    idempotency_key: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    status: str = "approved",
    responsible_party: str | None = None,
) -> tuple[ActionRecord, bool]:
    """Write one remedy to the ledger unless its key already did; returns ``(action,
    created)``. ``created`` is False for a retry (the first action comes back, no money moves).

    ``responsible_party`` is who bears the cost (seller, carrier, platform, buyer; None: not
    attributed), the column the per-party statements add up.

    Raises `LedgerRefused` when the remedy would break an invariant (see the module docstring),
    and LookupError when the order does not exist.
    """
    amount = to_cents(amount)
    order = lock_order_in(session, order_id)
    if order is None:
        raise LookupError(f"no order {order_id}")
    done = action_by_key_in(session, idempotency_key)
    if done is not None:
        return done, False
    _check(order, type, amount, currency, items)

    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ActionRow.__table__
    values = {
        "id": new_id(),
        "case_id": case_id,
        "order_id": order_id,
        "type": type.value,
        "amount": amount,
        "currency": currency,
        "status": status,
        "idempotency_key": idempotency_key,
        "actor": actor,
        "reason": reason,
        "responsible_party": responsible_party,
        "items": [{"sku": sku, "quantity": quantity} for sku, quantity in items],
        "created_at": now,
    }
    # The unique indexes (key, one cancel, one voucher) back the checks above: ON CONFLICT DO
    # NOTHING with RETURNING says whether this statement inserted.
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    created = session.execute(statement).scalar() is not None
    session.expire(order, ["actions"])
    row = session.scalar(select(ActionRow).where(ActionRow.idempotency_key == idempotency_key))
    if row is None:  # pragma: no cover - only a writer that bypassed the lock gets here
        raise LedgerRefused("conflict", f"order {order_id} already has a {type.value}")
    return action_record(row), created


def _check(
    order: OrderRow,
    type: ActionType,
    amount: Decimal,
    currency: str,
    items: Sequence[tuple[str, int]],
) -> None:
    totals = LedgerTotals.of(order.actions)
    if currency != order.currency:
        raise LedgerRefused(
            "wrong_currency", f"order {order.id} is in {order.currency}, not {currency}"
        )
    if amount < 0:
        raise LedgerRefused("negative_amount", "a remedy's amount cannot be negative")
    total = to_cents(sum((i.unit_price * i.quantity for i in order.items), _ZERO))
    if type in MONEY_BACK:
        spent = max(to_cents(order.refunded_amount), totals.committed)
        if spent + amount > total:
            left = max(total - spent, _ZERO)
            raise LedgerRefused(
                "over_order_total",
                f"{type.value} of {amount} {currency} is more than the {left} {currency} left to "
                f"refund on order {order.id} (total {total}, already refunded or promised "
                f"{spent})",
            )
    if type is ActionType.CANCEL and totals.cancelled:
        raise LedgerRefused("already_cancelled", f"order {order.id} was already cancelled")
    if type is ActionType.VOUCHER and totals.voucher_given:
        raise LedgerRefused(
            "voucher_already_given",
            f"a late-delivery voucher was already issued for order {order.id} (once per order)",
        )
    ordered = {i.sku: i.quantity for i in order.items}
    settled = dict(totals.remedied)
    for sku, quantity in items:
        if sku not in ordered:
            raise LedgerRefused("unknown_item", f"order {order.id} has no item {sku}")
        if quantity < 1:
            raise LedgerRefused("bad_quantity", f"quantity of {sku} must be at least 1")
        if type in SETTLES_ITEMS and settled.get(sku, 0) + quantity > ordered[sku]:
            raise LedgerRefused(
                "item_already_remedied",
                f"{sku} on order {order.id}: {settled.get(sku, 0)} of {ordered[sku]} already "
                f"refunded, returned or replaced; {quantity} more is too many",
            )


# --- money proposals --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRecord:
    proposal_id: str
    order_id: str
    case_id: str
    conversation_id: str | None
    type: ActionType
    amount: Decimal
    currency: str
    items: ItemQuantities
    status: ProposalStatus
    expires_at: datetime


def _proposal(row: ProposalRow) -> ProposalRecord:
    return ProposalRecord(
        row.id,
        row.order_id,
        row.case_id,
        row.conversation_id,
        row.type,
        row.amount,
        row.currency,
        tuple((str(i["sku"]), int(i["quantity"])) for i in row.items or ()),
        row.status,
        row.expires_at,
    )


def open_proposal_in(
    session: Session,
    *,
    proposal_id: str,
    order_id: str,
    case_id: str,
    conversation_id: str | None,
    type: ActionType,
    amount: Decimal,
    currency: str,
    items: Sequence[tuple[str, int]],
    now: datetime,
    ttl: timedelta,
) -> list[str]:
    """Open a proposal on the order; an open one from another conversation is superseded (the
    buyer's latest request wins, and the older chat's "yes" is checked again). Returns the
    case ids of the proposals it superseded (their cases are declined)."""
    lock_order_only_in(session, order_id)
    superseded = list(
        session.scalars(
            select(ProposalRow.case_id).where(
                ProposalRow.order_id == order_id, ProposalRow.status == ProposalStatus.OPEN
            )
        )
    )
    if superseded:
        session.execute(
            update(ProposalRow)
            .where(ProposalRow.order_id == order_id, ProposalRow.status == ProposalStatus.OPEN)
            .values(status=ProposalStatus.SUPERSEDED, updated_at=now)
        )
        session.execute(
            update(CaseRow)
            .where(CaseRow.id.in_(superseded), CaseRow.status == CaseStatus.BOT)
            .values(status=CaseStatus.DECLINED, updated_at=now)
        )
    session.add(
        ProposalRow(
            id=proposal_id,
            order_id=order_id,
            case_id=case_id,
            conversation_id=conversation_id,
            type=type,
            amount=to_cents(amount),
            currency=currency,
            items=[{"sku": sku, "quantity": quantity} for sku, quantity in items],
            status=ProposalStatus.OPEN,
            expires_at=now + ttl,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    return superseded


def proposal_in(session: Session, proposal_id: str) -> ProposalRecord | None:
    row = session.get(ProposalRow, proposal_id, populate_existing=True)
    return None if row is None else _proposal(row)


def close_proposal_in(
    session: Session, proposal_id: str, status: ProposalStatus, now: datetime
) -> None:
    """Close the proposal if it is still open (a superseded one keeps its status)."""
    session.execute(
        update(ProposalRow)
        .where(ProposalRow.id == proposal_id, ProposalRow.status == ProposalStatus.OPEN)
        .values(status=status, updated_at=now)
    )


def proposals_of_order_in(session: Session, order_id: str) -> list[dict[str, Any]]:
    """Every proposal on the order, oldest first (for tests and the agent's view)."""
    rows = session.scalars(
        select(ProposalRow).where(ProposalRow.order_id == order_id).order_by(ProposalRow.created_at)
    )
    return [
        {"proposal_id": r.id, "status": r.status.value, "type": r.type.value, "amount": r.amount}
        for r in rows
    ]
