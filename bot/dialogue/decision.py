"""Deciding a claim: the rules' eligibility, the questions they still need (a photo, opened or
not, refund or replacement), the router's decision, the case opened for it, and the proposal
the buyer confirms; executing a confirmed proposal against the order as it is then; handing a
conversation to a person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from bot.dialogue import dispute_replies, replies
from bot.dialogue.agent_hours import CLAUSE as AGENT_HOURS_CLAUSE
from bot.dialogue.agent_hours import agent_wait
from bot.dialogue.handoff import manual_decision, priority, summary
from bot.dialogue.slots import SlotFilling
from bot.dialogue.state import Choice, Proposal, ProposedAction, Refusal
from bot.dialogue.turn import Outcome
from bot.dialogue.vocabulary import ACTION_OF_REMEDY
from bot.dialogue.wording import COUNTERFEIT, FIT, OWN_ADDRESS_MISTAKE, WHO_PAYS, defect_told
from bot.language.catalogue import Said, current
from bot.language.rule_phrases import explained
from bot.store.case_summary import CaseSummary
from bot.store.cases import CaseStatus
from bot.store.ledger import LedgerRefused
from bot.store.models import ActionType, ProposalStatus
from policies.attribution import attribute
from policies.router import Decision, Route, RoutingCase, route
from policies.rules import DAMAGE_CLAIMS, check_eligibility, overdue
from policies.rules.limits import RETURN_SHIPPING_FEE
from policies.types import (
    Attribution,
    BuyerHistory,
    Claim,
    ClaimType,
    Eligibility,
    Order,
    OrderStatus,
    Reason,
    Remedy,
)

# The buyer's refund history sends every refund to a person (REV-6.2).
REVIEW_FLAG = "REV-6.2"
_LAPSED_NOTE = {
    ProposalStatus.EXPIRED: "proposal_expired",
    ProposalStatus.SUPERSEDED: "proposal_superseded",
    ProposalStatus.CHANGED: "proposal_changed",
}


@dataclass(frozen=True)
class Assessment:
    """A claim as the rules see it at one moment."""

    claim: Claim
    history: BuyerHistory
    voucher_given: bool
    eligibility: Eligibility


class Deciding(SlotFilling):
    """A claim from eligibility to proposal, execution or a person."""

    def _claim(self, order: Order) -> Claim:
        """The flow's claim on ``order``."""
        flow = self.state.flow
        assert flow is not None and flow.claim_type is not None
        return Claim(
            type=_claim_type(flow.claim_type, order, self.ctx.now),
            skus=tuple(flow.skus or ()),
            units=flow.units,
            has_photo=bool(flow.photos),
            opened=flow.opened,
            not_as_new=flow.not_as_new,
            prefers_replacement=bool(flow.prefers_replacement),
        )

    def _assess(self, order: Order) -> Assessment:
        """The flow's claim on ``order`` as the rules see it now."""
        claim = self._claim(order)
        history = self.ctx.history()
        voucher_given = self.ctx.voucher_given(order.order_id)
        eligibility = check_eligibility(
            order,
            claim,
            history,
            self.ctx.now,
            auto_refund_limit=self.ctx.router_config.auto_refund_limit,
            voucher_already_given=voucher_given,
        )
        return Assessment(claim, history, voucher_given, eligibility)

    def _route(self, order: Order, assessed: Assessment) -> Decision:
        flow = self.state.flow
        assert flow is not None
        return route(
            RoutingCase(
                now=self.ctx.now,
                nlu_intent=flow.intent,
                nlu_confidence=flow.confidence,
                order=order,
                claim=assessed.claim,
                history=assessed.history,
                risk_features=self.ctx.risk_features(order, assessed.claim),
                voucher_already_given=assessed.voucher_given,
                region=self.ctx.region,
            ),
            risk_model=self.ctx.engines.risk_model,
            config=self.ctx.router_config,
        )

    def _decide(self, order: Order) -> Outcome:
        self._progressed = True
        flow = self.state.flow
        assert flow is not None
        assessed = self._assess(order)
        claim, eligibility = assessed.claim, assessed.eligibility
        reasons = set(eligibility.reasons)
        if Reason.NO_PHOTO in reasons and not flow.no_photo:
            # "it came cracked, photo attached" with no photo in the message: it did not upload.
            ask = "photo_not_received" if self._says_photo_sent() else "ask_photo"
            self._reply(replies.text(ask), ["DMG-3.1"])
            self._prompt("evidence", [replies.label("no_photo")])
            return self.out
        if Reason.NO_PHOTO in reasons:
            # The buyer already said they have no photo ("it came smashed, I don't have a
            # photo", or "not right now" to the photo asked, the rule said since): without one
            # DMG-3.1 leaves the claim to a person, and asking again would be the question
            # whose answer the buyer gave (`SlotFilling._fill_slot`).
            return self._handoff("no_photo", ("DMG-3.1",), replies.text("no_photo_handoff"))
        if Reason.BEAUTY_OPENED_UNKNOWN in reasons:
            self._reply(replies.text("ask_opened"), ["RET-2.2"])
            self._prompt(
                "choice", [replies.label("opened"), replies.label("sealed")], choice=Choice.OPENED
            )
            return self.out
        if (
            claim.type in DAMAGE_CLAIMS
            and eligibility.eligible
            and eligibility.remedy is Remedy.RETURN_THEN_REFUND
            and flow.prefers_replacement is None
        ):
            self._reply(replies.text("ask_remedy"), ["DMG-3.3"])
            self._prompt(
                "choice",
                [replies.label("refund"), replies.label("replacement")],
                choice=Choice.REMEDY,
            )
            return self.out

        decision = self._route(order, assessed)
        flow.counterfeit = flow.counterfeit or COUNTERFEIT.search(self.said)
        flow.defect = flow.defect or defect_told(self.said)
        fake = flow.counterfeit and claim.type in DAMAGE_CLAIMS and eligibility.eligible
        if fake and decision.route is not Route.HUMAN:
            # "the serial number isn't recognised ... a fake": an agent checks every counterfeit
            # report (DMG-3.7), however small or trusted the case.
            decision = manual_decision("counterfeit_check", ("DMG-3.7",), self.ctx.now)
        attribution = self._attributed(order, claim)
        case_summary = summary(
            intent=flow.intent,
            order=order,
            decision=decision,
            eligibility=eligibility,
            attribution=attribution,
            claim_type=claim.type.value,
            photos=flow.photos,
            skus=claim.skus,  # the items the claim is about ([]: the whole order)
            units=claim.units,
        )
        citations = [*eligibility.clauses, *followed_clauses(eligibility)]
        if fake:
            citations.append("DMG-3.7")
        if not eligibility.eligible and not eligibility.needs_human and flow.person_if_refused:
            # "...if you can't, I want to talk to a person": asked already (REV-6.4).
            return self._handoff(
                "human_requested",
                ("REV-6.4", *citations),
                replies.with_handoff(explained(eligibility)),
                order=order,
            )
        if not eligibility.eligible and not eligibility.needs_human:
            # A refusal the rules explain (a shipped order, a closed window...) needs no agent;
            # the buyer can still ask for one (REV-6.4) or dispute it (REV-6.5).
            case_id = self._open_case(order, decision, case_summary, CaseStatus.DECLINED, 0)
            self.state.end_flow()
            # Kept past the flow: "I want to dispute this" is about this decision and order.
            self.state.refusal = Refusal(case_id=case_id, order_id=order.order_id)
            self._reply(explained(eligibility), citations)
            asks_who_pays = flow.asks_who_pays or WHO_PAYS.search(self.said)
            if asks_who_pays and Reason.DELIVERED_SCAN_UNDER_48H in reasons:
                # Not refused but waited for: "if the courier actually lost it am i the one who
                # ends up losing the money" is section 7's to answer all the same (dev9 m43).
                self._tell_who_pays(order, claim, attribution, if_lost=True)
            self._prompt(
                "choice",
                [replies.label("person"), replies.label("dispute"), replies.label("no_thanks")],
                choice=Choice.PERSON,
            )
            return self.out
        flow.asks_who_pays = flow.asks_who_pays or WHO_PAYS.search(self.said)
        if flow.asks_who_pays and eligibility.eligible:
            self._tell_who_pays(order, claim, attribution)
        if decision.route is Route.HUMAN or eligibility.remedy not in ACTION_OF_REMEDY:
            score = decision.trace.get("score")
            level = priority(
                decision.reason_codes,
                eligibility.amount,
                score if isinstance(score, float) else None,
            )
            case_id = self._open_case(
                order, decision, case_summary, CaseStatus.WAITING_FOR_AGENT, level
            )
            text = explained(eligibility)
            eligible_for_bot = eligibility.eligible and not eligibility.needs_human
            if eligible_for_bot and eligibility.remedy in ACTION_OF_REMEDY:
                # A remedy the rules grant, held for a person: what it would be, nothing to do yet.
                text = replies.under_review(
                    eligibility.remedy.value, order, eligibility.amount, _titles(order, claim)
                )
            elif eligible_for_bot:
                text = replies.colleague_confirms(text)
            if (
                claim.type is ClaimType.NOT_RECEIVED
                and order.status is OrderStatus.DELIVERED
                and OWN_ADDRESS_MISTAKE.search(self.said)
            ):
                # "I key in my old address lah, the filter kena delivered to my old flat":
                # delivered where the buyer said, the buyer's mistake (RESP-7.5); an agent
                # still helps recover it (dev17 y49: the carrier's investigation only).
                self._reply(replies.text("own_address_mistake"), ["RESP-7.5"])
            if eligibility.eligible:
                # "Boleh tukar saiz M tak?" with a return over the limit: no exchange either way,
                # said before the person takes over (dev25 s04).
                self._say_no_exchange(claim)
            return self._to_agent(
                case_id, replies.with_handoff(text), citations, says_wait=True, order=order
            )
        case_id = self._open_case(order, decision, case_summary, CaseStatus.BOT, 0)
        return self._propose(order, claim, eligibility, case_id, _ships(decision))

    def _say_no_exchange(self, claim: Claim) -> None:
        """ "i want to retrun the dress ... it doesnt fit": a return, and no exchange for the
        size that would (RET-2.8: return it and order the other size)."""
        if claim.type is ClaimType.CHANGE_OF_MIND_RETURN and FIT.search(self.said):
            self._reply(replies.text("no_direct_exchange"), ["RET-2.8"])

    def _attributed(self, order: Order, claim: Claim) -> Attribution:
        """Who section 7 makes responsible for ``claim``. The reader names one problem for
        damaged and defective items alike; an item that only does not work ("plugged it in
        and... nothing, not even a hum": dev9 m41) is a defect, the seller's whatever the
        shipping (RESP-7.1), not damage in transit, the carrier's when handed over on time.
        Only the attribution reads it so: the rules and the router see the claim as read."""
        return attribute(order, replace(claim, type=self._fault_type(claim)), self.ctx.now)

    def _fault_type(self, claim: Claim) -> ClaimType:
        flow = self.state.flow
        if claim.type is ClaimType.DAMAGED and flow is not None and flow.defect:
            return ClaimType.DEFECTIVE
        return claim.type

    def _tell_who_pays(
        self, order: Order, claim: Claim, attribution: Attribution, *, if_lost: bool = False
    ) -> None:
        """The buyer asked or disputed who bears the cost ("who is paying for this mess, the
        seller or you guys?", "I am NOT paying to send your mistake back"): section 7's answer
        for their claim, unless this turn already quoted it (a question sentence answered)."""
        said = {cited for message in self.out.messages for cited in message.citations}
        if said & set(attribution.clauses):
            return
        told = replies.responsibility(
            attribution, self._fault_type(claim), order, RETURN_SHIPPING_FEE, if_lost=if_lost
        )
        if told is not None:
            self._reply(told, list(attribution.clauses))

    def _propose(
        self,
        order: Order,
        claim: Claim,
        eligibility: Eligibility,
        case_id: str,
        ships: str | None = None,
    ) -> Outcome:
        action = ACTION_OF_REMEDY[eligibility.remedy]
        titles = _titles(order, claim)
        proposal_id = str(uuid.uuid4())
        # Recorded in the store too: one open proposal per order across every conversation.
        self.ctx.open_proposal(
            proposal_id=proposal_id,
            order=order,
            case_id=case_id,
            type=action,
            amount=eligibility.amount,
            items=eligibility.items,
        )
        self.state.proposal = Proposal(
            proposal_id=proposal_id,
            case_id=case_id,
            order_id=order.order_id,
            remedy=eligibility.remedy.value,
            actions=[
                ProposedAction(
                    type=action.value, amount=eligibility.amount, currency=order.currency
                )
            ],
            clauses=action_clauses(eligibility),
            replacement_ships=ships,
        )
        effect = replies.what_will_happen(
            eligibility.remedy.value, order, eligibility.amount, titles, ships
        )
        if claim.type is ClaimType.CHANGE_OF_MIND_RETURN and eligibility.amount <= 0:
            # "$0.00 ($3.90 minus $5.00 return shipping) is refunded. Shall I go ahead?" asked
            # the buyer to send an item back for nothing (simulator); the spec grants it (2.3),
            # the buyer decides knowing it, and a damaged item is another claim.
            self._reply(replies.nothing_back(order, RETURN_SHIPPING_FEE), ["RET-2.3"])
        self._say_no_exchange(claim)
        self._reply(replies.to_confirm(explained(eligibility), effect), action_clauses(eligibility))
        self._prompt("confirmation", [replies.label("yes"), replies.label("no")])
        return self.out

    def _execute(self, proposal: Proposal) -> Outcome:
        """The buyer said yes: lock the order, decide the case again with the order, history and
        ledger as they are now, and move money only if the remedy, amount and items are what
        the buyer agreed to; otherwise say why and propose (or refuse, or hand over) afresh."""
        order = self.ctx.lock_for_money(proposal.order_id)
        if order is None:  # the order left the buyer's account meanwhile
            self._drop_proposal()
            return self._advance()
        lapsed = self._lapsed(proposal, order)
        if lapsed is None:
            # Who bears the cost, as section 7 says for the claim now (the statements add it up).
            party = self._attributed(order, self._claim(order)).party
            try:
                for planned in proposal.actions:
                    self.ctx.execute(
                        case_id=proposal.case_id,
                        order_id=proposal.order_id,
                        type=ActionType(planned.type),
                        amount=planned.amount,
                        currency=planned.currency,
                        items=self._proposed_items(proposal),
                        idempotency_key=f"{self.ctx.conversation_id}:{proposal.proposal_id}:"
                        f"{planned.type}",
                        responsible_party=None if party is None else party.value,
                    )
            except LedgerRefused:
                lapsed = ProposalStatus.CHANGED
        if lapsed is not None:
            self._drop_proposal(lapsed)
            self._reply(replies.text(_LAPSED_NOTE[lapsed]))
            return self._decide(order)
        self.ctx.close_proposal(proposal.proposal_id, ProposalStatus.EXECUTED)
        self.ctx.update_case(proposal.case_id, status=CaseStatus.RESOLVED)
        self.state.end_flow()
        amount = sum((a.amount for a in proposal.actions), Decimal("0"))
        text = replies.done(proposal.remedy, order, amount, proposal.replacement_ships)
        if self.state.pending:
            # Another request of the buyer's message comes next (`bot.dialogue.several`); the
            # chat is rated once, after the last.
            return self._say(text, proposal.clauses)
        # A resolved case ends with the satisfaction question (the analytics' CSAT).
        self._reply(replies.done_and_rate(text), proposal.clauses)
        self.state.expecting = "rating"
        self.state.quick_replies = list(replies.RATINGS)
        self.state.rating_case_id = proposal.case_id
        return self.out

    def _lapsed(self, proposal: Proposal, order: Order) -> ProposalStatus | None:
        """Why the proposal can no longer be executed as agreed; None when it still can."""
        stored = self.ctx.proposal(proposal.proposal_id)
        if stored is None or stored.status is ProposalStatus.SUPERSEDED:
            return ProposalStatus.SUPERSEDED
        if stored.status is not ProposalStatus.OPEN:
            return ProposalStatus.CHANGED
        if self.ctx.now > stored.expires_at:
            return ProposalStatus.EXPIRED
        assessed = self._assess(order)
        eligibility = assessed.eligibility
        planned = proposal.actions[0]
        if (
            not eligibility.eligible
            or eligibility.needs_human
            or eligibility.remedy.value != proposal.remedy
            or eligibility.amount != planned.amount
            or tuple(eligibility.items) != stored.items
        ):
            return ProposalStatus.CHANGED
        decision = self._route(order, assessed)
        # A replacement agreed to ship at once that would now wait for the return (or the other
        # way round) is not what the buyer agreed to.
        if decision.route is not Route.AUTO or _ships(decision) != proposal.replacement_ships:
            return ProposalStatus.CHANGED
        return None

    def _proposed_items(self, proposal: Proposal) -> tuple[tuple[str, int], ...]:
        stored = self.ctx.proposal(proposal.proposal_id)
        return stored.items if stored is not None else ()

    def _drop_proposal(self, status: ProposalStatus = ProposalStatus.DECLINED) -> None:
        """The open proposal will not be executed: its case is declined, its record closed."""
        proposal = self.state.proposal
        if proposal is None:
            return
        self.ctx.update_case(proposal.case_id, status=CaseStatus.DECLINED)
        self.ctx.close_proposal(proposal.proposal_id, status)
        self.state.proposal = None

    def _handoff(
        self,
        reason: str,
        clauses: tuple[str, ...],
        text: str,
        *,
        order: Order | None = None,
    ) -> Outcome:
        flow = self.state.flow
        if order is None:
            order = self._conversation_order()
        if reason == "nlu_unavailable":
            decision = manual_decision(reason, clauses, self.ctx.now)
        else:
            decision = route(
                RoutingCase(
                    now=self.ctx.now,
                    nlu_intent=self.intent,
                    nlu_confidence=self.parse.intent.confidence,
                    order=order,
                ),
                risk_model=self.ctx.engines.risk_model,
                config=self.ctx.router_config,
            )
            if decision.route is not Route.HUMAN or reason not in decision.reason_codes:
                decision = manual_decision(reason, clauses, self.ctx.now)
        self._drop_proposal()
        amount = order.refundable if order is not None else Decimal("0")
        case_summary = summary(
            intent=self.intent if reason != "nlu_unavailable" else "unknown",
            order=order,
            decision=decision,
            claim_type=flow.claim_type.value if flow and flow.claim_type else None,
            photos=flow.photos if flow else None,
            units=flow.units if flow else None,
            flow_intent=flow.intent if flow else None,
        )
        case_id = self._open_case(
            order,
            decision,
            case_summary,
            CaseStatus.WAITING_FOR_AGENT,
            priority(decision.reason_codes, amount, None),
            intent=case_summary.intent,
        )
        if flow is not None and flow.intent == "complaint" and flow.order_id and order is not None:
            # A complaint about a named order that the buyer takes to a person is a dispute
            # (REV-6.5): the seller is asked first and has 48 hours; a person decides if they
            # disagree. The case leaves the queue until the seller answers.
            reason = f"The buyer disputes how order {order.order_id} was handled (opened in chat)."
            respond_by = self.ctx.open_dispute(case_id, order, reason)
            return self._to_agent(case_id, self._dispute_opened(order, respond_by), ["REV-6.5"])
        return self._to_agent(case_id, text, list(clauses), says_wait=True, order=order)

    def _dispute_refusal(self) -> Outcome:
        """The buyer disputes the claim the rules just refused (REV-6.5): a dispute on the
        refusal's own case and order; the seller has 48 hours to answer, and the buyer is told
        here at each step (`bot.disputes.service`)."""
        refusal = self.state.refusal
        assert refusal is not None
        self.state.refusal = None
        self._drop_proposal()
        order = self.ctx.find_order(refusal.order_id)
        if order is None or order.refundable <= 0:
            # Nothing left to dispute on the order (refunded since): a person looks at it.
            return self._handoff("human_requested", ("REV-6.4",), replies.text("asked_for_person"))
        reason = f"The buyer disputes the refusal of their claim on order {order.order_id}."
        respond_by = self.ctx.open_dispute(refusal.case_id, order, reason)
        self._progressed = True
        return self._to_agent(refusal.case_id, self._dispute_opened(order, respond_by), ["REV-6.5"])

    def _dispute_opened(self, order: Order, respond_by: datetime) -> Said:
        within = self.ctx.dispute_timing.respond_within
        return dispute_replies.opened(order.order_id, respond_by, within)

    def _conversation_order(self) -> Order | None:
        """The order this conversation is about, for a case opened without one in hand: the
        open flow's, the open proposal's, the one this message names, else the latest one the
        conversation resolved (a person asked for after a refusal is about that order; issue
        15: such cases reached the queue with no order)."""
        flow = self.state.flow
        proposal = self.state.proposal
        candidates = (
            flow.order_id if flow is not None else None,
            proposal.order_id if proposal is not None else None,
            self._order_entity(),
            self._typed_order(),
            self.state.last_order_id,
        )
        for order_id in candidates:
            order = self.ctx.find_order(order_id) if order_id else None
            if order is not None:
                return order
        return None

    def _to_agent(
        self,
        case_id: str,
        text: str,
        citations: list[str],
        *,
        says_wait: bool = False,
        order: Order | None = None,
    ) -> Outcome:
        """Hand the conversation to a person with ``text``; ``says_wait``: the buyer also hears
        when an agent will answer, in their ``order``'s market's hours (HELP-8.1). Not for a
        dispute: the seller answers it first, within 48 hours (REV-6.5)."""
        self.state.end_flow()
        self.state.handoff_case_id = case_id
        self.state.handoff_notice_sent = False
        self.out.handoff_case_id = case_id
        self._say(text, citations)
        if REVIEW_FLAG in citations:
            # "WHY DOES EVERY REFUND OF MINE NEED SOME PERSON TO CHECK IT??", "Tài khoản mình bị
            # khóa à?" (dev12 q40, dev8 k60, dev6 h38): "a routine review" said alone raised
            # the question REV-6.6 answers.
            self._reply(replies.text("review_flag"), ["REV-6.6"])
        if says_wait:
            currency = order.currency if order is not None else None
            wait = agent_wait(self.ctx.now, currency, current().language)
            self._reply(wait, [AGENT_HOURS_CLAUSE])
        return self.out

    def _open_case(
        self,
        order: Order | None,
        decision: Decision,
        case_summary: CaseSummary,
        status: str,
        level: int,
        *,
        intent: str | None = None,
    ) -> str:
        flow = self.state.flow
        case_id = self.ctx.open_case(
            intent=intent or (flow.intent if flow else self.intent),
            order_id=order.order_id if order else None,
            status=status,
            priority=level,
            summary=case_summary,
        )
        self.ctx.record_decision(case_id, decision)
        return case_id


