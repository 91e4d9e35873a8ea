"""Realistic typos of a buyer typing fast, seeded (issue 14: the spelling normaliser's dev set).

Each word of four letters or more is misspelt with probability ``rate`` by one of: a letter
dropped ("refnd"), a letter doubled ("reffund"), two neighbours swapped ("retrun"), its inner
vowels dropped ("chck", "plcy"), or a phonetic spelling ("bak", "askng", "fone", "wat"). Words
with digits or other characters (ids, emails, amounts) and all-caps words are left alone, as a
buyer copies those. The first letter is never changed: people rarely get it wrong.

Also rewrites a Rasa YAML test file's examples (``rewrite_examples``), leaving the annotated
entities (``[D-1002](order_id)``) as they are so the gold spans stay valid.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

VOWELS = "aeiou"
# Spellings by sound, tried in order; the first that applies is used.
PHONETIC = (
    ("ck", "k"),
    ("ph", "f"),
    ("ing", "ng"),
    ("ould", "ud"),
    ("ight", "ite"),
    ("ea", "e"),
    ("ou", "u"),
    ("wh", "w"),
    ("ss", "s"),
    ("ll", "l"),
    ("ed", "d"),
    ("er", "r"),
)
_WORD = re.compile(r"[A-Za-z]+")
_ANNOTATION = re.compile(r"\[[^\]]*\](?:\([^)]*\)|\{[^}]*\})")


def _drop(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1 :]


def _double(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[: i + 1] + word[i] + word[i + 1 :]


def _swap(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _no_vowels(word: str, rng: random.Random) -> str:
    inner = "".join(c for c in word[1:-1] if c.lower() not in VOWELS)
    return word[0] + inner + word[-1]


def _phonetic(word: str, rng: random.Random) -> str:
    for sound, spelling in PHONETIC:
        i = word.find(sound, 1)
        if i > 0:
            return word[:i] + spelling + word[i + len(sound) :]
    return _drop(word, rng)


KINDS: tuple[Callable[[str, random.Random], str], ...] = (
    _drop,
    _double,
    _swap,
    _no_vowels,
    _phonetic,
)


def misspell(word: str, rng: random.Random) -> str:
    """One typo in ``word`` (which is letters only, four or more of them)."""
    for _ in range(5):  # a swap of two equal letters or a word without inner vowels: again
        typo = rng.choice(KINDS)(word, rng)
        if typo != word:
            return typo
    return word


def noisy(text: str, rng: random.Random, rate: float = 0.3) -> str:
    """``text`` with each eligible word misspelt with probability ``rate``."""

    def one(match: re.Match[str]) -> str:
        word = match.group()
        whole = _chunk_around(text, match.start(), match.end())
        if len(word) < 4 or word.isupper() or not whole.isalpha() or rng.random() >= rate:
            return word
        return misspell(word, rng)

    return _WORD.sub(one, text)


def _chunk_around(text: str, start: int, end: int) -> str:
    """The letters-digits-symbols run a word is part of ("D" of "D-1002"), punctuation at its
    edges set aside."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip(".,!?;:\"'()")


def rewrite_examples(yaml_text: str, change: Callable[[str], str]) -> str:
    """A Rasa NLU YAML file with ``change`` applied to each intent example's text outside its
    entity annotations (regexes, lookups and synonyms are left as they are)."""
    out: list[str] = []
    in_intent = False
    for line in yaml_text.splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith("- intent:"):
            in_intent = True
        elif stripped.startswith(("- regex:", "- lookup:", "- synonym:")):
            in_intent = False
        if in_intent and stripped.startswith("- ") and not stripped.startswith("- intent:"):
            indent = line[: len(line) - len(stripped)]
            body = stripped[2:].rstrip("\n")
            out.append(f"{indent}- {_outside_annotations(body, change)}\n")
        else:
            out.append(line)
    return "".join(out)


def _outside_annotations(text: str, change: Callable[[str], str]) -> str:
    pieces, last = [], 0
    for match in _ANNOTATION.finditer(text):
        pieces += [change(text[last : match.start()]), match.group()]
        last = match.end()
    pieces.append(change(text[last:]))
    return "".join(pieces)
