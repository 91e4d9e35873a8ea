"""Does fine-tuning MiniLM on the example questions improve policy retrieval? 5-fold CV.

Usage: ``python -m lab.retrieval.finetune_cv [--configs whole-e1 whole-e3 ...] [--out DIR]``

The protocol of ``lab.retrieval.rerank`` (same folds, same candidates, same re-ranker), run
once with the packaged MiniLM on the torch backend (the baseline) and, per training
configuration, once per fold with a MiniLM fine-tuned (``lab.retrieval.finetune``) on that
fold's training examples only: the other four folds' dev questions and the rest of the bank
(the buyers' examples), never the fold's own questions. The fold's hybrid is rebuilt with its
model (clause passages and example questions embedded by it) and the fold scored as
``lab.retrieval.rerank`` does. Printed for the scored dev questions, over the 5 folds:

- ``dense``: the dense retriever alone (MiniLM over the clause passages, max-sim; no BM25, no
  example questions), queried with the expanded question as the hybrid queries it;
- ``RRF``: the hybrid's fused order (``held_out_candidates``);
- ``re-ranked``: that order re-ranked by a re-ranker trained on the fold's training candidates
  (``lab.retrieval.rerank.fold_training``). With a fine-tuned model, those candidates' cosines
  come from a model trained on those very questions (inflated);
- ``re-ranked, cross-fit``: a re-ranker trained instead on the other four folds' own scored
  candidates, each found by the model that did not see that fold (model j for fold j), and no
  buyers' examples' candidates (every model saw those). Model j did see fold i's questions,
  a second-order leak into fold i's re-ranker (it learns 14 weights from model j's features).
  The baseline gets the same re-ranker (other folds' candidates only) as its control.

Also printed: the questions whose top 1 each configuration fixed and broke against the
baseline (exact sign test), each fold's re-ranked recall@1 and the fine-tuning cost. Models
are saved under ``--out`` (default /tmp/ft14/models), never in the repository. Never run on
the held-out set.

Run 2026-12-05 (509 dev questions, 623 extra examples; recall@1 / recall@3 / MRR@10):

- base (torch, = ONNX fp32): dense 0.651/0.875/0.776, RRF 0.745/0.928/0.847, re-ranked
  0.817/0.955/0.895 (cross-fit control 0.809/0.951/0.889);
- passages-e1: dense 0.725/0.927/0.834, RRF 0.766/0.946/0.866, re-ranked 0.832/0.973/0.908
  (cross-fit 0.837/0.969/0.909); re-ranked top 1 +21 -14 questions against base, p 0.31;
- passages-e2: dense 0.769/0.938/0.861, RRF 0.788/0.945/0.877, re-ranked 0.850/0.970/0.917
  (cross-fit 0.857/0.971/0.922); re-ranked top 1 +30 -14, p 0.023; better than base in 4 of
  5 folds. whole-e1 was not run (time).
"""

from __future__ import annotations

import argparse
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from lab.retrieval.evaluation import EvalQuestion, QuestionResult, ranking_metrics

REPORTED = ("recall@1", "recall@3", "mrr@10")
CONFIGS = {
    "passages-e1": {"positive": "passages", "epochs": 1},
    "passages-e2": {"positive": "passages", "epochs": 2},
    "whole-e1": {"positive": "whole", "epochs": 1},
}
ROWS = ("dense", "RRF", "re-ranked", "re-ranked, cross-fit")


