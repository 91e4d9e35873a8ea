"""The case on the agents' desk: the queue's order and SLA timers, the buyer's conversation an
agent writes to, and handing the conversation back.

Writing to the buyer takes the conversation's lock like a buyer turn does (`case_turn`), so an
agent's message and a bot turn never interleave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from bot.dialogue import replies
from bot.dialogue.handoff import effective_priority
from bot.dialogue.manager import transcript_entry
from bot.dialogue.state import DialogueState
from bot.language.catalogue import english_of, speaking
from bot.store.cases import Case, CaseStatus, update_case_in
from bot.store.conversations import ConversationRepository, Turn
from bot.store.db import Database, write_session
from bot.store.models import ConversationStatus, MessageRole
from common.errors import Conflict, NotFound


class CaseNotFound(NotFound, what="case"):
    """No case with that id."""


class CaseConflict(Conflict):
    """The case is not in a state that allows this (e.g. already closed)."""


ReleaseTarget = Literal["bot", "closed"]
# First-response targets by queue priority (minutes): urgent cases are answered first.
SLA_MINUTES = ((80, 15), (50, 30), (0, 60))
# How much of the message that matched a search the queue shows.
MATCH_CHARS = 160

AddMessage = Callable[[str], dict[str, Any]]


def sla_minutes(priority: int) -> int:
    return next(minutes for floor, minutes in SLA_MINUTES if priority >= floor)


def queue_row(
    case: Case, now: datetime, region: str | None, status: str, language: str | None = None
) -> dict[str, Any]:
    """One open case as the queue lists it: priority with time waited, its SLA timer."""
    level = effective_priority(case.priority, case.created_at, now)
    minutes = sla_minutes(level)
    due = case.created_at + timedelta(minutes=minutes)
    summary = case.summary
    return {
        "case_id": case.case_id,
        "conversation_id": case.conversation_id,
        "buyer_id": case.buyer_id,
        "order_id": case.order_id,
        "intent": case.intent,
        "priority": level,
        "waiting_since": case.created_at.isoformat(),
        "reasons": list(summary.reasons),
        "clauses": list(summary.clauses),
        "amount": str(e.amount) if (e := summary.eligibility) else None,
        "currency": summary.currency,
        "region": region,
        "language": language,
        "status": status,
        "case_status": case.status,
        "sla_minutes": minutes,
        "sla_due_at": due.isoformat(),
        "sla_breached": now > due,
        "waiting_seconds": max(int((now - case.created_at).total_seconds()), 0),
    }


@dataclass(frozen=True)
class QueueSearch:
    """What the agent looks for in the queue: a buyer, an order (exact ids, any case), and free
    text whose every word must appear in the case's ids or its conversation's messages."""

    buyer_id: str | None = None
    order_id: str | None = None
    text: str | None = None

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.text.lower().split())) if self.text else ()

    def keeps(self, case: Case, texts: Sequence[str]) -> tuple[bool, str | None]:
        """Whether the case matches, and the first message text that matched a term (to show
        the agent why the case is listed)."""
        if self.buyer_id and case.buyer_id.lower() != self.buyer_id.strip().lower():
            return False, None
        if (
            self.order_id
            and (case.order_id or "").lower() != self.order_id.strip().lstrip("#").lower()
        ):
            return False, None
        ids = " ".join(filter(None, (case.case_id, case.buyer_id, case.order_id))).lower()
        lowered = [t.lower() for t in texts]
        snippet = None
        for term in self.terms:
            bare = term.lstrip("#")
            if bare in ids:
                continue
            hit = next((texts[i] for i, t in enumerate(lowered) if term in t), None)
            if hit is None:
                return False, None
            snippet = snippet or hit
        return True, snippet


def queue_rows(
    cases: Iterable[Case],
    now: datetime,
    regions: Mapping[str, str | None],
    states: Mapping[str, str],
    languages: Mapping[str, str] | None = None,
    *,
    intent: str | None = None,
    region: str | None = None,
    status: str | None = None,
    search: QueueSearch | None = None,
    texts: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """Open cases, highest priority first (stored priority plus time waited), filtered; with a
    search, only the cases it keeps, each with ``match``, the message text that matched."""
    rows = []
    for c in cases:
        conversation = c.conversation_id or ""
        row = queue_row(
            c,
            now,
            regions.get(c.buyer_id),
            states.get(conversation, "new"),
            (languages or {}).get(conversation),
        )
        if search is not None:
            kept, snippet = search.keeps(c, (texts or {}).get(c.conversation_id or "", ()))
            if not kept:
                continue
            row["match"] = snippet[:MATCH_CHARS] if snippet else None
        rows.append(row)
    rows.sort(key=lambda row: (-row["priority"], row["waiting_since"]))
    return [
        row
        for row in rows
        if (not intent or row["intent"] == intent)
        and (not region or (row["region"] or "") == region)
        and (not status or row["status"] == status)
    ]


@contextmanager
def case_turn(
    database: Database, conversations: ConversationRepository, case: Case, author: str
) -> Iterator[tuple[Session, AddMessage]]:
    """The case's conversation turn (locked) and a way to post the agent's message in it, or a
    plain write transaction for a case without a conversation (posting then refuses)."""
    if case.conversation_id is None:
        with write_session(database.sessions) as session:

            def no_conversation(_text: str) -> dict[str, Any]:
                raise CaseConflict(f"case {case.case_id} has no conversation to write to")

            yield session, no_conversation
        return
    with conversations.turn(case.conversation_id) as turn:
        conversation = turn.conversation
        if conversation.status is ConversationStatus.CLOSED:
            raise CaseConflict(f"conversation {case.conversation_id} is closed")

        def add_message(text: str) -> dict[str, Any]:
            return transcript_entry(turn.add_message(MessageRole.AGENT, text, author=author))

        yield turn.session, add_message
        # Keep the state and status; bumps updated_at so the buyer's page sees a change.
        turn.finish(state=turn.conversation.state, status=turn.conversation.status)


def hand_back_in(turn: Turn, case: Case, agent_id: str, to: ReleaseTarget, now: datetime) -> str:
    """Hand the conversation back to the bot, or close it; the case leaves the queue. Returns
    the conversation's new status."""
    conversation = turn.conversation
    # Said in the buyer's language, with its English beside it for the agent.
    with speaking(conversation.language, conversation.locale) as voice:
        if to == "bot":
            status, role = ConversationStatus.BOT, MessageRole.BOT
            text = replies.text("released_to_bot")
            case_status = CaseStatus.RETURNED_TO_BOT
        else:
            status, role = ConversationStatus.CLOSED, MessageRole.SYSTEM
            text = replies.text("closed")
            case_status = CaseStatus.CLOSED
    english = english_of(text)
    turn.add_message(
        role,
        str(text),
        author=agent_id if role is MessageRole.SYSTEM else None,
        language=voice.language,
        text_en=None if english == str(text) else english,
    )
    # The bot starts afresh: whatever it was asking before the handoff is settled.
    turn.finish(state=DialogueState().dump(), status=status)
    update_case_in(turn.session, case.case_id, now, status=case_status)
    return status.value
