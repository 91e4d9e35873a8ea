"""The deadline a question about "N days ago" or "too late" turns on (issue 14).

"I got the shirt 25 days ago, never worn, tags on, can I still return it?" matches the return
conditions (RET-2.3: unused, tags, packaging) best, and the answer quoted them without the one
thing the buyer asked: whether 25 days is still inside the 30-day window (RET-2.1). A question
that says how long ago something happened, or asks about the time itself ("too late", "how
long", "deadline"; not "still" alone, which asks despite a condition), about an act a
section's deadline governs (returning an item; reporting a problem), is answered with that
deadline too, whatever the retriever ranked first. Two sections have such a deadline in the
spec: RET-2.1 (return within 30 days, 15 for electronics) and DMG-3.1 (report within 15 days).

The buyer's words for a time and for the two acts, per language of the knowledge base
(`retrieval.languages`); buyers mix English act words into the others ("boleh return lagi ke"),
so those count everywhere. Vietnamese is also typed without its accents ("tra lai"). Thai is
written without spaces, so its words are matched without word boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.kb import Clause
from retrieval.languages import ENGLISH
from retrieval.types import Hit

_NUMBER = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple\s+of)"


@dataclass(frozen=True)
class _Words:
    time: str  # how long ago, or whether it is still time
    returning: str  # sending the item back (RET-2.1's act)
    reporting: str  # reporting a problem (DMG-3.1's act)


_ENGLISH_RETURNING = (
    r"\b(return(s|ed|ing|able)?|send(ing)?\s+(\w+\s+){0,2}back|ship(ping)?\s+(\w+\s+)?back|"
    r"post(ing)?\s+(\w+\s+)?back|give\s+(\w+\s+)?back)\b"
)
_ENGLISH_REPORTING = r"\b(report(ed|ing)?|complain(ed|ing)?|claim(ed|ing)?)\b"
_WORDS = {
    ENGLISH: _Words(
        # "25 days ago", "after 3 weeks", "had it a month", "last week"; "too late", "how
        # long", "deadline". Not "still" alone: "I wore them once, can I still return them?"
        # asks about their condition, not the time.
        rf"\b{_NUMBER}\s+(days?|weeks?|wks?|months?)\b|\blast\s+(week|month)\b|"
        r"\b(too\s+late|in\s+time|how\s+(long|many\s+days?|much\s+time)|deadline|time\s+limit|"
        r"until\s+when|by\s+when|last\s+day|expired?)\b",
        _ENGLISH_RETURNING,
        _ENGLISH_REPORTING,
    ),
    "ms": _Words(
        r"\b\d+\s*(hari|minggu|bulan)\b|\b(minggu|bulan)\s+lepas\b|"
        r"\b(terlambat|lambat|lewat|tamat|berapa\s+(lama|hari))\b",
        r"\b(pulang\w*|kembali\w*|hantar\s+(\w+\s+)?balik)\b",
        r"\b(lapor\w*|adu\w*|tuntut\w*|komplen)\b",
    ),
    "id": _Words(
        r"\b\d+\s*(hari|minggu|bulan)\b|\b(minggu|bulan)\s+lalu\b|"
        r"\b(terlambat|telat|lewat|kedaluwarsa|berapa\s+(lama|hari))\b",
        r"\b(retur|kembali\w*|balikin|kirim\s+(\w+\s+)?balik|pulang\w*)\b",
        r"\b(lapor\w*|komplain|klaim|adu\w*)\b",
    ),
    "tl": _Words(
        r"\b\d+\s*(araw|linggo|buwan)\b|\b(huli\s+na|late\s+na|ilang\s+araw|gaano\s+katagal|"
        r"lampas)\b",
        r"\b(i-?return|ibalik|ibabalik|isauli)\b",
        r"\b(i-?report|ireklamo|reklamo|i-?claim)\b",
    ),
    "vi": _Words(
        r"\b\d+\s*(ngày|tuần|tháng|ngay|tuan|thang)\b|"
        r"\b(quá hạn|trễ|muộn|bao lâu|mấy ngày|hết hạn|qua han|bao lau|may ngay|het han)\b",
        r"(trả lại|trả hàng|hoàn trả|đổi trả|gửi lại|tra lai|tra hang|hoan tra|doi tra)",
        r"(báo cáo|khiếu nại|báo lỗi|khieu nai|bao loi)",
    ),
    "th": _Words(
        r"\d+\s*(วัน|สัปดาห์|อาทิตย์|เดือน)|ยังทัน|เลยกำหนด|เกินกำหนด|สายไป|กี่วัน|นานแค่ไหน|หมดเขต",
        r"คืนสินค้า|คืนของ|ส่งคืน|ส่งกลับ|คืนได้",
        r"แจ้ง|ร้องเรียน|เคลม",
    ),
}
# The deadline rules and their sections, by the act each governs.
_RULES = (("returning", "RET-", "RET-2.1"), ("reporting", "DMG-", "DMG-3.1"))
DEADLINE_RULES = tuple(rule for _, _, rule in _RULES)


def _compile(pattern: str, english: str | None = None) -> re.Pattern[str]:
    return re.compile(pattern if english is None else f"{pattern}|{english}", re.IGNORECASE)


_TIME = {language: _compile(words.time) for language, words in _WORDS.items()}
_ACTS = {
    language: {
        act: _compile(
            getattr(words, act),
            None if language == ENGLISH else getattr(_WORDS[ENGLISH], act),
        )
        for act, _, _ in _RULES
    }
    for language, words in _WORDS.items()
}


def deadline_rule(
    question: str, cited: tuple[str, ...] | list[str], language: str = ENGLISH
) -> str | None:
    """The deadline rule the answer should quote too: the question names a time, or asks
    about the time itself, about an act whose section the answer already cites, and the
    answer does not cite that section's deadline yet. None otherwise (or for a language without
    words here)."""
    time = _TIME.get(language)
    if not cited or time is None or not time.search(question):
        return None
    for act, section, rule in _RULES:
        if rule in cited or not any(c.startswith(section) for c in cited):
            continue
        if _ACTS[language][act].search(question):
            return rule
    return None


def deadline_hit(
    question: str, chosen: Sequence[Hit], clauses: Mapping[str, Clause], language: str = ENGLISH
) -> Hit | None:
    """The deadline rule of ``deadline_rule`` as a hit to quote after ``chosen`` (its whole
    text from ``clauses``, the knowledge base of the answer's language; the first clause's
    score), or None: not due, or not in ``clauses``."""
    rule_id = deadline_rule(question, [hit.clause_id for hit in chosen], language)
    rule = clauses.get(rule_id) if rule_id is not None else None
    if rule is None:
        return None
    return Hit(rule.clause_id, rule.title, rule.text, chosen[0].score)
