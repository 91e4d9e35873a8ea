"""The agents' side of a handoff: the queue, a case's full picture, replying, handing back.

Replies and hand-backs take the conversation's lock like a buyer turn does, so an agent's
message and a bot turn never interleave.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from bot.dialogue import replies
from bot.dialogue.handoff import effective_priority
from bot.dialogue.manager import transcript_entry
from bot.dialogue.state import DialogueState
from bot.store.cases import Case, CaseRepository, CaseStatus, update_case_in
from bot.store.conversations import ConversationRepository
from bot.store.db import Database, utcnow
from bot.store.models import ConversationStatus, MessageRole
from bot.store.orders import OrderRepository
from policies.types import Order


class CaseNotFound(LookupError):
    """No case with that id."""


class CaseConflict(Exception):
    """The case is not in a state that allows this (e.g. already closed)."""


ReleaseTarget = Literal["bot", "closed"]


class AgentDesk:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.cases = CaseRepository(database.sessions, clock=clock)
        self.conversations = ConversationRepository(database.sessions, clock=clock)
        self.orders = OrderRepository(database.sessions, clock=clock)
        self.clock = clock

    def queue(self) -> list[dict[str, Any]]:
        """Open cases, highest priority first (stored priority plus time waited)."""
        now = self.clock()
        rows = []
        for case in self.cases.open_cases():
            level = effective_priority(case.priority, case.created_at, now)
            summary = case.summary
            rows.append(
                {
                    "case_id": case.case_id,
                    "conversation_id": case.conversation_id,
                    "buyer_id": case.buyer_id,
                    "order_id": case.order_id,
                    "intent": case.intent,
                    "priority": level,
                    "waiting_since": case.created_at.isoformat(),
                    "reasons": list(summary.reasons),
                    "clauses": list(summary.clauses),
                    "amount": None
                    if summary.eligibility is None
                    else str(summary.eligibility.amount),
                    "currency": summary.currency,
                }
            )
        rows.sort(key=lambda row: (-row["priority"], row["waiting_since"]))
        return rows

    def case_view(self, case_id: str) -> tuple[dict[str, Any], Order | None]:
        """Everything an agent needs on one case; the order comes back as the domain value
        for the API to shape."""
        case = self._case(case_id)
        decisions = self.cases.decisions(case_id)
        transcript = (
            [transcript_entry(m) for m in self.conversations.messages(case.conversation_id)]
            if case.conversation_id
            else []
        )
        order = self.orders.get(case.order_id) if case.order_id else None
        latest = decisions[-1] if decisions else None
        summary = case.summary.to_json()
        view = {
            "case_id": case.case_id,
            "conversation_id": case.conversation_id,
            "buyer_id": case.buyer_id,
            "order_id": case.order_id,
            "intent": case.intent,
            "status": case.status,
            "priority": case.priority,
            "waiting_since": case.created_at.isoformat(),
            "summary": summary,
            "eligibility": summary["eligibility"],
            "risk": summary["risk"],
            "attribution": summary["attribution"],
            "decision_trace": latest.trace if latest else None,
            "decisions": [
                {
                    "decision_id": d.decision_id,
                    "route": d.route,
                    "reasons": d.reasons,
                    "clauses": d.clauses,
                    "trace": d.trace,
                    "model_version": d.model_version,
                    "created_at": d.created_at.isoformat(),
                }
                for d in decisions
            ],
            "actions": [a.to_dict() for a in self.cases.actions(case_id)],
            "transcript": transcript,
        }
        return view, order

    def reply(self, case_id: str, agent_id: str, text: str) -> dict[str, Any]:
        """Post the agent's message in the buyer's conversation."""
        case = self._case(case_id)
        conversation_id = self._conversation_of(case)
        with self.conversations.turn(conversation_id) as turn:
            conversation = turn.conversation
            if conversation.status is ConversationStatus.CLOSED:
                raise CaseConflict(f"conversation {conversation_id} is closed")
            message = turn.add_message(MessageRole.AGENT, text, author=agent_id)
            turn.finish(state=conversation.state, status=conversation.status)
            return transcript_entry(message)

    def release(self, case_id: str, agent_id: str, to: ReleaseTarget) -> dict[str, Any]:
        """Hand the conversation back to the bot, or close it; the case leaves the queue."""
        case = self._case(case_id)
        if case.status != CaseStatus.WAITING_FOR_AGENT:
            raise CaseConflict(f"case {case_id} is {case.status}, not waiting for an agent")
        conversation_id = self._conversation_of(case)
        with self.conversations.turn(conversation_id) as turn:
            if to == "bot":
                status, text, role = (
                    ConversationStatus.BOT,
                    replies.RELEASED_TO_BOT,
                    MessageRole.BOT,
                )
                case_status = CaseStatus.RETURNED_TO_BOT
            else:
                status, text, role = ConversationStatus.CLOSED, replies.CLOSED, MessageRole.SYSTEM
                case_status = CaseStatus.CLOSED
            turn.add_message(role, text, author=agent_id if role is MessageRole.SYSTEM else None)
            # The bot starts afresh: whatever it was asking before the handoff is settled.
            turn.finish(state=DialogueState().dump(), status=status)
            update_case_in(turn.session, case_id, self.clock(), status=case_status)
        return {"case_id": case_id, "conversation_id": conversation_id, "status": status.value}

    def _case(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        return case

    @staticmethod
    def _conversation_of(case: Case) -> str:
        if case.conversation_id is None:
            raise CaseConflict(f"case {case.case_id} has no conversation to write to")
        return case.conversation_id
