"""Sentences, passages and BM25 tokens for the knowledge base in any of its six languages.

The English splitter (``retrieval.kb.split_sentences``) wants an ASCII capital after a full
stop; Vietnamese sentences may start with "Đ", and Thai marks sentence ends with a space, not a
full stop. These rules keep the English behaviour for Latin scripts and add Thai's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import Stemmer

from retrieval.kb import Clause, _logical_lines

# A full stop, "!" or "?" then space; a sentence starts there only with a capital or a digit
# (any script; ``str.isupper``), optionally after an opening quote or bracket.
_LATIN_END = re.compile(r"(?<=[.!?])\s+")
_THAI = "\u0e00-\u0e7f"
# Thai writes no full stop: a space between two Thai characters ends a phrase or sentence.
_THAI_BREAK = re.compile(rf"(?<=[{_THAI}.!?)])\s+(?=[{_THAI}(])")
# Thai "sentences" shorter than this are phrases; they join the one before them.
_THAI_MIN_CHARS = 40
# Thai vowels and tone marks are combining characters, which ``\w`` does not match.
_WORD = re.compile(rf"[{_THAI}]+|\w+")
# Character n-grams for Thai, which has no spaces between words (no segmenter in the venv).
THAI_NGRAM = 3

# Malay and Indonesian build words from one root with prefixes and suffixes ("pemulangan",
# "dipulangkan" -> "pulang"); Snowball's Indonesian stemmer strips them, and its affixes are
# Malay's too. On the dev questions (5-fold figures in README) it moved BM25-fused recall@3
# ms 0.849 -> 0.855 and id 0.885 -> 0.918.
_STEMMED = {"ms": "indonesian", "id": "indonesian"}
# Buyers often type Vietnamese without its diacritics ("tra hang" for "trả hàng"): Vietnamese
# tokens are compared with the marks removed (and "đ" as "d"), on both sides, and each
# Vietnamese window is embedded a second time without them (``embedded_texts``).
FOLDED = frozenset({"vi"})

# Two sentences per window, as in the English index (retrieval.passages).
WINDOW = 2


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences of a clause body (``Clause.text``); each bullet counts as a sentence."""
    sentences: list[str] = []
    for paragraph in text.split("\n\n"):
        bullets = {
            line[2:].strip() for line in paragraph.split("\n") if line.startswith(("- ", "* "))
        }
        for line in _logical_lines(paragraph):
            if line in bullets:
                sentences.append(line.strip())  # a list item is one sentence in any script
            elif language == "th":
                sentences.extend(_thai_sentences(line))
            else:
                sentences.extend(_latin_sentences(line))
    return sentences


def _latin_sentences(line: str) -> list[str]:
    out: list[str] = []
    for piece in (p.strip() for p in _LATIN_END.split(line)):
        if not piece:
            continue
        first = piece.lstrip("\"'([")[:1]
        if out and not (first.isupper() or first.isdigit()):
            out[-1] = f"{out[-1]} {piece}"  # "e.g. sau đó": not a new sentence
        else:
            out.append(piece)
    return out


def _thai_sentences(line: str) -> list[str]:
    out: list[str] = []
    for piece in (p.strip() for p in _THAI_BREAK.split(line)):
        if not piece:
            continue
        if out and len(out[-1]) < _THAI_MIN_CHARS:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    if len(out) > 1 and len(out[-1]) < _THAI_MIN_CHARS:
        last = out.pop()
        out[-1] = f"{out[-1]} {last}"
    return out


@dataclass(frozen=True, slots=True)
class Window:
    """One embedded passage: the clause title and ``sentences`` (indices into the clause's
    ``split_sentences``)."""

    clause_id: str
    sentences: tuple[int, ...]
    text: str


def clause_windows(clause: Clause, language: str, window: int = WINDOW) -> list[Window]:
    """Title-led windows of ``window`` sentences, stride one; one passage for a short clause.

    No whole-clause passage, unlike the English index: e5 is about 10x slower than MiniLM per
    character here and long passages cost the most, and a window of two keeps the detail."""
    sentences = split_sentences(clause.text, language)
    if len(sentences) <= window:
        spans = [tuple(range(len(sentences)))]
    else:
        spans = [tuple(range(s, s + window)) for s in range(len(sentences) - window + 1)]
    return [
        Window(clause.clause_id, span, f"{clause.title}. " + " ".join(sentences[i] for i in span))
        for span in spans
    ]


def embedded_texts(window: Window, language: str) -> list[str]:
    """The texts e5 embeds for a window: its own, and without diacritics for ``FOLDED``
    languages (e5 matches "tra hang duoc khong" poorly to "trả hàng")."""
    if language in FOLDED:
        return [window.text, fold_diacritics(window.text)]
    return [window.text]


def tokenize(text: str, language: str) -> list[str]:
    """BM25 tokens: lower-cased words, and for Thai character n-grams of each Thai run;
    Malay and Indonesian words stemmed, Vietnamese words without diacritics."""
    text = text.lower()
    if language in FOLDED:
        text = fold_diacritics(text)
    tokens: list[str] = []
    for word in _WORD.findall(text):
        if "\u0e00" <= word[0] <= "\u0e7f" and len(word) > THAI_NGRAM:
            tokens.extend(word[i : i + THAI_NGRAM] for i in range(len(word) - THAI_NGRAM + 1))
        else:
            tokens.append(word)
    if language in _STEMMED:
        tokens = _stemmer(_STEMMED[language]).stemWords(tokens)
    return tokens


def fold_diacritics(text: str) -> str:
    """Latin text without combining marks ("trả hàng" -> "tra hang"; "đ" -> "d")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@cache
def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(algorithm)


def clause_sentences(clauses: Sequence[Clause], language: str) -> dict[str, list[str]]:
    return {c.clause_id: split_sentences(c.text, language) for c in clauses}
