"""Policy answers in the buyer's language, citing the same clause ids as the English ones.

English questions keep the English answerer (MiniLM hybrid, ``retrieval.answer``) untouched.
A question in ms, id, th, vi or tl is ranked over that language's clauses
(``retrieval.multilingual``), and the quote is taken from the clause in the buyer's language:
whole sentences of the best-matching window, and the sentence stating the rule's number (days,
dollars) when the chosen ones state none, as the English quote choice does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from retrieval.answer import ANSWER_DEPTH, NOT_SURE_REPLY, PolicyAnswer, complete, render
from retrieval.languages import ENGLISH, LANGUAGES, TRANSLATED, check_language
from retrieval.multilingual import MultilingualIndex
from retrieval.multilingual_text import split_sentences, tokenize
from retrieval.quantity import states_number
from retrieval.types import Hit

# On the score of ``MultilingualIndex.search`` (best window cosine minus the question's mean
# cosine over the language's windows). The English rule (the highest threshold answering >= 90%
# of answerable questions) on data/retrieval/dev_questions_multilingual.jsonl, 5-fold
# cross-validated (2026-12-02): held-out folds 90.9% answered, 76.7% of unanswerable refused,
# refusal precision 57.5%; the raw cosine refused only 56.7% at the same rate answered.
# On the held-out files it answered 58.5% (ms) to 92.9% (th) of answerable questions: see the
# README before trusting it in Malay.
MULTILINGUAL_THRESHOLD = 0.0375
MULTILINGUAL_THRESHOLDS = {lang: MULTILINGUAL_THRESHOLD for lang in TRANSLATED}


class EnglishAnswerer(Protocol):
    def answer(self, question: str, situation: str | None = None) -> PolicyAnswer: ...


class MultilingualAnswerer:
    """``answer(question, situation, language)``: English through ``english``, the other
    five languages through ``index``; below ``threshold`` it declines, as the English one."""

    def __init__(
        self,
        english: EnglishAnswerer | None,
        index: MultilingualIndex,
        threshold: float | Mapping[str, float] = MULTILINGUAL_THRESHOLDS,
        *,
        depth: int = ANSWER_DEPTH,
    ) -> None:
        self.english = english
        self.index = index
        # What the dialogue binds a conversation's language to (`bot.dialogue.context`).
        self.languages = LANGUAGES
        # One threshold for every language, or one per language (a language without one is
        # refused at construction, not when a buyer first writes in it).
        if isinstance(threshold, Mapping):
            missing = [lang for lang in TRANSLATED if lang not in threshold]
            if missing:
                raise ValueError(f"no refusal threshold for {', '.join(missing)}")
            self.thresholds = dict(threshold)
        else:
            self.thresholds = {lang: float(threshold) for lang in TRANSLATED}
        self.depth = depth

    @property
    def embedder(self):  # the English answerer's MiniLM, shared with the assist index
        return getattr(self.english, "embedder", None)

    def answer(
        self, question: str, situation: str | None = None, language: str = ENGLISH
    ) -> PolicyAnswer:
        """Raises ``InvalidQueryError`` for an empty or over-long question and ``ValueError``
        for a language outside ``retrieval.languages.LANGUAGES``."""
        check_language(language)
        if language == ENGLISH:
            if self.english is None:
                raise ValueError("no English answerer was given")
            return self.english.answer(question, situation)
        hits = tuple(self.index.search(question, language, self.depth))
        if not hits or hits[0].score < self.thresholds[language]:
            # The reply text in the buyer's language is the reply catalogue's (issue 16).
            return PolicyAnswer(NOT_SURE_REPLY, (), False, hits)
        best = hits[0]
        return PolicyAnswer(quote(question, best, language), (best.clause_id,), True, hits)


def quote(question: str, hit: Hit, language: str) -> str:
    """Whole sentences of the clause in ``language``: the best window's sentence sharing most
    of the question's tokens, then the nearest sentence stating a number if it states none."""
    sentences = split_sentences(hit.text, language)
    if not sentences:
        return hit.text
    window = [i for i in hit.passage if 0 <= i < len(sentences)] or list(range(len(sentences)))
    asked = set(tokenize(question, language))
    best = max(window, key=lambda i: (_overlap(asked, sentences[i], language), -i))
    chosen = {best}
    if not states_number(sentences[best]):
        numbered = _nearest_numbered(best, window, sentences)
        if numbered is not None:
            chosen.add(numbered)
    return render(complete(chosen, sentences), sentences)


def _overlap(asked: set[str], sentence: str, language: str) -> float:
    tokens = set(tokenize(sentence, language))
    return len(asked & tokens) / (len(asked) or 1)


def _nearest_numbered(best: int, window: list[int], sentences: Sequence[str]) -> int | None:
    """A sentence of the window stating a number, else the clause's closest one to ``best``."""
    in_window = [i for i in window if states_number(sentences[i])]
    if in_window:
        return in_window[0]
    numbered = [i for i, s in enumerate(sentences) if states_number(s)]
    return min(numbered, key=lambda i: (abs(i - best), i)) if numbered else None
