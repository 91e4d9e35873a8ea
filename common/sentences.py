"""Sentences of a buyer's message, as the NLU and retrieval cut them."""

from __future__ import annotations

import re

# Shorter messages are read whole only: one or two sentences carry one point (the NLU reads a
# long one by its sentences too, `nlu.long_text`; retrieval lets one of its sentences vouch for
# the clause it found, `retrieval.answer`).
LONG_MESSAGE_CHARS = 240
# A "sentence" shorter than this many characters joins its neighbour ("Hi.", "Order 5567.").
_MIN_SENTENCE_CHARS = 12
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n+|(?<=[.!?])(?=[A-Z][a-z])")


def is_long(text: str) -> bool:
    return len(text) >= LONG_MESSAGE_CHARS and len(sentence_spans(text)) > 1


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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
