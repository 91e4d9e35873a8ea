"""Which questions ask for a quantity, and which sentences state one.

Buyers who ask "how long", "how much" or "what fee" need the rule's number, and for an item
with its own rule (electronics: 15 days, not 30) the number of that item's category. These
helpers let the answerer (``retrieval.answer``) pick such sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.expansion import ItemCategories

_DIGIT = re.compile(r"\d")
# A cross-reference such as "(DMG-3.1)" has digits but states no number.
_CLAUSE_REF = re.compile(r"\b[A-Z]{2,5}-\d+(\.\d+)+\b")
_WORD = re.compile(r"[a-z]+")
# An explicit ask for a duration, an amount, a limit or a deadline. A number the buyer merely
# states ("I got it 10 days ago") is not an ask: such questions are often about something else
# ("the seller took 5 days to ship, who pays?").
_ASKS = re.compile(
    r"\b(how\s+(long|many|much|soon|fast|late)|what\s+(fee|amount|limit|percent(age)?)|"
    r"max(imum)?|limit|deadline|time\s+limit|last\s+day|window|period|by\s+when|until\s+when)\b",
    re.IGNORECASE,
)


def asks_quantity(question: str) -> bool:
    """Whether the buyer asks how long, how much, how many, what fee, the maximum, ..."""
    return bool(_ASKS.search(question))


def states_number(sentence: str) -> bool:
    """Whether a sentence states a number (days, dollars), not counting clause references."""
    return bool(_DIGIT.search(_CLAUSE_REF.sub("", sentence)))


# A figure as the policy writes it: "30", "$5", "10%", "4.50"; "5–10" is two figures.
_FIGURE = re.compile(r"\$?\d+(?:[.,]\d+)?%?")


def figures(text: str) -> set[str]:
    """The figures a text states ("$5", "10%", "30"), not counting clause references."""
    return set(_FIGURE.findall(_CLAUSE_REF.sub("", text)))


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def category_words(question: str, categories: ItemCategories | None) -> set[str]:
    """The policy's words for the categories of the items the question names ("earbuds" ->
    {"electronics"}); empty without a lexicon or when no item is named."""
    if categories is None:
        return set()
    by_name = {c.name: c for c in categories.categories}
    names = categories.categories_in(question)
    return {w.lower() for name in names for w in (name, *by_name[name].expand)}


def mentions(sentence: str, wanted: Iterable[str]) -> bool:
    return bool(words(sentence) & set(wanted))


# What kind of quantity a question asks for, and what kind a sentence states. A buyer asking
# "what compensation do I get" wants the voucher's amount, not "up to 3 days late does not
# qualify", which states a number too, of the other kind.
MONEY, TIME = "money", "time"
_ASKS_MONEY = re.compile(
    r"\b(how\s+much|cost|costs|charged?|charges|fees?|pay|paid|price|compensation|"
    r"voucher|deduct(ed|s)?|dollars?|what\s+do\s+i\s+get|how\s+big)\b",
    re.IGNORECASE,
)
# "how many day": buyers drop the plural.
_ASKS_TIME = re.compile(
    r"\b(how\s+(long|soon|fast|quickly|many\s+(days?|hours?|weeks?)|much\s+time)|when|deadline|"
    r"time\s+limit|last\s+day|by\s+when|until\s+when|window|period|still\s+in\s+time)\b",
    re.IGNORECASE,
)
_STATES_MONEY = re.compile(r"\$\s?\d|\d\s?%|\b\d+(\.\d+)?\s*(dollars?|usd)\b", re.IGNORECASE)
_STATES_TIME = re.compile(
    r"\b\d+(\s*[-\u2013]\s*\d+)?\s*(business\s+|calendar\s+)?(days?|hours?|weeks?|months?)\b|"
    r"\b(instant|instantly|immediately)\b|"
    r"\b\d{1,2}\s+(january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b",
    re.IGNORECASE,
)


def asked_kinds(question: str) -> set[str]:
    """The kinds of quantity the question asks for: money ("how much", "fee", "what do I
    get"), time ("how long", "when", "deadline"), both or neither."""
    kinds = set()
    if _ASKS_MONEY.search(question):
        kinds.add(MONEY)
    if _ASKS_TIME.search(question):
        kinds.add(TIME)
    return kinds


def stated_kinds(sentence: str) -> set[str]:
    """The kinds of quantity a sentence states: "$5", "10%" are money; "15 days", "48 hours",
    "instantly", "16 March" are time. Clause references ("DMG-3.1") are neither."""
    text = _CLAUSE_REF.sub("", sentence)
    kinds = set()
    if _STATES_MONEY.search(text):
        kinds.add(MONEY)
    if _STATES_TIME.search(text):
        kinds.add(TIME)
    return kinds