def _ships(decision: Decision) -> str | None:
    """When the router ships a replacement (policies/router/config.py): "at_once",
    "after_return_received", or None (not a replacement, or not resolved automatically)."""
    ships = decision.trace.get("replacement_ships")
    return ships if isinstance(ships, str) else None


def _claim_type(claim_type: ClaimType, order: Order, now: datetime) -> ClaimType:
    """A parcel said to be late that has not been delivered is a not-received claim: INR-4.1
    (a refund when over 3 days late) is what applies to it, not the voucher for late
    deliveries (INR-4.3). So is a change of mind about a parcel on its way and more than 3
    days past its promised date: "the app said it would come by last week ... I don't even
    want it anymore, I'd just like my money back" was refused as a return of an order not yet
    delivered (dev13 u04); INR-4.1 refunds it. So is a cancellation asked for a parcel on its
    way and more than 3 days late: "brg sy x smpai lg ... patut smpai minggu lps. sy bayar COD
    ... sy nk cancel je la" was refused by CAN-1.2 (shipped), where INR-4.1 cancels an unpaid
    cash-on-delivery order and refunds a paid one (dev27 t46)."""
    if claim_type is ClaimType.LATE_DELIVERY and order.status in (
        OrderStatus.PENDING,
        OrderStatus.SHIPPED,
    ):
        return ClaimType.NOT_RECEIVED
    if (
        claim_type in (ClaimType.CHANGE_OF_MIND_RETURN, ClaimType.CANCEL)
        and order.status is OrderStatus.SHIPPED
        and overdue(order, now)
    ):
        return ClaimType.NOT_RECEIVED
    return claim_type


