"""Misspelt English words corrected before the English NLU reads a message (issue 14).

The English DIET model has no character n-grams (nlu/config.yml: +0.06 macro-F1 without them),
so a word typed fast ("bak", "lipstik", "staus") is a word it never saw, and a message made of
several reads as ``out_of_scope``. SymSpell (symspellpy, MIT) corrects each unknown word to a
frequent English word within a small edit distance (the head of its bundled frequency list).
Known words are never changed: the whole English list, the project's own words (the English and
multilingual NLU training data, the policy documents and item lexicon), chat shorthand.

Never touched either: tokens with a digit or any character but letters (order ids, tracking
numbers, amounts, emails, URLs, "don't"), all-caps tokens ("DHL"), capitalised words inside a
sentence (names), words of one or two letters. The first letter is kept; a word under seven
letters takes one slip (a letter left out, doubled, or two neighbours swapped; from five
letters also a key struck beside the right one, "canvel", or the first two letters swapped,
"hcanged"), a longer one an edit of any kind, or two keeping its last letter (`_plausible`).
Spacing and punctuation stay: only misspelt words change, so the NLU's entity offsets are
offsets into the corrected text, which :attr:`nlu.types.ParseResult.text` then holds (the
buyer's own text is in ``typed``).

Built once per process (:func:`shared`): ~1 s of CPU and ~110 MB; a message costs ~0.02 ms,
~0.1 ms with typos (README "### NLU", typos).
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from symspellpy import SymSpell, Verbosity

from nlu.client import Parser
from nlu.types import ParseResult

REPO_ROOT = Path(__file__).resolve().parent.parent
# The project's own words: what the English model was trained on, what the policy says, and
# the words of the other languages the bot speaks (a Malay or Taglish message that language ID
# took for English is read by the English model first: "aku" is not "auk", "mata" not "malta").
VOCABULARY_SOURCES = (
    REPO_ROOT / "data" / "nlu" / "train",
    REPO_ROOT / "data" / "policies",
    REPO_ROOT / "data" / "nlu" / "multilingual",
)

# The bundled list holds 82,765 words by frequency; its tail is rare words ("chaffer") that a
# typo is more often than it is meant. The head is kept: it also bounds the load time (the
# symmetric-delete index grows with the words), measured in README "### NLU".
ENGLISH_WORDS = 40_000
# Chat spellings of contractions: words, not typos ("isnt" is not "int").
APOSTROPHE_LESS = frozenset({
    "isnt", "dont", "didnt", "doesnt", "cant", "wont", "wasnt", "werent", "arent", "aint",
    "hasnt", "havent", "hadnt", "shouldnt", "couldnt", "wouldnt", "im", "ive", "youre", "youve",
    "youll", "theyre", "theyve", "thats", "whats", "wheres", "hows", "whos", "lets", "theres",
    "heres", "itll", "ill", "id",
})  # fmt: skip
# Their frequency as correction targets ("dosnt" -> "doesnt"): a common word's.
APOSTROPHE_LESS_COUNT = 10_000_000
# Chat shorthand and Manglish/Singlish particles the lists above may lack: words, not typos
# ("smth" is not "smith", "mah" is not "mach").
CHAT_WORDS = frozenset({
    "smth", "sth", "pls", "plz", "thx", "tho", "rn", "ngl", "idk", "btw", "omg", "lol", "asap",
    "bc", "cuz", "coz", "ppl", "msg", "pic", "pics", "urs", "kk", "okie", "lah", "leh", "lor",
    "mah", "meh", "hor", "sia", "wor", "liao", "alamak", "walao", "foto", "fotos",
})  # fmt: skip
MIN_LENGTH = 3  # shorter words are left alone ("u", "ok", "im")
LONG_WORD = 7  # from this length two edits are allowed, below it one
# From this length a short word may also take one letter struck for the key beside it
# ("canvel"); below it one letter for another is too often another word ("bad" for "bag").
KEY_SLIP_LENGTH = 5

# A run of anything but whitespace; a token is corrected only when it is letters (and an inner
# apostrophe) once its leading and trailing punctuation is set aside.
_CHUNK = re.compile(r"\S+")
_EDGES = re.compile(r"^([\"'(\[{<*]*)(.*?)([\"')\]}>*.,!?;:…]*)$", re.S)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_PLAIN = re.compile(r"[A-Za-z]+")  # "cousin's", "don't": left as typed
_SENTENCE_END = (".", "!", "?")


@dataclass(frozen=True, slots=True)
class Correction:
    """One word changed: where it was in the typed text, what was typed and what replaced it."""

    start: int
    end: int
    typed: str
    corrected: str


@dataclass(frozen=True, slots=True)
class Normalised:
    """A message with its misspelt words corrected, and what changed."""

    typed: str
    text: str
    corrections: tuple[Correction, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.corrections)


def project_words(sources: Iterable[Path] = VOCABULARY_SOURCES) -> set[str]:
    """The lower-cased words of the project's files (YAML, Markdown, text) under ``sources``."""
    words: set[str] = set()
    for source in sources:
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in files:
            # Not the policy's translations (data/policies/i18n): the multilingual training
            # data holds what buyers type; the translations hold loanwords that are English
            # typos ("lipstik"), which buyers of the English model mean as English.
            if "i18n" in path.parts or path.suffix not in {".yml", ".yaml", ".md", ".txt"}:
                continue
            words.update(_WORD.findall(path.read_text(encoding="utf-8").lower()))
    return words


