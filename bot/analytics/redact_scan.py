"""Scanning a message with the patterns: names after cues, addresses grown over their parts,
candidates in priority order, and the pattern stage's redactions (`_pattern_redactions`)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.analytics.redact_budget import (
    _check,
)
from bot.analytics.redact_ids import id_card_redactions
from bot.analytics.redact_patterns import (
    _ADDRESS_CUE,
    _ADDRESS_PART,
    _ADDRESS_START,
    _ADDRESS_WORDS,
    _ADMIN_UNIT,
    _CARD,
    _EMAIL,
    _HONORIFIC,
    _NAME_CUE,
    _NAME_CUE_LOWER_OK,
    _NAME_HERE,
    _NAME_SIGNATURE,
    _ORDER_CONTEXT,
    _PHONE_BARE_SG,
    _PHONE_CONTEXT,
    _PHONES,
    _PLACE_CUE,
    _PROTECTED,
    _SHOP,
    _STREET_BEFORE,
    _TH_ADDRESS,
    _TH_KEY,
    _TH_NAME_CUE,
    _TH_NOT_SURNAME,
    _TH_PARTICLE,
    _TH_PLACE_KEYS,
    _TH_VALUE,
    _TH_WORD,
    _WORD,
    _card_brand_valid,
    _luhn_valid,
)
from bot.analytics.redact_types import (
    _PRIORITY,
    ADDRESS,
    CARD,
    EMAIL,
    NAME,
    PHONE,
    PLACE,
    Redaction,
)
from bot.analytics.redact_words import (
    _GREETINGS,
    _NAME_BREAKERS,
    _NAME_PARTICLES,
    _NOT_NAME_EDGES,
    _NOT_NAMES,
    _PLACES,
    COUNTRIES,
    DEFAULT_KEEP_TERMS,
    _words,
)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int


# Short words with a period that do not end a sentence: abbreviations of addresses and names.
_ABBREVIATIONS = _words(
    """
    st. rd. ave. jl. jln. lor. gg. kel. kec. kab. brgy. blk. no. tp. p. q. ma. mr. mrs. ms. dr.
    sr. jr. sta. sto. hwy. bldg. lt. ph. bt. bte. mdm. pt. cv.
    """
)


def _words_from(text: str, pos: int) -> Iterator[_Token]:
    """Word tokens from ``pos`` to the end of the clause (a comma, colon, newline, period)."""
    for m in _WORD.finditer(text, pos):
        if text[pos : m.start()].strip(" \t"):
            return
        word = m.group()
        # A sentence-ending period ends the clause; an abbreviation's does not ("St.", "Ma.").
        if word.endswith(".") and word[:-1].isalpha() and word.lower() not in _ABBREVIATIONS:
            yield _Token(word[:-1], m.start(), m.end() - 1)
            return
        yield _Token(word, m.start(), m.end())
        pos = m.end()


def _is_name_word(word: str, *, first: bool, lower_ok: bool) -> bool:
    bare = word.strip(".'’-")
    if not bare or any(c.isdigit() for c in bare) or not any(c.isalpha() for c in bare):
        return False
    low = word.lower()
    if low in _NAME_PARTICLES:
        return not first
    if low.rstrip(".") in (_NOT_NAMES if first else _NAME_BREAKERS) or low in DEFAULT_KEEP_TERMS:
        return False
    if bare[0].isupper():
        return not (first and low in _NOT_NAME_EDGES)
    return lower_ok and bare.isalpha() and low not in _NOT_NAME_EDGES and low not in _stop_words()


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _take_name(text: str, pos: int, *, lower_ok: bool, max_words: int = 4) -> tuple[int, int]:
    """The name that starts at ``pos``: up to ``max_words`` name-like words ((pos, pos): none)."""
    tokens: list[_Token] = []
    for token in _words_from(text, pos):
        if len(tokens) == max_words:
            break
        if not _is_name_word(token.text, first=not tokens, lower_ok=lower_ok):
            break
        tokens.append(token)
        # After a capitalised first word only capitalised words follow ("Ramon Dizon taga
        # Cebu" ends at "Dizon"); a name typed in lower case stays lower case.
        lower_ok = lower_ok and token.text[:1].islower()
    while tokens and tokens[-1].text.lower() in _NAME_PARTICLES:  # not "Siti binti"
        tokens.pop()
    return (tokens[0].start, tokens[-1].end) if tokens else (pos, pos)


_ADDRESS_PART_WORDS = 12
_NOT_ADDRESS_WORDS = _NOT_NAMES - _ADDRESS_WORDS
_SEPARATOR = re.compile(r"[ \t]*(?:,|\.(?=[ \t]*,))?[ \t]*")


def _grow_address(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend an address over the parts that follow: ", Singapore 521123", " #05-12", ...

    A part is another anchor, a postcode, or a run of capitalised words, numbers and address
    words; the first part that is anything else (a lower-case word, a new sentence, "Pls call")
    ends the address. A part has at most _ADDRESS_PART_WORDS words (a longer run goes on as the
    next part): unbounded, each of many anchors in one long run grew to its end (quadratic).
    """
    for _ in range(8):
        separator = _SEPARATOR.match(text, end)
        pos = separator.end() if separator else end
        if pos >= len(text) or text[pos] in "\n.;!?":
            break
        anchor = _ADDRESS_START.match(text, pos) or _ADDRESS_PART.match(text, pos)
        if anchor and anchor.end() > pos:
            end = anchor.end()
            continue
        part_end = pos
        for i, token in enumerate(_words_from(text, pos)):
            word, low = token.text, token.text.lower()
            if i == _ADDRESS_PART_WORDS:
                break
            if low.rstrip(".") in _NOT_ADDRESS_WORDS or (i == 0 and low in _GREETINGS):
                break
            if word[0].isupper() or word[0].isdigit() or word[0] == "#" or low in _ADDRESS_WORDS:
                part_end = token.end
            else:
                break
        if part_end == pos:
            break
        end = part_end
    return start, end


