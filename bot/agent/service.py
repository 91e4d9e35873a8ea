"""The agent console's service, the one the agents' routes call: the queue with filters and SLA
timers, the full case view, suggestions, replying, agent actions checked by the same
eligibility rules as the bot's, handing back. Each method reads the case once and, when it
writes, updates it and records the audit row in the same transaction.

Agent actions follow the bot's discipline (`bot.dialogue.manager`): they run inside the
conversation's turn transaction (its lock), then take the order's and the buyer's locks, and
check the rules, the caps and the ledger with the order as it is then; money moves only
through `bot.store.ledger.record_remedy_in`, and the audit row commits with the action. An
action is idempotent per case and remedy: a second click, a second tab or a second agent
approving the same remedy on the same case gets the first action back and moves nothing.
A money action resolves the case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import structlog

from bot.agent import view
from bot.agent.actions import ActionRefused, ActionRequest, record_money_action_in
from bot.agent.desk import (
    CaseConflict,
    CaseNotFound,
    QueueSearch,
    ReleaseTarget,
    case_turn,
    hand_back_in,
    queue_rows,
)
from bot.agent.explain import attribute_risk
from bot.agent.facts import MONEY_ACTIONS, CaseFacts, evaluate_facts
from bot.agent.suggestions.suggest import Suggester
from bot.dialogue.vocabulary import CLAIM_OF_INTENT
from bot.risk_features import buyer_record_in, risk_features_in
from bot.store import cases as case_store
from bot.store import ledger
from bot.store.audit import AuditRepository, record_audit_in
from bot.store.case_summary import eligibility_json
from bot.store.cases import Case, CaseStatus, DecisionRecord
from bot.store.conversations import ConversationRepository, Message
from bot.store.db import Database, utcnow
from bot.store.disputes import DisputeRepository
from bot.store.models import MessageRole
from bot.store.orders import OrderRepository, load_order_in
from policies.router import RiskScorer
from policies.types import Claim, ClaimType, Order

log = structlog.get_logger(__name__)

__all__ = ["ActionRefused", "ActionRequest", "AgentConsole"]


class AgentConsole:
    """Built once in the lifespan; every method is synchronous (the routes use a thread)."""

    def __init__(
        self,
        database: Database,
        suggester: Suggester,
        *,
        risk_model: RiskScorer | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.suggester = suggester
        self.risk_model = risk_model
        self.clock = clock
        self.cases = case_store.CaseRepository(database.sessions, clock=clock)
        self.conversations = ConversationRepository(database.sessions, clock=clock)
        self.orders = OrderRepository(database.sessions, clock=clock)
        self.audit = AuditRepository(database.sessions, clock=clock)
        self.disputes = DisputeRepository(database.sessions, clock)

    # --- reading ----------------------------------------------------------------------------

    def queue(
        self,
        *,
        intent: str | None = None,
        region: str | None = None,
        status: str | None = None,
        search: QueueSearch | None = None,
    ) -> list[dict[str, Any]]:
        cases = self.cases.open_cases()
        conversations = [c.conversation_id for c in cases if c.conversation_id]
        regions = self.audit.regions(c.buyer_id for c in cases)
        states = self.audit.reply_states(conversations)
        languages = self.conversations.languages(conversations)
        texts = (
            self.conversations.texts_containing(conversations, search.terms)
            if search is not None
            else None
        )
        return queue_rows(
            cases,
            self.clock(),
            regions,
            states,
            languages,
            intent=intent,
            region=region,
            status=status,
            search=search,
            texts=texts,
        )

    def case_view(self, case_id: str) -> tuple[dict[str, Any], Order | None]:
        """Everything an agent needs on one case; the order comes back as the domain value
        for the API to shape."""
        case = self._case(case_id)
        order = self.orders.get(case.order_id) if case.order_id else None
        facts = self.facts(case, order)
        decisions = self.cases.decisions(case_id)
        messages = self.conversations.messages(case.conversation_id) if case.conversation_id else []
        summary = case.summary.to_json()
        risk, risk_attribution = self._risk(case, order, decisions)
        result = {
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
            "risk": risk,
            "attribution": summary["attribution"],
            "decision_trace": decisions[-1].trace if decisions else None,
            "decisions": view.decisions(decisions),
            "actions": [a.to_dict() for a in self.cases.actions(case_id)],
            "transcript": view.transcript(messages),
            "language": next(
                (
                    m.language
                    for m in reversed(messages)
                    if m.role is MessageRole.BUYER and m.language
                ),
                None,
            ),
            "region": self.audit.regions([case.buyer_id]).get(case.buyer_id),
            "buyer": view.buyer_panel(
                case,
                facts,
                self.orders.list_for_buyer(case.buyer_id),
                self.audit.buyer_cases(case.buyer_id),
            ),
            "eligibility_now": eligibility_json(facts.eligibility),
            "claim_type": facts.claim_type.value if facts.claim_type else None,
            "responsibility": view.responsibility(case, facts),
            "risk_attribution": risk_attribution,
            "audit": [e.to_dict() for e in self.audit.of_case(case_id)],
            "dispute": dispute.for_agent() if (dispute := self.disputes.of_case(case_id)) else None,
            "allowed_actions": {
                "policy_action": facts.policy_action,
                "policy_amount": None
                if facts.eligibility is None
                else float(facts.eligibility.amount),
            },
        }
        return result, order

    def suggestions(self, case_id: str) -> list[dict[str, Any]]:
        case = self._case(case_id)
        order = self.orders.get(case.order_id) if case.order_id else None
        return [s.to_dict() for s in self.suggester.suggest(self.facts(case, order))]

    def facts(self, case: Case, order: Order | None) -> CaseFacts:
        """The case as the rules see it now: its claim, the order, the buyer's history (read as
        the dialogue reads it, `bot.risk_features.buyer_record_in`)."""
        now = self.clock()
        voucher_given = False
        with self.database.sessions() as session:
            buyer = buyer_record_in(session, case.buyer_id, now)
            if order is not None:
                voucher_given = case_store.voucher_given_in(session, order.order_id)
        return evaluate_facts(
            case.intent,
            self.claim(case),
            order,
            buyer.history if order is not None else None,
            now,
            voucher_already_given=voucher_given,
            account_age_days=buyer.account_age_days,
        )

    def claim(self, case: Case) -> Claim | None:
        """The case's claim, with the photos of its whole conversation."""
        messages = self.conversations.messages(case.conversation_id) if case.conversation_id else []
        return claim_of(case, photo_in_transcript=sent_photo(messages))

    def risk_features(self, case: Case, order: Order) -> dict[str, object] | None:
        """The case's risk features now, built as the router builds them (None without a
        claim)."""
        claim = self.claim(case)
        if claim is None:
            return None
        with self.database.sessions() as session:
            buyer = buyer_record_in(session, case.buyer_id, self.clock())
            return risk_features_in(session, order, claim, buyer)

    # --- writing ----------------------------------------------------------------------------

    def reply(self, case_id: str, agent_id: str, text: str) -> dict[str, Any]:
        """Post the agent's message in the buyer's conversation."""
        case = self._case(case_id)
        with case_turn(self.database, self.conversations, case, agent_id) as (session, post):
            message = post(text)
            record_audit_in(
                session,
                case_id=case_id,
                agent_id=agent_id,
                kind="reply",
                now=self.clock(),
                details={"seq": message["seq"], "chars": len(text)},
            )
        return {"case_id": case_id, "message": message}

    def release(self, case_id: str, agent_id: str, to: ReleaseTarget) -> dict[str, Any]:
        """Hand the conversation back to the bot, or close it; audited in the same transaction."""
        case = self._case(case_id)
        if case.status != CaseStatus.WAITING_FOR_AGENT:
            raise CaseConflict(f"case {case_id} is {case.status}, not waiting for an agent")
        if case.conversation_id is None:
            raise CaseConflict(f"case {case_id} has no conversation to write to")
        with self.conversations.turn(case.conversation_id) as turn:
            status = hand_back_in(turn, case, agent_id, to, self.clock())
            record_audit_in(
                turn.session,
                case_id=case_id,
                agent_id=agent_id,
                kind="close" if to == "closed" else "hand_back",
                now=self.clock(),
                details={"to": to},
            )
        return {"case_id": case_id, "conversation_id": case.conversation_id, "status": status}

    def act(
        self,
        case_id: str,
        agent_id: str,
        request: ActionRequest,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Execute an agent decision; see the module docstring for the guarantees."""
        case = self._case(case_id)
        reason = (request.reason or "").strip() or None
        if request.type not in MONEY_ACTIONS:
            if case.status != CaseStatus.WAITING_FOR_AGENT:
                raise CaseConflict(f"case {case_id} is {case.status}, not waiting for an agent")
            if not reason:
                raise ActionRefused(
                    "validation_error", f"reason: a {request.type} needs a reason", "reason"
                )
            return self._decide(case, agent_id, request, reason)
        if case.order_id is None:
            raise CaseConflict(f"case {case_id} is about no order; nothing to {request.type}")
        # One remedy of a type per case, whoever clicks and however often. (The caller's
        # Idempotency-Key is not part of it: a console sends a fresh one per click.)
        key = f"agent:{case_id}:{request.type}"
        with case_turn(self.database, self.conversations, case, agent_id) as (session, post):
            done = ledger.action_by_key_in(session, key)
            if done is not None:
                # A retry: answered before the rules, which now see the money already moved.
                return {
                    "case_id": case_id,
                    "decision": done.type.value,
                    "action": done.to_dict(),
                    "override": None,
                    "policy_granted": None,
                    "replayed": True,
                    "audit_id": None,
                }
            current = case_store.get_case_in(session, case_id)
            if current is None or current.status != CaseStatus.WAITING_FOR_AGENT:
                status = current.status if current else "gone"
                raise CaseConflict(f"case {case_id} is {status}, not waiting for an agent")
            ledger.lock_order_in(session, case.order_id)
            ledger.lock_buyer_in(session, case.buyer_id)
            order = load_order_in(session, case.order_id)
            assert order is not None  # a case's order is never deleted
            done_now = record_money_action_in(
                session,
                case_id=case_id,
                agent_id=agent_id,
                request=request,
                reason=reason,
                facts=self.facts(case, order),
                order=order,
                claim=self.claim(case),
                key=key,
                client_key=idempotency_key,
                now=self.clock(),
            )
            case_store.update_case_in(session, case_id, self.clock(), status=CaseStatus.RESOLVED)
            if request.message:
                post(request.message)
        log.info(
            "agent_action",
            case_id=case_id,
            agent_id=agent_id,
            type=request.type,
            amount=str(done_now.amount),
            override=done_now.override,
            replayed=not done_now.created,
        )
        return {
            "case_id": case_id,
            "decision": request.type,
            "action": done_now.action.to_dict(),
            "override": done_now.override,
            "policy_granted": done_now.granted,
            "replayed": not done_now.created,
            "audit_id": done_now.audit_id,
        }

    # --- internals --------------------------------------------------------------------------

    def _decide(
        self, case: Case, agent_id: str, request: ActionRequest, reason: str
    ) -> dict[str, Any]:
        """A decision that moves no money: audited, noted on the case, optionally said."""
        with case_turn(self.database, self.conversations, case, agent_id) as (session, post):
            entry = record_audit_in(
                session,
                case_id=case.case_id,
                agent_id=agent_id,
                kind=request.type,
                now=self.clock(),
                reason=reason,
            )
            if request.message:
                post(request.message)
            summary = case.summary.with_agent_decision(request.type)
            case_store.update_case_in(session, case.case_id, self.clock(), summary=summary)
        return {
            "case_id": case.case_id,
            "decision": request.type,
            "action": None,
            "override": False,
            "replayed": False,
            "audit_id": entry.audit_id,
        }

    def _case(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        return case

    def _risk(
        self, case: Case, order: Order | None, decisions: list[DecisionRecord]
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The risk panel and its explanation. The score is the one the router recorded for
        the case's latest scored decision (`source: "decision"`), explained from the features
        it recorded with it; only a case the router never scored is scored now, with the
        features built as the router builds them (`source: "computed"`)."""
        scored = next(
            (d.trace for d in reversed(decisions) if d.trace.get("score") is not None), None
        )
        if scored is not None:
            risk = {
                "score": scored["score"],
                "threshold": scored.get("threshold"),
                "model_version": scored.get("model_version"),
                "source": "decision",
                "model_score": scored.get("model_score"),
            }
            recorded = scored.get("features")
            attribution = None
            if isinstance(recorded, dict):
                attribution = self._explain(case, {**recorded}, basis="decision")
            elif order is not None:  # a decision recorded before its features were
                attribution = self._explain(case, self._features_now(case, order), basis="now")
            return risk, attribution
        none: dict[str, Any] = {"score": None, "threshold": None, "model_version": None}
        if order is None:
            return {**none, "source": None}, None
        attribution = self._explain(case, self._features_now(case, order), basis="now")
        if attribution is None:
            return {**none, "source": None}, None
        risk = {
            "score": attribution["score"],
            "threshold": None,
            "model_version": attribution["model_version"],
            "source": "computed",
        }
        return risk, attribution

    def _features_now(self, case: Case, order: Order) -> dict[str, object] | None:
        if self.risk_model is None:
            return None
        try:
            return self.risk_features(case, order)
        except Exception as e:  # an explanation must never break the case view
            log.warning("risk_features_failed", case_id=case.case_id, error=str(e))
            return None

    def _explain(
        self, case: Case, features: dict[str, object] | None, *, basis: str
    ) -> dict[str, Any] | None:
        if self.risk_model is None or features is None:
            return None
        features = {k: float("nan") if v is None else v for k, v in features.items()}
        try:
            return {**attribute_risk(self.risk_model, features), "basis": basis}
        except Exception as e:  # an explanation must never break the case view
            log.warning("risk_attribution_failed", case_id=case.case_id, error=str(e))
            return None


def claim_of(case: Case, photo_in_transcript: bool = False) -> Claim | None:
    """The claim the case is about: the one the dialogue named, else the one its intent (or the
    flow a handoff interrupted) stands for. A photo the buyer sent anywhere in the conversation
    counts (one sent after the handoff is not in the summary): nobody asks for it again."""
    summary = case.summary
    intent = summary.flow_intent or case.intent
    try:
        kind = ClaimType(summary.claim_type) if summary.claim_type else CLAIM_OF_INTENT.get(intent)
    except ValueError:
        kind = None
    if kind is None:
        return None
    return Claim(
        type=kind,
        skus=summary.skus or (),
        units=summary.units,
        has_photo=bool(summary.photos) or photo_in_transcript,
    )


def sent_photo(messages: Iterable[Message]) -> bool:
    """Whether the buyer attached a photo (an image, as the dialogue reads one) to a message."""
    return any(
        m.role is MessageRole.BUYER and any(a.get("type") == "image" for a in m.attachments)
        for m in messages
    )