class SpellingNormaliser:
    """Corrects a message's misspelt English words (the rules are in the module docstring)."""

    def __init__(self, project: Iterable[str] = (), english_words: int = ENGLISH_WORDS):
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        dictionary = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
        rare: set[str] = set()
        with dictionary.open(encoding="utf-8") as lines:
            for n, line in enumerate(lines):
                word, count = line.split()
                if n < english_words:
                    self._symspell.create_dictionary_entry(word, int(count))
                else:
                    rare.add(word)  # known (never changed), but nothing is corrected into it
        # The project's words are never changed, but only English words are what a misspelt
        # word becomes: the training data holds typos itself ("refnd", "recieved"), which the
        # model was taught but which are no word to correct "rfnd" into.
        for word in APOSTROPHE_LESS - self._symspell.words.keys():
            self._symspell.create_dictionary_entry(word, APOSTROPHE_LESS_COUNT)
        self._known = (
            frozenset(w.lower() for w in project) | rare | CHAT_WORDS
        ) - self._symspell.words.keys()

    def knows(self, word: str) -> bool:
        lower = word.lower()
        return lower in self._symspell.words or lower in self._known

    def correct_word(self, word: str) -> str | None:
        """The correction of one plain word, or None when it stays as typed."""
        lower = word.lower()
        if len(word) < MIN_LENGTH or self.knows(lower):
            return None
        distance = 2 if len(word) >= LONG_WORD else 1
        found = self._symspell.lookup(lower, Verbosity.CLOSEST, max_edit_distance=distance)
        # A short word one letter away from another is often a different word ("rfnd" is one
        # substitution from "rand"): below LONG_WORD only a slip of the kind fast typing makes
        # counts, a letter left out, doubled or two swapped, never one letter for another
        # (`_plausible`). Among the closest plausible words a slip wins over another edit of a
        # long word ("garmnet" -> "garment", not "garnet"), then the most frequent ("thta" ->
        # "that", not "theta"; "opend" -> "opened": "open" would be a letter added).
        found = [s for s in found if _plausible(lower, s.term, s.distance)]
        if not found:
            return None
        best = max(found, key=lambda s: (_slip(lower, s.term), _near_slip(lower, s.term), s.count))
        return best.term if word[0].islower() else best.term.capitalize()

    def normalise(self, text: str) -> Normalised:
        pieces: list[str] = []
        corrections: list[Correction] = []
        last = 0
        sentence_start = True
        for chunk in _CHUNK.finditer(text):
            lead, core, _trail = _EDGES.match(chunk.group()).groups()  # type: ignore[union-attr]
            starts = sentence_start
            sentence_start = chunk.group().endswith(_SENTENCE_END)
            if not _PLAIN.fullmatch(core) or _left_alone(core, starts):
                continue
            corrected = self.correct_word(core)
            if corrected is None:
                continue
            start = chunk.start() + len(lead)
            end = start + len(core)
            pieces += [text[last:start], corrected]
            corrections.append(Correction(start, end, core, corrected))
            last = end
        if not corrections:
            return Normalised(text, text)
        pieces.append(text[last:])
        return Normalised(text, "".join(pieces), tuple(corrections))


def _left_alone(word: str, sentence_start: bool) -> bool:
    """All-caps ("DHL") and capitalised words inside a sentence (names) are never corrected."""
    if len(word) > 1 and word.isupper():
        return True
    if any(c.isupper() for c in word[1:]):
        return True  # "iPhone", "GCash"
    return word[0].isupper() and not sentence_start


def _plausible(typed: str, word: str, distance: int) -> bool:
    """Whether typing ``word`` fast could give ``typed``. People get a word's first letter
    right ("sposed" is not "posed"); a short word takes one slip of the kinds fast typing makes
    (below), never one letter for another ("rfnd" is not "rand"); a long one takes one edit of
    any kind, or two keeping its last letter and its length give or take one ("recieevd" ->
    "received", but "bitcoin" is not "bitching")."""
    if typed[0] != word[0]:
        return _near_slip(typed, word)  # the first two letters swapped ("hcanged")
    if len(typed) < LONG_WORD:
        return _slip(typed, word) or _near_slip(typed, word)
    return distance == 1 or (typed[-1] == word[-1] and abs(len(typed) - len(word)) <= 1)


