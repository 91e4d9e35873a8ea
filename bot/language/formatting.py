"""Amounts and dates as the buyer reads them.

English without a client locale keeps the bot's own forms ("$12.50", "2 Dec 2026"), which
buyers and tests already know; any other language, or a client locale, goes through Babel's
CLDR data ("RM12.50" in ms_MY, "2 Des 2026" in id_ID, "2 thg 12, 2026" in vi_VN).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class CodedMoney(Money):
    """An amount the English dispute messages write with its code after ("120.00 USD")."""


@dataclass(frozen=True)
class Moment:
    """A date and time (UTC) where the bot says when to the minute (a seller's deadline)."""

    at: datetime


def money(value: Money, locale: str) -> str:
    if locale == "en":
        if isinstance(value, CodedMoney):
            return f"{value.amount:.2f} {value.currency}"
        if value.currency == "USD":
            return f"${value.amount:.2f}"
        return f"{value.currency} {value.amount:.2f}"
    return format_currency(value.amount, value.currency, locale=locale)


def day(value: date | datetime, locale: str) -> str:
    if locale == "en":
        return f"{value.day} {value:%b %Y}"
    return format_date(value, "medium", locale=locale)


def moment(value: Moment, locale: str) -> str:
    if locale == "en":
        return value.at.strftime("%d %b %Y, %H:%M UTC")
    return format_datetime(value.at, "medium", tzinfo=value.at.tzinfo, locale=locale) + " UTC"
