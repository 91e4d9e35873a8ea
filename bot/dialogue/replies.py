"""Everything the bot says, by catalogue key (`bot/language/messages/`): the amounts and dates
from the record, the clause ids they rest on, and the choice of message for each case. The
words are in the catalogue, in every language; `say` renders them in the turn's language with
the English beside it (`bot.language.catalogue`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.language.catalogue import Said, say
from bot.language.formatting import Money
from policies.attribution import HANDLING_TIME
from policies.attribution import handover_missed as _past_handling_time
from policies.types import Attribution, ClaimType, Order, OrderStatus, Party, PaymentMethod

# Quick replies: the dialogue's option value -> catalogue key. The labels are also matched when
# the buyer types them, in their language or in English (`TurnBase._prompt`).
QUICK_REPLIES = {
    "yes": "answer_yes",
    "no": "answer_no",
    "person": "person",
    "no_thanks": "no_thanks",
    "dispute": "dispute_choice",
    "later": "photo_later",
    "no_photo": "no_photo",
    "opened": "opened",
    "sealed": "sealed",
    "refund": "refund_choice",
    "replacement": "replacement_choice",
    "other_order": "other_order",
    "all_items": "all_items",
    "accept_offer": "accept_offer",
    "decline_offer": "decline_offer",
}
# The claim reasons offered when the bot asks what went wrong: option value -> label key.
REASONS = {
    "damaged": "reason_damaged",
    "wrong_item": "reason_wrong_item",
    "not_received": "reason_not_received",
    "late_delivery": "reason_late_delivery",
    "change_of_mind_return": "reason_change_of_mind",
}
RATINGS = ["1", "2", "3", "4", "5"]

# Messages that embed a shared sentence: key -> {placeholder: key of the sentence}.
_SHARED_PARTS = {
    "greeting": {"capabilities": "capabilities"},
    "out_of_scope": {"capabilities": "capabilities"},
    "nothing_else": {"goodbye": "goodbye"},
    "thanks_for_rating": {"anything_else": "anything_else"},
    "sorry_for_rating": {"anything_else": "anything_else"},
    "dropped": {"anything_else": "anything_else"},
    "nothing_to_confirm": {"anything_else": "anything_else"},
    "released_to_bot": {"anything_else": "anything_else"},
    "asked_for_person": {"handoff_notice": "handoff_notice"},
    "not_understood": {"handoff_notice": "handoff_notice"},
    "payment_issue": {"handoff_notice": "handoff_notice"},
    "seller_complaint": {"handoff_notice": "handoff_notice"},
    "change_order": {"handoff_notice": "handoff_notice"},
    "no_photo_handoff": {"handoff_notice": "handoff_notice"},
}


def text(key: str) -> Said:
    """A message with no values of its own (the greeting, the hand-off notice...), with the
    shared sentences it embeds."""
    parts = _SHARED_PARTS.get(key, {})
    return say(key, **{name: say(part) for name, part in parts.items()})


def label(meaning: str) -> Said:
    """The quick reply for an option value ("yes", "person", "later"...)."""
    return say(QUICK_REPLIES[meaning])


def reason_labels() -> dict[Said, str]:
    """The reasons' quick replies -> their option values."""
    return {say(key): reason for reason, key in REASONS.items()}


def reason_guess(reason_label: str) -> Said:
    """ "Sorry, I'm not sure I understood. Is it this: "I changed my mind"?" """
    return say("reason_guess", reason=reason_label)


def money(amount: Decimal, currency: str) -> Money:
    return Money(amount, currency)


def check_order(order: Order) -> Said:
    """After answering a question that names a situation: the order it may be about."""
    title = order.items[0].title if order.items else say("your_order")
    return say("check_order", order_id=order.order_id, title=title)


def order_label(order: Order) -> str:
    """A quick reply naming an order: its id and a short title (the seller's words)."""
    title = order.items[0].title if order.items else "order"
    if len(title) > 32:
        title = title[:31] + "…"
    more = f" +{len(order.items) - 1}" if len(order.items) > 1 else ""
    return f"{order.order_id} · {title}{more}"


