"""Grounded policy answers: quote the best clause's most relevant sentence(s), or hand over.

Extractive on purpose: every word the bot says about the policy is the policy's own, and the
clause id travels with it as the citation. Below the confidence threshold the bot says it is
not sure and offers a person instead of guessing (the same idea as Rasa's FallbackClassifier).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.embedder import Embedder
from retrieval.kb import split_sentences
from retrieval.types import Hit, Retriever

NOT_SURE_REPLY = (
    "I'm not sure our policy covers that, and I'd rather not guess. "
    "Would you like me to pass your question to a customer-service agent?"
)
# How many hits the answerer asks for: the best one is quoted, the rest travel along for the
# agent console ("other clauses that may apply").
ANSWER_DEPTH = 3
# A second sentence is quoted only when it is nearly as relevant as the best one; otherwise
# one sentence is the clearer answer. A readability heuristic, not tuned on the eval set.
SECOND_SENTENCE_RATIO = 0.9


@dataclass(frozen=True, slots=True)
class PolicyAnswer:
    """A reply about the policy. ``citations`` is empty exactly when ``confident`` is False."""

    text: str
    citations: tuple[str, ...]
    confident: bool
    hits: tuple[Hit, ...]


class PolicyAnswerer:
    """Answers a buyer's policy question from a retriever, or declines below ``threshold``.

    ``threshold`` is on the retriever's score scale (cosine for dense and hybrid); see
    ``retrieval.defaults`` for the calibrated value. Without an ``embedder`` the reply is the
    clause's first sentence; with one, the sentence(s) closest to the question.
    """

    def __init__(
        self,
        retriever: Retriever,
        threshold: float,
        *,
        embedder: Embedder | None = None,
        depth: int = ANSWER_DEPTH,
    ) -> None:
        self.retriever = retriever
        self.threshold = threshold
        self.embedder = embedder
        self.depth = depth
        self._sentence_vectors: dict[str, tuple[list[str], np.ndarray]] = {}

    def answer(self, question: str) -> PolicyAnswer:
        """Raises ``InvalidQueryError`` for an empty or over-long question."""
        hits = tuple(self.retriever.search(question, self.depth))
        if not hits or hits[0].score < self.threshold:
            return PolicyAnswer(NOT_SURE_REPLY, (), False, hits)
        best = hits[0]
        return PolicyAnswer(self._quote(question, best), (best.clause_id,), True, hits)

    def _quote(self, question: str, hit: Hit) -> str:
        sentences = split_sentences(hit.text)
        if not sentences:
            return hit.text
        if self.embedder is None or len(sentences) == 1:
            return sentences[0]
        return " ".join(self._closest_sentences(question, hit.clause_id, sentences))

    def _closest_sentences(
        self, question: str, clause_id: str, sentences: Sequence[str]
    ) -> list[str]:
        assert self.embedder is not None
        cached = self._sentence_vectors.get(clause_id)
        if cached is None or cached[0] != list(sentences):
            cached = (list(sentences), self.embedder.encode(list(sentences)))
            self._sentence_vectors[clause_id] = cached
        similarity = cached[1] @ self.embedder.encode([question])[0]
        ranked = np.argsort(-similarity, kind="stable")
        chosen = [int(ranked[0])]
        top, runner_up = similarity[ranked[0]], similarity[ranked[1]]
        if top > 0 and runner_up >= SECOND_SENTENCE_RATIO * top:
            chosen.append(int(ranked[1]))
        # Quote in the clause's own order so the two sentences read as the policy does.
        return [sentences[i] for i in sorted(chosen)]
