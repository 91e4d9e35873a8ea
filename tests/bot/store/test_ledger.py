"""The ledger's invariants, on SQLite and on PostgreSQL, alone and under racing writers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from bot.store import ledger
from bot.store.case_summary import CaseSummary
from bot.store.cases import open_case_in
from bot.store.db import Database, write_session
from bot.store.ledger import LedgerRefused, record_remedy_in
from bot.store.models import ActionType, ProposalStatus
from bot.store.orders import OrderRepository
from policies.types import OrderStatus
from tests.utils.builders import NOW, item, order, seed

TWO_MUGS = order(
    "M1",
    item("Mug", "10.00", sku="MUG", quantity=2),
    item("Tray", "30.00", sku="TRAY"),
    status=OrderStatus.PENDING,
    placed=1,
    promised=-3,
)


@pytest.fixture
def store(db: Database) -> Database:
    seed(db, [TWO_MUGS])
    return db


def remedy(store, type_, amount, items=(), key=None, order_id="M1"):
    with write_session(store.sessions) as session:
        return record_remedy_in(
            session,
            case_id=None,
            order_id=order_id,
            type=ActionType(type_),
            amount=Decimal(amount),
            currency="USD",
            items=list(items),
            idempotency_key=key or f"{type_}:{amount}:{items}",
            actor="test",
            now=NOW,
        )


def get(store):
    return OrderRepository(store.sessions).get("M1")


def test_money_back_never_exceeds_the_order_total(store):
    remedy(store, "refund", "30.00", [("TRAY", 1)])
    with pytest.raises(LedgerRefused) as refused:
        remedy(store, "refund", "20.01", [("MUG", 2)])
    assert refused.value.code == "over_order_total"
    remedy(store, "refund", "20.00", [("MUG", 2)])
    assert get(store).refundable == 0 and get(store).status is OrderStatus.REFUNDED


def test_a_return_in_transit_counts_against_the_total(store):
    remedy(store, "return", "45.00", [("TRAY", 1), ("MUG", 1)])
    assert get(store).refunded_amount == 0  # nothing paid yet
    assert get(store).refundable == Decimal("5.00")
    with pytest.raises(LedgerRefused):
        remedy(store, "refund", "10.00", [("MUG", 1)])


def test_an_item_is_settled_at_most_its_quantity(store):
    remedy(store, "replacement", "10.00", [("MUG", 1)])
    remedy(store, "return", "10.00", [("MUG", 1)])
    with pytest.raises(LedgerRefused) as refused:
        remedy(store, "refund", "1.00", [("MUG", 1)])
    assert refused.value.code == "item_already_remedied"
    assert dict(get(store).remedied) == {"MUG": 2}
    assert get(store).remaining_quantity("MUG") == 0


def test_an_order_is_cancelled_once_and_gets_one_voucher(store):
    remedy(store, "cancel", "20.00", [("MUG", 2)], key="a")
    with pytest.raises(LedgerRefused):
        remedy(store, "cancel", "0.00", key="b")
    remedy(store, "voucher", "4.00", key="v1")
    with pytest.raises(LedgerRefused):
        remedy(store, "voucher", "4.00", key="v2")


def test_a_retry_with_the_same_key_returns_the_first_action(store):
    first, created = remedy(store, "refund", "10.00", [("MUG", 1)], key="k")
    again, created_again = remedy(store, "refund", "10.00", [("MUG", 1)], key="k")
    assert (created, created_again) == (True, False)
    assert again.action_id == first.action_id
    assert get(store).refunded_amount == Decimal("10.00")


def test_unknown_items_currency_and_orders_are_refused(store):
    with pytest.raises(LedgerRefused):
        remedy(store, "refund", "1.00", [("NOPE", 1)])
    with pytest.raises(LedgerRefused), write_session(store.sessions) as session:
        record_remedy_in(
            session,
            case_id=None,
            order_id="M1",
            type=ActionType.REFUND,
            amount=Decimal("1"),
            currency="EUR",
            items=[],
            idempotency_key="eur",
            actor="t",
            now=NOW,
        )
    with pytest.raises(LookupError):
        remedy(store, "refund", "1.00", order_id="NOPE")


def test_the_unique_indexes_hold_without_the_check(store):
    """A writer that skipped `record_remedy_in` still cannot cancel twice."""
    from bot.store.models import ActionRow, new_id

    def raw_cancel(key):
        with write_session(store.sessions) as session:
            session.add(
                ActionRow(
                    id=new_id(),
                    order_id="M1",
                    type=ActionType.CANCEL,
                    amount=Decimal("0"),
                    currency="USD",
                    status="approved",
                    idempotency_key=key,
                    actor="raw",
                    items=[],
                    created_at=NOW,
                )
            )

    raw_cancel("one")
    with pytest.raises(IntegrityError):
        raw_cancel("two")


def test_pushes_never_roll_back_the_ledger(store):
    remedy(store, "cancel", "50.00", [("MUG", 2), ("TRAY", 1)])
    # The platform pushes the order as it was before the cancellation, then a later state that
    # does not show the bot's refund yet.
    repo = OrderRepository(store.sessions)
    repo.upsert(replace(TWO_MUGS, tracking_number="T1"))
    stored = repo.get("M1")
    assert stored.status is OrderStatus.CANCELLED
    assert stored.refunded_amount == Decimal("50.00") and stored.refundable == 0
    # Once the platform reports the refund itself, it is not counted twice.
    repo.upsert(replace(TWO_MUGS, refunded_amount=Decimal("50.00"), refunded_at=NOW))
    assert repo.get("M1").refunded_amount == Decimal("50.00")


def test_older_pushes_are_acknowledged_and_ignored(store):
    repo = OrderRepository(store.sessions)
    shipped = replace(TWO_MUGS, status=OrderStatus.SHIPPED, shipped_at=NOW, carrier="SPX")
    assert repo.upsert(shipped, version=5).changed
    result = repo.upsert(TWO_MUGS, version=4)
    assert result.stale and not result.changed
    assert repo.get("M1").status is OrderStatus.SHIPPED
    # Without versions, the signed push time orders them.
    later = NOW + timedelta(minutes=5)
    repo.upsert(replace(shipped, carrier="J&T"), version=6, pushed_at=later)
    assert repo.upsert(replace(shipped, carrier="X"), pushed_at=later - timedelta(seconds=1)).stale
    assert repo.get("M1").carrier == "J&T"


def test_one_open_proposal_per_order_and_a_newer_one_supersedes(store):
    def propose(proposal_id):
        with write_session(store.sessions) as session:
            case_id = open_case_in(
                session,
                conversation_id=None,
                buyer_id="B17",
                order_id="M1",
                intent="cancel_order",
                status="bot",
                priority=0,
                summary=CaseSummary(),
                now=NOW,
            )
            ledger.open_proposal_in(
                session,
                proposal_id=proposal_id,
                order_id="M1",
                case_id=case_id,
                conversation_id=None,
                type=ActionType.CANCEL,
                amount=Decimal("40"),
                currency="USD",
                items=[("MUG", 2)],
                now=NOW,
                ttl=timedelta(minutes=30),
            )

    propose("11111111-1111-1111-1111-111111111111")
    propose("22222222-2222-2222-2222-222222222222")
    with store.sessions() as session:
        statuses = [p["status"] for p in ledger.proposals_of_order_in(session, "M1")]
        first = ledger.proposal_in(session, "11111111-1111-1111-1111-111111111111")
    assert statuses == ["superseded", "open"]
    assert first is not None and first.status is ProposalStatus.SUPERSEDED


def test_racing_refunds_with_different_keys_stay_within_the_total(store):
    """Eight writers, each with its own engine (its own "process"), race $15 refunds on a $50
    order: exactly three fit; the order lock makes each see the others' rows."""
    engines = [Database(store.url) for _ in range(8)]

    def attempt(i):
        try:
            with write_session(engines[i].sessions) as session:
                record_remedy_in(
                    session,
                    case_id=None,
                    order_id="M1",
                    type=ActionType.REFUND,
                    amount=Decimal("15.00"),
                    currency="USD",
                    items=[],
                    idempotency_key=f"race-{i}",
                    actor="t",
                    now=NOW,
                )
            return True
        except LedgerRefused:
            return False

    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(attempt, range(8)))
    finally:
        for engine in engines:
            engine.dispose()
    assert sum(results) == 3
    assert get(store).refunded_amount == Decimal("45.00")