def _slip(typed: str, word: str) -> bool:
    """Letters left out ("bak"), a letter doubled ("reffund") or two neighbours swapped
    ("retrun"); not a letter added ("sambal" is not "samba")."""
    if _spells_in_order(typed, word):
        return True
    if len(typed) == len(word) + 1:
        return any(
            typed[i] == typed[i - 1] and typed[:i] + typed[i + 1 :] == word
            for i in range(1, len(typed))
        )
    if len(typed) == len(word):
        apart = [i for i in range(len(word)) if typed[i] != word[i]]
        return (
            len(apart) == 2
            and apart[1] == apart[0] + 1
            and typed[apart[0]] == word[apart[1]]
            and typed[apart[1]] == word[apart[0]]
        )
    return False


def _near_slip(typed: str, word: str) -> bool:
    """The slips a word of `KEY_SLIP_LENGTH` letters or more may also take, ranked after
    `_slip`'s ("changd" is "changed", not "change" with d struck for e): one letter struck for
    the key beside it ("canvel": v is beside c) or the first two letters swapped ("hcanged");
    never another letter for another ("rfnd" is not "rand")."""
    if len(typed) != len(word) or len(word) < KEY_SLIP_LENGTH:
        return False
    apart = [i for i in range(len(word)) if typed[i] != word[i]]
    if len(apart) == 1:
        return typed[apart[0]] in _KEYS_BESIDE.get(word[apart[0]], "")
    return apart == [0, 1] and typed[:2] == word[1::-1]


def _keys_beside() -> dict[str, str]:
    """Each letter's neighbours on a QWERTY keyboard: the keys left and right of it and the
    touching ones in the rows above and below (rows staggered by a quarter and half a key)."""
    rows, shift = ("qwertyuiop", "asdfghjkl", "zxcvbnm"), (0.0, 0.25, 0.75)
    place = {k: (r, c + shift[r]) for r, row in enumerate(rows) for c, k in enumerate(row)}
    return {
        k: "".join(
            o
            for o, (r2, x2) in place.items()
            if o != k and ((r2 == r and abs(x2 - x) == 1) or (abs(r2 - r) == 1 and abs(x2 - x) < 1))
        )
        for k, (r, x) in place.items()
    }


_KEYS_BESIDE = _keys_beside()


def _spells_in_order(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with letters left out ("bak" in "back")."""
    letters = iter(word)
    return all(c in letters for c in typed)


def typed_position(normalised: Normalised, position: int) -> int:
    """A position in the corrected text as the same place in the typed one (a place inside a
    corrected word: that word's letter at the same distance, at most its end)."""
    shift = 0  # typed minus corrected length of the corrections before ``position``
    for c in normalised.corrections:
        start = c.start - shift  # where the correction starts in the corrected text
        if position <= start:
            break
        if position < start + len(c.corrected):
            return c.start + min(position - start, len(c.typed))
        shift += len(c.typed) - len(c.corrected)
    return position + shift


def with_typed_offsets(result: ParseResult, normaliser: SpellingNormaliser) -> ParseResult:
    """``result`` as if read from the buyer's own text: its entities' offsets index ``typed``
    (for ``POST /v1/nlu/parse``, whose caller has only the text it sent)."""
    if result.typed is None:
        return result
    normalised = normaliser.normalise(result.typed)
    entities = tuple(
        dataclasses.replace(
            e,
            start=typed_position(normalised, e.start),
            end=typed_position(normalised, e.end),
        )
        for e in result.entities
    )
    return dataclasses.replace(result, text=result.typed, typed=None, entities=entities)


_shared: SpellingNormaliser | None = None
_lock = threading.Lock()


def shared() -> SpellingNormaliser:
    """The process's one normaliser, built on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = SpellingNormaliser(project_words())
        return _shared


class SpellingParser:
    """A :class:`Parser` that reads the message with its misspelt words corrected: the result's
    ``text`` is what the NLU read (entity offsets index it) and ``typed`` the buyer's own text,
    when they differ."""

    def __init__(self, inner: Parser, normaliser: SpellingNormaliser) -> None:
        self.inner = inner
        self.normaliser = normaliser

    async def parse(self, text: str) -> ParseResult:
        normalised = self.normaliser.normalise(text)
        result = await self.inner.parse(normalised.text)
        if not normalised.changed:
            return result
        return dataclasses.replace(result, typed=text)

    async def is_ready(self) -> bool:
        return await self.inner.is_ready()

    async def aclose(self) -> None:
        await self.inner.aclose()
