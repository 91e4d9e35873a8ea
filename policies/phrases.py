"""A decision's explanation as words that can be said in the buyer's language.

A rule's explanation is a `Phrase`: a key of `ENGLISH` (the phrasebook below) and the values it
names: text (an order id, an item title), numbers, an `Amount`, a `Moment`, a `LastDay`,
`Titles`, or another phrase. `str()` renders it in English, which is what
`Eligibility.explanation` holds (agents, logs, analytics and tests read it); the bot renders the
same phrase in the buyer's language from its own catalogue (`bot/language/rules/<language>.yml`,
the same keys and placeholders), and in English when that catalogue lacks a key. Before, a Malay
buyer read the rule's English sentence above the Malay confirmation (README, "Still English").
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from policies.types import Category


@dataclass(frozen=True)
class Amount:
    """Money in the order's currency: "$18.00", "SGD 56.00" in English."""

    value: Decimal
    currency: str

    def __str__(self) -> str:
        return f"${self.value}" if self.currency == "USD" else f"{self.currency} {self.value}"


@dataclass(frozen=True)
class Moment:
    """A date and time: "6 Dec 2026, 20:30 UTC" in English."""

    at: datetime

    def __str__(self) -> str:
        at = self.at
        return f"{at.day} {at:%b %Y, %H:%M} {at.tzname() or ''}".rstrip()


@dataclass(frozen=True)
class LastDay:
    """The last calendar day of a window of ``days`` days after ``start``: "27 Nov 2026 (UTC)"."""

    start: datetime
    days: int

    @property
    def day(self):
        return self.start.date() + timedelta(days=self.days)

    @property
    def zone(self) -> str:
        return self.start.tzname() or "local time"

    def __str__(self) -> str:
        last = self.day
        return f"{last.day} {last:%b %Y} ({self.zone})"


@dataclass(frozen=True)
class Titles:
    """Item titles as one phrase: "the mug", "the mug, the plate and the bowl" in English."""

    names: tuple[str, ...]

    def __str__(self) -> str:
        names = self.names
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Phrase:
    """A phrasebook key and the values its template names."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        template = ENGLISH.get(self.key)
        if template is None:
            raise KeyError(f"no phrase {self.key!r} in the phrasebook")
        given = {name for name, _ in self.values}
        if given != placeholders(template):
            raise ValueError(
                f"phrase {self.key!r} names {sorted(placeholders(template))}, got {sorted(given)}"
            )

    def __str__(self) -> str:
        return ENGLISH[self.key].format_map({name: str(value) for name, value in self.values})

    def keys(self) -> set[str]:
        """This phrase's key and those of the phrases in its values (what a translation needs)."""
        found = {self.key}
        for _, value in self.values:
            if isinstance(value, Phrase):
                found |= value.keys()
        return found


def phrase(key: str, **values: Any) -> Phrase:
    return Phrase(key, tuple(values.items()))


