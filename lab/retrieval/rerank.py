"""Does the re-ranker help? 5-fold cross-validation on the dev questions.

Usage: ``python -m lab.retrieval.rerank [--questions data/retrieval/dev_questions.jsonl]
[--misses FILE]``

Every dev question's candidates are found with the other folds' questions as examples
(``retrieval.train_reranker.held_out_candidates``, what the product trains on); then each fold
is re-ranked by a re-ranker trained on the other four folds' candidates. Printed: recall@1,
recall@3, MRR@10 of the RRF order and of the re-ranked order on the same candidates, and the
weights of a re-ranker trained on all of them. Never run on the held-out set.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

from lab.retrieval.evaluation import EvalQuestion, QuestionResult, ranking_metrics

REPORTED = ("recall@1", "recall@3", "mrr@10")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument(
        "--questions", type=Path, default=Path("data/retrieval/dev_questions.jsonl")
    )
    parser.add_argument("--misses", type=Path, default=None, help="write re-ranked misses here")
    parser.add_argument(
        "--margins",
        type=float,
        nargs="*",
        default=(0.25, 0.5, 0.75, 1.0, 1.5, 2.0),
        help="score gaps under which the answer quotes the second clause too",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.rerank import FEATURES, features, fit
    from retrieval.train_reranker import CV_FOLDS, training_rows

    _, _, items = dev_candidates(args.kb, args.questions)
    examples = [example for example, _, _ in items]
    # held_out_candidates deals the same folds in order: fold i is every CV_FOLDS-th slice.
    sizes = [len(examples[i::CV_FOLDS]) for i in range(CV_FOLDS)]
    bounds = np.cumsum([0, *sizes])
    parts = [items[bounds[i] : bounds[i + 1]] for i in range(CV_FOLDS)]

    before, after, misses = [], [], []
    gaps: list[tuple[float, bool, bool]] = []  # (top-2 score gap, top 1 relevant, top 2 relevant)
    for i, held in enumerate(parts):
        train = [item for j, part in enumerate(parts) if j != i for item in part]
        reranker = fit(*training_rows(train))
        for number, (example, question, candidates) in enumerate(held):
            q = EvalQuestion(f"{i}-{number}", example.question, example.clause_ids, True)
            rrf_order = tuple(c.clause_id for c in candidates)
            reranked = tuple(reranker.order(question, candidates))
            scores = np.sort(reranker.scores(features(question, candidates)))[::-1]
            if len(scores) > 1:
                relevant = set(example.clause_ids)
                gaps.append(
                    (float(scores[0] - scores[1]), reranked[0] in relevant, reranked[1] in relevant)
                )
            before.append(QuestionResult(q, rrf_order, None))
            after.append(QuestionResult(q, reranked, None))
            if reranked[:1] != rrf_order[:1] or reranked[0] not in example.clause_ids:
                misses.append(
                    {
                        "question": example.question,
                        "relevant": list(example.clause_ids),
                        "rrf": list(rrf_order[:3]),
                        "reranked": list(reranked[:3]),
                    }
                )
    for label, results in (("RRF order", before), ("re-ranked", after)):
        metrics = ranking_metrics(results)
        print(f"{label:>10}: " + " ".join(f"{m} {metrics[m]:.3f}" for m in REPORTED))
    print_margins(gaps, args.margins)
    full = fit(*training_rows(items))
    print("weights (standardised features):")
    for name, weight in sorted(zip(FEATURES, full.weights, strict=True), key=lambda p: -abs(p[1])):
        print(f"  {name:>14} {weight:+.3f}")
    print(f"{len(items)} questions, {sum(len(features(q, c)) for _, q, c in items)} candidates")
    if args.misses:
        args.misses.write_text(
            "\n".join(json.dumps(m, ensure_ascii=False) for m in misses) + "\n", encoding="utf-8"
        )
    return 0


def dev_candidates(kb: Path, questions: Path):
    """The knowledge base's clauses, the hybrid (MiniLM, no examples) and every dev question's
    held-out candidates (``retrieval.train_reranker.held_out_candidates``), in fold order."""
    from lab.retrieval.embedders import make_variant
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
    from retrieval.embedder import MemoEmbedder
    from retrieval.examples import load_examples
    from retrieval.expansion import ExpandingRetriever, ItemCategories
    from retrieval.factory import make_retriever
    from retrieval.kb import load_knowledge_base
    from retrieval.train_reranker import held_out_candidates

    clauses = load_knowledge_base(kb)
    examples = load_examples(questions, [c.clause_id for c in clauses])
    embedder = MemoEmbedder(make_variant().load(), size=4096)
    retriever = make_retriever(
        "hybrid",
        clauses,
        embedder=embedder,
        item_categories=ItemCategories.load(DEFAULT_ITEM_CATEGORIES),
        examples=None,
    )
    assert isinstance(retriever, ExpandingRetriever)
    return clauses, retriever, held_out_candidates(retriever, examples)


def print_margins(gaps: list[tuple[float, bool, bool]], margins: list[float]) -> None:
    """For each margin: how often the answer holds a relevant clause when the second clause is
    quoted too whenever its score is within the margin of the first (``retrieval.answer``)."""
    n = len(gaps) or 1
    top1 = sum(first for _, first, _ in gaps) / n
    print(f"answer holds a relevant clause, top 1 only: {top1:.3f}")
    for margin in margins:
        close = [(first, second) for gap, first, second in gaps if gap < margin]
        held = top1 + sum(second and not first for first, second in close) / n
        print(
            f"  margin {margin:.2f}: {held:.3f}, two clauses quoted in {len(close) / n:.3f}"
            f" of answers, the second relevant in {sum(s for _, s in close)}/{len(close)}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