def _titles(order: Order, claim: Claim) -> str:
    items = [i for i in order.items if not claim.skus or i.sku in claim.skus]
    titles = [i.title for i in items]
    if claim.units is not None and len(items) == 1:
        # "1 × Double-wall glass tumbler": the units claimed, not the order line.
        return f"{claim.units} × {titles[0]}"
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


# INR-4.6: the late-delivery voucher is added by itself, and "if it has not appeared within 2
# days, ask the assistant, which can issue it". A voucher the assistant offers is that clause's
# act, so it is cited with INR-4.3's amount ("came a week late. no voucher yet", dev6 h48).
VOUCHER_ISSUED_BY_ASSISTANT = "INR-4.6"


def action_clauses(eligibility: Eligibility) -> list[str]:
    """The clauses an offered action cites: the rules' own, for a voucher the clause that lets
    the assistant issue it (`VOUCHER_ISSUED_BY_ASSISTANT`), and HELP-8.5 for a fixed amount said
    in the order's currency (`currency_clauses`)."""
    clauses = list(eligibility.clauses)
    if eligibility.remedy is Remedy.VOUCHER and VOUCHER_ISSUED_BY_ASSISTANT not in clauses:
        clauses.append(VOUCHER_ISSUED_BY_ASSISTANT)
    return clauses + currency_clauses(eligibility)