def joined(*parts: Phrase | None) -> Phrase:
    """Sentences one after another (None: left out); at least one part."""
    present = [part for part in parts if part is not None]
    if not present:
        raise ValueError("joined() needs a phrase")
    whole = present[0]
    for part in present[1:]:
        whole = phrase("then", first=whole, second=part)
    return whole


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# The rules' explanations in English, by key. Every other language's catalogue has these keys
# with the same placeholders (tests/bot/language/test_rule_phrases.py).
ENGLISH: Mapping[str, str] = {
    # Joining.
    "then": "{first} {second}",
    "and": "{first} and {second}",
    "nothing": "",
    # Where a refund goes (REF-5.1, REF-5.4).
    "route_card": "to your card (it takes 5-10 business days to appear)",
    "route_wallet": "to your wallet (instantly)",
    "route_cod": "to your wallet, since you paid cash on delivery (instantly)",
    # Settled orders, and orders not delivered yet.
    "already_cancelled": "Order {order_id} was already cancelled, so there is nothing more to do "
    "on it.",
    "already_cancelled_refunded": "Order {order_id} was already cancelled, so there is nothing "
    "more to do on it. {amount} was refunded {route}.",
    "already_refunded": "Order {order_id} was already refunded ({amount}); you can ask for the "
    "status of that refund at any time.",
    "already_remedied": "The item(s) you mean on order {order_id} were already refunded, returned "
    "or replaced, so there is nothing more to settle on them; you can ask where that refund "
    "stands at any time.",
    "not_delivered_yet": "Order {order_id} has not been delivered yet. {hint}",
    "hint_return_after_arrival": "A return can be arranged once it has arrived.",
    "hint_missing_parcel": "If it never arrives, you will be covered for a missing parcel.",
    "hint_refund_if_very_late": "If it is very late, you may be entitled to a refund instead.",
    # Section 1: cancellations.
    "cancel_free_cod": "Order {order_id} has not shipped yet, so it can be cancelled free of "
    "charge. You paid cash on delivery, so there is nothing to refund.",
    "cancel_refund": "Order {order_id} has not shipped yet, so it can be cancelled free of "
    "charge; {amount} goes back {route}.",
    "shipped_cannot_cancel": "Order {order_id} has already shipped, so it can no longer be "
    "cancelled. You can refuse the delivery{refusal}, or return it within {days} days after "
    "delivery.",
    # A shipped order's figure, asked before it comes ("if i refuse the parcel do i get the
    # full refund back?"): nothing is decided.
    "refuse_at_door": "For order {order_id}: you can refuse the delivery{refusal}.",
    "refusal_cod": " (you paid cash on delivery, so you pay nothing)",
    "refusal_refund": ": once the seller receives it back, {refunded} is refunded {route}",
    "refusal_refund_kept": ": once the seller receives it back, {refunded} is refunded {route}; "
    "the {kept} only if damaged or wrong, as it cannot be returned for a change of mind",
    "delivered_cannot_cancel": "Order {order_id} has already been delivered, so it can no longer "
    "be cancelled; you may be able to return it instead.",
    # Section 2: change-of-mind returns.
    "less_return_shipping": "{amount} ({value} minus {fee} return shipping)",
    "beauty_opened_unknown": "Has the {titles} been opened? Beauty items can be returned for a "
    "change of mind only if unopened.",
    "return_not_as_new": "The {titles} cannot be returned for a change of mind: a return must be "
    "unused, with its tags still attached and in its original packaging.",
    "return_granted": "You can return the {titles} unused, with tags and original packaging. "
    "Once the seller receives it, {refunded} is refunded within 3 business days, {route}.",
    "return_sealed_beauty": "Unopened, still-sealed beauty products can be returned within the "
    "normal {days}-day window, so the {titles} qualifies.",
    "return_window_note": "You have {days} days after delivery to return it: until {last_day}.",
    "return_window_ended": "The {title} cannot be returned for a change of mind: its {days}-day "
    "return window ended on {last_day}.",
    "return_opened": "The {title} cannot be returned for a change of mind because it was opened.",
    "return_excluded": "The {title} cannot be returned for a change of mind ({category} items "
    "are excluded), though it is covered if it arrived damaged, faulty or wrong, reported within "
    "15 days of delivery.",
    # Category names as "({category} items are excluded)" reads them.
    **{f"category_{category.value}": category.value for category in Category},
    # Section 3: damaged, defective, wrong or not as described.
    "report_window_passed": "Problems with an item must be reported within 15 days of delivery; "
    "for order {order_id} the last day was {last_day}.",
    # A fault found after the window: the warranty route (DMG-3.8).
    "report_window_passed_fault": "Problems with an item must be reported within 15 days of "
    "delivery; for order {order_id} the last day was {last_day}. A fault may still be covered by "
    "the manufacturer's or the seller's warranty: check the listing and the warranty card, and "
    "message the seller through the order chat to start a claim.",
    "photo_needed": "Please send at least one photo of the problem; you have until {last_day}.",
    "damage_refund": "Sorry about the {titles}. You get a full refund of {amount} and do not need "
    "to send it back; it goes {route}.",
    "damage_refund_not_replaced": "Sorry about the {titles}. A replacement is only sent for items "
    "worth more than {limit}; this one is refunded instead, and you can order it again if you "
    "still want it. You get a full refund of {amount} and do not need to send it back; it goes "
    "{route}.",
    "damage_replacement": "Sorry about the {titles}. The seller will send a replacement; please "
    "send the item back with the free prepaid return label.",
    "damage_return": "Sorry about the {titles}. Please send it back with the free prepaid return "
    "label; once it is received, you get a full refund of {amount} {route}.",
    "damage_return_no_stock": "Sorry about the {titles}. The seller has no replacement in stock, "
    "so please send it back with the free prepaid return label; once it is received, you get a "
    "full refund of {amount} {route}.",
    # Section 4: parcels not received, late deliveries.
    "scan_under_48h": "The carrier marked order {order_id} delivered on {delivered}. Parcels "
    "scanned as delivered often turn up within 48 hours: please check with neighbours, your "
    "building's reception and safe places around your door. If it has not turned up by {until}, "
    "tell us and an agent will investigate.",
    "scan_over_48h": "The carrier marked order {order_id} delivered on {delivered}, more than 48 "
    "hours ago. An agent will investigate with the carrier.",
    "no_promised_date": "Order {order_id} has no promised delivery date on record, so an agent "
    "will check where it is.",
    "not_yet_late": "Order {order_id} is due by {due}. A full refund is due once it is more than 3 "
    "days late: if it has not arrived by {deadline}, you will get one.",
    # The same for a parcel with the carrier: where to follow it (INR-4.5).
    "not_yet_late_tracked": "Order {order_id} is due by {due}. A full refund is due once it is "
    "more than 3 days late: if it has not arrived by {deadline}, you will get one. You can follow "
    "the parcel with its tracking number on the order page; tracking can take up to 24 hours to "
    "update.",
    "late_cancel_cod": "Order {order_id} is more than 3 days past its promised delivery date, so "
    "it is cancelled. You pay cash on delivery, so nothing was charged.",
    "late_refund": "Order {order_id} is more than 3 days past its promised delivery date, so you "
    "get a full refund of {amount} {route}.",
    "voucher_on_time": "Order {order_id} arrived within 3 days of its promised delivery date, so "
    "no late-delivery voucher applies.",
    "voucher_already_given": "A late-delivery voucher was already issued for order {order_id}; it "
    "is given once per order.",
    "voucher_granted": "Order {order_id} arrived more than 3 days late, so you get a voucher of "
    "{amount} (10% of the order, at most {cap}), valid for {days} days with any seller and no "
    "minimum spend.",
    # Section 6: a person.
    "human_payment": "Payment problems are handled by an agent, who will check the charges on "
    "this order.",
    "human_requested": "An agent will take over this conversation.",
    "human_dispute": "An agent will review the decision; the seller has 48 hours to respond.",
    "review": "{explanation} Because {why}, an agent will confirm this before anything is done.",
    "review_over_limit": "the amount is over {limit}",
    "review_routine": "the account is due a routine review",
}
