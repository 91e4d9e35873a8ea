"""Cases, decisions and actions: what the bot and the agents decided and did.

The ``*_in`` functions work inside a caller's transaction (the dialogue manager's turn, which
holds the conversation's lock); `CaseRepository` answers the agent console's reads.

Money moves only through `bot.store.ledger.record_remedy_in` (the ledger and its invariants);
this module reads the actions it wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.store.case_summary import CaseSummary
from bot.store.db import utcnow
from bot.store.models import (
    ActionRow,
    ActionType,
    BuyerRow,
    CaseRow,
    DecisionRoute,
    DecisionRow,
    OrderRow,
    RatingRow,
    new_id,
)
from policies.experiments import Exposure
from policies.router import Decision


class CaseStatus:
    """Where a case stands (values owned by the dialogue manager)."""

    BOT = "bot"  # the bot is resolving it (e.g. waiting for the buyer's yes)
    RESOLVED = "resolved"  # the bot executed the remedy
    DECLINED = "declined"  # the buyer said no, or the rules refused and the bot explained
    WAITING_FOR_AGENT = "waiting_for_agent"  # in the agent queue
    RETURNED_TO_BOT = "returned_to_bot"
    CLOSED = "closed"
    IN_DISPUTE = "in_dispute"  # the seller has until the dispute's respond_by to answer (REV-6.5)


@dataclass(frozen=True)
class ActionRecord:
    action_id: str
    case_id: str | None
    order_id: str
    type: ActionType
    amount: Decimal
    currency: str
    status: str
    actor: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The contract's action shape (money as a JSON number)."""
        return {
            "action_id": self.action_id,
            "type": self.type.value,
            "order_id": self.order_id,
            "amount": float(self.amount),
            "currency": self.currency,
            "status": self.status,
        }


@dataclass(frozen=True)
class Case:
    case_id: str
    conversation_id: str | None
    buyer_id: str
    order_id: str | None
    intent: str
    status: str
    priority: int
    summary: CaseSummary
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DecisionRecord:
    decision_id: str
    route: str
    reasons: list[str]
    clauses: list[str]
    trace: dict[str, Any]
    model_version: str | None
    created_at: datetime


def action_record(row: ActionRow) -> ActionRecord:
    return ActionRecord(
        row.id,
        row.case_id,
        row.order_id,
        row.type,
        row.amount,
        row.currency,
        row.status,
        row.actor,
        row.created_at,
    )


def _case(row: CaseRow) -> Case:
    return Case(
        row.id,
        row.conversation_id,
        row.buyer_id,
        row.order_id,
        row.intent,
        row.status,
        row.priority,
        CaseSummary.from_json(row.summary),
        row.created_at,
        row.updated_at,
    )


def _decision(row: DecisionRow) -> DecisionRecord:
    return DecisionRecord(
        row.id,
        row.route.value,
        list(row.reasons),
        list(row.clauses),
        dict(row.trace),
        row.model_version,
        row.created_at,
    )


# --- inside a turn's transaction ------------------------------------------------------------


