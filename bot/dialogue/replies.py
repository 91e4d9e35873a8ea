"""Everything the bot says, in one place: plain words, the amounts and dates from the record,
and the clause ids they rest on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from policies.types import Order, OrderStatus, PaymentMethod

# Quick replies (also matched when the buyer types them).
YES, NO = "Yes", "No"
PERSON = "Talk to a person"
NO_THANKS = "No, thanks"
DISPUTE = "Dispute this decision"
OTHER_ORDER = "A different order"
ALL_ITEMS = "All of them"
NO_PHOTO = "I don't have a photo"
PHOTO_LATER = "I'll send one later"
OPENED, SEALED = "Yes, it's opened", "No, still sealed"
REFUND_CHOICE, REPLACEMENT_CHOICE = "A refund", "A replacement"

REASONS = {
    "It arrived damaged": "damaged",
    "Wrong item": "wrong_item",
    "It never arrived": "not_received",
    "It came late": "late_delivery",
    "I changed my mind": "change_of_mind_return",
}

CAPABILITIES = (
    "I can help with after-sales requests: cancelling an order, refunds and returns, parcels "
    "that are late or missing, damaged or wrong items, tracking an order or a refund, and "
    "questions about our policy. I can also pass you to a person."
)
GREETING = "Hi! I'm the shop's after-sales assistant. " + CAPABILITIES
THANKS = "You're welcome!"
GOODBYE = "Thanks for chatting with us. Goodbye!"
NOTHING_ELSE = "All right. " + GOODBYE
ANYTHING_ELSE = "Is there anything else I can help with?"
RATE_CHAT = (
    "How would you rate this chat, from 1 (poor) to 5 (great)? "
    "If there's anything else, just tell me."
)
RATINGS = ["1", "2", "3", "4", "5"]
THANKS_FOR_RATING = "Thank you for the rating! " + ANYTHING_ELSE
SORRY_FOR_RATING = (
    "Thank you for telling us; I'm sorry this chat wasn't better. If something is still wrong, "
    "tell me, or ask for a person. " + ANYTHING_ELSE
)
DROPPED = "OK, I've dropped that request; nothing was changed. " + ANYTHING_ELSE
NOTHING_TO_CONFIRM = "There is nothing waiting for your confirmation right now. " + ANYTHING_ELSE
CONFIRM_AGAIN = "Please answer Yes to go ahead, or No to leave things as they are."
# Said when a "yes" arrives for a proposal that can no longer be executed as it was; the case
# is then checked again with the order as it is now.
PROPOSAL_EXPIRED = "That offer has lapsed, so I checked your order again."
PROPOSAL_SUPERSEDED = (
    "This order has a newer request in another chat, so I checked it again before doing anything."
)
PROPOSAL_CHANGED = "Something changed on this order since my offer, so I checked it again."
OUT_OF_SCOPE = "Sorry, that's outside what I can do here. " + CAPABILITIES

HANDOFF_NOTICE = (
    "I've passed this to a person on our customer-service team; an agent will reply here."
)
STILL_WAITING = "Thanks, I've added this to your case. An agent will reply here."
NLU_DOWN = (
    "Sorry, I'm having trouble understanding messages right now, so a person will help you "
    "instead. I've kept your message; an agent will reply here."
)
ASKED_FOR_PERSON = "Of course. " + HANDOFF_NOTICE
# The same question asked twice without an answer the bot can read: a person takes over rather
# than a third attempt (everything the buyer said stays in the case).
NOT_UNDERSTOOD = "Sorry, I'm not getting this right. " + HANDOFF_NOTICE
PAYMENT_ISSUE = (
    "Payment problems such as a double charge or a failed payment that took money are checked "
    "by an agent. " + HANDOFF_NOTICE
)
CHANGE_ORDER = (
    "Changes to an order that has not shipped yet are made by an agent. " + HANDOFF_NOTICE
)
COMPLAINT = (
    "I'm sorry this has been a bad experience. Would you like a person from our team to look "
    "into it? If you disagree with a decision, an agent reviews it and the seller has 48 hours "
    "to respond."
)
NO_RETRIEVAL = (
    "I can't look up the policy right now. Would you like a person to answer your question?"
)
RELEASED_TO_BOT = "You're back with the assistant. " + ANYTHING_ELSE
CLOSED = "This conversation has been closed. Start a new one any time."

ASK_REASON = "What went wrong with the order?"
ASK_PHOTO = (
    "Please send a photo of the problem (attach it here). We need at least one photo to "
    "handle a damaged or wrong item."
)
NO_PHOTO_POLICY = (
    "Our policy asks for at least one photo when an item is reported damaged or wrong, within "
    "15 days of delivery. Without one I can't settle this myself, but a person can look at it "
    "with you, or you can send a photo here later."
)
NO_PHOTO_HANDOFF = "Then a person will look at it with you, without a photo. " + HANDOFF_NOTICE
PHOTO_LATER_OK = "No problem: send the photo here whenever you're ready."
ASK_OPENED = (
    "Has the item been opened? Beauty items can be returned for a change of mind only if unopened."
)
ASK_REMEDY = (
    "Would you prefer a refund or a replacement? Either way the return is free, with a prepaid "
    "label."
)
ASK_ITEMS = "Which item is it about?"


def money(amount: Decimal, currency: str) -> str:
    return f"${amount:.2f}" if currency == "USD" else f"{currency} {amount:.2f}"


def day(moment: datetime | date) -> str:
    return f"{moment.day} {moment:%b %Y}"


def check_order(order: Order) -> str:
    """After answering a question that names a situation: the order it may be about."""
    title = order.items[0].title if order.items else "your order"
    return f"Shall I check order {order.order_id} ({title}) for you?"


def order_label(order: Order) -> str:
    """A quick reply naming an order: its id and a short title."""
    title = order.items[0].title if order.items else "order"
    if len(title) > 32:
        title = title[:31] + "…"
    more = f" +{len(order.items) - 1}" if len(order.items) > 1 else ""
    return f"{order.order_id} · {title}{more}"


def refund_destination(order: Order) -> str:
    """Where a refund goes and how long it takes to appear (REF-5.1)."""
    if order.payment_method is PaymentMethod.CARD:
        return "to your card; card refunds take 5–10 business days to appear"
    if order.payment_method is PaymentMethod.WALLET:
        return "to your wallet, instantly"
    return "to your wallet (you paid cash on delivery), instantly"


def add_business_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def ask_order(orders: list[Order], *, others_declined: bool = False) -> str:
    """Which order the request is about; ``others_declined``: the buyer said the order offered
    is not the one, so there being no other is not "no orders on your account"."""
    if not orders and others_declined:
        return "Which order is it then? Type its order number here, or I can pass you to a person."
    if len(orders) == 1:
        order = orders[0]
        title, placed = order.items[0].title, day(order.placed_at)
        return f"Is it about order {order.order_id} ({title}, placed {placed})?"
    if orders:
        return "Which order is it about? Pick one below or type the order number."
    return (
        "I can't find any recent orders on your account. If you have the order number, type it "
        "here, or I can pass you to a person."
    )


def not_your_order(order_id: str) -> str:
    return f"I can't find order {order_id} on your account. Please check the number."


def track_order(order: Order) -> str:
    status = order.status
    if status is OrderStatus.PENDING:
        due = (
            f" It is due by {day(order.promised_delivery_by)}."
            if order.promised_delivery_by
            else ""
        )
        placed = day(order.placed_at)
        return f"Order {order.order_id} was placed on {placed} and has not shipped yet.{due}"
    if status is OrderStatus.SHIPPED:
        carrier = order.carrier or "the carrier"
        tracking = f", tracking number {order.tracking_number}" if order.tracking_number else ""
        shipped = f" on {day(order.shipped_at)}" if order.shipped_at else ""
        due = (
            f" It is due by {day(order.promised_delivery_by)}."
            if order.promised_delivery_by
            else ""
        )
        return f"Order {order.order_id} shipped{shipped} with {carrier}{tracking}.{due}"
    if status is OrderStatus.DELIVERED and order.delivered_at is not None:
        return (
            f"Order {order.order_id} was delivered on {day(order.delivered_at)}"
            f"{' by ' + order.carrier if order.carrier else ''}. If it did not reach you, tell "
            "me and I'll look into it."
        )
    if status is OrderStatus.CANCELLED:
        return f"Order {order.order_id} was cancelled."
    return f"Order {order.order_id} was refunded ({money(order.refunded_amount, order.currency)})."


def track_refund(order: Order, return_pending: bool) -> str:
    if order.refunded_amount > 0 and order.refunded_at is not None:
        issued = order.refunded_at.date()
        text = (
            f"A refund of {money(order.refunded_amount, order.currency)} on order "
            f"{order.order_id} was issued on {day(issued)}, {refund_destination(order)}."
        )
        if order.payment_method is PaymentMethod.CARD:
            text += f" It should show by {day(add_business_days(issued, 10))}."
        return text
    if return_pending:
        return (
            f"No refund has been issued on order {order.order_id} yet: your return is authorised, "
            "and the refund is issued within 3 business days after the seller receives it."
        )
    return f"No refund has been issued on order {order.order_id}."


def what_will_happen(remedy: str, order: Order, amount: Decimal, titles: str) -> str:
    """The exact effect of a confirmed remedy: what, how much, where the money goes, when."""
    sum_ = money(amount, order.currency)
    if remedy == "cancel":
        if amount <= 0:
            return (
                f"I'll cancel order {order.order_id}. Nothing was charged, so nothing is refunded."
            )
        return f"I'll cancel order {order.order_id} and refund {sum_} {refund_destination(order)}."
    if remedy == "refund":
        return (
            f"I'll refund {sum_} for the {titles} on order {order.order_id} "
            f"{refund_destination(order)}. You don't need to send anything back."
        )
    if remedy == "return_then_refund":
        return (
            f"I'll authorise the return of the {titles} from order {order.order_id}. Once the "
            f"seller receives it, {sum_} is refunded within 3 business days, "
            f"{refund_destination(order)}."
        )
    if remedy == "replacement":
        return (
            f"I'll arrange a replacement of the {titles} from order {order.order_id}; send the "
            "item back with the free prepaid label. No money changes hands."
        )
    return f"I'll add a voucher of {sum_} to your account for order {order.order_id}."


def under_review(remedy: str, order: Order, amount: Decimal, titles: str) -> str:
    """An eligible claim the router hands to a person: what the policy provides, and that
    nothing happens (nothing to send back either) until a colleague confirms it. The rules'
    own explanation is not quoted: it tells the buyer what to do now ("send it back with the
    prepaid label"), which would contradict the review."""
    sum_ = money(amount, order.currency)
    provides = {
        "cancel": f"cancelling order {order.order_id} with a refund of {sum_}",
        "refund": f"a refund of {sum_} for the {titles}",
        "return_then_refund": f"a return of the {titles} with a refund of {sum_} once it is back",
        "replacement": f"a replacement of the {titles}",
    }.get(remedy, f"a voucher of {sum_}")
    return (
        f"Under our policy this qualifies for {provides}. A colleague will review it and confirm "
        "before anything is done, so please don't send anything back until they reply."
    )


def done(remedy: str, order: Order, amount: Decimal) -> str:
    """What was done and when the buyer sees it."""
    sum_ = money(amount, order.currency)
    if remedy == "cancel":
        if amount <= 0:
            return f"Done: order {order.order_id} is cancelled."
        where = refund_destination(order)
        return f"Done: order {order.order_id} is cancelled and {sum_} is refunded {where}."
    if remedy == "refund":
        return f"Done: {sum_} is refunded {refund_destination(order)}."
    if remedy == "return_then_refund":
        return (
            "Done: your return is authorised; the return instructions are on their way by email. "
            f"Once the seller receives the item, {sum_} is refunded within 3 business days, "
            f"{refund_destination(order)}."
        )
    if remedy == "replacement":
        return (
            "Done: the replacement is arranged. The return label is on its way by email; the "
            "seller ships the replacement once it is processed."
        )
    return f"Done: a voucher of {sum_} is on your account; it applies to your next order."


def declined(remedy: str) -> str:
    other = (
        " You can still ask me about a return or refund later, or talk to a person."
        if remedy != "cancel"
        else " You can still ask me about a return once it arrives, or talk to a person."
    )
    return "OK, I haven't changed anything." + other


def next_request(said: str) -> str:
    """Before the next request of a message that had several, in the buyer's own words."""
    return f'Now for your next request: "{said.strip().rstrip(".!")}".'


def with_resume(text: str, prompt: str | None) -> str:
    return text if not prompt else f"{text}\n\n{prompt}"


def cancel_delivered_return(order: Order) -> str:
    return (
        f"Order {order.order_id} has already been delivered, so it can no longer be cancelled; "
        "you can return it instead."
    )
