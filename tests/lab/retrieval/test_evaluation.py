from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from lab.retrieval.evaluation import (
    PRIMARY_METRIC,
    EvalQuestion,
    QuestionResult,
    RetrievalEvaluator,
    calibrate_threshold,
    choose_retriever,
    cross_validate_threshold,
    hit_at,
    load_questions,
    ndcg_at,
    recall_at,
    reciprocal_rank,
)
from retrieval.errors import EvaluationDataError
from retrieval.lexical import BM25Retriever


def test_ranking_metrics_on_a_hand_worked_example() -> None:
    ranked = ["A", "B", "C", "D"]
    relevant = ["B", "D"]

    assert recall_at(ranked, relevant, 1) == 0.0
    assert recall_at(ranked, relevant, 3) == 0.5
    assert recall_at(ranked, relevant, 5) == 1.0
    assert hit_at(ranked, relevant, 3) == 1.0
    assert reciprocal_rank(ranked, relevant, 10) == 0.5
    assert reciprocal_rank(ranked, relevant, 1) == 0.0
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(ranked, relevant, 10) == pytest.approx(
        (1 / math.log2(3) + 1 / math.log2(5)) / ideal
    )
    assert ndcg_at(["B", "D"], relevant, 10) == pytest.approx(1.0)


def test_evaluator_reports_primary_metric_on_answerable_questions(tiny_clauses) -> None:
    questions = [
        EvalQuestion("q1", "wallet refund", ("REF-2.1",), True),
        EvalQuestion("q2", "photos of broken item", ("REF-2.2",), True),
        EvalQuestion("q3", "zebra xylophone", (), False),
    ]

    result = RetrievalEvaluator(questions)(BM25Retriever().build(tiny_clauses))

    assert result.primary_metric == PRIMARY_METRIC == "recall@3"
    assert result.primary == 1.0
    assert result.metrics["mrr@10"] == 1.0
    assert result.per_question[2].top_score is None  # BM25 found nothing for the zebra question


def test_calibration_keeps_ninety_percent_answered_and_splits_the_gap() -> None:
    answerable = np.array([0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.2])
    unanswerable = np.array([0.35, 0.3, 0.1])

    threshold = calibrate_threshold(answerable, unanswerable, min_answered=0.9)

    # 9 of 10 must be answered: the lowest kept is 0.4; the next observed score is 0.35.
    assert threshold == pytest.approx(0.375)
    assert (answerable >= threshold).mean() == 0.9
    assert (unanswerable < threshold).all()


def test_calibration_without_lower_scores_uses_the_lowest_kept() -> None:
    assert calibrate_threshold(np.array([0.5, 0.6]), np.array([0.7]), 1.0) == 0.5


def _results(scores, answerable):
    return [
        QuestionResult(
            EvalQuestion(f"q{i}", "text", ("A",) if a else (), a), ("A",) if a else ("B",), s
        )
        for i, (s, a) in enumerate(zip(scores, answerable, strict=True))
    ]


def test_cross_validation_reports_held_out_refusal_figures() -> None:
    rng = np.random.default_rng(1)
    scores = np.concatenate([rng.uniform(0.5, 1.0, 80), rng.uniform(0.0, 0.45, 20)])
    answerable = [True] * 80 + [False] * 20

    report = cross_validate_threshold(_results(scores, answerable))

    assert len(report.fold_thresholds) == 5
    assert report.refused_unanswerable == 1.0  # the classes are separable
    assert report.refusal_precision > 0.5
    assert 0.85 <= report.answered_answerable <= 1.0
    assert 0.45 <= report.threshold <= 0.6
    assert report.correct_when_answered == 1.0


def test_choose_retriever_uses_primary_metric_then_mrr() -> None:
    class R:
        def __init__(self, name, recall, mrr):
            self.retriever, self.primary, self.metrics = name, recall, {"mrr@10": mrr}

    chosen = choose_retriever([R("bm25", 0.7, 0.9), R("dense", 0.8, 0.7), R("hybrid", 0.8, 0.75)])
    assert chosen.retriever == "hybrid"


def _write(path: Path, rows) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_questions_validates_against_the_knowledge_base(tmp_path: Path) -> None:
    good = {"id": "q1", "question": "refund?", "relevant": ["REF-2.1"], "answerable": True}
    none = {"id": "q2", "question": "zebras?", "relevant": [], "answerable": False}
    assert len(load_questions(_write(tmp_path / "ok.jsonl", [good, none]), ["REF-2.1"])) == 2

    cases = [
        ([good, good], "duplicate id"),
        ([{**good, "relevant": ["NOPE-1.1"]}], "NOPE-1.1"),
        ([{**good, "answerable": False}], "exactly when"),
        ([{"id": "q1"}], "not a valid question line"),
    ]
    for rows, fragment in cases:
        with pytest.raises(EvaluationDataError, match=fragment):
            load_questions(_write(tmp_path / "bad.jsonl", rows), ["REF-2.1"])
    with pytest.raises(EvaluationDataError, match="does not exist"):
        load_questions(tmp_path / "missing.jsonl", [])
