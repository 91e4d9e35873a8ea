"""Slot filling: asking for what a flow needs (the order, the reason, the items, a choice) and
reading the buyer's answer into the flow, from a quick reply or in their own words."""

from __future__ import annotations

import re

from bot.dialogue import replies
from bot.dialogue.order_match import items_named, match_order_id, orders_named_by_product
from bot.dialogue.reading import MessageReading
from bot.dialogue.state import Choice, Flow, normalise
from bot.dialogue.turn import Outcome, typed
from bot.dialogue.vocabulary import (
    _PLAUSIBLE,
    AGREEING_REASON,
    CLAIM_OF_REASON,
    MAX_ORDER_CHOICES,
    NO_REASON,
    REASONS_OF_REQUEST,
)
from bot.dialogue.wording import (
    ALL_BUT,
    ALL_OFFERED,
    BOTH,
    ID_ALONE,
    ITEM_WANTED,
    NEVER_MIND,
    NO_PHOTO,
    NOT_ALL,
    OPENED_WORDS,
    OTHER_ORDER,
    PHOTO_LATER,
    QUESTION_SENTENCE,
    QUESTION_WORDING,
    REASON_WORDS,
    REFUND_WORDS,
    REPLACEMENT_WORDS,
    REQUEST_AS_QUESTION,
    SOMEONE_ELSES,
    says_sealed,
    without_declined_remedy,
)
from nlu.types import Entity, IntentScore, ParseResult
from policies.types import ClaimType, Order, OrderStatus

# The NLU's claim reason labels of the claim types (`vocabulary.CLAIM_OF_REASON` reversed).
_REASON_LABEL = {claim: label for label, claim in CLAIM_OF_REASON.items()}

# "not the kettle, another order": the order named is the one the buyer does not mean.
NOT_THAT_ONE = re.compile(r"\b(not|isn'?t|wasn'?t) (the|that|this|my|for the)\b")

# What filling a slot did (see `SlotFilling._fill_slot`).
FILLED, HANDLED, HAND_OVER = "filled", "handled", "hand_over"


