"""The agents' audit trail and the console's extra reads (a buyer's region and cases, who wrote
last in each queued conversation)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import utcnow
from bot.store.models import AgentAuditRow, BuyerRow, CaseRow, MessageRole, MessageRow
from policies.types import to_cents


@dataclass(frozen=True)
class AuditEntry:
    audit_id: str
    case_id: str
    agent_id: str
    kind: str
    action_id: str | None
    amount: Decimal | None
    override: bool
    reason: str | None
    details: dict[str, Any]
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "audit_id": self.audit_id,
            "case_id": self.case_id,
            "agent_id": self.agent_id,
            "kind": self.kind,
            "action_id": self.action_id,
            "amount": None if self.amount is None else float(self.amount),
            "override": self.override,
            "reason": self.reason,
            "details": self.details,
            "created_at": self.created_at.isoformat(),
        }


def _entry(row: AgentAuditRow) -> AuditEntry:
    return AuditEntry(
        row.id,
        row.case_id,
        row.agent_id,
        row.kind,
        row.action_id,
        row.amount,
        row.override,
        row.reason,
        dict(row.details or {}),
        row.created_at,
    )


def record_audit_in(
    session: Session,
    *,
    case_id: str,
    agent_id: str,
    kind: str,
    now: datetime,
    action_id: str | None = None,
    amount: Decimal | None = None,
    override: bool = False,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    row = AgentAuditRow(
        case_id=case_id,
        agent_id=agent_id,
        kind=kind,
        action_id=action_id,
        amount=None if amount is None else to_cents(amount),
        override=override,
        reason=reason,
        details=details or {},
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _entry(row)


class AuditRepository:
    """Reads for the console. Each method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def of_case(self, case_id: str) -> list[AuditEntry]:
        with self._sessions() as session:
            rows = session.scalars(
                select(AgentAuditRow)
                .where(AgentAuditRow.case_id == case_id)
                .order_by(AgentAuditRow.created_at, AgentAuditRow.id)
            )
            return [_entry(r) for r in rows]

    def regions(self, buyer_ids: Iterable[str]) -> dict[str, str | None]:
        ids = sorted(set(buyer_ids))
        if not ids:
            return {}
        with self._sessions() as session:
            rows = session.execute(select(BuyerRow.id, BuyerRow.region).where(BuyerRow.id.in_(ids)))
            return {buyer_id: region for buyer_id, region in rows}

    def buyer_created_at(self, buyer_id: str) -> datetime | None:
        with self._sessions() as session:
            row = session.get(BuyerRow, buyer_id)
            return None if row is None else row.created_at

    def buyer_cases(self, buyer_id: str, limit: int = 50) -> list[dict[str, Any]]:
        with self._sessions() as session:
            rows = session.scalars(
                select(CaseRow)
                .where(CaseRow.buyer_id == buyer_id)
                .order_by(CaseRow.created_at.desc(), CaseRow.id)
                .limit(limit)
            )
            return [
                {
                    "case_id": r.id,
                    "intent": r.intent,
                    "status": r.status,
                    "order_id": r.order_id,
                    "created_at": r.created_at.isoformat(),
                }
                for r in rows
            ]

    def reply_states(self, conversation_ids: Iterable[str]) -> dict[str, str]:
        """Per conversation: "new" (no agent message yet), "replied" (an agent wrote last) or
        "buyer_replied" (the buyer wrote after the agent)."""
        ids = sorted(set(conversation_ids))
        if not ids:
            return {}
        with self._sessions() as session:
            rows = session.execute(
                select(MessageRow.conversation_id, MessageRow.role)
                .where(MessageRow.conversation_id.in_(ids))
                .order_by(MessageRow.conversation_id, MessageRow.seq)
            )
            states: dict[str, str] = {}
            for conversation_id, role in rows:
                current = states.get(conversation_id, "new")
                if role is MessageRole.AGENT:
                    states[conversation_id] = "replied"
                elif role is MessageRole.BUYER and current != "new":
                    states[conversation_id] = "buyer_replied"
                else:
                    states.setdefault(conversation_id, current)
            return states
