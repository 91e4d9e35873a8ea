"""The questions one message asks, each to be answered: "how many days do i get and do i have
to pay for the shipping back" asks for a window and for a fee.

Read whole, such a message finds the clause its words lean to most (RET-2.4's refund timing for
the one above) and the other question goes unanswered; each part alone finds its own clause
(RET-2.1's 30 days, RET-2.3's $5). ``PolicyAnswerer`` answers the whole message first and then
each part its answer does not cover yet (`retrieval.answer`).
"""

from __future__ import annotations

import re

from common.sentences import sentence_spans

# Words a question opens with (English; other languages' questions are translated first).
_ASK = (
    r"(?:how|what|when|who|where|which|why|do|does|did|can|could|may|will|would|is|are|should|"
    r"must|if)"
)
# "..., and how long do I have?", "... and do i have to pay ...": a second question joined on;
# "... in case anything goes wrong with it: is there a limit ...?": a question after a colon.
_JOINED = re.compile(rf"(?:(?:,\s*|\s+)(?:and|also|plus)\s+|:\s+)(?={_ASK}\b)", re.IGNORECASE)
# A sentence that asks: its mark, or a question word first (after "ok", "so", "hi", ...).
_ASKS = re.compile(
    rf"^\W*(?:(?:ok|okay|so|and|also|but|hi|hey|hello|btw|then|plus)\W+)*{_ASK}\b", re.IGNORECASE
)
# A numbered list of questions ("1) can i return it?? 2) how much is the return shipping 3) how
# long does the refund take": dev30 ac10 got the first answered): each item is a sentence.
_LISTED = re.compile(r"(?:^|(?<=\s))\(?\d{1,2}\)\s+")
# A part shorter than this asks too little to be answered alone ("is that true?").
MIN_PART_WORDS = 4


def question_parts(text: str) -> list[str]:
    """The message's questions when it asks more than one, else ``[]``: its question sentences
    (a mark, or a question word first), each cut where "and" joins another question on or a
    colon opens one (both sides of such a cut count, with or without a mark)."""
    parts: list[str] = []
    text = _LISTED.sub(". ", text)
    for start, end in sentence_spans(text):
        pieces = [p.strip(" ,;") for p in _JOINED.split(text[start:end])]
        joined = len(pieces) > 1
        for piece in pieces:
            if len(piece.split()) < MIN_PART_WORDS:
                continue
            if joined or piece.endswith("?") or _ASKS.match(piece):
                parts.append(piece)
    return parts if len(parts) > 1 else []
