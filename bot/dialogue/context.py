"""What one turn knows and can do: the buyer's orders, history, cases and actions, all read and
written inside the turn's transaction (which holds the conversation's lock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.risk_features import BuyerRecord, buyer_record, risk_features_in
from bot.store import cases as case_store
from bot.store import ledger
from bot.store.case_summary import CaseSummary
from bot.store.cases import ActionRecord, CaseStatus
from bot.store.disputes import DisputeTiming, open_dispute_in
from bot.store.ledger import ProposalRecord
from bot.store.models import ActionType, BuyerRow, ProposalStatus
from bot.store.orders import buyer_orders_in
from policies.experiments import Experiments, Exposure
from policies.router import Decision, RiskScorer, RouterConfig
from policies.types import BuyerHistory, Claim, Order
from retrieval.answer import PolicyAnswer

# Orders older than this are not offered as quick replies (they can still be typed).
RECENT = timedelta(days=90)
# How long a proposed remedy waits for the buyer's yes (the setting proposal_ttl_minutes).
DEFAULT_PROPOSAL_TTL = timedelta(minutes=30)


class Answerer(Protocol):
    """What the dialogue needs from retrieval (`retrieval.answer.PolicyAnswerer` is one)."""

    def answer(self, question: str, situation: str | None = None) -> PolicyAnswer: ...


class InLanguage:
    """An answerer bound to the buyer's language. A multilingual one (it lists ``languages``,
    as `retrieval.multilingual_answer.MultilingualAnswerer` does) answers a question in Malay
    from the Malay clause, citing the same clause ids; English, a language it does not hold, or
    an English-only answerer answer as before."""

    def __init__(self, inner: Answerer, language: str | None) -> None:
        self.inner = inner
        self.language = language or "en"

    def answer(self, question: str, situation: str | None = None) -> PolicyAnswer:
        languages = getattr(self.inner, "languages", ())
        if self.language == "en" or self.language not in languages:
            return self.inner.answer(question, situation)
        return self.inner.answer(question, situation, language=self.language)  # type: ignore[call-arg]


class PreparedAnswerer:
    """An answerer that already holds the answer to this turn's message.

    The dialogue manager answers a message that may be a policy question before the turn's
    transaction (`DialogueManager.post`): embedding and search then never hold the
    conversation's lock nor SQLite's write queue. Any other question is answered as usual.
    """

    def __init__(
        self,
        inner: Answerer,
        question: str,
        situation: str | None,
        answer: PolicyAnswer | None,
        error: Exception | None,
    ) -> None:
        self.inner = inner
        self.question = question
        self.situation = situation
        self._answer = answer
        self._error = error

    def answer(self, question: str, situation: str | None = None) -> PolicyAnswer:
        if (question, situation) != (self.question, self.situation):
            return self.inner.answer(question, situation)
        if self._error is not None:
            raise self._error
        assert self._answer is not None
        return self._answer

    @classmethod
    def prepare(cls, inner: Answerer, question: str, situation: str | None) -> PreparedAnswerer:
        """Answer now; an error (an over-long question) is raised when the flow asks."""
        try:
            return cls(inner, question, situation, inner.answer(question, situation), None)
        except Exception as e:  # kept and raised where the flow asks, as it would have been
            return cls(inner, question, situation, None, e)


@dataclass
class Engines:
    """The models a turn may consult; None when the artifact failed to load."""

    answerer: Answerer | None
    risk_model: RiskScorer | None
    router_config: RouterConfig = field(default_factory=RouterConfig)
    # Routing-policy experiments (None: every buyer gets `router_config`).
    experiments: Experiments | None = None


class TurnContext:
    """The buyer, the time, and the store, for one turn."""

    def __init__(
        self,
        session: Session,
        *,
        conversation_id: str,
        buyer_id: str,
        now: datetime,
        engines: Engines,
        proposal_ttl: timedelta = DEFAULT_PROPOSAL_TTL,
        dispute_timing: DisputeTiming | None = None,
    ) -> None:
        self.session = session
        self.conversation_id = conversation_id
        self.buyer_id = buyer_id
        self.now = now
        self.engines = engines
        self.proposal_ttl = proposal_ttl
        self.dispute_timing = dispute_timing or DisputeTiming()
        self.executed: list[ActionRecord] = []

    @cached_property
    def _routing(self) -> tuple[RouterConfig, Exposure | None]:
        if self.engines.experiments is None:
            return self.engines.router_config, None
        return self.engines.experiments.route_config(
            self.buyer_id, self.now, self.engines.router_config
        )

    @property
    def router_config(self) -> RouterConfig:
        """The router's configuration for this buyer: the experiment arm's, if one runs."""
        return self._routing[0]

    @property
    def exposure(self) -> Exposure | None:
        """The experiment arm this buyer's decisions are taken under (logged with each)."""
        return self._routing[1]

    @cached_property
    def orders(self) -> list[Order]:
        """The buyer's orders, newest first."""
        return buyer_orders_in(self.session, self.buyer_id)

    def lock_for_money(self, order_id: str) -> Order | None:
        """Lock the order, then the buyer, until the turn commits, and read the buyer's orders
        (and their row) afresh: what another conversation, an agent or a webhook committed
        meanwhile is seen, and nothing changes under the decision before its remedy is
        written."""
        # The locks first, then the reads (new statements: they see what committed before the
        # locks were granted).
        ledger.lock_order_only_in(self.session, order_id)
        ledger.lock_buyer_in(self.session, self.buyer_id)
        self.__dict__.pop("orders", None)
        if self.__dict__.pop("_buyer_row", None) is not None:
            self._buyer_row = self.session.get(BuyerRow, self.buyer_id, populate_existing=True)
        return self.find_order(order_id)

    @cached_property
    def _buyer_row(self) -> BuyerRow | None:
        """The buyer's row, held for the turn: the session keeps rows only while something
        refers to them, so without this every read of the buyer (region, account start, a
        case's owner) went to the database again (issue 17)."""
        return self.session.get(BuyerRow, self.buyer_id)

    def recent_orders(self) -> list[Order]:
        return [o for o in self.orders if self.now - o.placed_at <= RECENT]

    def find_order(self, order_id: str) -> Order | None:
        """The buyer's order with this id (case and a leading # ignored); None if it is not
        theirs, whether or not it exists."""
        wanted = order_id.strip().lstrip("#").upper()
        return next((o for o in self.orders if o.order_id.upper() == wanted), None)

    @cached_property
    def region(self) -> str | None:
        """The buyer's market: the router's fairness thresholds are per region."""
        self._buyer_row  # noqa: B018 - held: the read below comes from the session's map
        return case_store.buyer_region_in(self.session, self.buyer_id)

    def history(self) -> BuyerHistory:
        # From the orders already read: the rules need no account start (and so no query).
        return BuyerHistory.from_orders(self.orders, self.now)

    def voucher_given(self, order_id: str) -> bool:
        return case_store.voucher_given_in(self.session, order_id)

    def return_pending(self, order_id: str) -> bool:
        return any(
            a.type is ActionType.RETURN and a.order_id == order_id
            for a in case_store.actions_of_conversation_in(self.session, self.conversation_id)
        )

    def buyer(self) -> BuyerRecord:
        """The buyer's orders, history and account start as this turn sees them now."""
        self._buyer_row  # noqa: B018 - held: the read below comes from the session's map
        return buyer_record(self.session, self.buyer_id, self.orders, self.now)

    def risk_features(self, order: Order, claim: Claim) -> dict[str, Any]:
        """The features the router scores (the agent console builds them the same way)."""
        return risk_features_in(self.session, order, claim, self.buyer())

    def open_case(
        self,
        *,
        intent: str,
        order_id: str | None,
        status: str,
        priority: int,
        summary: CaseSummary,
    ) -> str:
        self._buyer_row  # noqa: B018 - held: the read below comes from the session's map
        return case_store.open_case_in(
            self.session,
            conversation_id=self.conversation_id,
            buyer_id=self.buyer_id,
            order_id=order_id,
            intent=intent,
            status=status,
            priority=priority,
            summary=summary,
            now=self.now,
        )

    def record_rating(self, case_id: str, score: int) -> None:
        case_store.record_rating_in(
            self.session,
            conversation_id=self.conversation_id,
            case_id=case_id,
            buyer_id=self.buyer_id,
            score=score,
            now=self.now,
        )

    def open_dispute(self, case_id: str, order: Order, reason: str) -> datetime:
        """Open the buyer's dispute of ``order`` on the case (REV-6.5), with its clock; returns
        the seller's deadline. The seller sees it in their feed (`/v1/seller/disputes`)."""
        dispute, _ = open_dispute_in(
            self.session,
            case_id=case_id,
            order_id=order.order_id,
            buyer_id=self.buyer_id,
            seller_id=order.seller_id,
            opened_by="buyer",
            actor=self.buyer_id,
            reason=reason,
            amount=order.refundable,
            currency=order.currency,
            now=self.now,
            timing=self.dispute_timing,
        )
        case_store.update_case_in(self.session, case_id, self.now, status=CaseStatus.IN_DISPUTE)
        return dispute.respond_by

    def update_case(self, case_id: str, **changes: Any) -> None:
        case_store.update_case_in(self.session, case_id, self.now, **changes)

    def record_decision(self, case_id: str, decision: Decision) -> None:
        case_store.record_decision_in(
            self.session, case_id, decision, self.now, exposure=self.exposure
        )

    def open_proposal(
        self,
        *,
        proposal_id: str,
        order: Order,
        case_id: str,
        type: ActionType,
        amount: Decimal,
        items: tuple[tuple[str, int], ...],
    ) -> None:
        """Record the remedy the buyer is asked to confirm; an open one on the same order (in
        another conversation) is superseded."""
        ledger.open_proposal_in(
            self.session,
            proposal_id=proposal_id,
            order_id=order.order_id,
            case_id=case_id,
            conversation_id=self.conversation_id,
            type=type,
            amount=amount,
            currency=order.currency,
            items=items,
            now=self.now,
            ttl=self.proposal_ttl,
        )

    def proposal(self, proposal_id: str) -> ProposalRecord | None:
        return ledger.proposal_in(self.session, proposal_id)

    def close_proposal(self, proposal_id: str, status: ProposalStatus) -> None:
        ledger.close_proposal_in(self.session, proposal_id, status, self.now)

    def execute(
        self,
        *,
        case_id: str,
        order_id: str,
        type: ActionType,
        amount: Decimal,
        currency: str,
        items: tuple[tuple[str, int], ...],
        idempotency_key: str,
        responsible_party: str | None = None,
    ) -> ActionRecord:
        """Write the remedy to the ledger (raises `bot.store.ledger.LedgerRefused` when it would
        break an invariant); a retry with the same key moves nothing."""
        action, created = ledger.record_remedy_in(
            self.session,
            case_id=case_id,
            order_id=order_id,
            type=type,
            amount=amount,
            currency=currency,
            items=items,
            idempotency_key=idempotency_key,
            actor="bot",
            now=self.now,
            responsible_party=responsible_party,
        )
        if created:
            self.executed.append(action)
        return action