def refund_destination(order: Order) -> Said:
    """Where a refund goes and how long it takes to appear (REF-5.1)."""
    if order.payment_method is PaymentMethod.CARD:
        return say("to_card")
    if order.payment_method is PaymentMethod.WALLET:
        return say("to_wallet")
    return say("to_wallet_cod")


def add_business_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def ask_order(orders: list[Order], *, others_declined: bool = False) -> Said:
    """Which order the request is about; ``others_declined``: the buyer said the order offered
    is not the one, so there being no other is not "no orders on your account"."""
    if not orders and others_declined:
        return say("which_order_then")
    if len(orders) == 1:
        order = orders[0]
        return say(
            "ask_one_order",
            order_id=order.order_id,
            title=order.items[0].title,
            placed=order.placed_at,
        )
    if orders:
        return say("ask_which_order")
    return say("no_recent_orders")


def not_your_order(order_id: str) -> Said:
    return say("not_your_order", order_id=order_id)


def not_your_order_again(order_id: str) -> Said:
    return say("not_your_order_again", order_id=order_id)


def _due(order: Order) -> Said | str:
    if order.promised_delivery_by is None:
        return ""
    return say("track_due", date=order.promised_delivery_by)


def handover_missed(order: Order, now: datetime | None) -> bool:
    """A pending order still not handed to the carrier after the seller's handling time
    (INR-4.5: 3 days from the order)."""
    return (
        order.status is OrderStatus.PENDING and now is not None and _past_handling_time(order, now)
    )


def _handover(order: Order, now: datetime | None) -> Said:
    """When a pending order is due to reach the carrier (INR-4.5), and, past that day, that it
    can still be cancelled free of charge (CAN-1.1): "already 2 days but still not shipped,
    only label created. seller must send by when?" (dev7 j25) got the due date alone."""
    by = order.placed_at + HANDLING_TIME
    return say(
        "track_handover_missed" if handover_missed(order, now) else "track_handover", date=by
    )


def track_order(order: Order, now: datetime | None = None) -> Said:
    status, order_id = order.status, order.order_id
    if status is OrderStatus.PENDING:
        return say(
            "track_pending",
            order_id=order_id,
            placed=order.placed_at,
            due=_due(order),
        ) + _handover(order, now)
    if status is OrderStatus.SHIPPED:
        tracking = (
            say("track_tracking", tracking_number=order.tracking_number)
            if order.tracking_number
            else ""
        )
        shipped = say("track_shipped_on", date=order.shipped_at) if order.shipped_at else ""
        return say(
            "track_shipped",
            order_id=order_id,
            shipped=shipped,
            carrier=order.carrier or say("the_carrier"),
            tracking=tracking,
            due=_due(order),
        )
    if status is OrderStatus.DELIVERED and order.delivered_at is not None:
        if order.carrier:
            return say(
                "track_delivered_by",
                order_id=order_id,
                date=order.delivered_at,
                carrier=order.carrier,
            )
        return say("track_delivered", order_id=order_id, date=order.delivered_at)
    if status is OrderStatus.CANCELLED:
        return say("track_cancelled", order_id=order_id)
    return say(
        "track_refunded",
        order_id=order_id,
        amount=money(order.refunded_amount, order.currency),
    )


def track_clauses(order: Order, now: datetime | None) -> list[str]:
    """What a tracking reply rests on: the handover rule for a pending order (INR-4.5; past it,
    CAN-1.1's free cancellation too), the refund's timing for a refunded one (REF-5.2)."""
    if order.status is OrderStatus.PENDING:
        return ["INR-4.5", "CAN-1.1"] if handover_missed(order, now) else ["INR-4.5"]
    return ["REF-5.2"] if order.was_refunded else []


