"""What the buyer sees: is the quoted answer from a relevant clause, and does it state the fact?

The ranking metrics judge the list; the bot quotes only the top clause, and only some of its
sentences. ``answer_correct`` is the share of answerable questions whose quoted answer cites a
relevant clause; ``answer_contains`` is the share of questions carrying an ``answer_contains``
list (e.g. ``["15 days"]``) whose quoted text contains every string. Both are measured with
the refusal threshold switched off, so they judge the quote and not the threshold (the
refusal figures cover that).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from retrieval.answer import PolicyAnswer

ANSWER_METRICS = ("answer_correct", "answer_contains", "answer_two_clauses")


class Answerer(Protocol):
    def answer(self, question: str) -> PolicyAnswer: ...


@dataclass(frozen=True, slots=True)
class AnswerResult:
    question_id: str
    question: str
    relevant: tuple[str, ...]
    answer_contains: tuple[str, ...]
    citations: tuple[str, ...]
    text: str

    @property
    def cites_relevant(self) -> bool:
        return bool(set(self.citations) & set(self.relevant))

    @property
    def contains_all(self) -> bool:
        text = _normalise(self.text)
        return all(_normalise(s) in text for s in self.answer_contains)


def _normalise(text: str) -> str:
    """Case, dash and space variants of the same fact compare equal ("5–10" == "5-10")."""
    return re.sub(r"\s+", " ", re.sub(r"[\u2010-\u2015]", "-", text.lower()))


def evaluate_answers(answerer: Answerer, questions: Sequence) -> tuple[dict, list[AnswerResult]]:
    """``questions``: ``evaluation.EvalQuestion``s; only the answerable ones are asked."""
    results = []
    for q in questions:
        if not q.answerable:
            continue
        reply = answerer.answer(q.question)
        results.append(
            AnswerResult(
                q.question_id,
                q.question,
                q.relevant,
                q.answer_contains,
                reply.citations,
                reply.text,
            )
        )
    with_facts = [r for r in results if r.answer_contains]
    metrics = {
        "answer_correct": _share([r.cites_relevant for r in results]),
        "answer_contains": _share([r.contains_all for r in with_facts]),
        "answer_contains_questions": len(with_facts),
        # Answers quoting two clauses (the re-ranker could not tell them apart): the price of
        # answer_correct counting either.
        "answer_two_clauses": _share([len(r.citations) > 1 for r in results]),
    }
    return metrics, results


def answer_misses(results: Sequence[AnswerResult]) -> list[dict]:
    """Questions whose quote cites a wrong clause or lacks a required fact (for misses.json)."""
    return [
        {
            "id": r.question_id,
            "question": r.question,
            "relevant": list(r.relevant),
            "cited": list(r.citations),
            "answer_contains": list(r.answer_contains),
            "answer": r.text,
        }
        for r in results
        if not r.cites_relevant or not r.contains_all
    ]


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")
