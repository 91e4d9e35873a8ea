"""The greeting and the "may I ask" before a buyer's question, taken off before it is searched.

Buyers open with them ("Hi there! quick q - ...", "สวัสดีครับ ขอสอบถามหน่อยครับ ...", "shop ơi cho
hỏi xíu ...", "kak mau nanya, ..."), and the dev questions that calibrated the answer-or-decline
gates almost never do (at most 13 of 1,363 start with a greeting or an address), so such a
lead pulls every clause's similarity toward the mean and a plain question is declined: the
blind set dev29's "ถ้าได้ของแล้วเปลี่ยนใจ ส่งคืนได้ภายในกี่วัน" (within how many days can I return
after a change of mind) was answered with RET-2.1 once its greeting was off, and declined with
it. Only a lead is removed, and never all of the text.
"""

from __future__ import annotations

import re

_END = r"[^\w]*"  # spaces, punctuation and emoji
# Each lead, anchored at the start; taken off repeatedly ("Hi, quick question: ...").
_LEADS = (
    # English and Taglish.
    r"(?:hi|hii+|hello|helo|hey|hiya|greetings|good (?:morning|afternoon|evening|day)"
    r"|dear (?:sir|madam|team|seller|shop|support)|magandang (?:umaga|hapon|gabi|araw))"
    r"(?: there| team| all| po| guys| everyone| shop| seller| dear)?",
    r"(?:(?:just )?(?:a )?quick (?:q|qn|question|one)|(?:i have |got )?(?:a )?(?:quick )?question"
    r"|sorry to (?:bother|trouble)(?: you)?|(?:i was |i'?m )?(?:just )?wondering"
    r"|(?:can|could|may) i (?:ask|check)(?: (?:something|a question))?|i (?:want|wanted|would like)"
    r" to (?:ask|check)(?: (?:something|a question))?)",
    r"(?:tanong|tatanong|magtatanong) (?:lang|ko lang|ko|lang po|ko lang po)(?: po)?",
    # Malay and Indonesian.
    r"(?:hai|halo|hallo|salam|assalamualaikum|selamat (?:pagi|siang|sore|petang|malam))"
    r"(?: (?:kak|kakak|min|admin|gan|sis|tuan|puan))?",
    r"(?:kak|kakak|min|admin|gan|sis)\b",
    r"(?:(?:saya|aku|sy|gw|gue) )?(?:(?:mau|nak|ingin|pengen|boleh|numpang|izin) )?"
    r"(?:tanya|nanya|bertanya|tanyak)(?: (?:sikit|sedikit|dong|donk|ya|nih|kak|min|sis))*",
    # Thai: hello, and "may I ask" with its particles.
    r"สวัสดี(?:ครับ|ค่ะ|คะ|จ้า|จ้ะ)?",
    r"(?:ขอ)?(?:สอบถาม|ถาม|เรียนถาม)(?:หน่อย|นิดนึง|นิดหน่อย|ค่ะ|ครับ|คะ|จ้า)*(?:ว่า)?",
    # Vietnamese, with and without its marks.
    r"(?:xin )?(?:chào|chao)(?: (?:shop|ad|admin|bạn|ban|anh|chị|chi|em))?",
    r"(?:shop|ad|admin|chị|chi|anh|em|bạn|ban) (?:ơi|oi)",
    r"cho (?:(?:em|mình|minh|tôi|toi|tớ|to) )?(?:hỏi|hoi)"
    r"(?: (?:xíu|xiu|chút|chut|tí|ti|với|voi|nha|ạ|a))*",
    r"(?:hỏi|hoi) (?:xíu|xiu|chút|chut|tí|ti)(?: (?:với|voi|nha|ạ|a))*",
)
# "..., อยากเรียนถามว่า <question>" (I'd like to ask whether), "my question is: ...": the question
# follows the words that announce it, after whatever the buyer said about themselves first.
_ANNOUNCED = re.compile(
    r"(?:อยาก(?:เรียน)?ถามว่า|ขอ(?:สอบ)?ถามว่า|\bmy question is\b|\bwhat i want to (?:ask|know) is\b)"
    + _END,
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:" + "|".join(_LEADS) + r")(?![\w'’])" + _END, re.IGNORECASE)


def without_preamble(question: str) -> str:
    """``question`` without its leading greetings and "may I ask"; unchanged when nothing
    else would be left."""
    rest = question.strip()
    while True:
        match = _LEAD.match(rest)
        if match is None or match.end() == 0:
            break
        rest = rest[match.end() :]
    announced = _ANNOUNCED.search(rest)
    if announced is not None and rest[announced.end() :].strip():
        rest = rest[announced.end() :]
    return rest if rest.strip() else question.strip()
