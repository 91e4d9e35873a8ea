"""What the buyer reads in their chat as their dispute moves (REV-6.5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal


def _money(amount: Decimal | float, currency: str) -> str:
    return f"{Decimal(str(amount)):.2f} {currency}"


def _when(at: datetime) -> str:
    return at.strftime("%d %b %Y, %H:%M UTC")


def opened(order_id: str, respond_by: datetime) -> str:
    return (
        f"Your dispute about order {order_id} is open. The seller has until {_when(respond_by)} "
        "to respond (REV-6.5); if they do not, it is decided in your favour. A person from our "
        "team decides if the seller disagrees. I'll tell you here how it goes."
    )


def accepted(order_id: str, amount: Decimal, currency: str) -> str:
    return (
        f"Good news: the seller accepted your dispute about order {order_id}. A refund of "
        f"{_money(amount, currency)} is on its way."
    )


def timed_out(order_id: str, amount: Decimal, currency: str) -> str:
    return (
        f"The seller did not respond to your dispute about order {order_id} in time, so it is "
        f"decided in your favour (REV-6.5): a refund of {_money(amount, currency)} is on its way."
    )


def contested(order_id: str) -> str:
    return (
        f"The seller has responded to your dispute about order {order_id} and disagrees. A "
        "person from our team will look at both sides and decide."
    )


def offered(order_id: str, offer: dict) -> str:
    what = (
        "a replacement"
        if offer["type"] == "replacement"
        else f"a partial refund of {_money(offer['amount'], offer['currency'])}"
    )
    return (
        f"The seller has responded to your dispute about order {order_id} and offers {what}. "
        "Would you like to accept it? If you decline, a person from our team decides."
    )


def offer_accepted(order_id: str, remedy: str, amount: Decimal, currency: str) -> str:
    what = (
        "a replacement is on its way"
        if remedy == "replacement"
        else f"a refund of {_money(amount, currency)} is on its way"
    )
    return (
        f"You accepted the seller's offer, so your dispute about order {order_id} is settled: "
        f"{what}."
    )


def offer_declined(order_id: str) -> str:
    return (
        f"You declined the seller's offer on order {order_id}. A person from our team will look "
        "at both sides and decide; an agent will reply here."
    )


def offer_closed(order_id: str) -> str:
    return (
        f"The seller's offer on order {order_id} is no longer open: your dispute has moved on. "
        "I'll tell you here how it goes."
    )


def decided_for_buyer(order_id: str, remedy: str, amount: Decimal, currency: str) -> str:
    what = (
        "a replacement is on its way"
        if remedy == "replacement"
        else (f"a refund of {_money(amount, currency)} is on its way")
    )
    return f"Our team has decided your dispute about order {order_id} in your favour: {what}."


def decided_for_seller(order_id: str, reason: str) -> str:
    return (
        f"Our team has reviewed your dispute about order {order_id} and decided for the seller: "
        f"{reason}"
    )
