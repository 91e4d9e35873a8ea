"""Train the re-ranker (``retrieval.rerank``) on the example questions and save it by the index.

Usage: ``python -m retrieval.train_reranker --kb data/policies --index artifacts/retrieval
[--examples FILE ...] [--threads N] [--force]``

Each example question is answered by the hybrid with the other folds' questions as its
examples (5 folds), as an unseen buyer's question would be: answered with its own label among
the examples, every question would find its clause at cosine 1.0 and the re-ranker would learn
to trust the example ranking blindly. The top ``RERANK_DEPTH`` candidates of each question,
labelled relevant or not, train one logistic regression, saved as ``reranker.json`` beside the
index with the corpus hash, the examples file's hash and the model name it was trained with,
together with the answerability gate (``retrieval.answerability``, ``answerability_gate``).
Skipped when a saved one already matches them and the feature set (unless ``--force``).
Exit codes: 0 trained or up to date, 2 bad knowledge base, index or examples.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from retrieval.answerability import Answerability, fit_answerability
from retrieval.errors import RetrievalError
from retrieval.examples import Example, ExampleIndex
from retrieval.expansion import ExpandingRetriever, ItemCategories
from retrieval.hybrid import HybridRetriever
from retrieval.rerank import (
    FEATURES,
    RERANK_DEPTH,
    RERANKER_VERSION,
    Candidate,
    Question,
    Reranker,
    features,
    first_row,
    fit,
    folds,
    read_provenance,
    save_reranker,
)

CV_FOLDS = 5


def held_out_candidates(
    retriever: ExpandingRetriever,
    examples: Sequence[Example],
    *,
    n_folds: int = CV_FOLDS,
    depth: int = RERANK_DEPTH,
    extra: Sequence[Example] = (),
) -> list[tuple[Example, Question, list[Candidate]]]:
    """Each example's top ``depth`` fused candidates, found with the other folds as examples.

    ``extra`` examples join every fold's examples and are never held out (no candidates of
    theirs): the dev protocol scores the dev questions with the rest of the bank as examples
    (``lab.retrieval.rerank``). ``retriever`` wraps a ``HybridRetriever``; its examples and
    re-ranker are swapped out while this runs and put back afterwards."""
    hybrid = retriever.inner
    if not isinstance(hybrid, HybridRetriever):
        raise TypeError("the re-ranker re-orders the hybrid retriever's candidates")
    embedder = hybrid.dense.embedder
    saved = (hybrid.examples, hybrid.reranker)
    hybrid.reranker = None
    out = []
    try:
        parts = folds(examples, n_folds)
        for i, held in enumerate(parts):
            others = [e for j, part in enumerate(parts) if j != i for e in part]
            others.extend(extra)
            hybrid.examples = ExampleIndex(others, embedder, retriever.categories)
            for example in held:
                fusion = hybrid.fuse(retriever.categories.expand(example.question), depth)
                out.append((example, fusion.question, fusion.candidates(fusion.order[:depth])))
    finally:
        hybrid.examples, hybrid.reranker = saved
    return out


def training_rows(
    items: Sequence[tuple[Example, Question, list[Candidate]]],
) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and relevant/not labels of every candidate of every question."""
    rows, labels = [], []
    for example, question, candidates in items:
        rows.append(features(question, candidates))
        labels.extend(c.clause_id in example.clause_ids for c in candidates)
    return np.vstack(rows), np.asarray(labels, dtype=np.int64)


def answerability_gate(
    retriever: ExpandingRetriever,
    items: Sequence[tuple[Example, Question, list[Candidate]]],
    examples: Sequence[Example],
    unanswerable: Sequence[str],
    reranker: Reranker,
    threshold: float,
) -> Answerability | None:
    """The answerability gate (``retrieval.answerability``) for ``reranker``: the answerable
    rows are ``items`` (``held_out_candidates``' output) re-ranked fold by fold by a re-ranker
    trained on the other folds, the unanswerable rows the ``unanswerable`` questions found with
    every example and re-ranked by ``reranker``, as served. None without unanswerable
    questions (the cosine bar stays)."""
    if not unanswerable or len(items) < CV_FOLDS:
        return None
    answerable = []
    parts = folds(items, CV_FOLDS)
    for i, held in enumerate(parts):
        others = [item for j, part in enumerate(parts) if j != i for item in part]
        fold_reranker = fit(*training_rows(others))
        for _, question, candidates in held:
            answerable.append(first_row(candidates, fold_reranker.scored(question, candidates)))
    hybrid = retriever.inner
    if not isinstance(hybrid, HybridRetriever):
        raise TypeError("the gate reads the hybrid retriever's candidates")
    saved = hybrid.examples
    hybrid.examples = ExampleIndex(examples, hybrid.dense.embedder, retriever.categories)
    negatives = []
    try:
        for text in unanswerable:
            fusion = hybrid.fuse(retriever.categories.expand(text), RERANK_DEPTH)
            candidates = fusion.candidates(fusion.order[:RERANK_DEPTH])
            negatives.append(first_row(candidates, reranker.scored(fusion.question, candidates)))
    finally:
        hybrid.examples = saved
    return fit_answerability(np.asarray(answerable), np.asarray(negatives), threshold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--index", type=Path, default=Path("artifacts/retrieval"))
    parser.add_argument(
        "--examples",
        type=Path,
        nargs="+",
        default=None,
        help="default: the example bank (the dev questions and the buyers' examples)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="onnxruntime threads (default: one per core; set-up passes 1, see bot/setup_runner)",
    )
    parser.add_argument("--force", action="store_true", help="retrain even if up to date")
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.defaults import (
        CONFIDENCE_THRESHOLD,
        DEFAULT_EXAMPLE_QUESTIONS,
        DEFAULT_ITEM_CATEGORIES,
    )
    from retrieval.embedder import MemoEmbedder, make_embedder
    from retrieval.examples import load_examples, load_unanswerable
    from retrieval.factory import make_retriever, reranker_provenance
    from retrieval.kb import load_knowledge_base

    examples_path = args.examples or DEFAULT_EXAMPLE_QUESTIONS
    try:
        clauses = load_knowledge_base(args.kb)
        embedder = make_embedder(threads=args.threads)
        provenance = reranker_provenance(clauses, embedder.name, examples_path)
        saved = read_provenance(args.index)
        if (
            not args.force
            and saved is not None
            and all(saved.get(k) == v for k, v in provenance.items())
            # A re-ranker of other features is retrained, not kept to be refused at load.
            and saved.get("version") == RERANKER_VERSION
            and saved.get("features") == list(FEATURES)
        ):
            print(f"re-ranker up to date at {args.index}")
            return 0
        started = time.perf_counter()
        memo = MemoEmbedder(embedder.load(), size=4096)
        examples = load_examples(examples_path, [c.clause_id for c in clauses])
        retriever = make_retriever(
            "hybrid",
            clauses,
            embedder=memo,
            index_dir=args.index,
            item_categories=ItemCategories.load(DEFAULT_ITEM_CATEGORIES),
            examples=None,
        )
        assert isinstance(retriever, ExpandingRetriever)
        items = held_out_candidates(retriever, examples)
        rows, labels = training_rows(items)
        reranker = fit(rows, labels)
        gate = answerability_gate(
            retriever,
            items,
            examples,
            load_unanswerable(examples_path),
            reranker,
            CONFIDENCE_THRESHOLD,
        )
        target = save_reranker(args.index, replace(reranker, answerability=gate), provenance)
    except RetrievalError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(
        f"trained the re-ranker on {len(examples)} example questions ({len(rows)} candidates) "
        f"into {target} in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
