"""The after-sales flows: from the buyer's message and the state to replies, actions and
handoffs. One `TurnHandler` per turn; it reads and changes the `DialogueState` in place.

A turn goes through these steps, first match wins:

1. a request for a person or a payment problem hands over at once (REV-6.4, REV-6.3);
2. while a proposal waits for a yes: yes executes it, no drops it, a question is answered and
   the proposal asked again, a new order number corrects it, a new request replaces it;
3. a new order number for the open request replaces the old one and the request re-runs;
4. the answer to what the bot asked fills its slot (order, reason, photo, choice);
5. "never mind" (or a no) drops the open request;
6. a policy question is answered from retrieval, then the open request is asked again;
7. a new after-sales request starts its flow; small talk is answered; anything else gets the
   list of what the bot can do.

A flow then advances until it needs something from the buyer or reaches its outcome: a tracking
answer, an explained refusal, a proposal to confirm, or a handoff.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bot.dialogue import replies
from bot.dialogue.context import TurnContext
from bot.dialogue.handoff import manual_decision, priority, summary
from bot.dialogue.order_match import items_named, match_order_id, orders_named_by_product
from bot.dialogue.state import Choice, DialogueState, Flow, Proposal, ProposedAction, normalise
from bot.store.cases import CaseStatus
from bot.store.ledger import LedgerRefused
from bot.store.models import ActionType, ProposalStatus
from nlu.reconcile import SURE_QUESTION, SURE_REQUEST
from nlu.types import ParseResult
from policies.attribution import attribute
from policies.router import Decision, Route, RoutingCase, route
from policies.rules import DAMAGE_CLAIMS, LATE_GRACE, check_eligibility
from policies.types import (
    BuyerHistory,
    Claim,
    ClaimType,
    Eligibility,
    Order,
    OrderStatus,
    Reason,
    Remedy,
)
from retrieval.errors import RetrievalError

CLAIM_OF_INTENT = {
    "cancel_order": ClaimType.CANCEL,
    "damaged_item": ClaimType.DAMAGED,
    "wrong_item": ClaimType.WRONG_ITEM,
    "item_not_received": ClaimType.NOT_RECEIVED,
}
ASKS_REASON = {"request_refund", "return_item"}
# Requests whose message, when it names late delivery as its only reason, is a late-delivery
# claim: INR-4.3's voucher once delivered, INR-4.1's refund before (see `_claim_type`).
LATE_CAN_MEAN = {*ASKS_REASON, "item_not_received"}
TRACKING = {"track_order", "track_refund"}
FLOW_INTENTS = {*CLAIM_OF_INTENT, *ASKS_REASON, *TRACKING, "change_order", "complaint"}
ACTION_OF_REMEDY = {
    Remedy.CANCEL: ActionType.CANCEL,
    Remedy.REFUND: ActionType.REFUND,
    Remedy.RETURN_THEN_REFUND: ActionType.RETURN,
    Remedy.REPLACEMENT: ActionType.REPLACEMENT,
    Remedy.VOUCHER: ActionType.VOUCHER,
}
YES_WORDS = {"yes", "y", "yes please", "yeah", "yep", "ok", "okay", "sure", "go ahead", "confirm"}
NO_WORDS = {"no", "n", "nope", "no thanks", "no, thanks", "don't", "do not", "no don't"}
# A typed answer that opens with a yes or a no ("ok do it", "hmm no, leave it") answers the
# question even when the NLU reads the whole sentence as something else; a yes with a negation
# or a "but" in it is not a plain yes.
_FILLER = r"^(?:(?:hmm+|um+|uh+|well|oh|ah|alright|right)[,.!]* +)?"
YES_LEAD = re.compile(_FILLER + r"(?:yes|yeah|yep|yup|ok|okay|sure|go ahead|please do)\b")
NO_LEAD = re.compile(_FILLER + r"(?:no|nope|nah)\b")
NOT_PLAIN_YES = re.compile(r"\b(?:no|not|nope|don'?t|do not|wait|but|instead)\b")
# "Was it opened?" answered in words: the negations first ("never opened" is sealed).
SEALED_WORDS = re.compile(
    r"\b(seale?d|unopene?d|never (been )?(opene?d|used|tried)|not (been )?(opene?d|used|tried)"
    r"|(hasn'?t|haven'?t|didn'?t) (been )?(open|opened|use|used|try|tried)|untouched|brand new"
    r"|still (in (the )?(box|wrapping|plastic)|wrapped))\b"
)
OPENED_WORDS = re.compile(r"\b(opened|open|used|tried|tested|applied|swatched|unsealed)\b")
# "Refund or replacement?" answered in words. The NLU has no remedy label, and "replacment pls"
# or "the right size, please" read as new refund requests; a closed question's answer is read
# against its own options first.
REPLACEMENT_WORDS = re.compile(
    r"\b(replac\w*|exchange|swap|another one|new one|(the )?(right|correct) (size|colou?r|one|item"
    r"|model|version)|send (me )?(a |the )?(new|another|right|correct))\b"
)
REFUND_WORDS = re.compile(r"\b(refund\w*|money|reimburs\w*|cash back|pay (me )?back)\b")
# "Shall I go ahead?" declined in words: "please do not cancel it, I shall keep the order".
DECLINE_WORDS = re.compile(
    r"\b((do not|don'?t) (cancel|do|go ahead|proceed|return|refund|send)|(i'?ll|i will|i shall"
    r"|i'?d like to|i want to) keep (it|them|the order|the item)|leave it|changed my mind)\b"
)
NEVER_MIND = re.compile(r"\b(never ?mind|forget (it|about it)|doesn'?t matter|drop it)\b")
OTHER_ORDER = re.compile(r"\b(other|another|different|wrong) order\b")
NO_PHOTO = re.compile(r"\b(no|don'?t have|haven'?t got|without)( a| any)? (photo|picture|pic)")
# What went wrong, as the NLU reads it from the message (its claim_reason label; the blind set
# measures it in reports/nlu-labels). A named reason beats the intent's, which cannot say "late"
# ("it came late" comes back as damaged_item or item_not_received). Below this confidence the
# intent decides, and the bot asks when the intent cannot.
REASON_MIN_CONFIDENCE = 0.5
# A reason named unprompted, in the opening request, must be surer: a wrong one costs a declined
# offer (two turns), asking costs one. On 5-fold out-of-fold predictions of data/nlu/labels
# (reason named, precision / recall): 0.5 -> 0.922 / 0.863, 0.7 -> 0.949 / 0.745; the turns
# saved net of wrong offers are equal, and 0.7 makes half as many wrong offers.
REASON_OPENING_CONFIDENCE = 0.7
NO_REASON = "none"
# The answer to "What went wrong?" names a reason by construction: the reader's best reason is
# taken from this low bar (a wrong one costs a declined offer; asking again costs a turn and,
# the second time, a person).
REASON_ANSWER_CONFIDENCE = 0.3
# The reason a request says by itself: a return with no problem named is a change of mind. A
# reading that agrees with it is taken at REASON_MIN_CONFIDENCE in an opening, since a wrong one
# costs no more than asking (the offer names the $5 return shipping; a buyer with a broken item
# declines it and says so).
AGREEING_REASON = {"return_item": ClaimType.CHANGE_OF_MIND_RETURN.value}
# Reasons a request can have: a return is never about a parcel that did not come, so a reading
# of "not received" or "late" on "return the webcam, dont need it anymor" is a misreading.
REASONS_OF_REQUEST = {
    "return_item": {"damaged", "wrong_item", ClaimType.CHANGE_OF_MIND_RETURN.value},
}
# The dialogue act's confidence from which an unreadable answer to a question is re-asked rather
# than taken for a new request (the act reader's inform precision on its blind set: 1.000).
SURE_INFORM = 0.9
# A question the buyer's answer left open is asked once more, in other words; the next time a
# person takes over (no dead ends: issue 14).
MAX_ASKED_AGAIN = 2
# The NLU's reason names that differ from the claim types'.
CLAIM_OF_REASON = {"change_of_mind": ClaimType.CHANGE_OF_MIND_RETURN.value}
# A situation a policy question names, the claim it would be, and the orders it can be about.
INTENT_OF_SITUATION = {
    "damaged": "damaged_item",
    "wrong_item": "wrong_item",
    "not_received": "item_not_received",
    "late_delivery": "item_not_received",
    "change_of_mind_return": "return_item",
}
SITUATION_STATUSES = {
    "damaged": {OrderStatus.DELIVERED},
    "wrong_item": {OrderStatus.DELIVERED},
    "not_received": {OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "late_delivery": {OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "change_of_mind_return": {OrderStatus.DELIVERED},
}
# The problems a tracking request can turn out to be about (`TurnHandler._tracked_problem`).
TRACKED_PROBLEMS = {"damaged", "wrong_item", "not_received", "late_delivery"}
REASON_OF_INTENT = {
    "damaged_item": "damaged",
    "wrong_item": "wrong_item",
    "item_not_received": "not_received",
}
# Which orders are plausible for a request (offered first, proposed alone if only one).
_PLAUSIBLE = {
    "cancel_order": {OrderStatus.PENDING},
    "change_order": {OrderStatus.PENDING},
    "track_order": {OrderStatus.PENDING, OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "item_not_received": {OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "damaged_item": {OrderStatus.DELIVERED},
    "wrong_item": {OrderStatus.DELIVERED},
    "return_item": {OrderStatus.DELIVERED},
    "request_refund": {OrderStatus.PENDING, OrderStatus.SHIPPED, OrderStatus.DELIVERED},
}
MAX_ORDER_CHOICES = 5
# What filling a slot did (see `TurnHandler._fill_slot`).
FILLED, HANDLED = "filled", "handled"


_LAPSED_NOTE = {
    ProposalStatus.EXPIRED: replies.PROPOSAL_EXPIRED,
    ProposalStatus.SUPERSEDED: replies.PROPOSAL_SUPERSEDED,
    ProposalStatus.CHANGED: replies.PROPOSAL_CHANGED,
}


@dataclass(frozen=True)
class Assessment:
    """A claim as the rules see it at one moment."""

    claim: Claim
    history: BuyerHistory
    voucher_given: bool
    eligibility: Eligibility


@dataclass
class BotMessage:
    text: str
    citations: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    messages: list[BotMessage] = field(default_factory=list)
    # Set when this turn handed the conversation to a person.
    handoff_case_id: str | None = None


class TurnHandler:
    """Runs one buyer turn against the state (see the module docstring for the steps)."""

    def __init__(
        self,
        state: DialogueState,
        ctx: TurnContext,
        parse: ParseResult,
        attachments: list[dict],
    ) -> None:
        self.state = state
        self.ctx = ctx
        self.parse = parse
        self.intent = parse.intent.name
        self.text = parse.text
        self.said = normalise(parse.text)
        self.photos = [a["url"] for a in attachments if a.get("type") == "image"]
        self.option = state.options.get(self.said)
        self.out = Outcome()
        # Whether this turn moved the open request on (a slot filled or handled, a decision
        # made), or was a side turn (a policy question answered, a greeting or thanks).
        self._progressed = False
        self._side_turn = False

    # --- entry ------------------------------------------------------------------------------

    def run(self) -> Outcome:
        before = self.state.question()
        repeated = self.said != "" and self.said == self.state.last_said
        self.state.last_said = self.said
        out = self._run()
        return self._unless_stuck(before, out, repeated)

    def _unless_stuck(self, before: str | None, out: Outcome, repeated: bool) -> Outcome:
        """A turn that ends on the question it began with, having read no answer to it, counts
        once; the second such turn in a row hands the conversation to a person instead of
        asking a third time ("What went wrong?" to a buyer who keeps telling their story). A
        side turn (a question answered, a greeting) does not count, unless the buyer said the
        very same thing again: then the answer did not help either."""
        state = self.state
        after = state.question()
        if out.handoff_case_id or after is None or after != before or self._progressed:
            state.asked_again = 0
            return out
        if self._side_turn and not repeated:
            return out
        state.asked_again += 1
        if state.asked_again < MAX_ASKED_AGAIN:
            return out
        state.asked_again = 0
        self.out = Outcome()
        return self._handoff("not_understood", ("REV-6.4",), replies.NOT_UNDERSTOOD)

    def _run(self) -> Outcome:
        state, flow = self.state, self.state.flow
        if state.expecting == "rating":
            score = rating_of(self.text)
            if score is not None:
                return self._rated(score)
            # Not a rating: the buyer moved on; the question lapses and the turn goes on.
            state.clear_prompt()
        if self.intent == "request_human" or self.option == "person":
            return self._handoff("human_requested", ("REV-6.4",), replies.ASKED_FOR_PERSON)
        if self.intent == "payment_issue":
            return self._handoff("payment_problem", ("REV-6.3",), replies.PAYMENT_ISSUE)
        if self.option == "no_thanks":
            state.end_flow()
            return self._say(replies.ANYTHING_ELSE)
        if state.choice is Choice.PERSON and state.proposal is None:
            # "Would you like a person?" answered in words ("yes please", "no thanks").
            if self._is_yes():
                return self._handoff("human_requested", ("REV-6.4",), replies.ASKED_FOR_PERSON)
            if self._is_no():
                state.end_flow()
                return self._say(replies.ANYTHING_ELSE)
        if state.proposal is not None:
            return self._confirmation()
        if flow is not None and self.photos:
            flow.photos.extend(self.photos)
        new_order = self._order_entity()
        if (
            flow is not None
            and new_order
            and not self._same_order(new_order, flow.order_id)
            # An id that is none of the buyer's, said again once the order is settled ("Order
            # 20041934, the hair dryer" after agreeing on 20041143), corrects nothing.
            and (flow.order_id is None or self._owned(new_order) is not None)
        ):
            return self._correct_order(new_order)
        if self.intent == "ask_policy":
            # A question gets its answer first, whatever the bot was waiting for; the open
            # question is asked again after it (`_resume_prompt`).
            return self._answer_question()
        if flow is not None and state.expecting:
            filled = self._fill_slot()
            self._progressed = filled is not None
            if filled is FILLED:
                return self._advance()
            if filled is HANDLED:
                return self.out
        if flow is not None and state.expecting and self._asks():
            # "Is 30 days for shoes also?" while the order is asked: the act reader is sure it
            # is a question even when the intent reader is not; answered, then asked again.
            return self._answer_question()
        if flow is not None and (NEVER_MIND.search(self.said) or self._is_no()):
            state.end_flow()
            return self._say(replies.DROPPED)
        if flow is not None and state.expecting and (self._informs() or self.intent == flow.intent):
            # An answer the slot could not read is not a new request, whatever its intent, nor
            # is the same request said again ("MONEY BACK. I said it already."): the question
            # is asked again (`_small_talk`), the flow and what it knows are kept.
            return self._small_talk()
        if flow is None and (
            (self._asks() and self._intent_unsure())
            or (self._may_ask() and not self.ctx.recent_orders())
        ):
            # A policy question the intent reader took for a request or for something else
            # ("wallet refund. how fast", "if a delivery shows up late do i get a voucher?"):
            # the act reader is sure it asks about the policy. Answered from retrieval (which
            # refuses what it cannot answer), then the order it names is offered for a check.
            # A buyer with no recent orders asking anything like a question is answered too:
            # a request flow could only ask for an order they do not have.
            return self._answer_question()
        if self.intent in FLOW_INTENTS:
            return self._start(self.intent)
        return self._small_talk()

    def nlu_unavailable(self) -> Outcome:
        """Rasa is down or too slow: a person helps, the message is kept (REV-6.4)."""
        return self._handoff("nlu_unavailable", ("REV-6.4",), replies.NLU_DOWN)

    # --- steps --------------------------------------------------------------------------------

    def _confirmation(self) -> Outcome:
        state = self.state
        proposal = state.proposal
        assert proposal is not None
        new_request = (
            self.intent in FLOW_INTENTS
            and state.flow is not None
            and self.intent != state.flow.intent
        )
        new_order = self._order_entity()
        if (
            new_order
            and state.flow
            and not self._same_order(new_order, proposal.order_id)
            and not new_request
        ):
            return self._correct_order(new_order)
        if self._is_yes():
            return self._execute(proposal)
        if self._is_no() or NEVER_MIND.search(self.said) or DECLINE_WORDS.search(self.said):
            self._drop_proposal()
            state.end_flow()
            return self._say(replies.declined(proposal.remedy))
        if self.intent == "ask_policy" or self._asks() or self._asks_about_the_offer():
            return self._answer_question()
        if new_request:
            self._drop_proposal()
            state.end_flow()
            return self._start(self.intent)
        return self._say(replies.CONFIRM_AGAIN, prompt_keep=True)

    def _correct_order(self, order_id: str) -> Outcome:
        flow = self.state.flow
        assert flow is not None
        self._drop_proposal()
        self.state.clear_prompt()
        if flow.order_id is not None:
            # A different order: what was said about the old one's items no longer holds. (With
            # no order yet, the buyer is naming it: the photo they already sent stays.)
            flow.order_id = None
            flow.reset_order_details()
        if not self._take_order(order_id):
            return self._ask_order()
        return self._advance()

    def _start(self, intent: str) -> Outcome:
        self.state.end_flow()
        flow = Flow(intent=intent, confidence=self.parse.intent.confidence)
        flow.claim_type = CLAIM_OF_INTENT.get(intent)
        sure = self._named_reason(REASON_OPENING_CONFIDENCE, intent)
        agreeing = AGREEING_REASON.get(intent)
        if sure is None and agreeing and self._named_reason(intent=intent) == agreeing:
            # "return the coat, I have simply changed my mind" reads change_of_mind at 0.58:
            # a reason that only confirms what the request says needs the ordinary bar.
            sure = agreeing
        if intent in ASKS_REASON and sure is not None:
            # "return D200, it doesn't fit": the reason came with the request; never asked again.
            flow.claim_type = ClaimType(sure)
        elif (
            intent in LATE_CAN_MEAN
            and self._named_reason(intent=intent) == ClaimType.LATE_DELIVERY.value
        ):
            # "it came 5 days late, do i get something": no intent means late, so the reason
            # comes with the request and is not asked again.
            flow.claim_type = ClaimType.LATE_DELIVERY
        elif intent in TRACKING:
            # "A-8025 was due a week ago, still not here. refund?" reads as tracking a refund;
            # the problem it names is kept, and decides once the order is known (`_tracked`).
            named = self._named_reason(intent=intent)
            flow.claim_type = ClaimType(named) if named in TRACKED_PROBLEMS else None
        flow.photos.extend(self.photos)
        self.state.flow = flow
        order_id = self._order_entity() or self._typed_order()
        if order_id and not self._take_order(order_id):
            return self._ask_order()
        return self._advance()

    def _fill_slot(self) -> str | None:
        """Fill what the bot asked for from this message: FILLED (advance the flow), HANDLED
        (the bot has answered, e.g. asked again), or None (the message was about something
        else)."""
        flow, state = self.state.flow, self.state
        assert flow is not None
        if state.expecting == "order_id":
            return self._fill_order()
        if state.expecting == "reason":
            reason = self._reason()
            if reason is None:
                return None
            flow.claim_type = ClaimType(reason)
            return FILLED
        if state.expecting == "evidence":
            if self.photos:
                return FILLED
            if self.option == "no_photo" or NO_PHOTO.search(self.said) or self._is_no():
                flow.no_photo = True
                self._reply(replies.NO_PHOTO_POLICY, ["DMG-3.1"])
                self._prompt("evidence", [replies.PERSON, replies.PHOTO_LATER])
                return HANDLED
            if self.option == "later":
                self._reply(replies.PHOTO_LATER_OK)
                return HANDLED
            return None
        if state.expecting == "choice":
            return self._fill_choice()
        return None

    def _fill_order(self) -> str | None:
        if self.option and self.option.startswith("order:"):
            order_id = self.option.removeprefix("order:")
        elif self.option == "other_order" or OTHER_ORDER.search(self.said):
            self._ask_order(exclude_offered=True)
            return HANDLED
        elif len(self._offered()) == 1 and (self._is_yes() or self._is_no()):
            if self._is_no():
                self._ask_order(exclude_offered=True)
                return HANDLED
            order_id = self._offered()[0]
        else:
            order_id = self._typed_order()
            if order_id is None:
                return None
        if self._take_order(order_id):
            return FILLED
        self._ask_order()
        return HANDLED

    def _fill_choice(self) -> str | None:
        flow, choice = self.state.flow, self.state.choice
        assert flow is not None
        if choice is Choice.ITEMS:
            if self.option == "sku:*":
                flow.skus = []
                return FILLED
            if self.option and self.option.startswith("sku:"):
                flow.skus = [self.option.removeprefix("sku:")]
                return FILLED
            order = self.ctx.find_order(flow.order_id) if flow.order_id else None
            named = items_named(self.text, order.items) if order is not None else []
            if named:
                # "Only the saucer is broken; the teapot is fine": the item named first (the
                # offer that follows names it, so a wrong pick is declined, not executed).
                flow.skus = [named[0].sku]
                return FILLED
            return None
        if choice is Choice.OPENED:
            if self.option in ("opened", "sealed"):
                flow.opened = self.option == "opened"
                return FILLED
            if self._is_yes() or self._is_no():
                flow.opened = self._is_yes()
                return FILLED
            if SEALED_WORDS.search(self.said) or OPENED_WORDS.search(self.said):
                # "i tried it once", "never opened it": the NLU reads these as new requests.
                flow.opened = not SEALED_WORDS.search(self.said)
                return FILLED
            return None
        if choice is Choice.CHECK_ORDER:
            if self._is_yes():
                return FILLED
            if self._is_no():
                self.state.end_flow()
                self._reply(replies.ANYTHING_ELSE)
                return HANDLED
            return None
        if choice is Choice.REMEDY:
            if self.option in ("refund", "replacement"):
                flow.prefers_replacement = self.option == "replacement"
                return FILLED
            replacement = REPLACEMENT_WORDS.search(self.said)
            if replacement or REFUND_WORDS.search(self.said) or self.intent == "request_refund":
                flow.prefers_replacement = replacement is not None
                return FILLED
            return None
        return None

    def _answer_question(self) -> Outcome:
        self._side_turn = True
        answerer = self.ctx.engines.answerer
        resume = self._resume_prompt()
        if answerer is None:
            self._reply(replies.with_resume(replies.NO_RETRIEVAL, resume))
            return self._offer_person_keep_flow()
        try:
            answer = answerer.answer(self.text)
        except RetrievalError:
            answer = None
        if answer is None or not answer.confident:
            text = answer.text if answer is not None else replies.NO_RETRIEVAL
            self._reply(replies.with_resume(text, resume))
            return self._offer_person_keep_flow()
        self._reply(replies.with_resume(answer.text, resume), list(answer.citations))
        self._offer_check()
        return self.out

    def _offer_check(self) -> None:
        """After a question that names a situation ("my parcel is a week late, when am I
        entitled to a refund?"), offer to check the buyer's order it may be about: the one the
        question names by id or item, else the newest in a state the situation fits."""
        reason = self._named_reason()
        if self.state.flow is not None or reason not in SITUATION_STATUSES:
            return
        fits = [o for o in self.ctx.recent_orders() if o.status in SITUATION_STATUSES[reason]]
        named = self._typed_order()
        order = next((o for o in fits if o.order_id == named), fits[0] if fits else None)
        if order is None:
            return
        flow = Flow(
            intent=INTENT_OF_SITUATION[reason], confidence=self.parse.claim_reason.confidence
        )
        flow.claim_type = ClaimType(reason)
        flow.order_id = order.order_id
        flow.photos.extend(self.photos)
        self.state.flow = flow
        self._reply(replies.check_order(order))
        self._prompt("choice", [replies.YES, replies.NO_THANKS], choice=Choice.CHECK_ORDER)

    def _small_talk(self) -> Outcome:
        self._side_turn = self.intent in ("greet", "thank")
        resume = self._resume_prompt()
        if self.intent == "greet":
            text = "Hi again!" if self.state.flow else replies.GREETING
        elif self.intent == "thank":
            text = replies.THANKS + ("" if self.state.flow else " " + replies.ANYTHING_ELSE)
        elif self.intent == "goodbye":
            self.state.end_flow()
            return self._say(replies.GOODBYE)
        elif self.state.proposal is None and self._is_yes() and self.state.flow is None:
            text = replies.NOTHING_TO_CONFIRM
        elif (self.intent == "deny" or self.said in NO_WORDS) and self.state.flow is None:
            # "No thanks" to "anything else I can help with?" ends the chat politely.
            self.state.end_flow()
            return self._say(replies.NOTHING_ELSE)
        elif self.state.flow is not None and self.state.expecting:
            text = "Sorry, I didn't catch that."
        else:
            text = replies.OUT_OF_SCOPE
        keep = self.state.flow is not None
        return self._say(replies.with_resume(text, resume), prompt_keep=keep)

    # --- the flow -------------------------------------------------------------------------------

    def _advance(self) -> Outcome:
        flow = self.state.flow
        assert flow is not None
        self.state.clear_prompt()
        if flow.intent == "complaint":
            self._reply(replies.COMPLAINT, ["REV-6.5"])
            self._prompt("choice", [replies.PERSON, replies.NO_THANKS], choice=Choice.PERSON)
            return self.out
        if flow.order_id is None:
            return self._ask_order()
        order = self.ctx.find_order(flow.order_id)
        if order is None:  # the order left the buyer's account between turns
            flow.order_id = None
            return self._ask_order()
        if flow.intent in TRACKING and self._tracked_problem(order):
            flow.intent = INTENT_OF_SITUATION[flow.claim_type.value]  # type: ignore[union-attr]
        elif flow.intent in TRACKING:
            flow.claim_type = None
        if flow.intent == "track_order":
            if _overdue(order, self.ctx.now):
                # More than 3 days past the promised date: the answer to "where is it" is the
                # refund the buyer is owed (INR-4.1), offered for confirmation.
                self._reply(replies.track_order(order))
                flow.intent, flow.claim_type = "item_not_received", ClaimType.NOT_RECEIVED
                return self._decide(order)
            self.state.end_flow()
            return self._say(replies.track_order(order), ["REF-5.2"] if order.was_refunded else [])
        if flow.intent == "track_refund":
            self.state.end_flow()
            pending = self.ctx.return_pending(order.order_id)
            return self._say(replies.track_refund(order, pending), ["REF-5.1", "REF-5.2"])
        if flow.intent == "change_order":
            if order.status is OrderStatus.PENDING:
                return self._handoff("change_order", (), replies.CHANGE_ORDER, order=order)
            self.state.end_flow()
            return self._say(
                f"Order {order.order_id} is already {order.status.value}, so it can no longer "
                "be changed. Once it has arrived you can return it.",
                ["CAN-1.2"],
            )
        if flow.claim_type is None:
            return self._ask_reason()
        if flow.claim_type is ClaimType.CANCEL and order.status is OrderStatus.DELIVERED:
            # A delivered order cannot be cancelled (CAN-1.2); what the buyer wants is their
            # money back for an item they no longer need, which is a return: offered at once.
            named = self._named_reason(intent="return_item")
            self._reply(replies.cancel_delivered_return(order), ["CAN-1.2"])
            flow.intent = "return_item"
            flow.claim_type = ClaimType(named or ClaimType.CHANGE_OF_MIND_RETURN.value)
        if (
            flow.claim_type is ClaimType.CHANGE_OF_MIND_RETURN
            and order.status is OrderStatus.PENDING
        ):
            # Changing one's mind before shipping is a cancellation (CAN-1.1), which is better.
            flow.claim_type = ClaimType.CANCEL
        per_item = DAMAGE_CLAIMS | {ClaimType.CHANGE_OF_MIND_RETURN}
        if flow.claim_type in per_item and len(order.items) > 1 and flow.skus is None:
            return self._ask_items(order)
        return self._decide(order)

    def _assess(self, order: Order) -> Assessment:
        """The flow's claim on ``order`` as the rules see it now."""
        flow = self.state.flow
        assert flow is not None and flow.claim_type is not None
        claim = Claim(
            type=_claim_type(flow.claim_type, order),
            skus=tuple(flow.skus or ()),
            has_photo=bool(flow.photos),
            opened=flow.opened,
            prefers_replacement=bool(flow.prefers_replacement),
        )
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
                risk_features=self.ctx.risk_features(order, assessed.claim, assessed.history),
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
            self._reply(replies.ASK_PHOTO, ["DMG-3.1"])
            self._prompt("evidence", [replies.NO_PHOTO])
            return self.out
        if Reason.NO_PHOTO in reasons:
            self._reply(replies.NO_PHOTO_POLICY, ["DMG-3.1"])
            self._prompt("evidence", [replies.PERSON, replies.PHOTO_LATER])
            return self.out
        if Reason.BEAUTY_OPENED_UNKNOWN in reasons:
            self._reply(replies.ASK_OPENED, ["RET-2.2"])
            self._prompt("choice", [replies.OPENED, replies.SEALED], choice=Choice.OPENED)
            return self.out
        if (
            claim.type in DAMAGE_CLAIMS
            and eligibility.eligible
            and eligibility.remedy is Remedy.RETURN_THEN_REFUND
            and flow.prefers_replacement is None
        ):
            self._reply(replies.ASK_REMEDY, ["DMG-3.3"])
            self._prompt(
                "choice", [replies.REFUND_CHOICE, replies.REPLACEMENT_CHOICE], choice=Choice.REMEDY
            )
            return self.out

        decision = self._route(order, assessed)
        attribution = attribute(order, claim, self.ctx.now)
        case_summary = summary(
            intent=flow.intent,
            order=order,
            decision=decision,
            eligibility=eligibility,
            attribution=attribution,
            claim_type=claim.type.value,
            photos=flow.photos,
        )
        # The items the claim is about ([]: the whole order), for the agent's re-check.
        case_summary["skus"] = list(claim.skus)
        citations = list(eligibility.clauses)
        if not eligibility.eligible and not eligibility.needs_human:
            # A refusal the rules explain (a shipped order, a closed window...) needs no agent;
            # the buyer can still ask for one (REV-6.4) or dispute it (REV-6.5).
            self._open_case(order, decision, case_summary, CaseStatus.DECLINED, 0)
            self.state.end_flow()
            self._reply(eligibility.explanation, citations)
            self._prompt("choice", [replies.PERSON, replies.NO_THANKS], choice=Choice.PERSON)
            return self.out
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
            text = eligibility.explanation
            if not eligibility.needs_human and eligibility.eligible:
                text += " A colleague will review it and confirm before anything is done."
            return self._to_agent(case_id, f"{text} {replies.HANDOFF_NOTICE}", citations)
        case_id = self._open_case(order, decision, case_summary, CaseStatus.BOT, 0)
        return self._propose(order, claim, eligibility, case_id)

    def _propose(
        self, order: Order, claim: Claim, eligibility: Eligibility, case_id: str
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
            clauses=list(eligibility.clauses),
        )
        effect = replies.what_will_happen(
            eligibility.remedy.value, order, eligibility.amount, titles
        )
        self._reply(
            f"{eligibility.explanation}\n\nTo confirm: {effect} Shall I go ahead?",
            list(eligibility.clauses),
        )
        self._prompt("confirmation", [replies.YES, replies.NO])
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
                    )
            except LedgerRefused:
                lapsed = ProposalStatus.CHANGED
        if lapsed is not None:
            self._drop_proposal(lapsed)
            self._reply(_LAPSED_NOTE[lapsed])
            return self._decide(order)
        self.ctx.close_proposal(proposal.proposal_id, ProposalStatus.EXECUTED)
        self.ctx.update_case(proposal.case_id, status=CaseStatus.RESOLVED)
        self.state.end_flow()
        amount = sum((a.amount for a in proposal.actions), Decimal("0"))
        text = replies.done(proposal.remedy, order, amount)
        # A resolved case ends with the satisfaction question (the analytics' CSAT).
        self._reply(f"{text} {replies.RATE_CHAT}", proposal.clauses)
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
            or self._route(order, assessed).route is not Route.AUTO
        ):
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

    def _rated(self, score: int) -> Outcome:
        case_id = self.state.rating_case_id
        self.state.clear_prompt()
        if case_id is not None:
            self.ctx.record_rating(case_id, score)
        return self._say(replies.THANKS_FOR_RATING if score >= 3 else replies.SORRY_FOR_RATING)

    # --- asking ---------------------------------------------------------------------------------

    def _ask_order(self, exclude_offered: bool = False) -> Outcome:
        flow = self.state.flow
        assert flow is not None
        excluded = set(self._offered()) if exclude_offered else set()
        recent = [o for o in self.ctx.recent_orders() if o.order_id not in excluded]
        wanted = _PLAUSIBLE.get(flow.intent)
        if flow.intent == "track_refund":
            plausible = [o for o in recent if o.was_refunded or o.status is OrderStatus.CANCELLED]
        else:
            plausible = [o for o in recent if wanted is None or o.status in wanted]
        last = [o for o in plausible if o.order_id == self.state.last_order_id]
        if last and not exclude_offered:
            plausible = last
        if len(plausible) == 1 and not exclude_offered:
            offered = plausible
            labels = [replies.order_label(plausible[0]), replies.OTHER_ORDER]
        else:
            others = [o for o in recent if o not in plausible]
            offered = (plausible + others)[:MAX_ORDER_CHOICES]
            labels = [replies.order_label(o) for o in offered]
        self._reply(replies.ask_order(offered))
        options = {normalise(replies.order_label(o)): f"order:{o.order_id}" for o in offered}
        if replies.OTHER_ORDER in labels:
            options[normalise(replies.OTHER_ORDER)] = "other_order"
        if not offered:
            labels = [replies.PERSON]
            options[normalise(replies.PERSON)] = "person"
        self.state.expecting, self.state.choice = "order_id", None
        self.state.quick_replies, self.state.options = labels, options
        return self.out

    def _ask_reason(self) -> Outcome:
        self._reply(replies.ASK_REASON)
        self.state.expecting, self.state.choice = "reason", None
        self.state.quick_replies = list(replies.REASONS)
        self.state.options = {normalise(k): v for k, v in replies.REASONS.items()}
        return self.out

    def _ask_items(self, order: Order) -> Outcome:
        self._reply(replies.ASK_ITEMS)
        labels = [item.title for item in order.items] + [replies.ALL_ITEMS]
        options = {normalise(item.title): f"sku:{item.sku}" for item in order.items}
        options[normalise(replies.ALL_ITEMS)] = "sku:*"
        self.state.expecting, self.state.choice = "choice", Choice.ITEMS
        self.state.quick_replies, self.state.options = labels, options
        return self.out

    def _prompt(
        self,
        expecting: str,
        labels: list[str],
        *,
        choice: Choice | None = None,
    ) -> None:
        meaning = {
            replies.YES: "yes",
            replies.NO: "no",
            replies.PERSON: "person",
            replies.NO_THANKS: "no_thanks",
            replies.PHOTO_LATER: "later",
            replies.NO_PHOTO: "no_photo",
            replies.OPENED: "opened",
            replies.SEALED: "sealed",
            replies.REFUND_CHOICE: "refund",
            replies.REPLACEMENT_CHOICE: "replacement",
        }
        self.state.expecting = expecting  # type: ignore[assignment]
        self.state.choice = choice
        self.state.quick_replies = labels
        self.state.options = {normalise(label): meaning[label] for label in labels}

    def _resume_prompt(self) -> str | None:
        """The question the open flow is waiting on, to ask again after a side question."""
        state = self.state
        if state.flow is None or state.expecting is None:
            return None
        return {
            "order_id": "Now, which order is it about?",
            "reason": "Now, " + replies.ASK_REASON[0].lower() + replies.ASK_REASON[1:],
            "evidence": "When you're ready, please attach a photo of the problem.",
            "confirmation": "Shall I go ahead with what I proposed above?",
            "choice": "Now, please pick one of the options below.",
        }[state.expecting]

    def _offer_person_keep_flow(self) -> Outcome:
        if self.state.expecting is None:
            self._prompt("choice", [replies.PERSON, replies.NO_THANKS], choice=Choice.PERSON)
        else:
            label = normalise(replies.PERSON)
            if replies.PERSON not in self.state.quick_replies:
                self.state.quick_replies = [*self.state.quick_replies, replies.PERSON]
            self.state.options[label] = "person"
        return self.out

    # --- handoff ------------------------------------------------------------------------------

    def _handoff(
        self,
        reason: str,
        clauses: tuple[str, ...],
        text: str,
        *,
        order: Order | None = None,
    ) -> Outcome:
        flow = self.state.flow
        if order is None and flow is not None and flow.order_id:
            order = self.ctx.find_order(flow.order_id)
        if order is None:
            entity = self._order_entity()
            order = self.ctx.find_order(entity) if entity else None
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
        )
        case_summary["flow_intent"] = flow.intent if flow else None
        case_id = self._open_case(
            order,
            decision,
            case_summary,
            CaseStatus.WAITING_FOR_AGENT,
            priority(decision.reason_codes, amount, None),
            intent=case_summary["intent"],
        )
        return self._to_agent(case_id, text, list(clauses))

    def _to_agent(self, case_id: str, text: str, citations: list[str]) -> Outcome:
        self.state.end_flow()
        self.state.handoff_case_id = case_id
        self.state.handoff_notice_sent = False
        self.out.handoff_case_id = case_id
        return self._say(text, citations)

    def _open_case(
        self,
        order: Order | None,
        decision: Decision,
        case_summary: dict,
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

    # --- reading the message --------------------------------------------------------------------

    def _order_entity(self) -> str | None:
        values = self.parse.entity_values("order_id")
        if values:
            return values[0].strip().lstrip("#").upper()
        if self.option and self.option.startswith("order:"):
            return self.option.removeprefix("order:").upper()
        return None

    def _typed_order(self) -> str | None:
        """The buyer's order a message means without the NLU spotting its id: an id typed
        loosely ("it's 5512", "D2002" for D-2002), else the one order whose item it names
        ("the headphones one")."""
        own = [o.order_id for o in self.ctx.orders]
        for token in re.findall(r"[#\w-]+", self.text):
            if sum(ch.isdigit() for ch in token) >= 3:
                found = match_order_id(token, own)
                if found is not None:
                    return found
        # "the lamp": among the orders just offered first, then the recent ones, then all (a
        # buyer with four desk lamps over the years means the one in question).
        named = orders_named_by_product(self.text, self.ctx.orders)
        recent = {o.order_id for o in self.ctx.recent_orders()}
        for pool in (set(self._offered()), recent, None):
            fits = [o for o in named if pool is None or o.order_id in pool]
            if len(fits) == 1:
                return fits[0].order_id
        return None

    def _take_order(self, order_id: str) -> bool:
        """Set the flow's order if it is the buyer's (also typed loosely: a dash dropped, one
        character off); otherwise say it can't be found."""
        flow = self.state.flow
        assert flow is not None
        order = self.ctx.find_order(order_id)
        if order is None:
            loose = match_order_id(order_id, [o.order_id for o in self.ctx.orders])
            order = self.ctx.find_order(loose) if loose else None
        if order is None:
            self._reply(replies.not_your_order(order_id.lstrip("#")))
            return False
        flow.order_id = order.order_id
        self.state.last_order_id = order.order_id
        return True

    def _same_order(self, named: str, order_id: str | None) -> bool:
        """Whether an id the buyer typed (maybe loosely: "SO2026000218") is ``order_id``."""
        if order_id is None:
            return False
        if named == order_id.upper():
            return True
        return match_order_id(named, [o.order_id for o in self.ctx.orders]) == order_id

    def _offered(self) -> list[str]:
        return [
            value.removeprefix("order:")
            for value in self.state.options.values()
            if value.startswith("order:")
        ]

    def _reason(self) -> str | None:
        """What went wrong: a tapped reason; else the one the message names (it beats the
        intent, which cannot say "late"); else the intent's; else a hesitant reading."""
        if self.option in replies.REASONS.values():
            return self.option
        return (
            self._named_reason()
            or REASON_OF_INTENT.get(self.intent)
            or self._named_reason(REASON_ANSWER_CONFIDENCE)
        )

    def _named_reason(
        self, at_least: float = REASON_MIN_CONFIDENCE, intent: str | None = None
    ) -> str | None:
        """The claim reason the NLU read in the message, when it names one surely enough and
        one the request (``intent``, else the open flow's) can have."""
        reason = self.parse.claim_reason
        if reason is None or reason.name == NO_REASON or reason.confidence < at_least:
            return None
        name = CLAIM_OF_REASON.get(reason.name, reason.name)
        request = intent or (self.state.flow.intent if self.state.flow else self.intent)
        if name not in REASONS_OF_REQUEST.get(request, {name}):
            return None
        return name

    def _tracked_problem(self, order: Order) -> bool:
        """Whether the problem a tracking request named (`_start`) is a claim on ``order``: a
        parcel not there or late, damaged or wrong once delivered; for "where is my refund",
        only while there is no refund to track."""
        flow = self.state.flow
        assert flow is not None
        if flow.claim_type is None or flow.claim_type.value not in TRACKED_PROBLEMS:
            return False
        if flow.intent == "track_refund" and (
            order.was_refunded or flow.claim_type.value not in ("not_received", "late_delivery")
        ):
            return False
        return order.status in SITUATION_STATUSES[flow.claim_type.value]

    def _may_ask(self) -> bool:
        """A question mark, or a question act at even odds."""
        act = self.parse.dialogue_act
        return self.text.rstrip().endswith("?") or (
            act is not None and act.name == "question" and act.confidence >= 0.5
        )

    def _asks_about_the_offer(self) -> bool:
        """At a confirmation, a question read as tracking ("will the money go back to my card
        or to my wallet?" reads track_refund) is about the offer on the table, not a new
        request to track something."""
        return self.intent in TRACKING and self.text.rstrip().endswith("?")

    def _asks(self) -> bool:
        """The NLU surely reads the message as a question (reconcile's bar for a question)."""
        act = self.parse.dialogue_act
        return act is not None and act.name == "question" and act.confidence >= SURE_QUESTION

    def _intent_unsure(self) -> bool:
        """The intent reader is not sure of a request: out of scope, or below SURE_REQUEST."""
        if self.intent in ("request_human", "payment_issue", "complaint"):
            return False
        return self.intent == "out_of_scope" or self.parse.intent.confidence < SURE_REQUEST

    def _owned(self, order_id: str) -> str | None:
        """The buyer's order this id means (exactly or loosely typed), else None."""
        if self.ctx.find_order(order_id) is not None:
            return order_id
        return match_order_id(order_id, [o.order_id for o in self.ctx.orders])

    def _informs(self) -> bool:
        """The NLU surely reads the message as giving information, not asking or requesting."""
        act = self.parse.dialogue_act
        return act is not None and act.name == "inform" and act.confidence >= SURE_INFORM

    def _is_yes(self) -> bool:
        # "Oh, I see. Yes, please set up the return then.": a sentence that opens with a yes.
        sentences = [part.strip() for part in re.split(r"[.!?;]+", self.said) if part.strip()]
        return (
            self.option == "yes"
            or self.intent == "affirm"
            or self.said in YES_WORDS
            or (
                any(YES_LEAD.match(part) for part in sentences)
                and not NOT_PLAIN_YES.search(self.said)
            )
        )

    def _is_no(self) -> bool:
        return (
            self.option == "no"
            or self.intent == "deny"
            or self.said in NO_WORDS
            or bool(NO_LEAD.match(self.said))
        )

    # --- output -------------------------------------------------------------------------------

    def _reply(self, text: str, citations: list[str] | None = None) -> None:
        self.out.messages.append(BotMessage(text, list(citations or [])))

    def _say(
        self, text: str, citations: list[str] | None = None, *, prompt_keep: bool = False
    ) -> Outcome:
        if not prompt_keep:
            self.state.clear_prompt()
        self._reply(text, citations)
        return self.out


RATING = re.compile(
    r"^(?:i(?:'d| would)? (?:give|rate) (?:it |you |this )?)?"  # "i'd give it ..."
    r"([1-5])(?: ?(?:/ ?5|out of 5|stars?))?$"
)
STARS = re.compile(r"^[⭐★]{1,5}$")


def rating_of(text: str) -> int | None:
    """A 1-5 rating in the buyer's words ("4", "5 stars", "4/5", "⭐⭐⭐"); None otherwise."""
    said = normalise(text)
    stars = said.replace("\ufe0f", "").replace(" ", "")  # emoji variation selectors
    if STARS.match(stars):
        return len(stars)
    match = RATING.match(said)
    return int(match.group(1)) if match else None


def _claim_type(claim_type: ClaimType, order: Order) -> ClaimType:
    """A parcel said to be late that has not been delivered is a not-received claim: INR-4.1
    (a refund when over 3 days late) is what applies to it, not the voucher for late
    deliveries (INR-4.3)."""
    if claim_type is ClaimType.LATE_DELIVERY and order.status in (
        OrderStatus.PENDING,
        OrderStatus.SHIPPED,
    ):
        return ClaimType.NOT_RECEIVED
    return claim_type


def _overdue(order: Order, now: datetime) -> bool:
    """Not delivered and more than 3 days past its promised date (INR-4.1)."""
    return (
        order.status in (OrderStatus.PENDING, OrderStatus.SHIPPED)
        and order.promised_delivery_by is not None
        and now > order.promised_delivery_by + LATE_GRACE
    )


def _titles(order: Order, claim: Claim) -> str:
    items = [i for i in order.items if not claim.skus or i.sku in claim.skus]
    titles = [i.title for i in items]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