def _find_protected(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _PROTECTED.finditer(text)]
    return spans + [m.span(1) for m in _SHOP.finditer(text) if m.group(1)[0].isupper()]


def _after_order_word(text: str, start: int) -> bool:
    return bool(_ORDER_CONTEXT.search(text[max(0, start - 20) : start]))


def _candidates(text: str, deadline: float = math.inf) -> Iterator[Redaction]:
    """Every pattern, cue and gazetteer match; they may overlap. Past ``deadline``: _OverBudget."""
    for m in _EMAIL.finditer(text):
        yield Redaction(*(m.span("at") if m.start("at") >= 0 else m.span()), EMAIL, "pattern")
    _check(deadline)
    yield from id_card_redactions(text)
    _check(deadline)
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if (
            13 <= len(digits) <= 19
            and _luhn_valid(digits)
            and _card_brand_valid(digits)
            and not _after_order_word(text, m.start())
        ):
            yield Redaction(*m.span(), CARD, "pattern")
    _check(deadline)
    for pattern, fewest, most in _PHONES:
        for m in pattern.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            if fewest <= digits <= most and not _after_order_word(text, m.start()):
                yield Redaction(*m.span(), PHONE, "pattern")
        _check(deadline)
    for m in _PHONE_BARE_SG.finditer(text):
        near = text[max(0, m.start() - 30) : m.start()]
        if _PHONE_CONTEXT.search(near) and not _after_order_word(text, m.start()):
            yield Redaction(*m.span(), PHONE, "pattern")
    _check(deadline)
    for m in _ADDRESS_START.finditer(text):
        if m.end() > m.start():
            yield Redaction(*_grow_address(text, *m.span()), ADDRESS, "pattern")
    _check(deadline)
    for m in _ADDRESS_CUE.finditer(text):
        yield Redaction(*_grow_address(text, *m.span(1)), ADDRESS, "pattern")
    _check(deadline)
    for m in _ADMIN_UNIT.finditer(text):
        start, end = _grow_address(text, *m.span())
        before = _STREET_BEFORE.search(text[max(0, start - 60) : start])
        if before:
            start = max(0, start - 60) + before.start()
        grown = end > m.end() or before is not None
        yield Redaction(start, end, ADDRESS if grown else PLACE, "pattern")
    _check(deadline)
    yield from _thai_addresses(text)
    _check(deadline)
    yield from _thai_names(text)
    _check(deadline)
    for m in _NAME_CUE_LOWER_OK.finditer(text):
        yield Redaction(*_take_name(text, m.end(), lower_ok=True), NAME, "cue")
    for cue in (_NAME_CUE, _HONORIFIC):
        _check(deadline)
        for m in cue.finditer(text):
            yield Redaction(*_take_name(text, m.end(), lower_ok=False), NAME, "cue")
    for cue in (_NAME_HERE, _NAME_SIGNATURE):
        _check(deadline)
        for m in cue.finditer(text):
            start, end = m.start(1), m.start(1) + len(m.group(1).rstrip())
            words = text[start:end].split()
            if all(_is_name_word(w, first=i == 0, lower_ok=False) for i, w in enumerate(words)):
                yield Redaction(start, end, NAME, "cue")
    _check(deadline)
    for m in _PLACE_CUE.finditer(text):
        yield Redaction(*_take_name(text, m.end(), lower_ok=False, max_words=3), PLACE, "cue")
    _check(deadline)
    for m in _PLACES.finditer(text):
        yield Redaction(*m.span(), PLACE, "gazetteer")


