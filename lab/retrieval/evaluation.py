"""Retrieval evaluation: BM25, dense and hybrid side by side, plus an honest refusal threshold.

The command line is `lab.retrieval.evaluate`; the report's pieces are
`lab.retrieval.evaluation_report`.

Ranking metrics (answerable questions only) follow sentence-transformers'
``InformationRetrievalEvaluator``: recall@k = share of a question's relevant clauses in the top
k, averaged; MRR@10; nDCG@10 with binary gains. The primary metric is recall@3, because the
answerer quotes the top clause and the agent console shows the top three.

The "no confident answer" threshold is calibrated with stratified 5-fold cross-validation: on
four folds, pick the highest threshold that still answers >= 90% of answerable questions (that
maximises refused unanswerable questions under the constraint); apply it to the held-out fold.
The pooled held-out decisions give the refusal precision/recall that we report; the deployed
threshold is then the same rule applied to all questions.

For the chosen retriever it also reports what the buyer reads (``lab.retrieval.answer_metrics``):
the share of answerable questions whose quoted answer cites a relevant clause, and the share of
questions with an ``answer_contains`` list whose quote contains every listed string.

"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retrieval.errors import EvaluationDataError
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
