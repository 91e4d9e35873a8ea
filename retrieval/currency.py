"""The currency rule a question about an amount's currency turns on (issue 14).

"kalau return sbb tukar fikiran, caj pos $5 tu in USD ke? sbb i bayar in ringgit" (is the $5
in US dollars? I pay in ringgit) finds the change-of-mind return's $5 (RET-2.3), whose text says
"(in your order's currency)" in passing; the answer cited nothing that rules the buyer's
question, and a buyer with no order was not told what the $5 is in ringgit (dev17 y26, dev18
z20, dev14 v35). HELP-8.5 rules it: every amount of the policy is in the order's currency. It is
quoted too when the question names the idea of a currency ("currency", "exchange rate", "mata
wang", ...) or two currencies (the policy's "$" beside the buyer's own: "$5 ... ringgit").

Currency names are written alike across the knowledge base's languages ("USD", "RM", "baht"),
so one list serves all of them, with each language's own word for the idea.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from retrieval.kb import Clause
from retrieval.types import Hit

CURRENCY_RULE = "HELP-8.5"
# Each currency by the ways buyers write it. "$" and "dollar" stand for the policy's own unit.
_CURRENCIES = {
    "usd": r"\busd\b|\bus\s*dollars?\b|\bu\.s\.\s*dollars?\b|\bamerican\s+dollars?\b|ดอลลาร์สหรัฐ",
    "dollar": r"\$|\bdollars?\b|\bdolar\b|\bdolyar\b|ดอลลาร์|\bđô\s*la\b|\bdo\s+la\b",
    "myr": r"\bringgit\b|\brm\s?\d|\brm\b|\bmyr\b",
    "sgd": r"\bsgd\b|\bsingapore\s+dollars?\b|\bs\$",
    "thb": r"\bbaht\b|\bthb\b|บาท",
    "php": r"\bpesos?\b|\bphp\b|\bpiso\b|₱",
    "idr": r"\brupiah\b|\bidr\b|\brp\.?\s?\d",
    "vnd": r"\bvnd\b|\bvnđ\b|₫|\d\s*(đồng|dong)\b",
}
_NAMED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _CURRENCIES.items()}
# The idea of a currency itself, in each language of the knowledge base.
_IDEA = re.compile(
    r"\bcurrenc(y|ies)\b|\bexchange\s+rate\b|\bconver(t|ted|sion)\b|\bmata\s+(wang|uang)\b"
    r"|\bkurs\b|\bpera\s+ng\b|\bsalapi\b|\btiền\s+tệ\b|\btỷ\s+giá\b|\btien\s+te\b|\bty\s+gia\b"
    r"|สกุลเงิน|อัตราแลกเปลี่ยน",
    re.IGNORECASE,
)


# How much, asked: with the buyer's own currency named, the amount asked is in that currency
# ("berapa kos penghantaran balik yang akan ditolak ya? Saya bayar dalam ringgit": dev23 o45).
_AMOUNT_ASKED = re.compile(
    r"\bhow\s+much\b|\bwhat\s+amount\b|\bberapa\b|\bbrp\b|\bmagkano\b|\bbao\s+nhi[eê]u\b"
    r"|เท่าไหร่|เท่าไร|กี่บาท",
    re.IGNORECASE,
)
_POLICY_UNITS = frozenset({"usd", "dollar"})


def asks_currency(question: str) -> bool:
    """Whether the question is about the currency of an amount: it names the idea of a
    currency, or two currencies (the policy's "$" beside the buyer's own), or asks how much
    naming the buyer's own currency."""
    if _IDEA.search(question):
        return True
    named = {name for name, pattern in _NAMED.items() if pattern.search(question)}
    return len(named) >= 2 or bool(named - _POLICY_UNITS and _AMOUNT_ASKED.search(question))


def currency_hit(question: str, chosen: Sequence[Hit], clauses: Mapping[str, Clause]) -> Hit | None:
    """HELP-8.5 as a hit to quote after ``chosen`` (its rule and its example, from ``clauses``,
    the knowledge base of the answer's language; the first clause's score), or None: the
    question does not ask about a currency, the answer cites the rule already, or ``clauses``
    lacks it."""
    if not chosen or any(hit.clause_id == CURRENCY_RULE for hit in chosen):
        return None
    rule = clauses.get(CURRENCY_RULE)
    if rule is None or not asks_currency(question):
        return None
    return Hit(rule.clause_id, rule.title, rule.text, chosen[0].score, (0, 1))
