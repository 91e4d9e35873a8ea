"""Disputes (REV-6.5) and their timed steps: rows to records, and the writes a dispute's moves
make inside the caller's transaction (`bot.disputes.service` holds the locks and the rules).

Every step (opened, a statement with its evidence, the seller's answer, a reminder, the
timeout, a decision) is a `DisputeEventRow` with who made it and when; the dispute row holds
where it stands. Opening a dispute schedules its reminder and timeout jobs in the same
transaction, so a dispute never exists without its clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.jobs import schedule_in
from bot.store.models import DisputeEventRow, DisputeRow, DisputeStatus, new_id


@dataclass(frozen=True)
class DisputeTiming:
    """How long the seller has to answer, and when they are reminded (REV-6.5: 48 hours;
    the settings dispute_response_hours and dispute_reminder_hours)."""

    respond_within: timedelta = timedelta(hours=48)
    remind_after: timedelta = timedelta(hours=24)
    # A seller webhook is configured: every step is queued for it (`SELLER_WEBHOOK_JOB`).
    notify_seller: bool = False


REMINDER_JOB = "dispute_reminder"
TIMEOUT_JOB = "dispute_timeout"
# One per dispute event: POST it to the seller's webhook (`bot.disputes.webhook`).
SELLER_WEBHOOK_JOB = "seller_webhook"
Audience = Literal["seller", "buyer", "agent"]


@dataclass(frozen=True)
class DisputeEvent:
    event_id: str
    actor_role: str
    actor: str
    kind: str
    statement: str | None
    attachments: tuple[dict[str, Any], ...]
    details: dict[str, Any]
    created_at: datetime

    def to_dict(self, audience: Audience) -> dict[str, Any]:
        # Sellers and buyers see which side spoke, not the agents' or buyers' ids.
        return {
            "kind": self.kind,
            "by": self.actor_role,
            **({"actor": self.actor} if audience == "agent" else {}),
            "statement": self.statement,
            "attachments": list(self.attachments),
            "details": self.details,
            "at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Dispute:
    dispute_id: str
    order_id: str
    case_id: str
    buyer_id: str
    seller_id: str
    opened_by: str
    reason: str
    amount: Decimal
    currency: str
    status: DisputeStatus
    respond_by: datetime
    offer: dict[str, Any] | None
    action_id: str | None
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    events: tuple[DisputeEvent, ...] = ()

    def statements(self, role: str) -> list[dict[str, Any]]:
        """What one side said, with its evidence, oldest first."""
        return [e.to_dict("agent") for e in self.events if e.actor_role == role and e.statement]

    def for_agent(self) -> dict[str, Any]:
        """The agents' view: everything, and both sides' statements side by side (the buyer's
        side holds what the buyer and the agent who opened it for them said)."""
        return {
            **self.to_dict("agent"),
            "statements": {
                "buyer": self.statements("buyer") + self.statements("agent"),
                "seller": self.statements("seller"),
            },
        }

    def to_dict(self, audience: Audience) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dispute_id": self.dispute_id,
            "order_id": self.order_id,
            "status": self.status.value,
            "opened_by": self.opened_by,
            "reason": self.reason,
            "amount": float(self.amount),
            "currency": self.currency,
            "respond_by": self.respond_by.isoformat(),
            "offer": self.offer,
            "opened_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "events": [e.to_dict(audience) for e in self.events],
        }
        if audience == "agent":
            out.update(
                case_id=self.case_id,
                buyer_id=self.buyer_id,
                seller_id=self.seller_id,
                action_id=self.action_id,
            )
        return out


def _event(row: DisputeEventRow) -> DisputeEvent:
    return DisputeEvent(
        row.id,
        row.actor_role,
        row.actor,
        row.kind,
        row.statement,
        tuple(row.attachments or ()),
        dict(row.details or {}),
        row.created_at,
    )


def _dispute(row: DisputeRow, events: list[DisputeEventRow]) -> Dispute:
    return Dispute(
        row.id,
        row.order_id,
        row.case_id,
        row.buyer_id,
        row.seller_id,
        row.opened_by,
        row.reason,
        row.amount,
        row.currency,
        row.status,
        row.respond_by,
        row.offer,
        row.action_id,
        row.created_at,
        row.updated_at,
        row.decided_at,
        tuple(_event(e) for e in events),
    )


def _events_in(session: Session, dispute_id: str) -> list[DisputeEventRow]:
    return list(
        session.scalars(
            select(DisputeEventRow)
            .where(DisputeEventRow.dispute_id == dispute_id)
            .order_by(DisputeEventRow.created_at, DisputeEventRow.id)
        )
    )


def dispute_in(session: Session, dispute_id: str) -> Dispute | None:
    row = session.get(DisputeRow, dispute_id, populate_existing=True)
    return None if row is None else _dispute(row, _events_in(session, dispute_id))


def lock_dispute_in(session: Session, dispute_id: str) -> DisputeRow | None:
    """The dispute's row, locked until the transaction ends and read afresh."""
    return session.scalar(
        select(DisputeRow)
        .where(DisputeRow.id == dispute_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def dispute_of_case_in(session: Session, case_id: str) -> Dispute | None:
    row = session.scalar(select(DisputeRow).where(DisputeRow.case_id == case_id))
    return None if row is None else _dispute(row, _events_in(session, row.id))


def add_event_in(
    session: Session,
    dispute_id: str,
    *,
    actor_role: str,
    actor: str,
    kind: str,
    now: datetime,
    statement: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    details: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    notify: bool = False,
) -> str:
    """Record a step of the dispute; with ``notify``, queue it for the seller's webhook in the
    same transaction (the job's subject is the event: sent at least once, keyed by its id)."""
    event_id = new_id()
    session.add(
        DisputeEventRow(
            id=event_id,
            dispute_id=dispute_id,
            actor_role=actor_role,
            actor=actor,
            kind=kind,
            statement=statement,
            attachments=attachments or [],
            details=details or {},
            idempotency_key=idempotency_key,
            created_at=now,
        )
    )
    session.flush()
    if notify:
        schedule_in(session, kind=SELLER_WEBHOOK_JOB, subject_id=event_id, due_at=now, now=now)
    return event_id


def event_in(session: Session, event_id: str) -> tuple[str, DisputeEvent] | None:
    """A dispute event and its dispute's id (for the seller's webhook)."""
    row = session.get(DisputeEventRow, event_id)
    return None if row is None else (row.dispute_id, _event(row))


def open_dispute_in(
    session: Session,
    *,
    case_id: str,
    order_id: str,
    buyer_id: str,
    seller_id: str,
    opened_by: str,
    actor: str,
    reason: str,
    amount: Decimal,
    currency: str,
    now: datetime,
    timing: DisputeTiming,
) -> tuple[Dispute, bool]:
    """Open the case's dispute with its clock (reminder and timeout jobs), unless it has one:
    returns ``(dispute, created)``; a second opening returns the first dispute."""
    existing = dispute_of_case_in(session, case_id)
    if existing is not None:
        return existing, False
    dispute_id = new_id()
    respond_by = now + timing.respond_within
    session.add(
        DisputeRow(
            id=dispute_id,
            order_id=order_id,
            case_id=case_id,
            buyer_id=buyer_id,
            seller_id=seller_id,
            opened_by=opened_by,
            reason=reason,
            amount=amount,
            currency=currency,
            status=DisputeStatus.AWAITING_SELLER,
            respond_by=respond_by,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    add_event_in(
        session,
        dispute_id,
        actor_role=opened_by,
        actor=actor,
        kind="opened",
        now=now,
        statement=reason,
        details={"respond_by": respond_by.isoformat(), "amount": str(amount)},
        notify=timing.notify_seller,
    )
    if timing.remind_after < timing.respond_within:
        remind_at = now + timing.remind_after
        schedule_in(session, kind=REMINDER_JOB, subject_id=dispute_id, due_at=remind_at, now=now)
    schedule_in(session, kind=TIMEOUT_JOB, subject_id=dispute_id, due_at=respond_by, now=now)
    created = dispute_in(session, dispute_id)
    assert created is not None
    return created, True


class DisputeRepository:
    """Reads outside a move: the seller's feed, one dispute, a buyer's disputes."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    def get(self, dispute_id: str) -> Dispute | None:
        with self._sessions() as session:
            return dispute_in(session, dispute_id)

    def of_case(self, case_id: str) -> Dispute | None:
        with self._sessions() as session:
            return dispute_of_case_in(session, case_id)

    def for_seller(self, seller_id: str, *, since: datetime | None, limit: int) -> list[Dispute]:
        """The seller's disputes changed after ``since`` (all without it), newest change first."""
        with self._sessions() as session:
            query = select(DisputeRow).where(DisputeRow.seller_id == seller_id)
            if since is not None:
                query = query.where(DisputeRow.updated_at > since)
            rows = session.scalars(
                query.order_by(DisputeRow.updated_at.desc(), DisputeRow.id.desc()).limit(limit)
            ).all()
            return [_dispute(r, _events_in(session, r.id)) for r in rows]

    def of_cases(self, case_ids: list[str]) -> list[Dispute]:
        if not case_ids:
            return []
        with self._sessions() as session:
            rows = session.scalars(
                select(DisputeRow)
                .where(DisputeRow.case_id.in_(case_ids))
                .order_by(DisputeRow.created_at)
            ).all()
            return [_dispute(r, _events_in(session, r.id)) for r in rows]
