"""The dispute service on SQLite and PostgreSQL: racing answers from two processes' engines
change a dispute once and move money once; the timeout decides only an unanswered dispute."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from threading import Barrier

from sqlalchemy import select

from bot.disputes.machine import Move
from bot.disputes.service import DisputeDesk
from bot.store.case_summary import CaseSummary
from bot.store.cases import CaseStatus, open_case_in
from bot.store.db import Database, write_session
from bot.store.models import ActionRow, DisputeStatus
from tests.utils.builders import NOW, demo_orders, seed


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


def _case_on_d200(db: Database) -> str:
    seed(db, [o for o in demo_orders() if o.order_id == "D200"])
    with write_session(db.sessions) as session:
        return open_case_in(
            session,
            conversation_id=None,
            buyer_id="B17",
            order_id="D200",
            intent="damaged_item",
            status=CaseStatus.WAITING_FOR_AGENT,
            priority=20,
            summary=CaseSummary(intent="damaged_item", claim_type="damaged"),
            now=NOW,
        )


def test_racing_accepts_from_two_engines_move_money_once(db):
    clock = Clock()
    case_id = _case_on_d200(db)
    desk = DisputeDesk(db, clock=clock)
    opened, created = desk.open_for_case(case_id, opened_by="agent", actor="a1", reason="r")
    assert created and opened["amount"] == 45.0
    other = Database(db.url)
    try:
        desks = [desk, DisputeDesk(other, clock=clock)]
        barrier = Barrier(2)

        def accept(i: int) -> dict:
            barrier.wait()
            return desks[i].seller_move(opened["dispute_id"], "S3", Move.ACCEPT)

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(accept, range(2)))
        assert sorted(r["replayed"] for r in results) == [False, True]
        with db.sessions() as session:
            rows = session.scalars(
                select(ActionRow).where(ActionRow.idempotency_key.startswith("dispute:"))
            ).all()
        assert [(r.type.value, r.amount, r.responsible_party) for r in rows] == [
            ("refund", Decimal("45.00"), rows[0].responsible_party)
        ]
        assert rows[0].responsible_party in ("seller", "carrier")
    finally:
        other.dispose()


def test_the_timeout_decides_only_an_unanswered_dispute_when_due(db):
    clock = Clock()
    case_id = _case_on_d200(db)
    desk = DisputeDesk(db, clock=clock)
    opened, _ = desk.open_for_case(case_id, opened_by="agent", actor="a1", reason="r")
    assert desk.time_out(opened["dispute_id"]) is False  # not due
    clock.now = NOW + timedelta(hours=48)
    assert desk.time_out(opened["dispute_id"]) is True
    assert desk.time_out(opened["dispute_id"]) is False  # once
    assert desk.repository.get(opened["dispute_id"]).status is DisputeStatus.DECIDED_FOR_BUYER