def change_order_possible(order: Order) -> Said:
    return say("change_order_possible", order_id=order.order_id)


def change_too_late(order: Order) -> Said:
    if order.status is OrderStatus.SHIPPED:
        # CAN-1.4's own words for a shipped order: refuse it at the door (CAN-1.5), or ask for
        # help if it does not arrive (RESP-7.5); "once it has arrived you can return it" did
        # not help a parcel heading to an old address (dev7 j20).
        return say("change_too_late_shipped", order_id=order.order_id)
    return say("change_too_late", order_id=order.order_id, status=say(f"status_{order.status}"))


def change_too_late_clauses(order: Order) -> list[str]:
    """CAN-1.4 decides a change asked too late; a shipped order's options are CAN-1.5's and
    RESP-7.5's, a delivered one's the return (RET-2.1)."""
    if order.status is OrderStatus.SHIPPED:
        return ["CAN-1.4", "CAN-1.5", "RESP-7.5"]
    return ["CAN-1.4", "RET-2.1"]


def card_refund_overdue(order: Order, today: date) -> bool:
    """A card refund issued more than 10 business days before ``today`` (REF-5.2, REF-5.3:
    the bank has posted it; a buyer who still cannot see it needs its reference number)."""
    if order.payment_method is not PaymentMethod.CARD or order.refunded_at is None:
        return False
    return order.was_refunded and today > add_business_days(order.refunded_at.date(), 10)


def track_refund(order: Order, return_pending: bool, today: date | None = None) -> Said:
    if order.refunded_amount > 0 and order.refunded_at is not None:
        issued = order.refunded_at.date()
        text = say(
            "refund_issued",
            amount=money(order.refunded_amount, order.currency),
            order_id=order.order_id,
            date=issued,
            destination=refund_destination(order),
        )
        if order.payment_method is PaymentMethod.CARD:
            due = add_business_days(issued, 10)
            # Past its date, "It should show by" a day gone by says nothing: where to look on
            # the statement, and the agent who gets the bank's reference (REF-5.3; dev12 q34,
            # q52: "STILL nothing on my card").
            overdue = today is not None and card_refund_overdue(order, today)
            text += say("refund_overdue" if overdue else "refund_should_show", date=due)
        return text
    if return_pending:
        return say("refund_return_pending", order_id=order.order_id)
    return say("refund_none", order_id=order.order_id)


# The router's `replacement_ships` for a replacement held until the seller has the return.
AFTER_RETURN = "after_return_received"


def what_will_happen(
    remedy: str, order: Order, amount: Decimal, titles: str, ships: str | None = None
) -> Said:
    """The exact effect of a confirmed remedy: what, how much, where the money goes, when (a
    replacement: at once, or, `ships` AFTER_RETURN, as soon as the seller has the return)."""
    values = {"order_id": order.order_id, "amount": money(amount, order.currency)}
    if remedy == "cancel":
        if amount <= 0:
            return say("will_cancel_free", order_id=order.order_id)
        return say("will_cancel", destination=refund_destination(order), **values)
    if remedy == "refund":
        return say("will_refund", titles=titles, destination=refund_destination(order), **values)
    if remedy == "return_then_refund":
        return say("will_return", titles=titles, destination=refund_destination(order), **values)
    if remedy == "replacement":
        key = "will_replace_after_return" if ships == AFTER_RETURN else "will_replace"
        return say(key, titles=titles, order_id=order.order_id)
    return say("will_voucher", **values)


def nothing_back(order: Order, fee: Decimal) -> Said:
    """A change-of-mind return whose refund is nothing: the flat return shipping (RET-2.3) is as
    much as the items are worth. The rules grant it; the buyer is told before agreeing."""
    return say("nothing_back", fee=money(fee, order.currency))


# Claims an item's own fault makes the seller's whatever the shipping (RESP-7.1).
_ITEM_FAULTS = frozenset({ClaimType.DEFECTIVE, ClaimType.WRONG_ITEM, ClaimType.NOT_AS_DESCRIBED})


