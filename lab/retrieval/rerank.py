"""Does the re-ranker help? 5-fold cross-validation on the dev questions.

Usage: ``python -m lab.retrieval.rerank [--questions data/retrieval/dev_questions.jsonl]
[--misses FILE]``

Every dev question's candidates are found with the other folds' questions and the rest of the
example bank (``retrieval.defaults.DEFAULT_EXAMPLE_QUESTIONS`` but the scored file: the buyers'
examples) as examples (``retrieval.train_reranker.held_out_candidates``, what the product trains
on); then each fold is re-ranked by a re-ranker trained on the other four folds' candidates and
the rest of the bank's, found without the fold (``fold_training``). Only the dev questions are
scored. Printed: recall@1,
recall@3, MRR@10 of the RRF order and of the re-ranked order on the same candidates, and the
weights of a re-ranker trained on all of them. Never run on the held-out set.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
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
    from retrieval.train_reranker import held_out_candidates, training_rows

    _, retriever, items, extra = dev_candidates(args.kb, args.questions)
    examples = [example for example, _, _ in items]
    parts = fold_parts(items)

    before, after, misses = [], [], []
    gaps: list[tuple[float, bool, bool]] = []  # (top-2 score gap, top 1 relevant, top 2 relevant)
    for i, held in enumerate(parts):
        _, training = fold_training(retriever, parts, extra, i)
        reranker = fit(*training_rows(training))
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
    # What `make index` ships: the whole bank, folded together.
    shipped = held_out_candidates(retriever, [*examples, *extra]) if extra else items
    full = fit(*training_rows(shipped))
    print("weights (standardised features):")
    for name, weight in sorted(zip(FEATURES, full.weights, strict=True), key=lambda p: -abs(p[1])):
        print(f"  {name:>14} {weight:+.3f}")
    print(
        f"{len(items)} questions scored, {len(extra)} more examples in every fold; shipped "
        f"re-ranker: {sum(len(features(q, c)) for _, q, c in shipped)} candidates"
    )
    if args.misses:
        args.misses.write_text(
            "\n".join(json.dumps(m, ensure_ascii=False) for m in misses) + "\n", encoding="utf-8"
        )
    return 0


def bank_extras(questions: Path) -> tuple[Path, ...]:
    """The example bank's files but ``questions``: examples in every fold, never scored."""
    from retrieval.defaults import DEFAULT_EXAMPLE_QUESTIONS

    return tuple(p for p in DEFAULT_EXAMPLE_QUESTIONS if p.resolve() != questions.resolve())


def dev_candidates(kb: Path, questions: Path, extra_files: Sequence[Path] | None = None):
    """The knowledge base's clauses, the hybrid (MiniLM, no examples), every dev question's
    held-out candidates (``retrieval.train_reranker.held_out_candidates``), in fold order, found
    with the extra examples (default: the rest of the bank, ``bank_extras``; those worded as a
    scored question left out) in every fold, and those extra examples."""
    from lab.retrieval.embedders import make_variant
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
    from retrieval.embedder import MemoEmbedder
    from retrieval.examples import load_examples
    from retrieval.expansion import ExpandingRetriever, ItemCategories
    from retrieval.factory import make_retriever
    from retrieval.kb import load_knowledge_base
    from retrieval.train_reranker import held_out_candidates

    clauses = load_knowledge_base(kb)
    known = [c.clause_id for c in clauses]
    examples = load_examples(questions, known)
    extra = load_examples(bank_extras(questions) if extra_files is None else extra_files, known)
    # An extra example worded as a scored question would answer it from its own label.
    scored = {_words(e.question) for e in examples}
    extra = [e for e in extra if _words(e.question) not in scored]
    embedder = MemoEmbedder(make_variant().load(), size=4096)
    retriever = make_retriever(
        "hybrid",
        clauses,
        embedder=embedder,
        item_categories=ItemCategories.load(DEFAULT_ITEM_CATEGORIES),
        examples=None,
    )
    assert isinstance(retriever, ExpandingRetriever)
    items = held_out_candidates(retriever, examples, extra=extra)
    return clauses, retriever, items, extra


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def fold_parts(items: list) -> list[list]:
    """``dev_candidates``' items split into their folds (held_out_candidates deals the folds in
    order: fold i is every CV_FOLDS-th example's slice)."""
    from retrieval.train_reranker import CV_FOLDS

    sizes = [len(items[i::CV_FOLDS]) for i in range(CV_FOLDS)]
    bounds = np.cumsum([0, *sizes])
    return [items[bounds[i] : bounds[i + 1]] for i in range(CV_FOLDS)]


def fold_training(retriever, parts: list[list], extra: Sequence, i: int) -> tuple[list, list]:
    """Fold ``i``'s example questions and its re-ranker's training items: the other folds and
    the extra examples; the other folds' candidates and the extra examples' own held-out
    candidates, found with the other folds (never fold ``i``) as examples, as `make index`
    trains on the whole bank."""
    from retrieval.train_reranker import held_out_candidates

    train = [item for j, part in enumerate(parts) if j != i for item in part]
    others = [example for example, _, _ in train]
    extra_items = held_out_candidates(retriever, extra, extra=others) if extra else []
    return [*others, *extra], [*train, *extra_items]


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
