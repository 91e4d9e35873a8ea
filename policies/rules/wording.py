"""How a decision's explanation names money, refund routes, items and moments for the buyer.

Every family of claims words its explanation with these, so a refund reads the same whichever
rule granted it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from policies.phrases import Amount, LastDay, Moment, Phrase, Titles, phrase
from policies.types import Order, OrderItem, PaymentMethod


def money(value: Decimal, currency: str) -> Amount:
    """An amount as a phrase's value: "$18.00", "SGD 56.00" in English; the bot writes it in
    the buyer's locale."""
    return Amount(value, currency)


def refund_route(order: Order) -> Phrase:
    """Where a refund goes and how long it takes (REF-5.1)."""
    if order.payment_method is PaymentMethod.CARD:
        return phrase("route_card")
    if order.payment_method is PaymentMethod.WALLET:
        return phrase("route_wallet")
    return phrase("route_cod")


def refund_clauses(order: Order) -> tuple[str, ...]:
    """The clauses of where a refund goes (`refund_route`): REF-5.1, and REF-5.4 when it goes
    to the wallet (paid with it, or cash on delivery, which cannot be sent back)."""
    if order.payment_method is PaymentMethod.CARD:
        return ("REF-5.1",)
    return ("REF-5.1", "REF-5.4")


def titles(items: list[OrderItem]) -> Titles:
    return Titles(tuple(item.title for item in items))


def last_day(start: datetime, days: int) -> LastDay:
    """The last calendar day of a window of `days` days after `start`, for buyers to read."""
    return LastDay(start, days)


def when(moment: datetime) -> Moment:
    return Moment(moment)
