"""Where the confidence bar would go for a fine-tuned retrieval encoder: out of fold, dev data.

Usage: ``python -m lab.retrieval.finetune_threshold --models DIR [--config passages-e2]``
(``DIR``: the fold models ``python -m lab.retrieval.finetune_cv --out DIR`` saved).

``retrieval.defaults.CONFIDENCE_THRESHOLD`` (0.445) is a cosine of the packaged MiniLM. A model
fine-tuned on the example bank (``lab.retrieval.finetune``) moves every cosine, and the bank's
own questions sit closer to their clauses than an unseen buyer's would, so a bar cannot be read
off an index of the bank. Instead, with the fold models of ``lab.retrieval.finetune_cv`` (fold
i's model never saw fold i's dev questions): each dev question's re-ranked first clause and its
best-passage cosine (the answerer's ``score``), found as ``lab.retrieval.rerank`` scores a
fold, and the dev set's unanswerable questions under every fold model. The same is done with
the packaged model. Printed for both: the share of answerable questions at or above a bar,
the unanswerable ones refused, and the bar that keeps the packaged model's share at 0.445
(the operating point chosen by ``make eval-retrieval``) on the fine-tuned model. Never run on
the held-out set.

Run 2026-12-05 (passages-e2 fold models; 509 answerable dev questions, 72 unanswerable x 5
models): packaged MiniLM at 0.445 answers 85.3% (answered with the right clause 73.7%), refuses
88.9%; fine-tuned at 0.418 answers the same 85.3% (right 75.6%) and refuses 90.3%. A fine-tuned
encoder served with that bar was measured end to end and not kept (README, Policy retrieval).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

SERVED_BAR = 0.445


def scores(models, clauses, examples, extra, unanswerable, categories) -> dict:
    """Out-of-fold first-clause cosines of the dev questions (with whether the clause is
    right) and the unanswerable questions' first-clause cosines under each model."""
    from lab.retrieval.finetune_cv import CachingEmbedder, hybrid_for
    from lab.retrieval.rerank import fold_parts, fold_training
    from retrieval.examples import ExampleIndex, example_texts
    from retrieval.passages import corpus_passages
    from retrieval.rerank import RERANK_DEPTH, fit
    from retrieval.train_reranker import held_out_candidates, training_rows

    answerable, right, refused_pool = [], [], []
    previous, parts, retriever = None, None, None
    for i, model in enumerate(models):
        if model is not previous:
            embedder = CachingEmbedder(model)
            embedder.encode(
                [
                    *example_texts([*examples, *extra], categories),
                    *(p.text for p in corpus_passages(clauses)),
                    *(categories.expand(t) for t in unanswerable),
                ]
            )
            retriever = hybrid_for(embedder, clauses, categories)
            parts = fold_parts(held_out_candidates(retriever, examples, extra=extra))
            previous = model
        train_examples, training = fold_training(retriever, parts, extra, i)
        reranker = fit(*training_rows(training))
        for example, question, candidates in parts[i]:
            best = {c.clause_id: c.best for c in candidates}
            top = reranker.scored(question, candidates)[0][0]
            answerable.append(best[top])
            right.append(top in example.clause_ids)
        hybrid = retriever.inner
        hybrid.examples = ExampleIndex(train_examples, hybrid.dense.embedder, categories)
        for text in unanswerable:
            fusion = hybrid.fuse(categories.expand(text), RERANK_DEPTH)
            candidates = fusion.candidates(fusion.order[:RERANK_DEPTH])
            best = {c.clause_id: c.best for c in candidates}
            refused_pool.append(best[reranker.scored(fusion.question, candidates)[0][0]])
        hybrid.examples = None
    return {"answerable": answerable, "right": right, "unanswerable": refused_pool}


def share_at(values, bar: float) -> float:
    return float(np.mean(np.asarray(values) >= bar))


def matching_bar(values, share: float) -> float:
    """The highest bar (3 decimals) that still answers ``share`` of ``values``."""
    ordered = np.sort(np.asarray(values))[::-1]
    k = int(np.ceil(share * len(ordered) - 1e-9))
    return float(np.floor(ordered[max(0, k - 1)] * 1000) / 1000)


def report(label: str, s: dict, bar: float) -> None:
    a, u, r = np.asarray(s["answerable"]), np.asarray(s["unanswerable"]), np.asarray(s["right"])
    print(
        f"{label:>12} bar {bar:.3f}: answerable answered {share_at(a, bar):.3f} "
        f"(right and answered {float(np.mean((a >= bar) & r)):.3f}, right first {r.mean():.3f}), "
        f"unanswerable refused {1 - share_at(u, bar):.3f} (n={len(a)}, {len(u)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument(
        "--questions", type=Path, default=Path("data/retrieval/dev_questions.jsonl")
    )
    parser.add_argument("--models", type=Path, required=True, help="finetune_cv's --out")
    parser.add_argument("--config", default="passages-e2")
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from lab.retrieval.embedders import make_variant
    from lab.retrieval.rerank import _words, bank_extras
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
    from retrieval.embedder import SentenceTransformerEmbedder
    from retrieval.examples import load_examples, load_unanswerable
    from retrieval.expansion import ItemCategories
    from retrieval.kb import load_knowledge_base
    from retrieval.train_reranker import CV_FOLDS

    clauses = load_knowledge_base(args.kb)
    known = [c.clause_id for c in clauses]
    categories = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)
    examples = load_examples(args.questions, known)
    extra = load_examples(bank_extras(args.questions), known)
    scored = {_words(e.question) for e in examples}
    extra = [e for e in extra if _words(e.question) not in scored]
    unanswerable = load_unanswerable(args.questions)

    base_model = make_variant("onnx-fp32").load()
    base = scores([base_model] * CV_FOLDS, clauses, examples, extra, unanswerable, categories)
    report("base", base, SERVED_BAR)
    tuned_models = [
        SentenceTransformerEmbedder(args.models / f"{args.config}-fold{i}", backend="torch").load()
        for i in range(CV_FOLDS)
    ]
    tuned = scores(tuned_models, clauses, examples, extra, unanswerable, categories)
    bar = matching_bar(tuned["answerable"], share_at(base["answerable"], SERVED_BAR))
    report("fine-tuned", tuned, bar)
    report("fine-tuned", tuned, SERVED_BAR)
    print(f"the bar for the fine-tuned model: {bar:.3f}")
    if args.results:
        args.results.write_text(json.dumps({"base": base, "tuned": tuned, "bar": bar}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
