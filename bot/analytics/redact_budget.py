"""Bounded time for one message's redaction: the character cap, the time budget, and the
conservative fallback (see the comment below)."""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Sequence

from bot.analytics.redact_patterns import (
    _PLACEHOLDER,
)
from bot.analytics.redact_types import (
    PLACEHOLDERS,
    REDACTED,
    Redaction,
)

# --- bounded time --------------------------------------------------------------------------------
# Redacting one message takes a bounded time, whatever the buyer typed. Python's re cannot be
# interrupted, so the bound is built in rather than enforced by a timer:
#  1. every pattern runs in linear time in the length of the text (see "the patterns");
#  2. no stage sees more than MAX_REDACT_CHARS characters of a message: the rest is not analysed
#     but dropped, and becomes "[TRUNCATED]" (the API takes at most 2,000 characters from a buyer
#     and 4,000 from an agent, so only text that came in some other way is ever cut). spaCy's
#     time grows with the number of tokens (at most one a character), and its tokenizer's with
#     the square of a run without spaces ("((((...", "____..."): NER does not see runs longer
#     than _NER_MAX_RUN (they are blanked, at the same length; no name or place is one). On that
#     much text the patterns, spaCy and the bookkeeping take a fraction of a second at worst;
#  3. the message's own work (the patterns, and the filtering of its NER entities; spaCy runs in
#     batches and is bounded by 2.) is measured against REDACTION_BUDGET_S, with a deadline
#     checked between patterns and between candidates. A message that overruns it gets the
#     conservative redaction instead (every token with a digit, an '@' or a capital letter
#     becomes "[REDACTED]"), and a warning is logged, without the text. That is the safety net
#     for a slow rule added later: one message is over-redacted, the report neither freezes nor
#     leaks.
MAX_REDACT_CHARS = 4_000
REDACTION_BUDGET_S = 0.25

# The conservative redaction's tokens: placeholders whole, then runs of anything but spaces
# and "[" (so that "[EMAIL]," keeps its placeholder).
_FALLBACK_TOKEN = re.compile(rf"{_PLACEHOLDER}|[^\s\[]++|\[")
_NON_SPACE = re.compile(r"\S++")
_NER_MAX_RUN = 100
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{_NER_MAX_RUN + 1},}}+")


class _OverBudget(Exception):
    """The message's deadline passed: it gets the conservative redaction."""


def _check(deadline: float) -> None:
    if time.perf_counter() > deadline:
        raise _OverBudget


def _analysed_length(text: str) -> int:
    """How much of ``text`` is analysed: all of it, or at most MAX_REDACT_CHARS, between words.

    The word that the limit cuts goes with the rest, and so do the words before it that could
    be PII (see _may_be_pii): the head of a phone number or a name cut in two ("+65 9123", "Siti")
    would not be recognised, and would stay. Not further back than half the limit; a single word
    that fills that half is cut at the limit.
    """
    if len(text) <= MAX_REDACT_CHARS:
        return len(text)
    floor = MAX_REDACT_CHARS // 2
    words = list(_NON_SPACE.finditer(text, floor, MAX_REDACT_CHARS + 1))
    if len(words) == 1 and words[0].start() == floor:
        return MAX_REDACT_CHARS
    while words and (words[-1].end() > MAX_REDACT_CHARS or _may_be_pii(words[-1].group())):
        words.pop()
    return words[-1].end() if words else floor


def _may_be_pii(token: str) -> bool:
    """A digit, an '@' or a capital letter: what every e-mail, phone, card, house number, and
    most names and places have."""
    return any(c.isdigit() or c == "@" or c.isupper() for c in token)


def _for_ner(masked: str) -> str:
    """The masked text as NER sees it: runs of more than _NER_MAX_RUN non-spaces blanked."""
    return _LONG_RUN.sub(lambda m: " " * len(m.group()), masked)


def _conservative_redactions(text: str) -> list[Redaction]:
    """Every token with a digit, an '@' or a capital letter, as [REDACTED] (adjacent ones merged).

    It keeps no order id or amount and may take a lower-case name, but it is fast (one linear
    pattern) and takes every e-mail, phone, card and house number and most names and places.
    """
    spans: list[Redaction] = []
    for m in _FALLBACK_TOKEN.finditer(text):
        token = m.group()
        if token.startswith("[") and len(token) > 1:  # a placeholder
            continue
        if not _may_be_pii(token):
            continue
        if spans and not text[spans[-1].end : m.start()].strip():
            spans[-1] = Redaction(spans[-1].start, m.end(), REDACTED, "fallback")
        else:
            spans.append(Redaction(m.start(), m.end(), REDACTED, "fallback"))
    return spans


class _Masked:
    """The text with pattern matches replaced by placeholders, and the way back to offsets."""

    def __init__(self, text: str, redactions: Sequence[Redaction]) -> None:
        parts: list[str] = []
        self._masked_starts: list[int] = []  # where each untouched segment starts, masked
        self._original_starts: list[int] = []  # ... and in the original
        self.placeholders: list[tuple[int, int]] = []
        pos = out = 0
        for r in redactions:
            self._masked_starts.append(out)
            self._original_starts.append(pos)
            parts.append(text[pos : r.start])
            out += r.start - pos
            token = PLACEHOLDERS[r.label]
            self.placeholders.append((out, out + len(token)))
            parts.append(token)
            out += len(token)
            pos = r.end
        self._masked_starts.append(out)
        self._original_starts.append(pos)
        parts.append(text[pos:])
        self.text = "".join(parts)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of a masked span that lies outside every placeholder."""
        i = bisect.bisect_right(self._masked_starts, start) - 1
        shift = self._original_starts[i] - self._masked_starts[i]
        return start + shift, end + shift
