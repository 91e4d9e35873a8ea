"""Long messages are read by their sentences as well as whole.

A long complaint puts its point in one sentence among greetings, a story and thanks. Read whole,
it dilutes into ``out_of_scope`` or small talk (and MiniLM sees only its first 128 wordpieces).
So a long message is parsed whole and sentence by sentence, and :func:`combine` keeps:

- the whole message's intent when it names an after-sales intent (the context helps);
- else the most confident after-sales intent of a sentence (a request beats a greeting);
- else the whole message's reading (out of scope, small talk).

Entities come from every reading: the whole message's first, then those of the sentences whose
spans do not overlap them, shifted to offsets in the whole text. The claim reason is the whole
message's when it names one, else the most confident one a sentence names.
"""

from __future__ import annotations

import dataclasses
import re

from nlu.adapter import resolve_overlaps
from nlu.types import OUT_OF_SCOPE, IntentScore, ParseResult

# Shorter messages are read whole only: one or two sentences carry one point.
LONG_MESSAGE_CHARS = 240
# The sentences read one by one at most (the ones after are only part of the whole reading).
MAX_SENTENCES = 8
# A "sentence" shorter than this many characters joins its neighbour ("Hi.", "Order 5567.").
_MIN_SENTENCE_CHARS = 12
# Intents that say what the buyer wants without being the point of a long message.
NOT_THE_POINT = frozenset({OUT_OF_SCOPE, "greet", "goodbye", "thank", "affirm", "deny", "inform"})

NO_REASON = "none"

_BOUNDARY = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n+|(?<=[.!?])(?=[A-Z][a-z])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the sentences of ``text``, whitespace trimmed, short ones merged
    into the next (the last into the previous)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    spans = [_trim(text, s, e) for s, e in spans]
    spans = [(s, e) for s, e in spans if e > s]
    merged: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for span in spans:
        if pending is not None:
            span = (pending[0], span[1])
            pending = None
        if span[1] - span[0] < _MIN_SENTENCE_CHARS:
            pending = span
        else:
            merged.append(span)
    if pending is not None:
        if merged:
            merged[-1] = (merged[-1][0], pending[1])
        else:
            merged.append(pending)
    return merged


def is_long(text: str) -> bool:
    return len(text) >= LONG_MESSAGE_CHARS and len(sentence_spans(text)) > 1


def spans_to_read(text: str) -> list[tuple[int, int]]:
    """The sentences parsed one by one: all of them, or the first ``MAX_SENTENCES``."""
    return sentence_spans(text)[:MAX_SENTENCES]


def combine(whole: ParseResult, parts: list[tuple[tuple[int, int], ParseResult]]) -> ParseResult:
    """One reading of a long message from its whole reading and its sentences' readings."""
    chosen = whole
    if whole.intent.name in NOT_THE_POINT:
        candidates = [p for _, p in parts if p.intent.name not in NOT_THE_POINT]
        if candidates:
            best = max(candidates, key=lambda p: p.intent.confidence)
            chosen = dataclasses.replace(
                best, text=whole.text, fallback_reason=None, read_by="sentence"
            )
    entities = list(whole.entities)
    for (start, _end), part in parts:
        entities.extend(
            dataclasses.replace(e, start=e.start + start, end=e.end + start) for e in part.entities
        )
    return dataclasses.replace(
        chosen,
        entities=_first_reading_wins(entities, len(whole.entities)),
        claim_reason=_claim_reason(whole, [p for _, p in parts]),
    )


def _claim_reason(whole: ParseResult, parts: list[ParseResult]) -> IntentScore | None:
    named = [
        p.claim_reason
        for p in (whole, *parts)
        if p.claim_reason and p.claim_reason.name != NO_REASON
    ]
    if whole.claim_reason and whole.claim_reason.name != NO_REASON:
        return whole.claim_reason
    return max(named, key=lambda r: r.confidence) if named else whole.claim_reason


def _first_reading_wins(entities: list, from_whole: int) -> tuple:
    """The whole message's entities, then the sentences' that overlap none kept so far."""
    kept = list(resolve_overlaps(tuple(entities[:from_whole])))
    for candidate in entities[from_whole:]:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return tuple(sorted(kept, key=lambda e: (e.start, e.end)))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