def _pattern_redactions(text: str, deadline: float = math.inf) -> list[Redaction]:
    """The pattern stage: candidates resolved into non-overlapping spans.

    Candidates are taken by ``_PRIORITY``, longest first; a candidate that overlaps a taken span
    or a protected token keeps its longest free piece (an address that swallowed a phone number
    keeps the street). Past ``deadline`` (``time.perf_counter()``) it raises _OverBudget.
    """
    protected = _find_protected(text)
    _check(deadline)
    taken: list[Redaction] = []
    blocked = list(protected)  # and the taken spans, as they are taken
    candidates = set()
    for c in _candidates(text, deadline):
        if c.end > c.start:
            candidates.add(c)
        _check(deadline)
    ordered = sorted(
        candidates, key=lambda r: (_PRIORITY[r.label], r.start - r.end, r.start, r.source)
    )
    for candidate in ordered:
        _check(deadline)
        piece = _free_piece(text, candidate, blocked)
        if piece is None:
            continue
        phrase = text[piece.start : piece.end]
        if piece.label in (NAME, PLACE) and (
            _starts_with_keep_term(phrase) or phrase.lower() in COUNTRIES
        ):
            continue
        taken.append(piece)
        blocked.append((piece.start, piece.end))
    return sorted(taken)


def _free_piece(text: str, r: Redaction, blocked: Sequence[tuple[int, int]]) -> Redaction | None:
    """The longest part of ``r`` outside ``blocked``, without edge punctuation (None: none)."""
    cuts = sorted((max(s, r.start), min(e, r.end)) for s, e in blocked if s < r.end and r.start < e)
    pieces, pos = [], r.start
    for s, e in cuts:
        pieces.append((pos, s))
        pos = max(pos, e)
    pieces.append((pos, r.end))
    best = None
    for s, e in pieces:
        while s < e and not (text[s].isalnum() or text[s] in "#+("):
            s += 1
        while e > s and not (_letter_or_mark(text[e - 1]) or text[e - 1] in ".)"):
            e -= 1
        if (best is None or e - s > best[1] - best[0]) and _has_two_alnum(text, s, e):
            best = (s, e)
    return Redaction(best[0], best[1], r.label, r.source) if best else None


def _has_two_alnum(text: str, start: int, end: int) -> bool:
    # Stops at the second: counting them all made each of many long candidates cost its length.
    seen = 0
    for i in range(start, end):
        if text[i].isalnum():
            seen += 1
            if seen == 2:
                return True
    return False


def _starts_with_keep_term(phrase: str, keep: frozenset[str] = DEFAULT_KEEP_TERMS) -> bool:
    words = [w.strip(".,'’").lower() for w in phrase.split()]
    return any(" ".join(words[:k]) in keep for k in range(1, min(len(words), 3) + 1))


def _letter_or_mark(char: str) -> bool:
    # Thai and Vietnamese words may end in a combining mark ("สมศรี"): it belongs to the word.
    return char.isalnum() or unicodedata.category(char).startswith("M")


_TH_SINGLE_PART = re.compile(rf"{_TH_KEY}{_TH_VALUE}")


def _strip_particle(text: str, start: int, end: int) -> int:
    """The end of ``text[start:end]`` without a polite particle glued to it ("...ครับ")."""
    m = _TH_PARTICLE.search(text, start, end)
    return m.start() if m and m.start() > start + 1 else end


def _thai_addresses(text: str) -> Iterator[Redaction]:
    """Thai addresses; a lone sub-district, district or province ("จังหวัดขอนแก่น") is a place."""
    for m in _TH_ADDRESS.finditer(text):
        start, end = m.start(), _strip_particle(text, *m.span())
        span = text[start:end]
        alone = _TH_SINGLE_PART.fullmatch(span) and span.startswith(_TH_PLACE_KEYS)
        yield Redaction(start, end, PLACE if alone else ADDRESS, "pattern")


def _thai_names(text: str) -> Iterator[Redaction]:
    """A name after "ชื่อ" or "ผู้รับ": the given name, and the surname after one space."""
    for m in _TH_NAME_CUE.finditer(text):
        given = _TH_WORD.match(text, m.end())
        if given is None:  # a name in Latin letters: "ชื่อ John Tan"
            yield Redaction(*_take_name(text, m.end(), lower_ok=False), NAME, "cue")
            continue
        end = _strip_particle(text, *given.span())
        if end == given.end() and text[end : end + 1] == " ":
            surname = _TH_WORD.match(text, end + 1)
            if surname and not surname.group().startswith(_TH_NOT_SURNAME):
                end = _strip_particle(text, *surname.span())
        yield Redaction(given.start(), end, NAME, "cue")