def open_case_in(
    session: Session,
    *,
    conversation_id: str | None,
    buyer_id: str,
    order_id: str | None,
    intent: str,
    status: str,
    priority: int,
    summary: CaseSummary,
    now: datetime,
) -> str:
    # A buyer who has no order yet has no buyer row; a case still needs one (foreign key).
    if session.get(BuyerRow, buyer_id) is None:
        session.add(BuyerRow(id=buyer_id, created_at=now))
        session.flush()
    row = CaseRow(
        conversation_id=conversation_id,
        buyer_id=buyer_id,
        order_id=order_id,
        intent=intent,
        status=status,
        priority=priority,
        summary=summary.to_json(),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def update_case_in(
    session: Session,
    case_id: str,
    now: datetime,
    *,
    status: str | None = None,
    priority: int | None = None,
    summary: CaseSummary | None = None,
) -> Case | None:
    row = session.get(CaseRow, case_id)
    if row is None:
        return None
    if status is not None:
        row.status = status
    if priority is not None:
        row.priority = priority
    if summary is not None:
        row.summary = summary.to_json()
    row.updated_at = now
    session.flush()
    return _case(row)


def record_decision_in(
    session: Session,
    case_id: str,
    decision: Decision,
    now: datetime,
    *,
    exposure: Exposure | None = None,
) -> str:
    """Store the router's decision with its full trace (JSON-safe) and, when an experiment
    runs, the arm it was taken under (the exposure)."""
    trace = _json_safe(dict(decision.trace))
    if exposure is not None:
        trace["experiment"] = exposure.to_trace()
    row = DecisionRow(
        experiment=exposure.experiment if exposure else None,
        arm=exposure.arm if exposure else None,
        case_id=case_id,
        route=DecisionRoute(decision.route.value),
        reasons=list(decision.reason_codes),
        clauses=list(decision.clause_ids),
        trace=trace,
        model_version=trace.get("model_version"),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def record_rating_in(
    session: Session,
    *,
    conversation_id: str,
    case_id: str,
    buyer_id: str,
    score: int,
    now: datetime,
) -> bool:
    """Store the buyer's 1-5 rating of a resolved case; one per case (a second one, e.g. a
    retried request, is ignored). True when this call stored it."""
    if not 1 <= score <= 5:
        raise ValueError(f"score must be 1-5, got {score}")
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RatingRow.__table__
    statement = (
        insert(table)
        .values(
            id=new_id(),
            conversation_id=conversation_id,
            case_id=case_id,
            buyer_id=buyer_id,
            score=score,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )
    return session.execute(statement).scalar() is not None


def voucher_given_in(session: Session, order_id: str) -> bool:
    return (
        session.scalar(
            select(func.count())
            .select_from(ActionRow)
            .where(ActionRow.order_id == order_id, ActionRow.type == ActionType.VOUCHER)
        )
        or 0
    ) > 0


def actions_of_conversation_in(session: Session, conversation_id: str) -> list[ActionRecord]:
    rows = session.scalars(
        select(ActionRow)
        .join(CaseRow, ActionRow.case_id == CaseRow.id)
        .where(CaseRow.conversation_id == conversation_id)
        .order_by(ActionRow.created_at, ActionRow.id)
    )
    return [action_record(row) for row in rows]


def case_ids_of_conversation_in(session: Session, conversation_id: str) -> list[str]:
    return list(
        session.scalars(
            select(CaseRow.id)
            .where(CaseRow.conversation_id == conversation_id)
            .order_by(CaseRow.created_at, CaseRow.id)
        )
    )


def get_case_in(session: Session, case_id: str) -> Case | None:
    row = session.get(CaseRow, case_id)
    return None if row is None else _case(row)


def seller_claim_counts_in(
    session: Session, seller_id: str, intents: set[str], *, except_order: str | None = None
) -> tuple[int, int]:
    """(damage-family cases, delivered orders) of a seller, for its smoothed defect rate.

    ``except_order``: the order being scored. Its own case must not count (the model learnt the
    rate from claims strictly before each case); otherwise a claim scores higher once its case
    is open, at the buyer's confirmation or in the agent console, than when it was proposed."""
    conditions = [OrderRow.seller_id == seller_id, CaseRow.intent.in_(intents)]
    if except_order is not None:
        conditions.append(CaseRow.order_id != except_order)
    claims = session.scalar(
        select(func.count())
        .select_from(CaseRow)
        .join(OrderRow, CaseRow.order_id == OrderRow.id)
        .where(*conditions)
    )
    deliveries = session.scalar(
        select(func.count())
        .select_from(OrderRow)
        .where(OrderRow.seller_id == seller_id, OrderRow.delivered_at.is_not(None))
    )
    return int(claims or 0), int(deliveries or 0)


def buyer_since_in(session: Session, buyer_id: str) -> datetime | None:
    """When the buyer's account opened as far as the store knows: the platform's date when it
    sent one, else when the bot first heard of the buyer (`policies.features.account_created_at`
    takes the earlier of this and the buyer's oldest order)."""
    row = session.get(BuyerRow, buyer_id)
    if row is None:
        return None
    return row.account_created_at if row.account_created_at is not None else row.created_at


def buyer_region_in(session: Session, buyer_id: str) -> str | None:
    row = session.get(BuyerRow, buyer_id)
    return None if row is None else row.region


# --- the agent console's reads ----------------------------------------------------------------


class CaseRepository:
    """Cases for the agent console. Each method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def open_cases(self, limit: int = 500) -> list[Case]:
        """Cases waiting for an agent, highest stored priority first, oldest first. A case in
        dispute stays in the queue until the dispute is decided: its chat was told that an
        agent will reply, and the agent sees it wait for the seller."""
        with self._sessions() as session:
            rows = session.scalars(
                select(CaseRow)
                .where(CaseRow.status.in_((CaseStatus.WAITING_FOR_AGENT, CaseStatus.IN_DISPUTE)))
                .order_by(CaseRow.priority.desc(), CaseRow.created_at, CaseRow.id)
                .limit(limit)
            )
            return [_case(row) for row in rows]

    def get(self, case_id: str) -> Case | None:
        with self._sessions() as session:
            return get_case_in(session, case_id)

    def decisions(self, case_id: str) -> list[DecisionRecord]:
        with self._sessions() as session:
            rows = session.scalars(
                select(DecisionRow)
                .where(DecisionRow.case_id == case_id)
                .order_by(DecisionRow.created_at, DecisionRow.id)
            )
            return [_decision(row) for row in rows]

    def of_conversation(self, conversation_id: str) -> tuple[list[ActionRecord], list[str]]:
        """Every action and every case id of a conversation, oldest first."""
        with self._sessions() as session:
            return (
                actions_of_conversation_in(session, conversation_id),
                case_ids_of_conversation_in(session, conversation_id),
            )

    def actions(self, case_id: str) -> list[ActionRecord]:
        with self._sessions() as session:
            rows = session.scalars(
                select(ActionRow).where(ActionRow.case_id == case_id).order_by(ActionRow.created_at)
            )
            return [action_record(row) for row in rows]


def _json_safe(value: Any) -> Any:
    """The trace as plain JSON: mappings, lists, strings, numbers (NaN becomes None)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
