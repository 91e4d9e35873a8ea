"""What the buyer reads in their chat as their dispute moves (REV-6.5), by catalogue key
(`bot/language/messages/`), in the language the caller speaks (`catalogue.speaking`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from bot.language.catalogue import Said, say
from bot.language.formatting import CodedMoney, Moment


def _money(amount: Decimal | float, currency: str) -> CodedMoney:
    return CodedMoney(Decimal(str(amount)), currency)


def opened(order_id: str, respond_by: datetime, within: timedelta) -> Said:
    """The dispute is open: the seller's time to answer (REV-6.5's 48 hours) and its end."""
    hours = int(within.total_seconds() // 3600)
    return say("dispute_opened", order_id=order_id, respond_by=Moment(respond_by), hours=hours)


def accepted(order_id: str, amount: Decimal, currency: str) -> Said:
    return say("dispute_accepted", order_id=order_id, amount=_money(amount, currency))


def timed_out(order_id: str, amount: Decimal, currency: str) -> Said:
    return say("dispute_timed_out", order_id=order_id, amount=_money(amount, currency))


def contested(order_id: str) -> Said:
    return say("dispute_contested", order_id=order_id)


def offered(order_id: str, offer: dict) -> Said:
    what = (
        say("dispute_offer_replacement")
        if offer["type"] == "replacement"
        else say("dispute_offer_partial", amount=_money(offer["amount"], offer["currency"]))
    )
    return say("dispute_offered", order_id=order_id, what=what)


def offer_accepted(order_id: str, remedy: str, amount: Decimal, currency: str) -> Said:
    what = (
        say("dispute_replacement_coming")
        if remedy == "replacement"
        else say("dispute_refund_coming", amount=_money(amount, currency))
    )
    return say("dispute_offer_accepted", order_id=order_id, what=what)


def offer_declined(order_id: str) -> Said:
    return say("dispute_offer_declined", order_id=order_id)


def offer_closed(order_id: str) -> Said:
    return say("dispute_offer_closed", order_id=order_id)


def decided_for_buyer(order_id: str, remedy: str, amount: Decimal, currency: str) -> Said:
    what = (
        say("dispute_replacement_coming")
        if remedy == "replacement"
        else say("dispute_refund_coming", amount=_money(amount, currency))
    )
    return say("dispute_for_buyer", order_id=order_id, what=what)


def decided_for_seller(order_id: str, reason: str) -> Said:
    return say("dispute_for_seller", order_id=order_id, reason=reason)