class CachingEmbedder:
    """Remembers every text's vector (batches too): each text is embedded once per model."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            vectors = self.inner.encode(missing)
            with self._lock:
                self._vectors.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.stack([self._vectors[t] for t in texts]), dtype=np.float32)


def hybrid_for(embedder, clauses, categories):
    """The hybrid the dev protocol uses (no examples, no re-ranker: held_out_candidates sets
    the examples), with ``embedder``; every query and passage text embedded up front."""
    from retrieval.expansion import ExpandingRetriever
    from retrieval.factory import make_retriever

    retriever = make_retriever(
        "hybrid", clauses, embedder=embedder, item_categories=categories, examples=None
    )
    assert isinstance(retriever, ExpandingRetriever)
    return retriever


def fold_scores(retriever, parts, extra, i, categories) -> dict[str, list[QuestionResult]]:
    """Fold ``i`` scored as ``lab.retrieval.rerank`` does (RRF, re-ranked by a re-ranker of
    the fold's training candidates), plus the dense retriever alone; ``parts``' candidates
    found with ``retriever``."""
    from lab.retrieval.rerank import fold_training
    from retrieval.rerank import fit
    from retrieval.train_reranker import training_rows

    _, training = fold_training(retriever, parts, extra, i)
    reranker = fit(*training_rows(training))
    dense = retriever.inner.dense
    out: dict[str, list[QuestionResult]] = {"dense": [], "RRF": [], "re-ranked": []}
    for number, (example, question, candidates) in enumerate(parts[i]):
        q = EvalQuestion(f"{i}-{number}", example.question, example.clause_ids, True)
        hits = dense.search(categories.expand(example.question), 10)
        out["dense"].append(QuestionResult(q, tuple(h.clause_id for h in hits), None))
        out["RRF"].append(QuestionResult(q, tuple(c.clause_id for c in candidates), None))
        out["re-ranked"].append(
            QuestionResult(q, tuple(reranker.order(question, candidates)), None)
        )
    return out


def cross_fit(parts_by_fold: list[list[list]], i: int) -> list[QuestionResult]:
    """Fold ``i`` re-ranked by a re-ranker trained on folds j != i's scored candidates, each
    as found by fold j's own model (``parts_by_fold[j][j]``)."""
    from retrieval.rerank import fit
    from retrieval.train_reranker import training_rows

    training = [item for j, parts in enumerate(parts_by_fold) if j != i for item in parts[j]]
    reranker = fit(*training_rows(training))
    out = []
    for number, (example, question, candidates) in enumerate(parts_by_fold[i][i]):
        q = EvalQuestion(f"{i}-{number}", example.question, example.clause_ids, True)
        out.append(QuestionResult(q, tuple(reranker.order(question, candidates)), None))
    return out


def run(label: str, models: Sequence, clauses, examples, extra, categories) -> dict:
    """Score all folds; ``models[i]`` is fold i's loaded embedder (the same one for the base)."""
    from lab.retrieval.rerank import fold_parts
    from retrieval.examples import example_texts
    from retrieval.passages import corpus_passages
    from retrieval.rerank import folds
    from retrieval.train_reranker import CV_FOLDS, held_out_candidates

    dev_folds = folds(examples, CV_FOLDS)

    results: dict[str, list[QuestionResult]] = {row: [] for row in ROWS}
    per_fold: dict[str, list[float]] = {row: [] for row in ROWS}
    parts_by_fold = []
    previous = None
    for i, model in enumerate(models):
        if model is not previous:  # the base model serves every fold: its candidates once
            embedder = CachingEmbedder(model)
            # Warm the cache in batches: every query, example and passage text embedded.
            embedder.encode(
                [
                    *example_texts([*examples, *extra], categories),
                    *(p.text for p in corpus_passages(clauses)),
                ]
            )
            retriever = hybrid_for(embedder, clauses, categories)
            parts = fold_parts(held_out_candidates(retriever, examples, extra=extra))
            previous = model
        assert [e for e, _, _ in parts[i]] == list(dev_folds[i]), "folds differ"
        parts_by_fold.append(parts)
        for row, fold in fold_scores(retriever, parts, extra, i, categories).items():
            results[row].extend(fold)
            per_fold[row].append(ranking_metrics(fold)["recall@1"])
    for i in range(len(models)):
        fold = cross_fit(parts_by_fold, i)
        results["re-ranked, cross-fit"].extend(fold)
        per_fold["re-ranked, cross-fit"].append(ranking_metrics(fold)["recall@1"])
    table = {row: {m: ranking_metrics(r)[m] for m in REPORTED} for row, r in results.items()}
    top1 = {
        row: [int(r.ranked[0] in r.question.relevant) for r in rs] for row, rs in results.items()
    }
    return {
        "label": label,
        "metrics": table,
        "fold_recall@1": per_fold,
        "n": len(results["RRF"]),
        "top1": top1,
    }


def print_table(runs: Sequence[dict]) -> None:
    print(f"{'model':>14} {'ranking':>21} " + " ".join(f"{m:>9}" for m in REPORTED))
    for r in runs:
        for row in ROWS:
            values = " ".join(f"{r['metrics'][row][m]:9.3f}" for m in REPORTED)
            print(f"{r['label']:>14} {row:>21} {values}")
    base = runs[0]
    print(f"top-1 right/wrong against {base['label']} (questions fixed, broken; sign test p):")
    for r in runs[1:]:
        for row in ROWS:
            fixed = sum(b < a for a, b in zip(r["top1"][row], base["top1"][row], strict=True))
            broken = sum(b > a for a, b in zip(r["top1"][row], base["top1"][row], strict=True))
            p = sign_test(fixed, broken)
            print(f"{r['label']:>14} {row:>21} +{fixed} -{broken}  p={p:.3f}")
    print("re-ranked recall@1 per fold (min-max):")
    for r in runs:
        for row in ("re-ranked", "re-ranked, cross-fit"):
            folds = r["fold_recall@1"][row]
            print(
                f"{r['label']:>14} {row:>21} "
                + " ".join(f"{x:.3f}" for x in folds)
                + f"  ({min(folds):.3f}-{max(folds):.3f})"
            )


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact sign test (binomial, p = 1/2) on the questions that changed."""
    from math import comb

    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(comb(n, k) for k in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2 * tail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument(
        "--questions", type=Path, default=Path("data/retrieval/dev_questions.jsonl")
    )
    parser.add_argument("--configs", nargs="*", choices=sorted(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--out", type=Path, default=Path("/tmp/ft14/models"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--results", type=Path, default=None, help="write the runs here (JSON)")
    parser.add_argument("--no-base", action="store_true", help="skip the baseline run")
    parser.add_argument(
        "--reuse", action="store_true", help="load fold models saved by an earlier run's config"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from lab.retrieval.embedders import make_variant
    from lab.retrieval.finetune import FineTuneConfig, fine_tune
    from lab.retrieval.rerank import _words, bank_extras
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
    from retrieval.embedder import SentenceTransformerEmbedder
    from retrieval.examples import load_examples
    from retrieval.expansion import ItemCategories
    from retrieval.kb import load_knowledge_base
    from retrieval.rerank import folds
    from retrieval.train_reranker import CV_FOLDS

    torch.set_num_threads(args.threads)
    clauses = load_knowledge_base(args.kb)
    known = [c.clause_id for c in clauses]
    categories = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)
    examples = load_examples(args.questions, known)
    extra = load_examples(bank_extras(args.questions), known)
    scored = {_words(e.question) for e in examples}  # as lab.retrieval.rerank.dev_candidates
    extra = [e for e in extra if _words(e.question) not in scored]
    # held_out_candidates deals the folds with retrieval.rerank.folds: the same split here.
    dev_folds = folds(examples, CV_FOLDS)

    runs = []
    if not args.no_base:
        base = make_variant("torch").load()
        runs.append(run("base (torch)", [base] * CV_FOLDS, clauses, examples, extra, categories))
        print_table(runs)
    costs = {}
    for name in args.configs:
        config = FineTuneConfig(threads=args.threads, **CONFIGS[name])
        models, costs[name] = [], []
        for i in range(CV_FOLDS):
            train = [e for j, part in enumerate(dev_folds) if j != i for e in part] + extra
            out = args.out / f"{name}-fold{i}"
            saved = out / "finetune_report.json"
            if (
                args.reuse
                and saved.is_file()
                and json.loads(saved.read_text())["config"] == (asdict(config))
            ):
                report = json.loads(saved.read_text())  # trained by an earlier run
            else:
                report = fine_tune(train, clauses, out, config, categories=categories)
            costs[name].append(report)
            print(
                f"{name} fold {i}: {report['examples']} examples, {report['steps']} steps, "
                f"losses {report['epoch_losses']}, {report['wall_seconds']}s wall, "
                f"{report['cpu_seconds']}s CPU",
                flush=True,
            )
            models.append(SentenceTransformerEmbedder(out, backend="torch").load())
        runs.append(run(name, models, clauses, examples, extra, categories))
        print_table(runs)
        if args.results:
            args.results.write_text(json.dumps({"runs": runs, "costs": costs}, indent=1))
    print(f"{runs[0]['n'] if runs else 0} dev questions scored; {len(extra)} extra examples")
    if args.results:
        args.results.write_text(json.dumps({"runs": runs, "costs": costs}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
