"""Vietnamese by its letters, and typed without diacritics by its syllables.

lid.176's "lite" model reads short Vietnamese as English ("cảm ơn shop nha", "chào shop ạ") and
Vietnamese typed without diacritics as Portuguese, Italian, Tagalog or English ("huy don giup
minh nha", "chua nhan dc hang"), so the English NLU model read it. Two cues, per word:

- a letter only Vietnamese writes: đ, ơ, ư, ă, a dot below or a hook above (ạ, ủ), two marks on
  one vowel (ế, ộ, ừ) or a tilde on e, i, u or y (ẽ, ĩ, ũ, ỹ). French and Portuguese share â, ê,
  ô, à, é, ã, õ and are not counted;
- a syllable of frequent Vietnamese chat typed without diacritics (toi, minh, muon, huy, hoan
  tien, chua, duoc/dc, khong, nhan, giup, roi, chat's mk/mik for mình, vs for với, bn for bạn...),
  whole words only. Left out: syllables that
  are words of English ("hang", "don", "can", "on", "mat", "may", "ban", "the", "an", "ve"),
  Malay, Indonesian or Tagalog ("mau", "dong", "tuan", "dia", "di", "na", "sa", "la", "ma",
  "da"). "ko" (không) is kept although it is Tagalog's "my": alone it never makes half of a
  Tagalog message's words, and two syllables are needed without a Vietnamese letter.

A message is Vietnamese when at least ``MIN_SHARE`` of its words carry a cue, and either one of
them is a Vietnamese letter or at least ``MIN_SYLLABLES`` are syllables of the list (one
borrowed-looking syllable in an English sentence is not enough). English loanwords the buyers
mix in ("shop", "ship", "size", "ok", "refund") count as words without a cue.
"""

from __future__ import annotations

import re
import unicodedata


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


SYLLABLES = _words(
    """
    toi tui minh em anh chi oi nha nhe nhen nhi ne vay sao gi nao dau roi chua duoc dc dk
    khong hong hok kh ko co muon mun lam giup dum gium voi cho hoi xin camon qua
    huy hoan tien tra doi giao nhan gui mua dat bi hu vo loi sai kich thuoc ngay thang
    bao gio khi chuyen khoan thanh toan dien thoai cai nay kia nua luon het nhieu phai
    biet xem kiem nhanh cham lau tre som truoc sau nhung neu thi vien duyet giay ao quan
    den chay thung rach uot nhem chiu trach nhiem phi mien lai nhu nghiem goi phuong sua
    huong dung nguoi khach tai tk sdt vao ra len xuong dang coi thay trong chao cua moi lan
    gia xanh hom luc chieu mai nghe vua nham luong rong cung nhieu thoi quen phim
    mk mik vs bn
    """
)
# At least this share of a message's words carry a cue (letter or syllable).
MIN_SHARE = 0.5
# Without a Vietnamese letter, at least this many syllables of the list.
MIN_SYLLABLES = 2
# In a conversation already in Vietnamese, a third of the words carrying a cue keeps it: "oke
# lam di" (làm đi) read as Indonesian by "di", "ko quen tay thoi, ban phim ko loi gi" as Tagalog
# by "ko" turned the rest of the conversation into those languages (dev16 x42, x18).
MIN_SHARE_CONTINUING = 1 / 3

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_HORN, _DOT_BELOW, _HOOK_ABOVE, _BREVE, _TILDE = "\u031b", "\u0323", "\u0309", "\u0306", "\u0303"


def vietnamese_letter(word: str) -> bool:
    """Whether the word has a letter only Vietnamese writes (see the module's docstring)."""
    for char in word:
        if char in "đĐ":
            return True
        base, *marks = unicodedata.normalize("NFD", char)
        if not marks:
            continue
        if {_HORN, _DOT_BELOW, _HOOK_ABOVE} & set(marks) or len(marks) >= 2:
            return True
        if (_BREVE in marks and base in "aA") or (_TILDE in marks and base in "eiuyEIUY"):
            return True
    return False


def fold(word: str) -> str:
    """The word without its diacritics ("được" -> "duoc")."""
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def vietnamese_cues(text: str) -> tuple[int, int, int]:
    """(words with a Vietnamese letter, other words that carry a cue, words). A word carries a
    cue when, without its diacritics, it is a syllable of the list, or when it has diacritics
    in a message that has a Vietnamese letter ("chào shop ạ": "chào" with "ạ")."""
    words = _WORD.findall(text.lower())
    letters = [vietnamese_letter(w) for w in words]
    any_letter = any(letters)
    other = sum(
        not letter and (fold(w) in SYLLABLES or (any_letter and fold(w) != w))
        for w, letter in zip(words, letters, strict=True)
    )
    return sum(letters), other, len(words)


def is_vietnamese(text: str, min_share: float = MIN_SHARE) -> bool:
    """Whether the words' cues say Vietnamese (module docstring): at least ``min_share`` of the
    words carry a cue, with a Vietnamese letter or ``MIN_SYLLABLES`` syllables of the list."""
    letters, other, words = vietnamese_cues(text)
    if not words or (letters + other) / words < min_share:
        return False
    return letters >= 1 or other >= MIN_SYLLABLES


def continues_vietnamese(text: str) -> bool:
    """Whether a message in a conversation already in Vietnamese is still Vietnamese: one cue
    is enough when a third of its words carry one (``MIN_SHARE_CONTINUING``)."""
    letters, other, words = vietnamese_cues(text)
    return (
        bool(words) and letters + other >= 1 and (letters + other) / words >= MIN_SHARE_CONTINUING
    )
