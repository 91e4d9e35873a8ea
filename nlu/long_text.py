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

# (Re-exported: the dialogue cuts messages by the same sentences.)
from common.sentences import LONG_MESSAGE_CHARS as LONG_MESSAGE_CHARS
from common.sentences import is_long as is_long
from common.sentences import sentence_spans as sentence_spans
from nlu.adapter import resolve_overlaps
from nlu.types import OUT_OF_SCOPE, IntentScore, ParseResult

# The sentences read one by one at most (the ones after are only part of the whole reading).
MAX_SENTENCES = 8
# Intents that say what the buyer wants without being the point of a long message.
NOT_THE_POINT = frozenset({OUT_OF_SCOPE, "greet", "goodbye", "thank", "affirm", "deny", "inform"})

NO_REASON = "none"


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
