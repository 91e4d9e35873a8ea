"""The agent console's service: the queue with filters and SLA timers, the full case view,
suggestions, and agent actions checked by the same eligibility rules as the bot's.

Agent actions follow the bot's discipline (`bot.dialogue.manager`): they run inside the
conversation's turn transaction (its lock), then take the order's and the buyer's locks, and
check the rules, the caps and the ledger with the order as it is then; money moves only
through `bot.store.ledger.record_remedy_in`, and the audit row commits with the action. An
action is idempotent per case and remedy: a second click, a second tab or a second agent
approving the same remedy on the same case gets the first action back and moves nothing.
A money action resolves the case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy.orm import Session

from bot.assist.explain import attribute_risk
from bot.assist.facts import (
    MONEY_ACTIONS,
    CaseFacts,
    evaluate_facts,
    money,
)
from bot.assist.suggest import Suggester, default_amount
from bot.dialogue.agents import AgentDesk, CaseConflict, CaseNotFound, ReleaseTarget
from bot.dialogue.vocabulary import CLAIM_OF_INTENT
from bot.store import cases as case_store
from bot.store import ledger
from bot.store.audit import AuditRepository, record_audit_in
from bot.store.case_summary import AttributionRecord, eligibility_json
from bot.store.cases import Case, CaseStatus
from bot.store.conversations import ConversationRepository
from bot.store.db import Database, utcnow, write_session
from bot.store.models import ActionType, ConversationStatus, MessageRole
from bot.store.orders import OrderRepository, load_order_in
from policies.attribution import attribute
from policies.features import case_features, smoothed_defect_rate
from policies.router import RiskScorer
from policies.types import BuyerHistory, Claim, ClaimType, Order

log = structlog.get_logger(__name__)

AGENT_DECISIONS = (*MONEY_ACTIONS, "deny", "request_evidence")
DAMAGE_INTENTS = {"damaged_item", "wrong_item", "damaged", "defective", "not_as_described"}
# First-response targets by queue priority (minutes): urgent cases are answered first.
SLA_MINUTES = ((80, 15), (50, 30), (0, 60))


class ActionRefused(Exception):
    """An agent action the API answers with 422 (`field` names what to fix)."""

    def __init__(self, code: str, message: str, field: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field, self.details = code, message, field, details or {}


@dataclass(frozen=True)
class ActionRequest:
    type: str
    amount: Decimal | None = None
    reason: str | None = None
    override: bool = False
    message: str | None = None


def sla_minutes(priority: int) -> int:
    return next(minutes for floor, minutes in SLA_MINUTES if priority >= floor)


class AgentConsole:
    """Built once in the lifespan; every method is synchronous (the routes use a thread)."""

    def __init__(
        self,
        database: Database,
        desk: AgentDesk,
        suggester: Suggester,
        *,
        risk_model: RiskScorer | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.desk = desk
        self.suggester = suggester
        self.risk_model = risk_model
        self.clock = clock
        self.cases = case_store.CaseRepository(database.sessions, clock=clock)
        self.conversations = ConversationRepository(database.sessions, clock=clock)
        self.orders = OrderRepository(database.sessions, clock=clock)
        self.audit = AuditRepository(database.sessions, clock=clock)

    # --- the queue --------------------------------------------------------------------------

    def queue(
        self, *, intent: str | None = None, region: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        rows = self.desk.queue()
        regions = self.audit.regions(r["buyer_id"] for r in rows)
        states = self.audit.reply_states(r["conversation_id"] for r in rows if r["conversation_id"])
        now = self.clock()
        out = []
        for row in rows:
            waiting_since = datetime.fromisoformat(row["waiting_since"])
            minutes = sla_minutes(row["priority"])
            due = waiting_since + timedelta(minutes=minutes)
            row = {
                **row,
                "region": regions.get(row["buyer_id"]),
                "status": states.get(row["conversation_id"] or "", "new"),
                "sla_minutes": minutes,
                "sla_due_at": due.isoformat(),
                "sla_breached": now > due,
                "waiting_seconds": max(int((now - waiting_since).total_seconds()), 0),
            }
            if intent and row["intent"] != intent:
                continue
            if region and (row["region"] or "") != region:
                continue
            if status and row["status"] != status:
                continue
            out.append(row)
        return out

    # --- one case ---------------------------------------------------------------------------

    def case_view(self, case_id: str) -> tuple[dict[str, Any], Order | None]:
        view, order = self.desk.case_view(case_id)
        case = self._case(case_id)
        facts = self.facts(case, order)
        view["transcript"] = self._transcript(case)
        view["region"] = self.audit.regions([case.buyer_id]).get(case.buyer_id)
        view["buyer"] = self._buyer(case, facts)
        view["eligibility_now"] = eligibility_json(facts.eligibility)
        view["claim_type"] = facts.claim_type.value if facts.claim_type else None
        view["responsibility"] = view.get("attribution") or self._responsibility(facts)
        view["risk_attribution"] = self._risk_attribution(case, facts)
        view["audit"] = [e.to_dict() for e in self.audit.of_case(case_id)]
        view["allowed_actions"] = {
            "policy_action": facts.policy_action,
            "policy_amount": None if facts.eligibility is None else float(facts.eligibility.amount),
        }
        return view, order

    def suggestions(self, case_id: str) -> list[dict[str, Any]]:
        case = self._case(case_id)
        order = self.orders.get(case.order_id) if case.order_id else None
        return [s.to_dict() for s in self.suggester.suggest(self.facts(case, order))]

    def facts(self, case: Case, order: Order | None) -> CaseFacts:
        """The case as the rules see it now: its claim, the order, the buyer's history."""
        now = self.clock()
        history = self.orders.history(case.buyer_id, now) if order is not None else None
        created = self.audit.buyer_created_at(case.buyer_id)
        age = (now - created).total_seconds() / 86_400 if created is not None else None
        voucher_given = False
        if order is not None:
            with self.database.sessions() as session:
                voucher_given = case_store.voucher_given_in(session, order.order_id)
        return evaluate_facts(
            case.intent,
            self._claim(case),
            order,
            history,
            now,
            voucher_already_given=voucher_given,
            account_age_days=age,
        )

    # --- writing to the buyer ---------------------------------------------------------------

    def reply(self, case_id: str, agent_id: str, text: str) -> dict[str, Any]:
        case = self._case(case_id)
        with self._turn(case, agent_id) as (session, add_message):
            message = add_message(text)
            record_audit_in(
                session,
                case_id=case_id,
                agent_id=agent_id,
                kind="reply",
                now=self.clock(),
                details={"seq": message["seq"], "chars": len(text)},
            )
        return message

    def release(self, case_id: str, agent_id: str, to: ReleaseTarget) -> dict[str, Any]:
        result = self.desk.release(case_id, agent_id, to)
        with write_session(self.database.sessions) as session:
            record_audit_in(
                session,
                case_id=case_id,
                agent_id=agent_id,
                kind="close" if to == "closed" else "hand_back",
                now=self.clock(),
                details={"to": to},
            )
        return result

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
        with self._turn(case, agent_id) as (session, add_message):
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
            facts = self.facts(case, order)
            granted = facts.policy_action == request.type
            amount = request.amount
            if amount is None:
                amount = default_amount(request.type, facts)
            refusal = self._refusal(request.type, amount, facts)
            if refusal is not None and not request.override:
                raise ActionRefused(
                    "override_required",
                    f"{refusal} Confirm it as an override, with the reason, to do it anyway.",
                    "override",
                    {"eligibility": eligibility_json(facts.eligibility)},
                )
            if refusal is not None and not reason:
                raise ActionRefused(
                    "validation_error", "reason: an override needs a non-empty reason", "reason"
                )
            cap = order.refundable if request.type in MONEY_BACK else order.total
            if amount > cap:
                raise ActionRefused(
                    "validation_error",
                    f"amount: {money(amount, order.currency)} is more than the "
                    f"{money(cap, order.currency)} this order allows",
                    "amount",
                )
            try:
                action, created = ledger.record_remedy_in(
                    session,
                    case_id=case_id,
                    order_id=order.order_id,
                    type=ActionType(request.type),
                    amount=amount,
                    currency=order.currency,
                    items=_items_for(request.type, facts, order, self._claim(case)),
                    idempotency_key=key,
                    actor=agent_id,
                    now=self.clock(),
                    reason=reason,
                )
            except ledger.LedgerRefused as e:
                raise ActionRefused(e.code, e.message, "type") from e
            entry = record_audit_in(
                session,
                case_id=case_id,
                agent_id=agent_id,
                kind=request.type,
                now=self.clock(),
                action_id=action.action_id,
                amount=amount,
                override=refusal is not None,
                reason=reason,
                details={
                    "refusal": refusal,
                    "override_requested": request.override,
                    "policy_action": facts.policy_action,
                    "eligibility": eligibility_json(facts.eligibility),
                    "idempotency_key": key,
                    "client_idempotency_key": idempotency_key,
                },
            )
            audit_id = entry.audit_id
            case_store.update_case_in(session, case_id, self.clock(), status=CaseStatus.RESOLVED)
            if request.message:
                add_message(request.message)
        log.info(
            "agent_action",
            case_id=case_id,
            agent_id=agent_id,
            type=request.type,
            amount=str(amount),
            override=refusal is not None,
            replayed=not created,
        )
        return {
            "case_id": case_id,
            "decision": request.type,
            "action": action.to_dict(),
            "override": refusal is not None,
            "policy_granted": granted,
            "replayed": not created,
            "audit_id": audit_id,
        }

    # --- internals --------------------------------------------------------------------------

    def _decide(
        self, case: Case, agent_id: str, request: ActionRequest, reason: str
    ) -> dict[str, Any]:
        with self._turn(case, agent_id) as (session, add_message):
            entry = record_audit_in(
                session,
                case_id=case.case_id,
                agent_id=agent_id,
                kind=request.type,
                now=self.clock(),
                reason=reason,
            )
            if request.message:
                add_message(request.message)
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

    @staticmethod
    def _refusal(type_: str, amount: Decimal, facts: CaseFacts) -> str | None:
        """Why the rules do not grant this action at this amount; None when they do."""
        e = facts.eligibility
        if e is None:
            return f"The eligibility rules have no claim to check a {type_} against."
        if facts.policy_action != type_:
            granted = facts.policy_action or "nothing"
            return (
                f"The eligibility rules grant {granted}, not {type_}, on order "
                f"{facts.order.order_id if facts.order else ''}: {e.explanation} "
                f"(clauses {', '.join(e.clauses) or 'none'})."
            )
        if amount > e.amount:
            return (
                f"The rules grant {money(e.amount, e.currency)}, less than "
                f"{money(amount, e.currency)} ({', '.join(e.clauses)})."
            )
        return None

    @contextmanager
    def _turn(
        self, case: Case, author: str
    ) -> Iterator[tuple[Session, Callable[[str], dict[str, Any]]]]:
        """The case's conversation turn (locked), or a plain write without a conversation."""
        from bot.dialogue.manager import transcript_entry

        if case.conversation_id is None:
            with write_session(self.database.sessions) as session:

                def no_conversation(_text: str) -> dict[str, Any]:
                    raise CaseConflict(f"case {case.case_id} has no conversation to write to")

                yield session, no_conversation
            return
        with self.conversations.turn(case.conversation_id) as turn:
            conversation = turn.conversation
            if conversation.status is ConversationStatus.CLOSED:
                raise CaseConflict(f"conversation {case.conversation_id} is closed")

            def add_message(text: str) -> dict[str, Any]:
                message = turn.add_message(MessageRole.AGENT, text, author=author)
                return transcript_entry(message)

            yield turn.session, add_message
            # Keep the state and status; bumps updated_at so the buyer's page sees a change.
            turn.finish(state=turn.conversation.state, status=turn.conversation.status)

    def _case(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        return case

    @staticmethod
    def _claim(case: Case) -> Claim | None:
        summary = case.summary
        claim_type = summary.claim_type
        intent = summary.flow_intent or case.intent
        try:
            kind = ClaimType(claim_type) if claim_type else CLAIM_OF_INTENT.get(intent)
        except ValueError:
            kind = None
        if kind is None:
            return None
        return Claim(
            type=kind,
            skus=summary.skus or (),
            has_photo=bool(summary.photos),
        )

    def _transcript(self, case: Case) -> list[dict[str, Any]]:
        from bot.dialogue.manager import transcript_entry

        if case.conversation_id is None:
            return []
        out = []
        for message in self.conversations.messages(case.conversation_id):
            entry = transcript_entry(message)
            if message.author:
                entry["author"] = message.author
            if message.nlu:
                entry["nlu"] = {
                    "intent": message.nlu.get("intent"),
                    "entities": message.nlu.get("entities", []),
                    "intent_ranking": message.nlu.get("intent_ranking", [])[:3],
                }
            out.append(entry)
        return out

    def _buyer(self, case: Case, facts: CaseFacts) -> dict[str, Any]:
        orders = self.orders.list_for_buyer(case.buyer_id)
        history = facts.history or BuyerHistory.from_orders(orders, facts.now)
        return {
            "buyer_id": case.buyer_id,
            "account_age_days": None
            if facts.account_age_days is None
            else round(facts.account_age_days, 1),
            "refunds_last_90_days": history.refunds_last_90_days,
            "orders_last_365_days": history.orders_last_365_days,
            "refunded_orders_last_365_days": history.refunded_orders_last_365_days,
            "orders": [
                {
                    "order_id": o.order_id,
                    "status": o.status.value,
                    "total": float(o.total),
                    "currency": o.currency,
                    "refunded_amount": float(o.refunded_amount),
                    "placed_at": o.placed_at.isoformat(),
                    "items": ", ".join(i.title for i in o.items),
                }
                for o in orders[:20]
            ],
            "cases": self.audit.buyer_cases(case.buyer_id),
        }

    @staticmethod
    def _responsibility(facts: CaseFacts) -> dict[str, Any] | None:
        if facts.order is None or facts.claim is None:
            return None
        return AttributionRecord.of(attribute(facts.order, facts.claim, facts.now)).to_json()

    def _risk_attribution(self, case: Case, facts: CaseFacts) -> dict[str, Any] | None:
        if self.risk_model is None or facts.order is None or facts.claim is None:
            return None
        try:
            with self.database.sessions() as session:
                claims, deliveries = case_store.seller_claim_counts_in(
                    session, facts.order.seller_id, DAMAGE_INTENTS
                )
            since = self.audit.buyer_created_at(case.buyer_id) or facts.order.placed_at
            features = case_features(
                facts.order,
                facts.claim,
                facts.history or BuyerHistory(0, 0, 0),
                facts.now,
                account_created_at=min(since, facts.now),
                seller_defect_rate=smoothed_defect_rate(claims, deliveries),
            )
            return attribute_risk(self.risk_model, features)
        except Exception as e:  # an explanation must never break the case view
            log.warning("risk_attribution_failed", case_id=case.case_id, error=str(e))
            return None


MONEY_BACK = ("refund", "cancel", "return")


def _items_for(
    type_: str, facts: CaseFacts, order: Order, claim: Claim | None
) -> list[tuple[str, int]]:
    """The items an agent's remedy settles in the ledger: what the rules grant when the agent
    gives the granted remedy; the whole order for a cancellation; the claim's items
    otherwise; none for a voucher or money not tied to a claim (goodwill)."""
    if type_ == "voucher":
        return []
    e = facts.eligibility
    if e is not None and e.eligible and facts.policy_action == type_:
        return list(e.items)
    if type_ == "cancel" or (claim is not None and not claim.skus):
        skus = [item.sku for item in order.items]
    else:
        skus = list(claim.skus) if claim is not None else []
    return [(sku, order.remaining_quantity(sku)) for sku in skus if order.remaining_quantity(sku)]
