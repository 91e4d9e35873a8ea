"""What a buyer has done lately, counted in the database for the API's per-buyer limits.

Counting rows (not in-process counters) makes a limit hold across every bot process sharing the
database. Each count reads at most ``cap`` rows through an indexed column (``buyer_id``, then
the conversation's messages), so it stays cheap however busy the buyer was. The check and the
write that follows it are not one transaction: requests racing in at the same instant can pass
a limit together, by at most the number in flight (a limit against floods, not an invariant).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from bot.store.cases import CaseStatus
from bot.store.db import utcnow
from bot.store.models import CaseRow, ConversationRow, MessageRole, MessageRow


@dataclass(frozen=True)
class Window:
    """How many events of a sliding window were seen (at most the cap), and when the window
    has room again (0 when it has room now)."""

    count: int
    retry_after_s: int

    @property
    def full(self) -> bool:
        return self.retry_after_s > 0


class BuyerActivity:
    """Per-buyer counts over the store. Each method is one short read transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def opening(self, buyer_id: str, *, within: timedelta, cap: int) -> tuple[int, Window]:
        """The buyer's cases waiting for an agent and the conversations they started in the
        last ``within``, in one read transaction (the API asks both before every opening)."""
        with self._sessions() as session:
            return self._waiting(session, buyer_id), self._started(session, buyer_id, within, cap)

    def _started(self, session: Session, buyer_id: str, within: timedelta, cap: int) -> Window:
        created = select(ConversationRow.created_at).where(ConversationRow.buyer_id == buyer_id)
        return self._window(session, created, ConversationRow.created_at, within, cap)

    def messages_sent(
        self,
        buyer_id: str,
        *,
        within: timedelta,
        cap: int,
        replay_of: tuple[str, str] | None = None,
    ) -> Window | None:
        """Messages the buyer wrote in the last ``within``, across all their conversations; or
        None when ``replay_of`` (conversation id, idempotency key) names a message the buyer
        already sent: a retry, answered from its stored response, counts against no limit.
        One read transaction for both (the API asks on every message)."""
        created = (
            select(MessageRow.created_at)
            .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
            .where(ConversationRow.buyer_id == buyer_id, MessageRow.role == MessageRole.BUYER)
        )
        with self._sessions() as session:
            if replay_of is not None and self._is_replay(session, buyer_id, *replay_of):
                return None
            return self._window(session, created, MessageRow.created_at, within, cap)

    @staticmethod
    def _waiting(session: Session, buyer_id: str) -> int:
        waiting = (
            select(func.count())
            .select_from(CaseRow)
            .where(CaseRow.buyer_id == buyer_id, CaseRow.status == CaseStatus.WAITING_FOR_AGENT)
        )
        return session.scalar(waiting) or 0

    @staticmethod
    def _is_replay(
        session: Session, buyer_id: str, conversation_id: str, idempotency_key: str
    ) -> bool:
        """True when the buyer already sent a message with this key in this conversation."""
        found = session.scalar(
            select(MessageRow.id)
            .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
            .where(
                MessageRow.conversation_id == conversation_id,
                MessageRow.idempotency_key == idempotency_key,
                ConversationRow.buyer_id == buyer_id,
            )
            .limit(1)
        )
        return found is not None

    def _window(
        self,
        session: Session,
        created: Select[tuple[datetime]],
        column: InstrumentedAttribute[datetime],
        within: timedelta,
        cap: int,
    ) -> Window:
        """The newest ``cap`` timestamps of ``created`` inside the window: with ``cap`` of them
        the window is full until the oldest of those leaves it. ``cap`` 0: no limit."""
        if cap <= 0:
            return Window(0, 0)
        now = self._clock()
        newest = created.where(column > now - within).order_by(column.desc()).limit(cap)
        stamps = list(session.scalars(newest))
        if len(stamps) < cap:
            return Window(len(stamps), 0)
        frees_at = stamps[-1] + within
        return Window(len(stamps), max(1, math.ceil((frees_at - now).total_seconds())))