def responsibility(
    attribution: Attribution,
    claim_type: ClaimType,
    order: Order,
    fee: Decimal,
    *,
    if_lost: bool = False,
) -> Said | None:
    """Who bears the claim's cost, as section 7 settles it (`policies.attribution`), for a buyer
    who asked or disputed it; None where there is nothing to tell them (a cancellation the buyer
    chose costs them nothing, the platform's errors and disputes go to a person)."""
    if attribution.party is Party.SELLER:
        late = claim_type not in _ITEM_FAULTS
        return say("responsible_seller_late" if late else "responsible_seller_item")
    if attribution.party is Party.CARRIER:
        # ``if_lost``: a parcel scanned delivered and still awaited (INR-4.2), asked of as lost.
        return say("responsible_carrier_if_lost" if if_lost else "responsible_carrier")
    if attribution.party is Party.BUYER and claim_type is ClaimType.CHANGE_OF_MIND_RETURN:
        return say("responsible_buyer", fee=money(fee, order.currency))
    return None


def to_confirm(explanation: str, effect: Said) -> Said:
    """The proposal: the rules' explanation (`rule_phrases.explained`) and its effect."""
    return say("to_confirm", explanation=explanation, effect=effect)


def under_review(remedy: str, order: Order, amount: Decimal, titles: str) -> Said:
    """An eligible claim the router hands to a person: what the policy provides, and that
    nothing happens (nothing to send back either) until a colleague confirms it. The rules'
    own explanation is not quoted: it tells the buyer what to do now ("send it back with the
    prepaid label"), which would contradict the review."""
    sum_ = money(amount, order.currency)
    provides = {
        "cancel": lambda: say("provides_cancel", order_id=order.order_id, amount=sum_),
        "refund": lambda: say("provides_refund", amount=sum_, titles=titles),
        "return_then_refund": lambda: say("provides_return", amount=sum_, titles=titles),
        "replacement": lambda: say("provides_replacement", titles=titles),
    }.get(remedy, lambda: say("provides_voucher", amount=sum_))()
    return say("under_review", provides=provides)


def colleague_confirms(explanation: str) -> Said:
    return say("colleague_confirms", explanation=explanation)


def with_handoff(text: str) -> Said:
    return say("with_handoff", text=text, handoff_notice=say("handoff_notice"))


def done(remedy: str, order: Order, amount: Decimal, ships: str | None = None) -> Said:
    """What was done and when the buyer sees it (`ships` as in `what_will_happen`)."""
    values = {"amount": money(amount, order.currency)}
    if remedy == "cancel":
        if amount <= 0:
            return say("done_cancel_free", order_id=order.order_id)
        return say(
            "done_cancel",
            order_id=order.order_id,
            destination=refund_destination(order),
            **values,
        )
    if remedy == "refund":
        return say("done_refund", destination=refund_destination(order), **values)
    if remedy == "return_then_refund":
        return say("done_return", destination=refund_destination(order), **values)
    if remedy == "replacement":
        return say("done_replace_after_return" if ships == AFTER_RETURN else "done_replace")
    return say("done_voucher", **values)


def done_and_rate(done_text: Said) -> Said:
    return say("done_rate", done=done_text, rate_chat=say("rate_chat"))


def declined(remedy: str) -> Said:
    return say("declined_cancel" if remedy == "cancel" else "declined")


def next_request(said: str) -> Said:
    """Before the next request of a message that had several, in the buyer's own words."""
    return say("next_request", said=said.strip().rstrip(".!"))


def with_resume(text: str, prompt: str | None) -> str:
    return text if not prompt else text + "\n\n" + prompt


def cancel_delivered_return(order: Order) -> Said:
    return say("cancel_delivered_return", order_id=order.order_id)


def resume_prompt(expecting: str) -> Said:
    """The question the open flow waits on, asked again after a side question."""
    return say(f"resume_{expecting}")
