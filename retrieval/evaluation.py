"""Retrieval evaluation: BM25, dense and hybrid side by side, plus an honest refusal threshold.

Usage::

    HF_HUB_OFFLINE=1 python -m retrieval.evaluation --kb data/policies \\
        --questions data/eval/policy_questions.jsonl --out reports/retrieval

Ranking metrics (answerable questions only) follow sentence-transformers'
``InformationRetrievalEvaluator``: recall@k = share of a question's relevant clauses in the top
k, averaged; MRR@10; nDCG@10 with binary gains. The primary metric is recall@3, because the
answerer quotes the top clause and the agent console shows the top three.

The "no confident answer" threshold is calibrated with stratified 5-fold cross-validation: on
four folds, pick the highest threshold that still answers >= 90% of answerable questions (that
maximises refused unanswerable questions under the constraint); apply it to the held-out fold.
The pooled held-out decisions give the refusal precision/recall that we report; the deployed
threshold is then the same rule applied to all questions.

For the chosen retriever it also reports what the buyer reads (``retrieval.answer_metrics``):
the share of answerable questions whose quoted answer cites a relevant clause, and the share of
questions with an ``answer_contains`` list whose quote contains every listed string.

Writes metrics.json, report.md, score_distributions.png and misses.json into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.errors import EvaluationDataError, RetrievalError
from retrieval.types import Retriever

PRIMARY_METRIC = "recall@3"
RECALL_KS = (1, 3, 5)
RANK_DEPTH = 10
MIN_ANSWERED = 0.90
CV_FOLDS = 5
RANDOM_STATE = 0


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    question_id: str
    question: str
    relevant: tuple[str, ...]
    answerable: bool
    # Strings the quoted answer must contain (e.g. "15 days") where a fact is the point.
    answer_contains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """One question's ranking: clause ids best first and the top hit's score (None: no hit)."""

    question: EvalQuestion
    ranked: tuple[str, ...]
    top_score: float | None


@dataclass(frozen=True)
class RetrievalResult:
    retriever: str
    metrics: dict[str, float]
    primary_metric: str
    per_question: tuple[QuestionResult, ...] = field(repr=False)

    @property
    def primary(self) -> float:
        return self.metrics[self.primary_metric]


def load_questions(path: Path | str, known_clause_ids: Sequence[str]) -> list[EvalQuestion]:
    """Read the JSONL evaluation set; refuse lines citing unknown clauses or contradicting."""
    source = Path(path)
    if not source.is_file():
        raise EvaluationDataError(f"evaluation set {source} does not exist")
    known = set(known_clause_ids)
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            contains = item.get("answer_contains", [])
            if not isinstance(contains, list):
                raise TypeError("'answer_contains' must be a list of strings")
            question = EvalQuestion(
                str(item["id"]),
                str(item["question"]),
                tuple(item["relevant"]),
                bool(item["answerable"]),
                tuple(str(s) for s in contains),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise EvaluationDataError(f"{source}:{number}: not a valid question line ({e})") from e
        problem = None
        if question.question_id in seen:
            problem = f"duplicate id {question.question_id!r}"
        elif question.answerable != bool(question.relevant):
            problem = "'answerable' must be true exactly when 'relevant' is non-empty"
        elif question.answer_contains and not question.answerable:
            problem = "'answer_contains' is only meaningful for answerable questions"
        elif unknown := [c for c in question.relevant if c not in known]:
            problem = f"cites clause ids missing from the knowledge base: {unknown}"
        if problem:
            raise EvaluationDataError(f"{source}:{number}: {problem}")
        seen.add(question.question_id)
        questions.append(question)
    if not questions:
        raise EvaluationDataError(f"evaluation set {source} has no questions")
    return questions


# -- ranking metrics ---------------------------------------------------------------------


def recall_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def hit_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    return float(bool(set(ranked[:k]) & set(relevant)))


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    for rank, clause_id in enumerate(ranked[:k], start=1):
        if clause_id in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    gains = sum(1.0 / math.log2(rank + 1) for rank, c in enumerate(ranked[:k], 1) if c in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gains / ideal


class RetrievalEvaluator:
    """Runs a retriever over the questions and returns its metrics (primary: recall@3)."""

    primary_metric = PRIMARY_METRIC

    def __init__(self, questions: Sequence[EvalQuestion], *, depth: int = RANK_DEPTH) -> None:
        self.questions = list(questions)
        self.depth = depth

    def __call__(self, retriever: Retriever) -> RetrievalResult:
        results = []
        for question in self.questions:
            hits = retriever.search(question.question, self.depth)
            results.append(
                QuestionResult(
                    question,
                    tuple(h.clause_id for h in hits),
                    hits[0].score if hits else None,
                )
            )
        return RetrievalResult(
            retriever.name, ranking_metrics(results), self.primary_metric, tuple(results)
        )


def ranking_metrics(results: Sequence[QuestionResult]) -> dict[str, float]:
    answerable = [r for r in results if r.question.answerable]
    if not answerable:
        raise EvaluationDataError("no answerable questions to compute ranking metrics on")

    def mean(metric: Callable[[Sequence[str], Sequence[str], int], float], k: int) -> float:
        return float(np.mean([metric(r.ranked, r.question.relevant, k) for r in answerable]))

    metrics = {f"recall@{k}": mean(recall_at, k) for k in RECALL_KS}
    metrics.update({f"hit@{k}": mean(hit_at, k) for k in RECALL_KS})
    metrics["mrr@10"] = mean(reciprocal_rank, 10)
    metrics["ndcg@10"] = mean(ndcg_at, 10)
    return metrics


# -- refusal threshold -------------------------------------------------------------------


def confidence_scores(results: Sequence[QuestionResult]) -> np.ndarray:
    """Top-hit score per question; no hit at all counts as the lowest possible confidence."""
    return np.array([-np.inf if r.top_score is None else r.top_score for r in results])


def calibrate_threshold(
    answerable: np.ndarray, unanswerable: np.ndarray, min_answered: float = MIN_ANSWERED
) -> float:
    """Highest threshold answering >= ``min_answered`` of answerable questions (score >= t).

    Refused unanswerable questions only grow with the threshold, so the highest feasible one
    maximises them. It is placed halfway between the lowest answerable score it must keep and
    the next lower observed score, which gives the same decisions on these questions with a
    margin on both sides.
    """
    answerable = np.sort(np.asarray(answerable, dtype=float))[::-1]
    if answerable.size == 0:
        raise ValueError("need at least one answerable question to calibrate a threshold")
    keep = math.ceil(min_answered * answerable.size - 1e-9)
    lowest_kept = answerable[max(keep, 1) - 1]
    observed = np.concatenate([answerable, np.asarray(unanswerable, dtype=float)])
    below = observed[observed < lowest_kept]
    below = below[np.isfinite(below)]
    if below.size == 0:
        return float(lowest_kept)
    return float((lowest_kept + below.max()) / 2)


@dataclass(frozen=True)
class RefusalReport:
    threshold: float  # calibrated on all questions: the value to deploy
    fold_thresholds: tuple[float, ...]
    answered_answerable: float  # held-out, pooled over folds
    refused_unanswerable: float  # = refusal recall
    refusal_precision: float
    correct_when_answered: float  # answered answerable questions whose top hit is relevant
    confident: tuple[bool, ...] = field(repr=False)  # held-out decision per question


def cross_validate_threshold(
    results: Sequence[QuestionResult],
    *,
    folds: int = CV_FOLDS,
    min_answered: float = MIN_ANSWERED,
    random_state: int = RANDOM_STATE,
) -> RefusalReport:
    from sklearn.model_selection import StratifiedKFold

    scores = confidence_scores(results)
    answerable = np.array([r.question.answerable for r in results])
    confident = np.zeros(len(results), dtype=bool)
    thresholds = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    for train, test in splitter.split(scores, answerable):
        t = calibrate_threshold(
            scores[train][answerable[train]], scores[train][~answerable[train]], min_answered
        )
        thresholds.append(t)
        confident[test] = scores[test] >= t
    refused = ~confident
    top_relevant = np.array(
        [bool(r.ranked) and r.ranked[0] in r.question.relevant for r in results]
    )
    answered_ok = confident & answerable
    return RefusalReport(
        threshold=calibrate_threshold(scores[answerable], scores[~answerable], min_answered),
        fold_thresholds=tuple(thresholds),
        answered_answerable=float(confident[answerable].mean()),
        refused_unanswerable=float(refused[~answerable].mean())
        if (~answerable).any()
        else float("nan"),
        refusal_precision=float((~answerable)[refused].mean()) if refused.any() else float("nan"),
        correct_when_answered=float(top_relevant[answered_ok].mean())
        if answered_ok.any()
        else float("nan"),
        confident=tuple(bool(c) for c in confident),
    )


def choose_retriever(results: Sequence[RetrievalResult]) -> RetrievalResult:
    """Highest primary metric; MRR@10 breaks ties."""
    return max(results, key=lambda r: (round(r.primary, 6), r.metrics["mrr@10"]))


# -- reporting ---------------------------------------------------------------------------


def _misses(result: RetrievalResult, refusal: RefusalReport) -> dict[str, list[dict]]:
    ranking, wrongly_answered, wrongly_refused = [], [], []
    for r, confident in zip(result.per_question, refusal.confident, strict=True):
        q = r.question
        entry = {
            "id": q.question_id,
            "question": q.question,
            "relevant": list(q.relevant),
            "top3": list(r.ranked[:3]),
            "top_score": r.top_score,
        }
        if q.answerable and not set(r.ranked[:3]) & set(q.relevant):
            ranking.append(entry)
        if q.answerable and not confident:
            wrongly_refused.append(entry)
        if not q.answerable and confident:
            wrongly_answered.append(entry)
    return {
        "relevant_not_in_top3": ranking,
        "answerable_refused": wrongly_refused,
        "unanswerable_answered": wrongly_answered,
    }


def _plot(path: Path, result: RetrievalResult, refusal: RefusalReport) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = confidence_scores(result.per_question)
    answerable = np.array([r.question.answerable for r in result.per_question])
    finite = np.isfinite(scores)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    bins = np.linspace(scores[finite].min(), scores[finite].max(), 30)
    left.hist(
        scores[finite & answerable],
        bins=bins,
        alpha=0.6,
        label=f"answerable (n={answerable.sum()})",
    )
    left.hist(
        scores[finite & ~answerable],
        bins=bins,
        alpha=0.6,
        label=f"unanswerable (n={(~answerable).sum()})",
    )
    left.axvline(
        refusal.threshold, color="black", linestyle="--", label=f"threshold {refusal.threshold:.3f}"
    )
    left.set_xlabel(f"top-hit score ({result.retriever})")
    left.set_ylabel("questions")
    left.set_title("Top-hit score by question type")
    left.legend()

    grid = np.linspace(scores[finite].min(), scores[finite].max(), 200)
    right.plot(grid, [(scores[answerable] >= t).mean() for t in grid], label="answerable answered")
    right.plot(grid, [(scores[~answerable] < t).mean() for t in grid], label="unanswerable refused")
    right.axhline(
        MIN_ANSWERED, color="grey", linestyle=":", label=f"{MIN_ANSWERED:.0%} answered floor"
    )
    right.axvline(refusal.threshold, color="black", linestyle="--")
    right.set_xlabel("threshold")
    right.set_ylabel("share of questions (all questions, in-sample)")
    right.set_title("Threshold curve")
    right.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _percent(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.1%}"


def _markdown(summary: dict, misses: dict[str, list[dict]]) -> str:
    names = list(summary["retrievers"])
    metric_names = ["recall@1", "recall@3", "recall@5", "hit@1", "hit@3", "mrr@10", "ndcg@10"]
    lines = [
        "# Retrieval evaluation",
        "",
        f"Run {summary['created_at']}; knowledge base "
        f"{summary['knowledge_base']['clauses']} clauses "
        f"(corpus {summary['knowledge_base']['corpus_hash'][:12]}); "
        f"{summary['questions']['answerable']} answerable and "
        f"{summary['questions']['unanswerable']} unanswerable questions; "
        f"embedder `{summary['embedder']}`.",
        "",
        f"Ranking metrics on answerable questions. Primary metric: **{PRIMARY_METRIC}** "
        "(recall = share of a question's relevant clauses found; hit = at least one found).",
        "",
        "| metric | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---:" for _ in names) + " |",
    ]
    for m in metric_names:
        lines.append(
            f"| {m} | "
            + " | ".join(f"{summary['retrievers'][n]['metrics'][m]:.3f}" for n in names)
            + " |"
        )
    lines += [
        "",
        f"Refusal threshold per retriever ({CV_FOLDS}-fold stratified cross-validation, "
        f">= {MIN_ANSWERED:.0%} answerable answered on the calibration folds; "
        "figures are held-out):",
        "",
        "| | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---:" for _ in names) + " |",
    ]
    rows = [
        ("threshold (all questions)", "threshold", "{:.3f}"),
        ("answerable answered", "answered_answerable", "{:.1%}"),
        ("unanswerable refused (refusal recall)", "refused_unanswerable", "{:.1%}"),
        ("refusal precision", "refusal_precision", "{:.1%}"),
        ("top hit relevant when answered", "correct_when_answered", "{:.1%}"),
    ]
    for label, key, fmt in rows:
        lines.append(
            f"| {label} | "
            + " | ".join(fmt.format(summary["retrievers"][n]["refusal"][key]) for n in names)
            + " |"
        )
    chosen = summary["chosen"]
    lines += [
        "",
        f"**Chosen retriever: `{chosen['retriever']}`** "
        f"(highest {PRIMARY_METRIC}, MRR@10 breaks ties), "
        f"**threshold {chosen['threshold']:.3f}** on its top-hit score "
        f"(fold thresholds {', '.join(f'{t:.3f}' for t in chosen['fold_thresholds'])}).",
        "",
        "What the buyer reads (the chosen retriever's quoted answer, threshold off): "
        f"answer cites a relevant clause **{chosen['answer_correct']:.1%}**; answer contains "
        f"the asked-for fact **{_percent(chosen['answer_contains'])}** "
        f"(of {chosen['answer_contains_questions']} questions with `answer_contains`).",
        "",
        "![score distributions](score_distributions.png)",
        "",
    ]
    sections = [
        ("relevant_not_in_top3", "Answerable questions without a relevant clause in the top 3"),
        ("answerable_refused", "Answerable questions refused (held-out decision)"),
        ("unanswerable_answered", "Unanswerable questions answered (held-out decision)"),
    ]
    lines += [
        f"## Quoted answers citing a wrong clause or missing the fact "
        f"({len(misses.get('answer_wrong_or_missing_fact', []))})",
        "",
        "Listed in misses.json.",
        "",
    ]
    for key, title in sections:
        lines += [f"## {title} ({len(misses[key])})", ""]
        if misses[key]:
            lines += [
                "| id | question | relevant | top 3 | top score |",
                "| --- | --- | --- | --- | ---: |",
            ]
            for m in misses[key]:
                score = "-" if m["top_score"] is None else f"{m['top_score']:.3f}"
                question = m["question"].replace("|", "\\|")
                lines.append(
                    f"| {m['id']} | {question} | {', '.join(m['relevant']) or '-'} "
                    f"| {', '.join(m['top3'])} | {score} |"
                )
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Evaluate BM25, dense and hybrid retrieval.")
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--questions", type=Path, default=Path("data/eval/policy_questions.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("reports/retrieval"))
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.answer import PolicyAnswerer
    from retrieval.answer_metrics import answer_misses, evaluate_answers
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
    from retrieval.embedder import make_embedder
    from retrieval.expansion import ItemCategories
    from retrieval.factory import RETRIEVER_NAMES, make_retriever
    from retrieval.kb import corpus_hash, load_knowledge_base

    try:
        clauses = load_knowledge_base(args.kb)
        questions = load_questions(args.questions, [c.clause_id for c in clauses])
        embedder = make_embedder().load()
        evaluator = RetrievalEvaluator(questions)
        results = [
            evaluator(make_retriever(name, clauses, embedder=embedder)) for name in RETRIEVER_NAMES
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
        make_retriever(chosen.retriever, clauses, embedder=embedder, item_categories=categories),
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
    misses = _misses(chosen, chosen_refusal)
    misses["answer_wrong_or_missing_fact"] = answer_misses(answer_results)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (args.out / "misses.json").write_text(
        json.dumps(misses, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    _plot(args.out / "score_distributions.png", chosen, chosen_refusal)
    (args.out / "report.md").write_text(_markdown(summary, misses), encoding="utf-8")

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
        f"{_percent(answer_figures['answer_contains'])} "
        f"(of {answer_figures['answer_contains_questions']}); report in {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
