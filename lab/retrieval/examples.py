"""Does the example-question ranking help? 5-fold cross-validation on the dev questions.

Usage: ``python -m lab.retrieval.examples [--questions data/retrieval/dev_questions.jsonl]``

The product ranks clauses by their closest labelled example (``retrieval.examples``), and its
examples are the dev questions, so the dev questions can only judge it cross-validated: each
fold is answered with the other four folds as examples. Printed: the hybrid's ranking metrics
and the answer metrics (quote from a relevant clause; quote states the labelled fact) without
examples and with them. Never run on the held-out set: it would become training data.
"""

from __future__ import annotations

import argparse
import os
import random
from collections.abc import Sequence
from pathlib import Path

from lab.retrieval.evaluation import (
    CV_FOLDS,
    RANDOM_STATE,
    EvalQuestion,
    QuestionResult,
    load_questions,
    ranking_metrics,
)

REPORTED = ("recall@1", "recall@3", "mrr@10")


def folds(questions: Sequence[EvalQuestion], n: int = CV_FOLDS) -> list[list[EvalQuestion]]:
    """Questions shuffled once (fixed seed) and dealt into ``n`` folds."""
    shuffled = list(questions)
    random.Random(RANDOM_STATE).shuffle(shuffled)
    return [shuffled[i::n] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument(
        "--questions", type=Path, default=Path("data/retrieval/dev_questions.jsonl")
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from lab.retrieval.answer_metrics import evaluate_answers
    from lab.retrieval.embedders import make_variant
    from retrieval.answer import PolicyAnswerer
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
    from retrieval.embedder import MemoEmbedder
    from retrieval.examples import Example, ExampleIndex
    from retrieval.expansion import ExpandingRetriever, ItemCategories
    from retrieval.factory import make_retriever
    from retrieval.kb import load_knowledge_base

    clauses = load_knowledge_base(args.kb)
    questions = load_questions(args.questions, [c.clause_id for c in clauses])
    embedder = MemoEmbedder(make_variant().load(), size=4096)
    categories = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)
    expanding = make_retriever("hybrid", clauses, embedder=embedder, examples=None)
    assert isinstance(expanding, ExpandingRetriever)
    hybrid = expanding.inner

    for label, with_examples in (("without examples", False), ("with examples", True)):
        ranked: list[QuestionResult] = []
        answers = {"correct": 0.0, "contains": 0.0, "n": 0, "n_facts": 0}
        parts = folds(questions)
        for i, held in enumerate(parts):
            train = [q for j, part in enumerate(parts) if j != i for q in part if q.answerable]
            hybrid.examples = (
                ExampleIndex([Example(q.question, q.relevant) for q in train], embedder, categories)
                if with_examples
                else None
            )
            for q in held:
                hits = expanding.search(q.question, 10)
                ranked.append(QuestionResult(q, tuple(h.clause_id for h in hits), hits[0].score))
            answerer = PolicyAnswerer(
                expanding, float("-inf"), embedder=embedder, categories=categories
            )
            metrics, results = evaluate_answers(answerer, held)
            answers["correct"] += sum(r.cites_relevant for r in results)
            answers["n"] += len(results)
            facts = [r for r in results if r.answer_contains]
            answers["contains"] += sum(r.contains_all for r in facts)
            answers["n_facts"] += len(facts)
        metrics = ranking_metrics(ranked)
        shown = " ".join(f"{m} {metrics[m]:.3f}" for m in REPORTED)
        print(
            f"{label:>17}: {shown} | answer cites a relevant clause "
            f"{answers['correct'] / answers['n']:.3f}, states the fact "
            f"{answers['contains'] / max(answers['n_facts'], 1):.3f} "
            f"(of {answers['n_facts']})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
