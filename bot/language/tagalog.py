"""Tagalog and Taglish by their function words.

lid.176's "lite" model reads short Taglish as English, Malay or even German ("pwede ba refund ko
yung item": de 0.27), because the content words are English and only the grammar is Tagalog.
The grammar words are distinctive: markers (ang, ng, mga, yung), particles (po, ba, naman,
lang, kasi), pronouns (ko, mo, ako, niyo) and question words (nasaan, kailan, paano). None of
them is a word of Malay, Indonesian or English in everyday chat ("sana", "raw" are left out).
"""

from __future__ import annotations

import re


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


TAGALOG = _words(
    """
    ang ng mga yung iyong nung po opo ba naman lang talaga kasi pala daw
    ko mo niyo ninyo nila namin natin ako ikaw kayo siya kami tayo sila akin amin inyo
    nasaan saan kailan paano bakit ano sino ilan magkano hindi wala meron mayroon
    pwede puwede gusto ayaw dito diyan doon yun iyan ito ganito ganyan salamat
    dumating dumarating natanggap nasira sira mali palitan ibalik bayad
    na pa sa din rin nga kung pero pag kahit nang nasa wag huwag muna nyo niya dun dyan andyan
    pano asan nasan kelan bat tsaka eto ung nde nmn lng oo walang isang ibang akong tatlong
    lahat sabi kahapon ulit agad pera bumili pinadala
    """
)
# Taglish verbs: a Tagalog affix on an English verb ("pa-refund", "i-cancel", "nag-order",
# "paki-check", "na-double"), hyphenated as Filipinos type them.
_AFFIXED = re.compile(r"^(?:i|pa|paki|ipa|na|nag|mag|ma|maka|naka|napa|pina|ni)-[a-z]{3,}$")
# As many of these as a message needs before it is read as Tagalog over an unsure detector.
MIN_MARKERS = 2

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def tagalog_markers(text: str) -> int:
    """How many of the message's words are Tagalog grammar words or affixed Taglish verbs."""
    words = _WORD.findall(text.lower())
    return sum(word in TAGALOG or bool(_AFFIXED.match(word)) for word in words)
