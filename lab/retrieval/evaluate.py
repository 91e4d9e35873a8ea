"""``make eval-retrieval``: BM25, dense and hybrid side by side, plus an honest refusal threshold.

Usage::

    HF_HUB_OFFLINE=1 python -m lab.retrieval.evaluate --kb data/policies \\
        --questions data/eval/policy_questions.jsonl --out reports/retrieval

The method is `lab.retrieval.evaluation`'s docstring. Writes metrics.json, report.md,
score_distributions.png and misses.json into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from lab.retrieval.embedders import DEFAULT_ONNX_DIR, DEFAULT_VARIANT, VARIANTS, make_variant
from lab.retrieval.evaluation import (
    PRIMARY_METRIC,
    RetrievalEvaluator,
    choose_retriever,
    cross_validate_threshold,
    load_questions,
)
from lab.retrieval.evaluation_report import markdown, misses, percent, plot
from retrieval.errors import RetrievalError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Evaluate BM25, dense and hybrid retrieval.")
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--questions", type=Path, default=Path("data/eval/policy_questions.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("reports/retrieval"))
    parser.add_argument("--embedder", choices=VARIANTS, default=DEFAULT_VARIANT)
    parser.add_argument("--onnx-dir", type=Path, default=DEFAULT_ONNX_DIR)
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        help="a saved index (`make index`): its vectors and the re-ranker trained beside it; "
        "default: embed the clauses now, no re-ranker",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from lab.retrieval.answer_metrics import answer_misses, evaluate_answers
    from retrieval.answer import PolicyAnswerer
    from retrieval.defaults import DEFAULT_EXAMPLE_QUESTIONS, DEFAULT_ITEM_CATEGORIES
    from retrieval.examples import Example, load_examples
    from retrieval.expansion import ItemCategories
    from retrieval.factory import RETRIEVER_NAMES, make_retriever
    from retrieval.kb import corpus_hash, load_knowledge_base

    try:
        clauses = load_knowledge_base(args.kb)
        questions = load_questions(args.questions, [c.clause_id for c in clauses])
        embedder = make_variant(args.embedder, args.onnx_dir).load()
        # The example questions (retrieval.examples) include the dev set: judged on itself it
        # would answer from its own labels, so a run on one of the example files goes without
        # that file (lab.retrieval.examples cross-validates it instead), the other files kept
        # as examples; and without the saved re-ranker, trained on that file too.
        examples: Sequence[Example] | Sequence[Path] | None = DEFAULT_EXAMPLE_QUESTIONS
        kept = [p for p in DEFAULT_EXAMPLE_QUESTIONS if p.resolve() != args.questions.resolve()]
        if len(kept) < len(DEFAULT_EXAMPLE_QUESTIONS):
            names = ", ".join(p.name for p in kept) or "no examples"
            print(f"these questions are example questions: evaluating without them ({names})")
            examples = load_examples(kept, [c.clause_id for c in clauses]) if kept else None
        evaluator = RetrievalEvaluator(questions)
        results = [
            evaluator(
                make_retriever(
                    name, clauses, embedder=embedder, examples=examples, index_dir=args.index
                )
            )
            for name in RETRIEVER_NAMES
        ]
    except RetrievalError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    refusals = {r.retriever: cross_validate_threshold(r.per_question) for r in results}
    chosen = choose_retriever(results)
    chosen_refusal = refusals[chosen.retriever]
    # What the buyer would read from the chosen retriever (threshold off: see answer_metrics).
    categories = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)
    answerer = PolicyAnswerer(
        make_retriever(
            chosen.retriever,
            clauses,
            embedder=embedder,
            item_categories=categories,
            examples=examples,
            index_dir=args.index,
        ),
        -math.inf,
        embedder=embedder,
        categories=categories,
    )
    answer_figures, answer_results = evaluate_answers(answerer, questions)
    summary = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "knowledge_base": {"clauses": len(clauses), "corpus_hash": corpus_hash(clauses)},
        "questions": {
            "answerable": sum(q.answerable for q in questions),
            "unanswerable": sum(not q.answerable for q in questions),
        },
        "embedder": embedder.name,
        "primary_metric": PRIMARY_METRIC,
        "retrievers": {
            r.retriever: {
                "metrics": r.metrics,
                "refusal": {
                    k: v for k, v in asdict(refusals[r.retriever]).items() if k != "confident"
                },
            }
            for r in results
        },
        "chosen": {
            "retriever": chosen.retriever,
            "threshold": chosen_refusal.threshold,
            "fold_thresholds": list(chosen_refusal.fold_thresholds),
            PRIMARY_METRIC: chosen.primary,
            "mrr@10": chosen.metrics["mrr@10"],
            "answered_answerable": chosen_refusal.answered_answerable,
            "refused_unanswerable": chosen_refusal.refused_unanswerable,
            "refusal_precision": chosen_refusal.refusal_precision,
            # No question with `answer_contains` (the held-out set): no figure, not NaN.
            **{k: None if v != v else v for k, v in answer_figures.items()},
        },
    }
    missed = misses(chosen, chosen_refusal)
    missed["answer_wrong_or_missing_fact"] = answer_misses(answer_results)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (args.out / "misses.json").write_text(
        json.dumps(missed, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    plot(args.out / "score_distributions.png", chosen, chosen_refusal)
    (args.out / "report.md").write_text(markdown(summary, missed), encoding="utf-8")

    for r in results:
        m, ref = r.metrics, refusals[r.retriever]
        print(
            f"{r.retriever:>7}: recall@1 {m['recall@1']:.3f} recall@3 {m['recall@3']:.3f} "
            f"recall@5 {m['recall@5']:.3f} mrr@10 {m['mrr@10']:.3f} ndcg@10 {m['ndcg@10']:.3f} | "
            f"threshold {ref.threshold:.3f}: answered {ref.answered_answerable:.1%}, "
            f"refused {ref.refused_unanswerable:.1%}, refusal precision {ref.refusal_precision:.1%}"
        )
    print(
        f"chosen: {chosen.retriever} with threshold {chosen_refusal.threshold:.3f}; "
        f"answer correct {answer_figures['answer_correct']:.3f}, answer contains the fact "
        f"{percent(answer_figures['answer_contains'])} "
        f"(of {answer_figures['answer_contains_questions']}); report in {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
