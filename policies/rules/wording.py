"""How a decision's explanation names money, refund routes, items and moments for the buyer.

Every family of claims words its explanation with these, so a refund reads the same whichever
rule granted it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from policies.types import Order, OrderItem, PaymentMethod


def money(amount: Decimal, currency: str) -> str:
    return f"${amount}" if currency == "USD" else f"{currency} {amount}"


def refund_route(order: Order) -> str:
    """Where a refund goes and how long it takes (REF-5.1)."""
    if order.payment_method is PaymentMethod.CARD:
        return "to your card (it takes 5-10 business days to appear)"
    if order.payment_method is PaymentMethod.WALLET:
        return "to your wallet (instantly)"
    return "to your wallet, since you paid cash on delivery (instantly)"


def refund_clauses(order: Order) -> tuple[str, ...]:
    """The clauses of where a refund goes (`refund_route`): REF-5.1, and REF-5.4 when it goes
    to the wallet (paid with it, or cash on delivery, which cannot be sent back)."""
    if order.payment_method is PaymentMethod.CARD:
        return ("REF-5.1",)
    return ("REF-5.1", "REF-5.4")


def titles(items: list[OrderItem]) -> str:
    names = [item.title for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def last_day(start: datetime, days: int) -> str:
    """The last calendar day of a window of `days` days after `start`, for buyers to read."""
    last = start.date() + timedelta(days=days)
    return f"{last.day} {last:%b %Y} ({start.tzname() or 'local time'})"


def when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y, %H:%M} {moment.tzname() or ''}".rstrip()
