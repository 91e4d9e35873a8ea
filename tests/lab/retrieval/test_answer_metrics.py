from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from lab.retrieval.answer_metrics import answer_misses, evaluate_answers
from lab.retrieval.evaluation import EvalQuestion, load_questions
from retrieval.answer import PolicyAnswer
from retrieval.errors import EvaluationDataError
from retrieval.kb import load_knowledge_base

REPO_ROOT = Path(__file__).resolve().parents[3]


class CannedAnswerer:
    """Answers from a table: isolates the metric from retrieval."""

    def __init__(self, replies: dict[str, tuple[str, str]]) -> None:
        self.replies = replies
        self.asked: list[str] = []

    def answer(self, question: str) -> PolicyAnswer:
        self.asked.append(question)
        clause_id, text = self.replies[question]
        return PolicyAnswer(text, (clause_id,), True, ())


def test_answer_figures_judge_the_citation_and_the_stated_fact() -> None:
    questions = [
        EvalQuestion("q1", "earbuds window", ("RET-2.1",), True, ("15 days",)),
        EvalQuestion("q2", "dress window", ("RET-2.1",), True, ("30 days",)),
        EvalQuestion("q3", "card refund", ("REF-5.1",), True, ("5-10 business days",)),
        EvalQuestion("q4", "photos", ("DMG-3.5",), True),
        EvalQuestion("q5", "zebras", (), False),
    ]
    answerer = CannedAnswerer(
        {
            "earbuds window": ("RET-2.1", "For electronics the window is shorter: 15 days."),
            "dress window": ("RET-2.1", "For electronics the window is shorter: 15 days."),
            # An en dash in the policy matches a hyphen in the expected fact.
            "card refund": ("REF-5.1", "Card refunds take 5\u201310 Business Days."),
            "photos": ("DMG-3.1", "Report within 15 days."),
        }
    )

    figures, results = evaluate_answers(answerer, questions)

    assert "zebras" not in answerer.asked  # unanswerable questions are not asked
    assert figures["answer_correct"] == pytest.approx(3 / 4)
    assert figures["answer_contains"] == pytest.approx(2 / 3)
    assert figures["answer_contains_questions"] == 3
    assert [m["id"] for m in answer_misses(results)] == ["q2", "q4"]


def test_without_expected_facts_the_contains_figure_is_undefined() -> None:
    questions = [EvalQuestion("q1", "photos", ("DMG-3.5",), True)]
    figures, _ = evaluate_answers(
        CannedAnswerer({"photos": ("DMG-3.5", "Send a photo.")}), questions
    )

    assert figures["answer_correct"] == 1.0
    assert math.isnan(figures["answer_contains"])


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_questions_reads_and_checks_answer_contains(tmp_path: Path) -> None:
    good = {"id": "q1", "question": "how long?", "relevant": ["R-1.1"], "answerable": True}
    rows = [{**good, "answer_contains": ["15 days"]}]
    assert load_questions(_write(tmp_path / "ok.jsonl", rows), ["R-1.1"])[0].answer_contains == (
        "15 days",
    )
    assert (
        load_questions(_write(tmp_path / "plain.jsonl", [good]), ["R-1.1"])[0].answer_contains == ()
    )

    bad = [
        ([{**good, "answer_contains": "15 days"}], "list of strings"),
        (
            [
                {
                    "id": "q2",
                    "question": "x",
                    "relevant": [],
                    "answerable": False,
                    "answer_contains": ["a"],
                }
            ],
            "only meaningful for answerable",
        ),
    ]
    for rows, fragment in bad:
        with pytest.raises(EvaluationDataError, match=fragment):
            load_questions(_write(tmp_path / "bad.jsonl", rows), ["R-1.1"])


def test_dev_questions_state_facts_their_relevant_clauses_contain() -> None:
    """Every expected fact of the dev set is quotable: it is in one of the relevant clauses."""
    clauses = {c.clause_id: c for c in load_knowledge_base(REPO_ROOT / "data/policies")}
    questions = load_questions(REPO_ROOT / "data/retrieval/dev_questions.jsonl", list(clauses))

    def norm(text: str) -> str:
        return text.lower().replace("\u2013", "-")

    assert len(questions) >= 500
    with_facts = [q for q in questions if q.answer_contains]
    assert with_facts
    for q in with_facts:
        for fact in q.answer_contains:
            assert any(norm(fact) in norm(clauses[c].text) for c in q.relevant), (
                q.question_id,
                fact,
            )
