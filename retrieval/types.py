"""Typed values shared across the package boundary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Hit:
    """One retrieved clause.

    ``score`` is the retriever's own similarity: cosine for the dense and hybrid retrievers
    (the cosine of the clause's best passage; the hybrid keeps it for each fused hit so that
    one confidence threshold means the same thing for both), BM25 score for the lexical one.

    ``passage`` names the sentences (indices into ``kb.split_sentences(text)``) of the passage
    that matched best; empty when the retriever does not know (BM25), which means "the clause".

    ``rank_score`` is the re-ranker's score (``retrieval.rerank``, a logit) for a clause it
    re-ordered; ``None`` otherwise. Only differences between hits of one search mean anything:
    a small gap between the first two says the re-ranker could not tell them apart.

    ``example_score`` (multilingual retrieval only) is how close the question is to the
    clause's closest example question (its e5 cosine minus the question's mean cosine over all
    example questions); ``None`` when the index has no example question for the clause.

    ``sure`` (the first hit of a re-ranked search only) is the answerability gate's verdict on
    whether this clause answers a question its cosine leaves under the answerer's threshold
    (``retrieval.answerability``); ``None`` when there is no gate.
    """

    clause_id: str
    title: str
    text: str
    score: float
    passage: tuple[int, ...] = ()
    rank_score: float | None = None
    example_score: float | None = None
    sure: bool | None = None


@runtime_checkable
@runtime_checkable
class ClauseScorer(Protocol):
    """A retriever that can score one clause for a query on its hits' ``score`` scale (the
    dense and hybrid retrievers: the best-passage cosine)."""

    def clause_score(self, query: str, clause_id: str) -> float | None: ...


class Retriever(Protocol):
    """Anything that ranks knowledge-base clauses for a question."""

    name: str

    def search(self, query: str, k: int) -> list[Hit]:
        """Return at most ``k`` hits, best first."""
        ...