# Clauses whose explanation states one of the policy's fixed amounts: RET-2.3's flat return
# shipping, INR-4.3's voucher cap, REV-6.1's limit for the assistant acting alone. In an order
# in another currency than the dollar it is said in that currency, as HELP-8.5 rules ("RM5.00",
# "₱100.00", "฿10.00"; dev9 m45: "I read kena bayar $5 shipping, tu dalam USD ke ringgit?").
FIXED_AMOUNT_CLAUSES = frozenset({"RET-2.3", "INR-4.3", "REV-6.1"})
IN_ORDER_CURRENCY = "HELP-8.5"


def currency_clauses(eligibility: Eligibility) -> list[str]:
    """HELP-8.5, when ``eligibility`` states a fixed amount in a currency other than the dollar
    (its explanation follows that clause too), unless it cites it already."""
    if eligibility.currency == "USD" or IN_ORDER_CURRENCY in eligibility.clauses:
        return []
    return [IN_ORDER_CURRENCY] if FIXED_AMOUNT_CLAUSES & set(eligibility.clauses) else []


# Clauses a rule's explanation follows in its own words besides the clause that decided it:
# "please check with neighbours, your building's reception and safe places around your door"
# under INR-4.2's 48-hour wait is INR-4.4's where-to-look list (dev6 h23), cited with it.
FOLLOWED_CLAUSES: dict[Reason, tuple[str, ...]] = {
    Reason.DELIVERED_SCAN_UNDER_48H: ("INR-4.4",),
}


def followed_clauses(eligibility: Eligibility) -> list[str]:
    """The clauses the explanation of ``eligibility`` follows (`FOLLOWED_CLAUSES`) that it does
    not cite already."""
    cited = set(eligibility.clauses)
    extra = [c for r in eligibility.reasons for c in FOLLOWED_CLAUSES.get(r, ())]
    extra += currency_clauses(eligibility)
    return [c for c in dict.fromkeys(extra) if c not in cited]
