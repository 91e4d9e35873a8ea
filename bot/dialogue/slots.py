"""Slot filling: asking for what a flow needs (the order, the reason, the items, a choice) and
reading the buyer's answer into the flow, from a quick reply or in their own words."""

from __future__ import annotations

from bot.dialogue import replies
from bot.dialogue.order_match import items_named, match_order_id
from bot.dialogue.reading import MessageReading
from bot.dialogue.state import Choice, normalise
from bot.dialogue.turn import Outcome, typed
from bot.dialogue.vocabulary import _PLAUSIBLE, MAX_ORDER_CHOICES
from bot.dialogue.wording import (
    ITEM_WANTED,
    NEVER_MIND,
    NO_PHOTO,
    OPENED_WORDS,
    OTHER_ORDER,
    REFUND_WORDS,
    REPLACEMENT_WORDS,
    SEALED_WORDS,
    without_declined_remedy,
)
from policies.types import ClaimType, Order, OrderStatus

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
            reason = self._reason()
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
                if flow.no_photo:
                    # Told the policy and offered a person or later, the buyer says again they
                    # have no photo: asking a third time is a dead end, a person can look at it.
                    return HAND_OVER
                flow.no_photo = True
                self._reply(replies.text("no_photo_policy"), ["DMG-3.1"])
                self._prompt("evidence", [replies.label("person"), replies.label("later")])
                return HANDLED
            if self.option == "later":
                self._reply(replies.text("photo_later_ok"))
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
            self._reply(replies.not_your_order(order_id.lstrip("#")))
            return False
        flow.order_id = order.order_id
        self.state.last_order_id = order.order_id
        return True

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
            labels = [replies.order_label(plausible[0]), replies.label("other_order")]
        else:
            others = [o for o in recent if o not in plausible]
            offered = (plausible + others)[:MAX_ORDER_CHOICES]
            labels = [replies.order_label(o) for o in offered]
        self._reply(replies.ask_order(offered, others_declined=bool(excluded)))
        options = {normalise(replies.order_label(o)): f"order:{o.order_id}" for o in offered}
        if replies.label("other_order") in labels:
            options.update(typed(replies.label("other_order"), "other_order"))
        if not offered:
            labels = [replies.label("person")]
            options.update(typed(labels[0], "person"))
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
