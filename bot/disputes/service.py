"""Disputes with the seller in the loop (REV-6.5): opening one, the seller's answers, an agent's
decision, and the clock's reminder and timeout; the one service the seller, agent and job
routes call.

Every move runs in one transaction: the case's conversation turn when it has one (the buyer is
told in their chat, in the same commit), then the dispute's row lock, then the order's and the
buyer's (`bot.store.ledger`). The state machine (`bot.disputes.machine`) says which move is
allowed; a move repeated on a dispute already where it leads is answered with the dispute as
it is (``replayed``) and changes nothing, so sellers can retry freely. Money moves only through
`bot.store.ledger.record_remedy_in`, once per dispute (its key), carrying who pays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy.orm import Session

from bot.dialogue import dispute_replies as wording
from bot.dialogue import offers
from bot.dialogue.offers import ChatNotes, OfferAnswer
from bot.dialogue.state import DialogueState
from bot.dialogue.vocabulary import CLAIM_OF_INTENT
from bot.disputes.machine import (
    PAYS_BUYER,
    TERMINAL,
    DisputeConflict,
    Move,
    is_replay,
    next_status,
)
from bot.language.catalogue import english_of, speaking
from bot.store import disputes as store
from bot.store import ledger
from bot.store.cases import Case, CaseStatus, get_case_in, update_case_in
from bot.store.conversations import ConversationRepository
from bot.store.db import Database, write_session
from bot.store.models import (
    ActionType,
    DisputeRow,
    DisputeStatus,
    MessageRole,
)
from bot.store.orders import load_order_in
from common.errors import Conflict, InvalidInput, NotFound
from policies.attribution import attribute
from policies.types import Claim, ClaimType, Order, Party, to_cents

log = structlog.get_logger(__name__)


# Claims that name no fault by themselves (`policies.attribution`): a dispute about them is
# charged to the seller when the buyer wins (RESP-7.1: the seller answers for the sale).
_NO_FAULT = frozenset({ClaimType.DISPUTE, ClaimType.HUMAN_REQUESTED})
PAYING_PARTIES = frozenset({Party.SELLER.value, Party.CARRIER.value, Party.PLATFORM.value})


class DisputeNotFound(NotFound, what="dispute"):
    """No such dispute, or not one the caller may see (a seller sees only their own)."""


class DisputedCaseNotFound(NotFound, what="case"):
    """No case with that id."""


class CaseHasNoOrder(Conflict):
    """A dispute needs an order to be about."""


@dataclass(frozen=True)
class Remedy:
    """What the buyer gets when they win: a refund of ``amount`` or a replacement."""

    type: ActionType
    amount: Decimal


class DisputeDesk:
    """Built once in the lifespan; synchronous (routes call it in a thread)."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], datetime],
        timing: store.DisputeTiming | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.timing = timing or store.DisputeTiming()
        self.conversations = ConversationRepository(database.sessions, clock=clock)
        self.repository = store.DisputeRepository(database.sessions, clock)

    # --- reading ------------------------------------------------------------------------------

    def for_seller(
        self, seller_id: str, *, since: datetime | None, limit: int
    ) -> list[dict[str, Any]]:
        return [
            d.to_dict("seller")
            for d in self.repository.for_seller(seller_id, since=since, limit=limit)
        ]

    def seller_view(self, dispute_id: str, seller_id: str) -> dict[str, Any]:
        return self._own(dispute_id, seller_id).to_dict("seller")

    def agent_view(self, dispute_id: str) -> dict[str, Any]:
        dispute = self.repository.get(dispute_id)
        if dispute is None:
            raise DisputeNotFound(dispute_id)
        return dispute.for_agent()

    def of_cases(self, case_ids: list[str]) -> list[dict[str, Any]]:
        """The disputes of a conversation's cases, as the buyer sees them."""
        return [d.to_dict("buyer") for d in self.repository.of_cases(case_ids)]

    # --- opening ------------------------------------------------------------------------------

    def open_for_case(
        self,
        case_id: str,
        *,
        opened_by: str,
        actor: str,
        reason: str,
        amount: Decimal | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Open the case's dispute (or return the one it has: ``created`` False)."""
        with self._case_turn(case_id) as (session, case, notes):
            existing = store.dispute_of_case_in(session, case_id)
            if existing is not None:
                return existing.to_dict("agent"), False
            if case.order_id is None:
                raise CaseHasNoOrder(f"case {case_id} is about no order; a dispute needs one")
            order = load_order_in(session, case.order_id)
            assert order is not None  # a case's order is never deleted
            asked = order.refundable if amount is None else to_cents(amount)
            if asked <= 0 or asked > order.refundable:
                raise InvalidInput(
                    f"amount: must be more than 0 and at most the {order.refundable} "
                    f"{order.currency} left to refund on order {order.order_id}",
                    field="amount",
                )
            now = self.clock()
            dispute, _ = store.open_dispute_in(
                session,
                case_id=case_id,
                order_id=order.order_id,
                buyer_id=case.buyer_id,
                seller_id=order.seller_id,
                opened_by=opened_by,
                actor=actor,
                reason=reason,
                amount=asked,
                currency=order.currency,
                now=now,
                timing=self.timing,
            )
            update_case_in(session, case_id, now, status=CaseStatus.IN_DISPUTE)
            notes.post(
                wording.opened(order.order_id, dispute.respond_by, self.timing.respond_within)
            )
        log.info("dispute_opened", dispute_id=dispute.dispute_id, case_id=case_id, by=opened_by)
        return dispute.to_dict("agent"), True

    # --- the seller's answers -------------------------------------------------------------------

    def seller_move(
        self,
        dispute_id: str,
        seller_id: str,
        move: Move,
        *,
        statement: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        offer: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Accept, contest (a statement and evidence) or offer (a partial refund or a
        replacement) for the seller of the dispute's order."""
        dispute = self._own(dispute_id, seller_id)
        if dispute.status is DisputeStatus.AWAITING_SELLER and self.clock() >= dispute.respond_by:
            # Past the deadline the buyer has won (the timeout job records it within seconds).
            raise DisputeConflict(
                f"the seller's time to answer ended at {dispute.respond_by.isoformat()}"
            )
        details: dict[str, Any] = {}
        if move is Move.OFFER:
            assert offer is not None
            offer = {**offer, "currency": dispute.currency}
            if offer["type"] == "refund" and Decimal(str(offer["amount"])) > dispute.amount:
                raise InvalidInput(
                    f"amount: an offer cannot exceed the {dispute.amount} {dispute.currency} "
                    "the buyer disputes",
                    field="amount",
                )
            details["offer"] = offer
        return self._move(
            dispute.dispute_id,
            move,
            actor_role="seller",
            actor=seller_id,
            statement=statement,
            attachments=attachments,
            details=details,
            offer=offer,
            idempotency_key=idempotency_key,
        )

    # --- the buyer's answer to an offer ---------------------------------------------------------

    def answer_offer_in(
        self, session: Session, buyer_id: str, dispute_id: str, answer: OfferAnswer
    ) -> ChatNotes:
        """The buyer takes or leaves the seller's offer in chat, in the conversation's own turn
        (`bot.dialogue.offers`): taking it settles the dispute and moves the offer once through
        the ledger; leaving it is for an agent to decide. Asked again, nothing changes."""
        row = store.lock_dispute_in(session, dispute_id)
        if row is None or row.buyer_id != buyer_id:
            raise DisputeNotFound(dispute_id)
        notes = ChatNotes(case_id=row.case_id)
        offer = dict(row.offer or {})
        if row.status is not DisputeStatus.SELLER_OFFERED or offer.get("buyer"):
            notes.post(wording.offer_closed(row.order_id))
            return notes
        if answer == "accept":
            case = get_case_in(session, row.case_id)
            assert case is not None
            amount = Decimal(str(offer["amount"])) if "amount" in offer else row.amount
            row.offer = {**offer, "buyer": "accepted"}
            self._move_in(
                session, case, notes, dispute_id, Move.ACCEPT_OFFER, actor_role="buyer",
                actor=buyer_id, remedy=Remedy(ActionType(offer["type"]), to_cents(amount)),
            )  # fmt: skip
            return notes
        now = self.clock()
        row.offer = {**offer, "buyer": "declined"}
        row.updated_at = now
        store.add_event_in(
            session, dispute_id, actor_role="buyer", actor=buyer_id, kind="decline_offer",
            now=now, notify=self.timing.notify_seller,
        )  # fmt: skip
        notes.post(wording.offer_declined(row.order_id))
        log.info("dispute_offer_declined", dispute_id=dispute_id)
        return notes

    # --- an agent's decision --------------------------------------------------------------------

    def decide(
        self,
        dispute_id: str,
        agent_id: str,
        *,
        for_buyer: bool,
        reason: str,
        remedy: str | None = None,
        amount: Decimal | None = None,
        responsible: str | None = None,
    ) -> dict[str, Any]:
        """Decide a contested or offered dispute; for the buyer, the remedy (default: the
        seller's offer, else a refund of the disputed amount) moves through the ledger."""
        dispute = self.repository.get(dispute_id)
        if dispute is None:
            raise DisputeNotFound(dispute_id)
        chosen: Remedy | None = None
        if for_buyer:
            offer = dispute.offer or {}
            kind = remedy or offer.get("type") or "refund"
            if amount is None:
                amount = (
                    Decimal(str(offer["amount"]))
                    if offer.get("type") == kind == "refund"
                    else dispute.amount
                )
            if kind == "refund" and not Decimal("0") < amount <= dispute.amount:
                raise InvalidInput(
                    f"amount: must be more than 0 and at most the disputed {dispute.amount} "
                    f"{dispute.currency}",
                    field="amount",
                )
            chosen = Remedy(ActionType(kind), to_cents(amount))
        move = Move.DECIDE_FOR_BUYER if for_buyer else Move.DECIDE_FOR_SELLER
        return self._move(
            dispute_id,
            move,
            actor_role="agent",
            actor=agent_id,
            statement=reason,
            details={"responsible": responsible} if responsible else {},
            remedy=chosen,
            responsible=responsible,
        )

    # --- the clock --------------------------------------------------------------------------------

    def remind(self, dispute_id: str) -> bool:
        """The 24-hour reminder: noted on a dispute still waiting for the seller (its feed entry
        moves to the top); nothing on one already answered. True when it was noted."""
        with write_session(self.database.sessions) as session:
            row = store.lock_dispute_in(session, dispute_id)
            if row is None or row.status is not DisputeStatus.AWAITING_SELLER:
                return False
            now = self.clock()
            store.add_event_in(
                session,
                dispute_id,
                actor_role="system",
                actor="scheduler",
                kind="reminder",
                now=now,
                details={"respond_by": row.respond_by.isoformat()},
                notify=self.timing.notify_seller,
            )
            row.updated_at = now
        log.info("dispute_reminder", dispute_id=dispute_id)
        return True

    def time_out(self, dispute_id: str) -> bool:
        """At respond_by, a dispute the seller never answered is decided for the buyer and the
        refund moves. True when it was decided now; False when it was answered, or not due."""
        dispute = self.repository.get(dispute_id)
        if dispute is None or dispute.status is not DisputeStatus.AWAITING_SELLER:
            return False
        if self.clock() < dispute.respond_by:
            return False
        result = self._move(dispute_id, Move.TIMEOUT, actor_role="system", actor="scheduler")
        return not result["replayed"]

    # --- internals ------------------------------------------------------------------------------

    def _own(self, dispute_id: str, seller_id: str) -> store.Dispute:
        dispute = self.repository.get(dispute_id)
        # Another seller's dispute is answered exactly like a missing one: 404, nothing leaks.
        if dispute is None or dispute.seller_id != seller_id:
            raise DisputeNotFound(dispute_id)
        return dispute

    def _move(
        self,
        dispute_id: str,
        move: Move,
        *,
        actor_role: str,
        actor: str,
        **kwargs: Any,
    ) -> dict[str, Any]:
        dispute = self.repository.get(dispute_id)
        if dispute is None:
            raise DisputeNotFound(dispute_id)
        with self._case_turn(dispute.case_id) as (session, case, notes):
            result = self._move_in(
                session, case, notes, dispute_id, move, actor_role=actor_role, actor=actor,
                **kwargs,
            )  # fmt: skip
        return result

    def _move_in(
        self,
        session: Session,
        case: Case,
        notes: ChatNotes,
        dispute_id: str,
        move: Move,
        *,
        actor_role: str,
        actor: str,
        statement: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        details: dict[str, Any] | None = None,
        offer: dict[str, Any] | None = None,
        remedy: Remedy | None = None,
        responsible: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """One move inside the case's turn: the dispute's row lock, the ledger, the event."""
        view = "seller" if actor_role == "seller" else "agent"
        row = store.lock_dispute_in(session, dispute_id)
        assert row is not None
        if is_replay(row.status, move):
            current = store.dispute_in(session, dispute_id)
            assert current is not None
            return {**current.to_dict(view), "replayed": True}
        status = next_status(row.status, move)  # DisputeConflict: 409
        now = self.clock()
        event_details = dict(details or {})
        if move in PAYS_BUYER:
            paid = remedy or Remedy(ActionType.REFUND, row.amount)
            party, facts = self._party(session, case, row, now, responsible)
            action_id = self._pay_in(session, row, paid, party, actor, now)
            row.action_id = action_id
            event_details.update(
                remedy=paid.type.value,
                amount=str(paid.amount),
                action_id=action_id,
                responsible=party,
                attribution=facts,
            )
        store.add_event_in(
            session,
            dispute_id,
            actor_role=actor_role,
            actor=actor,
            kind=move.value,
            now=now,
            statement=statement,
            attachments=attachments,
            details=event_details,
            idempotency_key=idempotency_key,
            notify=self.timing.notify_seller,
        )
        row.status = status
        row.updated_at = now
        if offer is not None:
            row.offer = offer
        if status in TERMINAL:
            row.decided_at = now
            update_case_in(session, row.case_id, now, status=CaseStatus.RESOLVED)
            notes.settled = True
        else:  # answered: a person decides, so the case goes to the agents' queue
            update_case_in(session, row.case_id, now, status=CaseStatus.WAITING_FOR_AGENT)
        notes.post(self._notice(row, move, remedy, statement))
        if move is Move.OFFER:
            notes.offer_dispute_id = row.id  # the buyer may take it or leave it in chat
        session.flush()
        current = store.dispute_in(session, dispute_id)
        assert current is not None
        log.info("dispute_move", dispute_id=dispute_id, move=move.value, status=status.value)
        return {**current.to_dict(view), "replayed": False}

    def _notice(
        self, row: DisputeRow, move: Move, remedy: Remedy | None, statement: str | None
    ) -> str:
        if move is Move.ACCEPT:
            return wording.accepted(row.order_id, row.amount, row.currency)
        if move is Move.TIMEOUT:
            return wording.timed_out(row.order_id, row.amount, row.currency)
        if move is Move.CONTEST:
            return wording.contested(row.order_id)
        if move is Move.OFFER:
            assert row.offer is not None
            return wording.offered(row.order_id, row.offer)
        if move is Move.ACCEPT_OFFER:
            assert remedy is not None
            return wording.offer_accepted(
                row.order_id, remedy.type.value, remedy.amount, row.currency
            )
        if move is Move.DECIDE_FOR_BUYER:
            assert remedy is not None
            return wording.decided_for_buyer(
                row.order_id, remedy.type.value, remedy.amount, row.currency
            )
        return wording.decided_for_seller(row.order_id, statement or "")

    def _party(
        self,
        session: Session,
        case: Case,
        row: DisputeRow,
        now: datetime,
        responsible: str | None,
    ) -> tuple[str, dict[str, Any]]:
        """Who pays when the buyer wins: the agent's choice when they name one; else the
        party `policies.attribution` names for the case's own claim (seller, carrier,
        platform); else the seller (RESP-7.1), who sold the order and answered, or let the
        clock run out on, the dispute."""
        if responsible is not None:
            return responsible, {"source": "agent"}
        order = load_order_in(session, row.order_id)
        assert order is not None
        claim = _underlying_claim(case)
        if claim is not None:
            found = attribute(order, claim, now)
            if found.party is not None and found.party.value in PAYING_PARTIES:
                return found.party.value, {
                    "source": "attribution",
                    "claim": claim.type.value,
                    "clauses": list(found.clauses),
                    "evidence": list(found.evidence),
                }
        return Party.SELLER.value, {"source": "default", "clauses": ["RESP-7.1"]}

    def _pay_in(
        self,
        session: Session,
        row: DisputeRow,
        remedy: Remedy,
        party: str,
        actor: str,
        now: datetime,
    ) -> str | None:
        order = load_order_in(session, row.order_id)
        assert order is not None
        amount = remedy.amount
        if remedy.type is ActionType.REFUND and amount > order.refundable:
            # Another remedy paid part of it since the dispute opened: the buyer gets what is
            # left, never more than the order (the ledger would refuse it, and a timeout job
            # would retry forever).
            remedy = Remedy(remedy.type, order.refundable)
            amount = remedy.amount
        if amount <= 0 and remedy.type is ActionType.REFUND:
            return None  # nothing left to refund: decided, no money moves
        items = _items(order, remedy)
        if remedy.type is ActionType.REPLACEMENT:
            prices = {i.sku: i.unit_price for i in order.items}
            amount = to_cents(sum((prices[sku] * q for sku, q in items), Decimal("0")))
        try:
            action, _ = ledger.record_remedy_in(
                session,
                case_id=row.case_id,
                order_id=row.order_id,
                type=remedy.type,
                amount=amount,
                currency=row.currency,
                items=items,
                # One remedy per dispute, whoever or whatever (a retried job) gets here twice.
                idempotency_key=f"dispute:{row.id}",
                actor=actor,
                now=now,
                reason=f"dispute {row.id} ({row.status.value} -> buyer)",
                responsible_party=party,
            )
        except ledger.LedgerRefused as e:
            raise Conflict(f"the ledger refused the dispute's remedy: {e.message}") from e
        return action.action_id

    @contextmanager
    def _case_turn(self, case_id: str) -> Iterator[tuple[Session, Case, ChatNotes]]:
        """The case's conversation turn (the buyer is told in the same commit), or a plain
        write transaction for a case without a conversation (nothing to tell then)."""
        with self.database.sessions() as probe:
            case = get_case_in(probe, case_id)
        if case is None:
            raise DisputedCaseNotFound(case_id)
        notes = ChatNotes()
        if case.conversation_id is None:
            with write_session(self.database.sessions) as session:
                yield session, case, notes
            return
        with self.conversations.turn(case.conversation_id) as turn:
            conversation = turn.conversation
            current = get_case_in(turn.session, case_id)
            assert current is not None
            # The buyer is told in their language (`dispute_replies` and the offer's quick
            # replies render in this voice).
            with speaking(conversation.language, conversation.locale) as voice:
                yield turn.session, current, notes
                state = DialogueState.load(conversation.state)
                status = offers.apply(state, conversation.status, case_id, notes)
            for i, text in enumerate(notes.texts):
                last = i == len(notes.texts) - 1
                english = english_of(text)
                turn.add_message(
                    MessageRole.BOT,
                    str(text),
                    quick_replies=state.quick_replies if last and notes.offer_dispute_id else None,
                    expecting=state.expecting if last and notes.offer_dispute_id else None,
                    language=voice.language,
                    text_en=None if english == str(text) else english,
                )
            turn.finish(state=state.dump(), status=status)


def _underlying_claim(case: Case) -> Claim | None:
    """The claim the disputed case was about (not the dispute itself)."""
    summary = case.summary
    intent = summary.flow_intent or case.intent
    try:
        kind = ClaimType(summary.claim_type) if summary.claim_type else CLAIM_OF_INTENT.get(intent)
    except ValueError:
        kind = None
    if kind is None or kind in _NO_FAULT:
        return None
    return Claim(
        type=kind, skus=summary.skus or (), units=summary.units, has_photo=bool(summary.photos)
    )


def _items(order: Order, remedy: Remedy) -> list[tuple[str, int]]:
    """The items a dispute's remedy settles: all that are left for a replacement or a full
    refund; none for a partial refund (money not tied to items)."""
    left = [(i.sku, order.remaining_quantity(i.sku)) for i in order.items]
    left = [(sku, q) for sku, q in left if q > 0]
    if remedy.type is ActionType.REPLACEMENT or remedy.amount >= order.refundable:
        return left
    return []
