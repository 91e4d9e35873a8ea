"""Builds a retriever by name: the one place that knows which names exist."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from retrieval.answer import PolicyAnswerer
from retrieval.defaults import CONFIDENCE_THRESHOLD, DEFAULT_RETRIEVER
from retrieval.embedder import Embedder
from retrieval.hybrid import HybridRetriever
from retrieval.index import DenseRetriever
from retrieval.kb import Clause, corpus_hash
from retrieval.lexical import BM25Retriever
from retrieval.types import Retriever

RETRIEVER_NAMES = ("bm25", "dense", "hybrid")


def make_retriever(
    name: str,
    clauses: Sequence[Clause],
    *,
    embedder: Embedder | None = None,
    index_dir: Path | str | None = None,
) -> Retriever:
    """A ready-to-search retriever over ``clauses``.

    Dense parts load the saved index from ``index_dir`` when given (refusing one built for
    other clauses), otherwise they embed the clauses now. ``embedder`` must be loaded.
    """
    if name not in RETRIEVER_NAMES:
        raise ValueError(f"unknown retriever {name!r}; choose one of {', '.join(RETRIEVER_NAMES)}")
    if name == "bm25":
        return BM25Retriever().build(clauses)
    if embedder is None:
        raise ValueError(f"the {name!r} retriever needs an embedder")
    dense = DenseRetriever(embedder)
    if index_dir is not None:
        dense.load(index_dir, expected_corpus_hash=corpus_hash(clauses))
    else:
        dense.build(clauses)
    if name == "dense":
        return dense
    return HybridRetriever(dense, BM25Retriever().build(clauses))


def make_answerer(
    clauses: Sequence[Clause],
    embedder: Embedder,
    *,
    index_dir: Path | str | None = None,
    retriever_name: str = DEFAULT_RETRIEVER,
    threshold: float = CONFIDENCE_THRESHOLD,
) -> PolicyAnswerer:
    """The policy answerer with the evaluated defaults (see ``retrieval.defaults``)."""
    retriever = make_retriever(retriever_name, clauses, embedder=embedder, index_dir=index_dir)
    return PolicyAnswerer(retriever, threshold, embedder=embedder)