class SlotFilling(MessageReading):
    """The bot's questions and the reading of their answers."""

    def _fill_slot(self) -> str | None:
        """Fill what the bot asked for from this message: FILLED (advance the flow), HANDLED
        (the bot has answered, e.g. asked again), HAND_OVER (the answer leaves only a person),
        or None (the message was about something else)."""
        flow, state = self.state.flow, self.state
        assert flow is not None
        if state.expecting == "order_id":
            return self._fill_order()
        if state.expecting == "reason":
            reason = self._reason_answered()
            if reason is None:
                return None
            flow.claim_type = ClaimType(reason)
            # The claim is now what the buyer answered to "What went wrong?", which the router
            # weighs rather than the opening's reading (a flow the dialogue opened on a named
            # order, or on "I need help with an order", began at the out_of_scope confidence,
            # and every claim it reached went to a person as "nlu_low_confidence").
            flow.confidence = max(flow.confidence, self._confidence_in(reason))
            return FILLED
        if state.expecting == "evidence":
            if self.photos:
                return FILLED
            if self.option == "no_photo" or NO_PHOTO.search(self.said) or self._is_no():
                if flow.no_photo or not PHOTO_LATER.search(self.said):
                    # DMG-3.1 settles a damaged or wrong item only with a photo; a buyer who has
                    # none (the tap "I don't have a photo", "no", "I threw it away") will not
                    # have one on the next turn either, and the bot cannot decide without it.
                    # Asking again, or offering "later", only delays the one way on: a person,
                    # who can look at the claim another way. At once (issue 14: no question
                    # whose answer the buyer already gave, no dead ends).
                    return HAND_OVER
                # "Not right now, I'm at work": a photo may come; the rule is said and the bot
                # waits, a person one tap away. Said again after that: a person (above).
                flow.no_photo = True
                self._reply(replies.text("no_photo_policy"), ["DMG-3.1"])
                self._prompt("evidence", [replies.label("person"), replies.label("later")])
                return HANDLED
            if self.option == "later":
                self._reply(replies.text("photo_later_ok"))
                return HANDLED
            if self._says_photo_sent():
                # "here's the pic" without one: read as words it was "Sorry, I didn't catch
                # that", then a person, for a buyer whose upload had failed. What is missing is
                # said, and the bot waits for it, a person one tap away.
                self._reply(replies.text("photo_not_received"), ["DMG-3.1"])
                self._prompt("evidence", [replies.label("no_photo"), replies.label("person")])
                return HANDLED
            return None
        if state.expecting == "choice":
            return self._fill_choice()
        return None

    def _answers_the_question(self) -> bool:
        """Whether the message answers the open question in words its slot reads: an order, a
        reason the quick replies' words name, no photo, opened or sealed, a remedy, an item.
        Without a question mark, or with one on a request worded as a question ("can you send
        me a new one?" to "A refund or a replacement?"); "is a replacement faster?" asks."""
        flow, state = self.state.flow, self.state
        if state.expecting is None:
            return False
        if self.option is not None:
            return True  # a quick reply typed or tapped
        if flow is None:
            return False
        asked = QUESTION_SENTENCE.search(self.text) or QUESTION_WORDING.match(self.said)
        if asked and not REQUEST_AS_QUESTION.match(self.said):
            # "what happens if i opened it can i still send it back": a question about the
            # answer, not the answer (dev2 e39: read as "opened", the return was refused).
            return False
        if state.expecting == "order_id":
            return self._id_typed() is not None
        if state.expecting == "reason":
            return self._reason_in_words() is not None
        if state.expecting == "evidence":
            return bool(self.photos) or bool(NO_PHOTO.search(self.said)) or self._says_photo_sent()
        if state.choice is Choice.OPENED:
            return bool(says_sealed(self.said) or OPENED_WORDS.search(self.said))
        if state.choice is Choice.REASON_GUESS:
            return self._is_yes() or self._is_no() or self._reason_in_words() is not None
        if state.choice is Choice.REMEDY:
            said = without_declined_remedy(self.said)
            return bool(REPLACEMENT_WORDS.search(said)) != bool(REFUND_WORDS.search(said))
        if state.choice is Choice.ITEMS:
            order = self.ctx.find_order(flow.order_id) if flow.order_id else None
            return order is not None and bool(
                items_named(self.text, order.items) or self._all_offered()
            )
        return False

    def _all_offered(self) -> bool:
        """ "both", "all of them", "everything": every option offered."""
        return bool(ALL_OFFERED.search(self.said)) and not NOT_ALL.search(self.said)

    def _fill_order(self) -> str | None:
        if self.option and self.option.startswith("order:"):
            order_id = self.option.removeprefix("order:")
        elif self.option != "other_order" and (named := self._order_named_besides_other()):
            # "no, a different order, the kettle one": the buyer's own words name the order
            # they mean (here one of those offered); taken as "a different order" alone, the
            # other orders were listed and the kettle's asked again until the end (dev6 h60).
            order_id = named
        elif self.option == "other_order" or OTHER_ORDER.search(self.said):
            self._ask_order(exclude_offered=True)
            return HANDLED
        elif len(self._offered()) > 1 and self._all_offered() and not self._typed_order():
            # "both", "all of them" to the orders listed: the request is made for each, one
            # after the other (the others wait as the message's next requests: `several`).
            offered = self._offered()
            if BOTH.search(self.said) and len(offered) != 2:
                return None  # "both" of five: which two is not said
            order_id = offered[0]
            flow = self.state.flow
            assert flow is not None
            self.state.pending = [
                *(_same_request_on(flow, other) for other in offered[1:]),
                *self.state.pending,
            ]
        elif len(self._offered()) == 1 and (self._is_yes() or self._is_no()):
            if NEVER_MIND.search(self.said):
                # "Never mind" to "Is it about order X?" drops the request (the turn's step 5);
                # it is not "another order" (the bot then claimed the buyer had no orders).
                return None
            if self._is_no():
                self._ask_order(exclude_offered=True)
                return HANDLED
            order_id = self._offered()[0]
        else:
            order_id = self._typed_order()
            if order_id is None:
                if not ID_ALONE.match(self.said):
                    return None
                # "9999", "#A-7788": an order number the NLU did not take, none of theirs: said
                # so, and the order asked again ("didn't catch that" would leave them guessing).
                order_id = self.said.lstrip("#").upper()
        if self._take_order(order_id):
            return FILLED
        self._ask_order()
        return HANDLED

    def _order_named_besides_other(self) -> str | None:
        """The order a message saying "a different order" names by id or item ("a different
        order, the kettle one"), unless it names it to say it is not that one ("not the
        kettle, another order"); None without such words or such an order."""
        if not OTHER_ORDER.search(self.said) or NOT_THAT_ONE.search(self.said):
            return None
        return self._typed_order()

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
            if order is not None and len(named) != 1 and self._all_offered():
                # "both", "all of them", "both the shirt and the socks": every item named, or
                # every item of the order when none or all are named (the whole order: []).
                several = named if len(named) > 1 else []
                whole = len(several) == len(order.items)
                flow.skus = [] if whole else [item.sku for item in several]
                return FILLED
            if named and ALL_BUT.search(self.said) and ALL_OFFERED.search(self.said):
                # "everything except the socks": the items not named.
                rest = [item.sku for item in order.items if item not in named]  # type: ignore[union-attr]
                if rest:
                    flow.skus = rest
                    return FILLED
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
            if says_sealed(self.said) or OPENED_WORDS.search(self.said):
                # "i tried it once", "never opened it": the NLU reads these as new requests.
                flow.opened = not says_sealed(self.said)
                return FILLED
            return None
        if choice is Choice.REASON_GUESS:
            return self._fill_reason_guess()
        if choice is Choice.CHECK_ORDER:
            if self._is_yes():
                return FILLED
            if self._is_no():
                self.state.end_flow()
                self._reply(replies.text("anything_else"))
                return HANDLED
            return None
        if choice is Choice.REMEDY:
            if self.option in ("refund", "replacement"):
                flow.prefers_replacement = self.option == "replacement"
                return FILLED
            said = without_declined_remedy(self.said)
            replacement = bool(REPLACEMENT_WORDS.search(said))
            refund = bool(REFUND_WORDS.search(said))
            if not replacement and not refund and ITEM_WANTED.search(said):
                # "the M that I ordered please": the item, not the money.
                replacement = True
            if replacement or refund or self.intent == "request_refund":
                flow.prefers_replacement = replacement
                return FILLED
            return None
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
            said = order_id.lstrip("#").upper()
            if (
                said in flow.unknown_orders
                or self._names_a_product_not_bought()
                or SOMEONE_ELSES.search(self.said)
            ):
                # The same id again, none of theirs ("my friend's order SG-2612-99871"): said
                # plainly, and the request ends; asked again, the buyer repeated it until a
                # person took over (dev7 j59). The account's own orders are all they can ask on.
                # So at once when the message names a product none of their orders holds
                # ("refund 7734021. my sisters order. trainers": asked whether it was about
                # their notebook order, dev25 s36, dev24 l51), or says whose order it is ("its
                # my sisters order", dev21 b34).
                self._reply(replies.not_your_order_again(said))
                self.state.end_flow()
                return False
            flow.unknown_orders.append(said)
            self._reply(replies.not_your_order(order_id.lstrip("#")))
            return False
        flow.order_id = order.order_id
        self.state.last_order_id = order.order_id
        return True

    def _names_a_product_not_bought(self) -> bool:
        """The NLU reads a product in the message, and no item of the buyer's orders is
        named by it, nor by the message's other words."""
        products = [
            p for p in self.parse.entity_values("product") if p.lower() not in _GENERIC_GOODS
        ]
        if not products or not self.ctx.orders:
            return False
        return not orders_named_by_product(" ".join([*products, self.text]), self.ctx.orders)

    def _ask_order(self, exclude_offered: bool = False) -> Outcome:
        flow = self.state.flow
        if flow is None:  # ended by `_take_order`: an order that is not theirs, given again
            return self.out
        excluded = set(self._offered()) if exclude_offered else set()
        # "A different order": every other order of the buyer's, older ones too (the first list
        # shows the last 90 days only); the recent ones first (`ctx.orders` is newest first).
        pool = self.ctx.orders if exclude_offered else self.ctx.recent_orders()
        recent = [o for o in pool if o.order_id not in excluded]
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
            labels = [replies.order_label(plausible[0]), replies.label("other_order")]
        else:
            others = [o for o in recent if o not in plausible]
            offered = (plausible + others)[:MAX_ORDER_CHOICES]
            labels = [replies.order_label(o) for o in offered]
        left_out = [
            o
            for o in self.ctx.orders
            if o not in offered and o.order_id not in excluded and o.order_id != flow.order_id
        ]
        if left_out and replies.label("other_order") not in labels:
            # Orders the list leaves out (more than it shows, or older than 90 days): "A
            # different order" lists them, so the order asked for is always one the buyer can
            # give without its number (issue 14: "which order?" with no answer was a dead end).
            labels.append(replies.label("other_order"))
        self._reply(replies.ask_order(offered, others_declined=bool(excluded)))
        options = {normalise(replies.order_label(o)): f"order:{o.order_id}" for o in offered}
        if replies.label("other_order") in labels:
            options.update(typed(replies.label("other_order"), "other_order"))
        if not offered:
            labels = [*labels, replies.label("person")]
            options.update(typed(replies.label("person"), "person"))
        self.state.expecting, self.state.choice = "order_id", None
        self.state.quick_replies, self.state.options = labels, options
        return self.out

    def _ask_reason(self) -> Outcome:
        self._reply(replies.text("ask_reason"))
        self.state.expecting, self.state.choice = "reason", None
        reasons = replies.reason_labels()
        self.state.quick_replies = list(reasons)
        self.state.options = {}
        for reason_label, reason in reasons.items():
            self.state.options.update(typed(reason_label, reason))
        return self.out

    def _reason_guess(self) -> str | None:
        """What to ask about, yes or no, when an answer to "What went wrong?" was not read
        (Rasa's two-stage fallback: the best guess is offered before the question is asked
        again): the reason reader's reading below the answer bar, when the request can have it;
        for a return with no problem read at all, a change of mind (a return with nothing wrong
        is one: RET-2.1). None when the words name several reasons, or nothing can be guessed.
        """
        flow = self.state.flow
        assert flow is not None
        if sum(1 for words in REASON_WORDS.values() if words.search(self.said)) > 1:
            return None
        allowed = REASONS_OF_REQUEST.get(flow.intent)
        read = self.parse.claim_reason
        if read is not None and read.name != NO_REASON:
            name = CLAIM_OF_REASON.get(read.name, read.name)
            if name in replies.REASONS and (allowed is None or name in allowed):
                return name
        return AGREEING_REASON.get(flow.intent)

    def _ask_reason_guess(self, guess: str) -> Outcome:
        """ "Sorry, I'm not sure I understood. Is it this: "I changed my mind"?" with Yes and
        the other reasons as quick replies (tapping another reason answers the question)."""
        flow = self.state.flow
        assert flow is not None
        flow.reason_guess = guess
        reasons = replies.reason_labels()
        guessed = next(label for label, reason in reasons.items() if reason == guess)
        self._reply(replies.reason_guess(guessed))
        others = [label for label, reason in reasons.items() if reason != guess]
        self._prompt("choice", [replies.label("yes")], choice=Choice.REASON_GUESS)
        self.state.quick_replies = [*self.state.quick_replies, *others]
        for label in others:
            self.state.options.update(typed(label, reasons[label]))
        return self.out

    def _fill_reason_guess(self) -> str | None:
        """The answer to the guessed reason: yes takes it, another reason (tapped or in the
        reason quick replies' words) is the answer, no asks "What went wrong?" once more."""
        flow = self.state.flow
        assert flow is not None and flow.reason_guess is not None
        reason = self.option if self.option in replies.REASONS else self._reason_in_words()
        if reason is None and self._is_yes():
            reason = flow.reason_guess
        if reason is not None:
            flow.claim_type = ClaimType(reason)
            # The buyer's own answer to a closed question, as a tapped reason is (1.0).
            flow.confidence = 1.0
            return FILLED
        if self._is_no():
            self._ask_reason()
            return HANDLED
        return None

    def _ask_items(self, order: Order) -> Outcome:
        self._reply(replies.text("ask_items"))
        labels = [item.title for item in order.items] + [replies.label("all_items")]
        options = {normalise(item.title): f"sku:{item.sku}" for item in order.items}
        options.update(typed(labels[-1], "sku:*"))
        self.state.expecting, self.state.choice = "choice", Choice.ITEMS
        self.state.quick_replies, self.state.options = labels, options
        return self.out

    def _resume_prompt(self) -> str | None:
        """The question the open flow is waiting on, to ask again after a side question."""
        state = self.state
        if state.flow is None or state.expecting is None:
            return None
        return replies.resume_prompt(state.expecting)

    def _offer_person_keep_flow(self) -> Outcome:
        if self.state.expecting is None:
            self._prompt(
                "choice",
                [replies.label("person"), replies.label("no_thanks")],
                choice=Choice.PERSON,
            )
        else:
            person = replies.label("person")
            if person not in self.state.quick_replies:
                self.state.quick_replies = [*self.state.quick_replies, person]
            self.state.options.update(typed(person, "person"))
        return self.out


# Words the NLU may tag as a product that name no kind of item.
_GENERIC_GOODS = frozenset(
    {"item", "items", "order", "parcel", "package", "thing", "things", "stuff", "product", "box"}
)


def _same_request_on(flow: Flow, order_id: str) -> dict:
    """The open request made again on another order, as a waiting part of the message
    (`DialogueState.pending`): its intent, the order by id, and the reason once known."""
    reason = None
    if flow.claim_type is not None:
        value = flow.claim_type.value
        reason = IntentScore(_REASON_LABEL.get(value, value), 1.0)
    part = ParseResult(
        text=order_id,
        intent=IntentScore(flow.intent, flow.confidence),
        intent_ranking=(IntentScore(flow.intent, flow.confidence),),
        entities=(Entity("order_id", order_id, 0, len(order_id)),),
        claim_reason=reason,
    )
    return {**part.to_dict(), "text": part.text}
