"""Builds a retriever by name: the one place that knows which names exist."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from retrieval.answer import PolicyAnswerer
from retrieval.base_rules import DEFAULT_BASE_RULES, BaseRules
from retrieval.defaults import (
    CONFIDENCE_THRESHOLD,
    DEFAULT_EXAMPLE_QUESTIONS,
    DEFAULT_ITEM_CATEGORIES,
    DEFAULT_RETRIEVER,
)
from retrieval.embedder import Embedder, MemoEmbedder
from retrieval.examples import (
    Example,
    ExampleFiles,
    ExampleIndex,
    is_example_files,
    load_examples,
)
from retrieval.expansion import ExpandingRetriever, ItemCategories
from retrieval.hybrid import HybridRetriever
from retrieval.index import DenseRetriever
from retrieval.kb import Clause, corpus_hash
from retrieval.lexical import BM25Retriever
from retrieval.query import DEFAULT_MAX_QUERY_CHARS
from retrieval.rerank import file_hash, load_reranker
from retrieval.types import Retriever

RETRIEVER_NAMES = ("bm25", "dense", "hybrid")

log = logging.getLogger(__name__)


def make_retriever(
    name: str,
    clauses: Sequence[Clause],
    *,
    embedder: Embedder | None = None,
    index_dir: Path | str | None = None,
    item_categories: ItemCategories | Path | str | None = DEFAULT_ITEM_CATEGORIES,
    examples: Sequence[Example] | ExampleFiles | None = DEFAULT_EXAMPLE_QUESTIONS,
) -> Retriever:
    """A ready-to-search retriever over ``clauses``.

    Dense parts load the saved index from ``index_dir`` when given (refusing one built for
    other clauses), otherwise they embed the clauses now; the same goes for the example
    questions' vectors (embedded now when the saved ones are missing or for other texts).
    ``embedder`` must be loaded.
    ``item_categories`` (a lexicon or its YAML path; ``None``: no expansion) adds the
    categories of the items a question names to the query (``retrieval.expansion``).
    ``examples`` (labelled questions or their JSON-lines file(s); ``None``: none) add the hybrid's
    example-question ranking (``retrieval.examples``).
    """
    if name not in RETRIEVER_NAMES:
        raise ValueError(f"unknown retriever {name!r}; choose one of {', '.join(RETRIEVER_NAMES)}")
    if isinstance(item_categories, (str, Path)):
        item_categories = ItemCategories.load(item_categories)
    # The inner retrievers see the expanded question, so they allow for the added words.
    room = item_categories.expansion_length() if item_categories is not None else 0
    max_chars = DEFAULT_MAX_QUERY_CHARS + room
    retriever: Retriever
    if name == "bm25":
        retriever = BM25Retriever(max_query_chars=max_chars).build(clauses)
    else:
        if embedder is None:
            raise ValueError(f"the {name!r} retriever needs an embedder")
        dense = DenseRetriever(embedder, max_query_chars=max_chars)
        if index_dir is not None:
            dense.load(index_dir, expected_corpus_hash=corpus_hash(clauses))
        else:
            dense.build(clauses)
        retriever = dense
        if name == "hybrid":
            reranker = None
            if is_example_files(examples):
                # Trained on these examples by `make index` (retrieval.train_reranker); an
                # index without one answers in RRF order.
                if index_dir is not None:
                    wanted = reranker_provenance(clauses, embedder.name, examples)
                    reranker = load_reranker(index_dir, wanted)
                examples = load_examples(examples, [c.clause_id for c in clauses])
            example_index = (
                ExampleIndex(examples, embedder, item_categories, saved_dir=index_dir)
                if examples
                else None
            )
            if example_index is not None and index_dir is not None and not example_index.loaded:
                log.warning(
                    "example question vectors missing or stale in %s: embedded %d now "
                    "(`make index` saves them)",
                    index_dir,
                    len(example_index),
                )
            retriever = HybridRetriever(
                dense,
                BM25Retriever(max_query_chars=max_chars).build(clauses),
                examples=example_index,
                reranker=reranker if example_index is not None else None,
            )
    if item_categories is None:
        return retriever
    return ExpandingRetriever(retriever, item_categories)


def reranker_provenance(
    clauses: Sequence[Clause], model_name: str, examples: ExampleFiles
) -> dict[str, str]:
    """What a saved re-ranker must have been trained with to serve these clauses."""
    return {
        "corpus_hash": corpus_hash(clauses),
        "model_name": model_name,
        "examples_hash": file_hash(examples),
    }


def make_answerer(
    clauses: Sequence[Clause],
    embedder: Embedder,
    *,
    index_dir: Path | str | None = None,
    retriever_name: str = DEFAULT_RETRIEVER,
    threshold: float = CONFIDENCE_THRESHOLD,
    item_categories: ItemCategories | Path | str | None = DEFAULT_ITEM_CATEGORIES,
    examples: Sequence[Example] | ExampleFiles | None = DEFAULT_EXAMPLE_QUESTIONS,
    base_rules: BaseRules | Path | str | None = DEFAULT_BASE_RULES,
) -> PolicyAnswerer:
    """The policy answerer with the evaluated defaults (see ``retrieval.defaults``).

    The retriever and the answerer share one memo of the embedder, so a question is embedded
    once although both need its vector."""
    if not isinstance(embedder, MemoEmbedder):
        embedder = MemoEmbedder(embedder)
    if isinstance(item_categories, (str, Path)):
        item_categories = ItemCategories.load(item_categories)
    retriever = make_retriever(
        retriever_name,
        clauses,
        embedder=embedder,
        index_dir=index_dir,
        item_categories=item_categories,
        examples=examples,
    )
    if isinstance(base_rules, (str, Path)):
        # Links to clauses ``clauses`` lacks are never followed (`BaseRules.base_hit`); the
        # shipped file's ids are checked against every language's knowledge base by the tests.
        base_rules = BaseRules.load(base_rules)
    return PolicyAnswerer(
        retriever,
        threshold,
        embedder=embedder,
        categories=item_categories,
        base_rules=base_rules,
        clauses=clauses,
    )
